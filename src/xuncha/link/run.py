"""``link(bundle)``: every departmental row that names a person, linked to a person key.

1. exact: the loader resolved the ID number or person_id (``id_exact``), or a 15-digit number
   upgrades to a known one (``id_15_upgraded``) — linked, probability 1;
2. near numbers (:mod:`xuncha.link.exact`) — a number whose check character fails, one digit off or
   two digits swapped from a known person's: a candidate, never a link by the number;
3. every row not linked by 1 — Splink (:mod:`xuncha.link.probabilistic`) on name, birth, gender,
   region, address and employer, the number left out. A row whose number is unusable (fails its
   check, or is near a known one) is scored like a row with no number: its other fields link it
   when they alone reach ``LINK_AT`` and point to the same person as the near number, if there is
   one; when the near number points elsewhere the row stays a candidate. A row carrying a number
   that passes its check but belongs to no known person can at most be a candidate (``id_unknown``):
   it most likely names someone outside the population.
Confirmed pairs of the decisions file are linked (``confirmed``); rejected pairs are never used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from xuncha import progress
from xuncha.bundle.model import Bundle
from xuncha.engine.duckdb_engine import connect
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
# a row with a mistyped number links by its other fields only when one of these agrees besides the name
CORROBORATING = frozenset({"birth_month", "birth_date", "address_contained", "address_similar", "employer_similar"})


@dataclass(frozen=True)
class Option:
    person: str
    probability: float
    evidence: tuple[str, ...]
    automatic: bool  # may be linked without review
    near: bool = False  # found by a near number


def link(bundle: Bundle, *, decisions: Path | None = None, model: Model | None = None) -> LinkResult:
    """Link every person row of the bundle's departmental tables (see the module docstring)."""
    choice = read_decisions(decisions)
    with progress.step("提取待关联记录和人员特征", "rows to link and person features"):
        rows = person_rows(bundle)
        persons = person_features(bundle)
    options = _options(rows, persons, choice, model or Model())
    with progress.step("确定关联和待复核记录", "deciding links and reviews"):
        table = _decide(rows, options, choice)
        review = review_table(bundle, rows, table)
    return LinkResult(table, review)


def _options(rows: pa.Table, persons: pa.Table, choice: Decisions, model: Model) -> dict[int, list[Option]]:
    keys = pc.utf8_slice_codeunits(persons["uid"].combine_chunks(), 7)  # drop "person:"
    options: dict[int, list[Option]] = {}
    resolved = rows["resolved"].combine_chunks()
    value = rows["value"].combine_chunks()
    with progress.step("身份证号精确匹配和近似号码", "exact and near ID numbers"):
        _add_exact(options, rows.filter(resolved), "id_exact")
        number, upgraded = number_of(value)
        known = pc.fill_null(pc.is_in(number, value_set=keys), False)
        open_rows = pc.invert(resolved)
        for label, kind in (("id_15_upgraded", upgraded), ("id_exact", pc.invert(upgraded))):
            mask = pc.and_(pc.and_(open_rows, known), kind)
            _add_exact(options, rows.filter(mask), label, number.filter(mask))
        rest = pc.and_(open_rows, pc.invert(known))
        near_done = _add_near(options, rows, number, rest, persons, keys)
    with progress.step("Splink 概率匹配", "Splink probabilistic linkage"):
        _add_probabilistic(options, rows.filter(rest), persons, choice, model, near_done)
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
        options.setdefault(uid, []).append(Option(person, NEAR_PROBABILITY[name_level], evidence, False, near=True))
    return pc.unique(near["uid"])


def _check_fails(number: str) -> bool:
    return parse_id(number).status == "bad_check"


def _add_probabilistic(
    options: dict[int, list[Option]],
    rows: pa.Table,
    persons: pa.Table,
    choice: Decisions,
    model: Model,
    near_done: pa.Array,
) -> None:
    if rows.num_rows == 0:
        return
    with_number = _valid_unknown_numbers(rows, near_done)
    feats = row_features(_without_unusable_numbers(rows, with_number))
    pairs = score(feats, persons, model)
    source = dict(zip(rows["uid"].to_pylist(), rows["source"].to_pylist(), strict=True))
    ranked = _posteriors(pairs, choice, source, PRIOR_SHARE / persons.num_rows)
    labels = label_pairs(ranked.select(["uid", "person"]), feats, persons, model.comparisons)
    for record, evidence in zip(ranked.to_pylist(), labels, strict=True):
        uid = record["uid"]
        capped = with_number[uid]
        if capped:
            evidence.append("id_unknown")
        options.setdefault(uid, []).append(Option(record["person"], record["probability"], tuple(evidence), not capped))


def _without_unusable_numbers(rows: pa.Table, valid: dict[int, bool]) -> pa.Table:
    """The rows with a mistyped number blanked, so no birth date, gender or region is read from it:
    the number must not help link the row it is wrong in."""
    keep = pa.array([valid[uid] for uid in rows["uid"].to_pylist()], pa.bool_())
    value = pc.if_else(keep, rows["value"].combine_chunks(), pa.scalar(None, pa.string()))
    return rows.set_column(rows.schema.get_field_index("value"), "value", value)


def _valid_unknown_numbers(rows: pa.Table, near_done: pa.Array) -> dict[int, bool]:
    """Per row: does it carry a number that passes its check yet is no known person's (nor near one)?"""
    number = number_of(rows["value"].combine_chunks())[0]
    near = set(near_done.to_pylist())
    return {
        uid: bool(n) and uid not in near and not _check_fails(n)
        for uid, n in zip(rows["uid"].to_pylist(), number.to_pylist(), strict=True)
    }


def _posteriors(pairs: pa.Table, choice: Decisions, source: dict[int, str], prior: float) -> pa.Table:
    """Per row the ``TOP`` best persons, rejected pairs left out, with
    ``p_i = λ·BF_i / ((1 - s) + λ·Σ_j BF_j)``: ``λ = prior`` the chance that a row names one given
    person, ``s = PRIOR_SHARE`` that it names some known person. Splink's match weight is
    ``w = log2(λ·BF / (1 - λ))``, so ``λ·BF = (1 - λ)·2^w``."""
    by_source: dict[str, list[str]] = {}
    for rejected_source, person in choice.rejected:
        by_source.setdefault(rejected_source, []).append(person)
    reject_pairs = [(uid, person) for uid, src in source.items() for person in by_source.get(src, [])]
    con = connect()
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
    near = {o.person: o for o in usable if o.near}
    if best.automatic and best.probability >= LINK_AT:
        if not near:
            return best.person, best.probability, LINKED, list(best.evidence)
        if best.person in near and CORROBORATING.intersection(best.evidence):
            # the other fields decide, with more than the name; the near number agrees
            return best.person, best.probability, LINKED, [*best.evidence, *near[best.person].evidence]
        if best.person not in near:
            return best.person, best.probability, CANDIDATE, [*best.evidence, "id_near_other"]
    if near:  # the number's near match alone never links
        top = max(near.values(), key=lambda o: o.probability)
        return top.person, top.probability, CANDIDATE, list(top.evidence)
    if not best.automatic or best.probability >= REVIEW_AT:
        return best.person, best.probability, CANDIDATE, list(best.evidence)
    return None, best.probability, UNLINKED, list(best.evidence)
