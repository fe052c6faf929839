"""Splink (DuckDB backend) between the rows to link and the persons.

Each row's candidate pairs are scored with the comparisons of :mod:`xuncha.link.comparisons`;
the match probability of a pair is then re-read against the row's other candidates, since a row
names at most one person: ``p_i = λ·BF_i / ((1 - s) + λ·Σ_j BF_j)``, ``λ = s / persons`` the prior
that a row names one given person and ``s = PRIOR_SHARE`` that it names some known person (the
``1 - s`` term is the row naming nobody in ``persons``). Two namesakes with the same birth date
thus share the probability and go to review instead of one being linked by chance.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.engine.duckdb_engine import connect
from xuncha.link.comparisons import BLOCKING_KEYS, CHINESE, CHINESE_BLOCKING, Comparison

PRIOR_SHARE = 0.8  # the share of rows that name some known person
MIN_WEIGHT = -8.0  # pairs scored below this match weight are not kept
TOP = 3  # candidates kept per row (the next best is used when the best is rejected)
U_PAIRS = 2e6


@dataclass(frozen=True)
class Model:
    comparisons: tuple[Comparison, ...] = CHINESE
    blocking: tuple[str, ...] = CHINESE_BLOCKING
    train_u: bool = True


def score(rows: pa.Table, persons: pa.Table, model: Model = Model(), *, seed: int = 7) -> pa.Table:
    """Scored pairs ``(uid, person, weight)`` with match weight above ``MIN_WEIGHT``.
    ``uid`` is the row's ``uid`` (the ``row:`` prefix dropped), ``person`` the person key."""
    if rows.num_rows == 0 or persons.num_rows == 0:
        return _empty()
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    con = connect()
    db = DuckDBAPI(connection=con)
    if any(key in rule for rule in model.blocking for key in BLOCKING_KEYS):
        rows, persons = row_keys(rows), person_keys(persons)
    left = db.register(rows, table_name="rows_to_link")
    right = db.register(persons, table_name="persons_to_link")
    prior = PRIOR_SHARE / persons.num_rows
    settings = {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": prior,
        "comparisons": [c.settings() for c in model.comparisons],
        "blocking_rules_to_generate_predictions": list(model.blocking),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
    linker = Linker([left, right], settings, log_level=None)
    if model.train_u:
        pairs = min(U_PAIRS, float(rows.num_rows) * persons.num_rows)
        linker.training.estimate_u_using_random_sampling(
            max_pairs=pairs, seed=seed, min_count_per_level=None, num_chunks=1
        )
    predictions = linker.inference.predict(threshold_match_weight=MIN_WEIGHT)
    return _pairs(con, predictions.physical_name)


def blocked_pairs(rows: pa.Table, persons: pa.Table, blocking: Sequence[str] = CHINESE_BLOCKING) -> pa.Table:
    """The distinct ``(row, person)`` uid pairs the blocking rules put before the comparisons —
    what Splink scores, computed here to count and test them."""
    con = connect()
    con.register("l", row_keys(rows))
    con.register("r", person_keys(persons))
    union = " union ".join(f"select l.uid as row_uid, r.uid as person_uid from l join r on {rule}" for rule in blocking)
    pairs = con.sql(f"select * from ({union}) order by all").to_arrow_table()
    con.close()
    return pairs


def row_keys(rows: pa.Table) -> pa.Table:
    """The blocking keys of rows that give no birth date: their village, and their county when
    they name no town either (null otherwise)."""
    undated = pc.is_null(rows["birth_month"])
    no_town = pc.and_(undated, pc.is_null(rows["town"]))
    village = pc.if_else(undated, rows["village"], pa.scalar(None, pa.string()))
    region = pc.if_else(no_town, rows["region_b"], pa.scalar(None, pa.string()))
    return rows.append_column("undated_village", village).append_column("undated_region", region)


def person_keys(persons: pa.Table) -> pa.Table:
    """A person's side of the same keys: the village and county of the hukou address."""
    return persons.append_column("undated_village", persons["village"]).append_column(
        "undated_region", persons["region_b"]
    )


def _pairs(con: duckdb.DuckDBPyConnection, table: str) -> pa.Table:
    sql = f"""
        select case when starts_with(uid_l, 'row:') then uid_l else uid_r end as row_uid,
               case when starts_with(uid_l, 'row:') then uid_r else uid_l end as person_uid,
               match_weight
        from {table}
    """
    pairs = con.sql(f"""
        select cast(substr(row_uid, 5) as bigint) as uid, substr(person_uid, 8) as person, match_weight as weight
        from ({sql})
    """).to_arrow_table()
    con.close()
    return pairs


def _empty() -> pa.Table:
    return pa.schema([("uid", pa.int64()), ("person", pa.string()), ("weight", pa.float64())]).empty_table()


def _label_sql(c: Comparison) -> str:
    whens = " ".join(f"WHEN {level.sql} THEN '{level.label}'" for level in c.levels)
    return f"CASE WHEN {c.null_sql} THEN NULL {whens} END AS ev_{c.name}"


def label_pairs(
    pairs: pa.Table, rows: pa.Table, persons: pa.Table, comparisons: Sequence[Comparison]
) -> list[list[str]]:
    """Per pair (in order), the labels of the levels it falls in — the same SQL as Splink's."""
    if pairs.num_rows == 0:
        return []
    con = connect()
    con.register("pairs", pairs.append_column("ord", pa.array(range(pairs.num_rows), pa.int64())))
    con.register("rows_f", rows)
    con.register("persons_f", persons)
    features = [n for n in rows.column_names if n != "uid"]
    sides = ", ".join(f"r.{n} AS {n}_l, p.{n} AS {n}_r" for n in features)
    labels = ", ".join(_label_sql(c) for c in comparisons)
    result = con.sql(f"""
        select ord, {labels} from (
            select t.ord, {sides} from pairs t
            join rows_f r on r.uid = 'row:' || t.uid
            join persons_f p on p.uid = 'person:' || t.person)
        order by ord
    """).to_arrow_table()
    con.close()
    columns = [result[f"ev_{c.name}"].to_pylist() for c in comparisons]
    return [[label for label in labels_ if label] for labels_ in zip(*columns, strict=True)]
