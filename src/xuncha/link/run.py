"""``link(bundle)``: every departmental row that names a person, linked to a person key.

1. exact: the loader resolved the ID number or person_id (``id_exact``), or a 15-digit number
   upgrades to a known one (``id_15_upgraded``) — linked, probability 1;
2. near numbers (:mod:`xuncha.link.exact`) — candidates, never linked automatically;
3. every other row — Splink (:mod:`xuncha.link.probabilistic`); a row that carries a number
   no known person has can at most be a candidate (``id_unknown``).
Confirmed pairs of the decisions file are linked (``confirmed``); rejected pairs are never used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.model import Bundle
from xuncha.identity.idcard import parse_id
from xuncha.link.decisions import Decisions, read_decisions
from xuncha.link.exact import NEAR_PROBABILITY, near_numbers, number_of
from xuncha.link.features import id_shaped
from xuncha.link.model import CANDIDATE, LINK_SCHEMA, LINKED, UNLINKED, LinkResult
from xuncha.link.probabilistic import PRIOR_SHARE, TOP, Model, label_pairs, score
from xuncha.link.review import review_table
from xuncha.link.rows import person_features, person_rows, row_features

LINK_AT = 0.95
REVIEW_AT = 0.5


@dataclass(frozen=True)
class Option:
    person: str
    probability: float
    evidence: tuple[str, ...]
    automatic: bool  # may be linked without review


def link(bundle: Bundle, *, decisions: Path | None = None, model: Model | None = None) -> LinkResult:
    """Link every person row of the bundle's departmental tables (see the module docstring)."""
    choice = read_decisions(decisions)
    rows = person_rows(bundle)
    persons = person_features(bundle)
    options = _options(rows, persons, choice, model or Model())
    table = _decide(rows, options, choice)
    return LinkResult(table, review_table(bundle, rows, table))


def _options(rows: pa.Table, persons: pa.Table, choice: Decisions, model: Model) -> dict[int, list[Option]]:
    keys = pc.utf8_slice_codeunits(persons["uid"].combine_chunks(), 7)  # drop "person:"
    options: dict[int, list[Option]] = {}
    resolved = rows["resolved"].combine_chunks()
    value = rows["value"].combine_chunks()
    _add_exact(options, rows.filter(resolved), "id_exact")
    number, upgraded = number_of(value)
    known = pc.fill_null(pc.is_in(number, value_set=keys), False)
    open_rows = pc.invert(resolved)
    for label, kind in (("id_15_upgraded", upgraded), ("id_exact", pc.invert(upgraded))):
        mask = pc.and_(pc.and_(open_rows, known), kind)
        _add_exact(options, rows.filter(mask), label, number.filter(mask))
    rest = pc.and_(open_rows, pc.invert(known))
    near_done = _add_near(options, rows, number, rest, persons, keys)
    splink_mask = pc.and_(rest, pc.invert(pc.is_in(rows["uid"], value_set=near_done)))
    _add_probabilistic(options, rows.filter(splink_mask), persons, choice, model)
    return options


def _add_exact(options: dict[int, list[Option]], rows: pa.Table, label: str, person: pa.Array | None = None) -> None:
    people = (person if person is not None else rows["value"].combine_chunks()).to_pylist()
    shaped = id_shaped(rows["value"].combine_chunks()).to_pylist()
    for uid, key, is_number in zip(rows["uid"].to_pylist(), people, shaped, strict=True):
        evidence = label if is_number or label != "id_exact" else "person_id"
        options[uid] = [Option(key, 1.0, (evidence,), True)]


def _add_near(
    options: dict[int, list[Option]],
    rows: pa.Table,
    number: pa.Array,
    mask: pa.Array,
    persons: pa.Table,
    keys: pa.Array,
) -> pa.Array:
    """Candidates by near numbers; returns the uids that got one."""
    has_number = pc.and_(mask, pc.is_valid(number))
    picked = rows.filter(has_number)
    feats = row_features(picked)
    queries = pa.table(
        {
            "uid": picked["uid"],
            "number": number.filter(has_number),
            "name_norm": feats["name_norm"],
            "name_py": feats["name_py"],
        }
    )
    shaped = id_shaped(keys)
    known = pa.table({"key": keys, "name_norm": persons["name_norm"], "name_py": persons["name_py"]}).filter(shaped)
    near = near_numbers(queries, known)
    check_fails = {
        u: _check_fails(n) for u, n in zip(queries["uid"].to_pylist(), queries["number"].to_pylist(), strict=True)
    }
    for uid, person, kind, name_level in zip(
        *(near[c].to_pylist() for c in ("uid", "person", "kind", "name_level")), strict=True
    ):
        evidence = (("id_check_fails",) if check_fails[uid] else ()) + (kind, name_level)
        options.setdefault(uid, []).append(Option(person, NEAR_PROBABILITY[name_level], evidence, False))
    return pc.unique(near["uid"])


def _check_fails(number: str) -> bool:
    return parse_id(number).status == "bad_check"


def _add_probabilistic(
    options: dict[int, list[Option]], rows: pa.Table, persons: pa.Table, choice: Decisions, model: Model
) -> None:
    if rows.num_rows == 0:
        return
    feats = row_features(rows)
    pairs = score(feats, persons, model)
    with_number = dict(
        zip(rows["uid"].to_pylist(), pc.is_valid(number_of(rows["value"].combine_chunks())[0]).to_pylist(), strict=True)
    )
    source = dict(zip(rows["uid"].to_pylist(), rows["source"].to_pylist(), strict=True))
    ranked = _posteriors(pairs, choice, source, PRIOR_SHARE / persons.num_rows)
    labels = label_pairs(ranked.select(["uid", "person"]), feats, persons, model.comparisons)
    for record, evidence in zip(ranked.to_pylist(), labels, strict=True):
        uid = record["uid"]
        capped = with_number[uid]
        if capped:
            evidence.append("id_unknown")
        options.setdefault(uid, []).append(Option(record["person"], record["probability"], tuple(evidence), not capped))


def _posteriors(pairs: pa.Table, choice: Decisions, source: dict[int, str], prior: float) -> pa.Table:
    """Per row the ``TOP`` best persons, rejected pairs left out, with
    ``p_i = λ·BF_i / ((1 - s) + λ·Σ_j BF_j)``: ``λ = prior`` the chance that a row names one given
    person, ``s = PRIOR_SHARE`` that it names some known person. Splink's match weight is
    ``w = log2(λ·BF / (1 - λ))``, so ``λ·BF = (1 - λ)·2^w``."""
    by_source: dict[str, list[str]] = {}
    for rejected_source, person in choice.rejected:
        by_source.setdefault(rejected_source, []).append(person)
    reject_pairs = [(uid, person) for uid, src in source.items() for person in by_source.get(src, [])]
    con = duckdb.connect()
    con.register("pairs", pairs)
    uids = pa.array([u for u, _ in reject_pairs], pa.int64())
    con.register("rejected", pa.table({"uid": uids, "person": pa.array([p for _, p in reject_pairs], pa.string())}))
    result = con.sql(f"""
        with kept as (select * from pairs anti join rejected using (uid, person)),
        scored as (
            select *, {1 - prior} * pow(2, weight)
                      / ({1 - PRIOR_SHARE} + {1 - prior} * sum(pow(2, weight)) over (partition by uid)) as probability,
                   row_number() over (partition by uid order by weight desc, person) as rank
            from kept)
        select * exclude (rank) from scored where rank <= {TOP} order by uid, rank
    """).to_arrow_table()
    con.close()
    return result


def _decide(rows: pa.Table, options: dict[int, list[Option]], choice: Decisions) -> pa.Table:
    out: dict[str, list[object]] = {name: [] for name in LINK_SCHEMA.names}
    for uid, table, column, source in zip(
        *(rows[c].to_pylist() for c in ("uid", "table", "column", "source")), strict=True
    ):
        person, probability, status, evidence = _outcome(options.get(uid, []), choice, source, column)
        for name, item in zip(
            LINK_SCHEMA.names, (table, column, source, person, probability, status, evidence), strict=True
        ):
            out[name].append(item)
    return pa.table(out, schema=LINK_SCHEMA)


def _outcome(
    options: Iterable[Option], choice: Decisions, source: str, column: str
) -> tuple[str | None, float, str, list[str]]:
    confirmed = choice.confirmed_for(source, column)
    if confirmed:
        return confirmed, 1.0, LINKED, ["confirmed"]
    usable = sorted((o for o in options if (source, o.person) not in choice.rejected), key=lambda o: -o.probability)
    if not usable:
        return None, 0.0, UNLINKED, []
    best = usable[0]
    if best.automatic and best.probability >= LINK_AT:
        return best.person, best.probability, LINKED, list(best.evidence)
    if not best.automatic or best.probability >= REVIEW_AT:
        return best.person, best.probability, CANDIDATE, list(best.evidence)
    return None, best.probability, UNLINKED, list(best.evidence)
