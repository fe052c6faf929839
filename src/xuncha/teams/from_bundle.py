"""Turn a loaded bundle and the round's screening into the engine's plain records.

The engine (``solve.form_teams``, ``plan.plan_term``) never reads a bundle; this module
is the one place that does. Inspectors carry no level column, so a candidate's level
(县 or 市, used by 提级 rounds) is derived from a region code: a 6-digit division code
ending in ``00`` (a city or province code, e.g. 511300 南充市) means 市. The inspector's
``home_region`` is tried first, then the region of their ``home_unit``; anything else
(a county code, a name, nothing) means 县.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError, Problem
from xuncha.policy.model import Policy
from xuncha.screening.context import round_row
from xuncha.teams.model import Candidate, HistoryRow, Level, Mode, Pool, RoundSpec, Target, Tie

STATUTORY = ("spouse", "lineal", "collateral3", "in_law")
ASSIGN_TABLES = (
    ("rounds", "巡察轮次"),
    ("round_targets", "巡察对象"),
    ("inspectors", "巡察干部"),
    ("units", "单位"),
)
MODES = ("常规", "交叉", "提级", "专项")


@dataclass(frozen=True)
class RoundInputs:
    """Everything ``form_teams`` needs for one round of a bundle."""

    round: RoundSpec
    targets: list[Target]
    candidates: list[Candidate]
    ties: list[Tie]
    history: list[HistoryRow]
    kin_pairs: list[tuple[str, str]] = field(default_factory=list)
    unit_systems: dict[str, str | None] = field(default_factory=dict)


def missing_table(table: str, zh: str, command: str) -> BundleError:
    """A bilingual error naming a table that ``command`` needs and the bundle lacks."""
    return BundleError(
        Problem(
            file=table,
            row=None,
            column=None,
            value=None,
            reason_zh=f"缺少「{zh}」表（{table}），无法执行 {command}",
            reason_en=f"the bundle has no {table} table, which `xuncha {command}` needs",
            table=table,
        )
    )


def require(bundle: Bundle, tables: Iterable[tuple[str, str]], command: str) -> None:
    for table, zh in tables:
        if not bundle.has(table):
            raise missing_table(table, zh, command)


def rows(bundle: Bundle, table: str) -> list[dict[str, Any]]:
    """The table's rows as dicts, or ``[]`` when the bundle has no such table."""
    return cast(list[dict[str, Any]], bundle.table(table).to_pylist()) if bundle.has(table) else []


def text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def round_inputs(
    bundle: Bundle, round_id: str, policy: Policy, *, required_skills: tuple[str, ...] = ()
) -> RoundInputs:
    """Screen the round (stages 1–3) and build the team-formation inputs from the bundle.

    ``required_skills`` are the skills a 专项 round requires (the rounds table has no column
    for them). Raises :class:`BundleError` when a table ``assign`` needs is missing.
    """
    from xuncha.screening.run import screen

    require(bundle, ASSIGN_TABLES, "assign")
    spec = round_spec(bundle, round_id, required_skills)
    units = {str(u["unit_id"]): u for u in rows(bundle, "units")}
    history = history_rows(bundle)
    candidates = inspector_candidates(bundle, units, past_rounds(history, spec))
    with screen(bundle, round_id, policy) as result:
        ties = [tie_of(r) for r in result.records]
        kin = inspector_kin_pairs(result.engine, result.round.start_date, policy)
    return RoundInputs(
        round=spec,
        targets=round_targets(bundle, round_id, units),
        candidates=candidates,
        ties=ties,
        history=history,
        kin_pairs=kin,
        unit_systems={k: u.get("system") for k, u in units.items()},
    )


def round_spec(bundle: Bundle, round_id: str, required_skills: tuple[str, ...] = ()) -> RoundSpec:
    r = round_row(bundle, round_id)
    mode = r.get("mode") if r.get("mode") in MODES else "常规"
    return RoundSpec(
        round_id=round_id,
        name=str(r.get("name") or round_id),
        mode=cast(Mode, mode),
        level="市" if r.get("level") == "市" else "县",
        start_date=text(r.get("start_date")),
        core_size=_count(r.get("core_size"), 3),
        members_min=_count(r.get("members_min"), 2),
        members_max=_count(r.get("members_max"), 4),
        required_skills=tuple(required_skills) or None,
    )


def _count(value: object, default: int) -> int:
    return int(value) if isinstance(value, int | float) and value == value else default


def round_targets(bundle: Bundle, round_id: str, units: dict[str, dict[str, Any]]) -> list[Target]:
    keys = sorted({str(r["unit"]) for r in rows(bundle, "round_targets") if r.get("round") == round_id})
    if not keys:
        raise BundleError(
            Problem(
                file="round_targets",
                row=None,
                column="round",
                value=round_id,
                reason_zh=f"轮次「{round_id}」没有巡察对象",
                reason_en=f"round {round_id!r} has no targets in round_targets",
            )
        )
    return [unit_target(k, units.get(k, {})) for k in keys]


def unit_target(key: str, unit: dict[str, Any]) -> Target:
    return Target(
        unit=key,
        name=str(unit.get("name") or key),
        region=unit.get("region"),
        system=unit.get("system"),
        type=unit.get("type"),
    )


def history_rows(bundle: Bundle) -> list[HistoryRow]:
    return [
        HistoryRow(str(h["round"]), str(h["unit"]), str(h["person"]), str(h.get("role") or ""), text(h.get("date")))
        for h in rows(bundle, "history")
        if h.get("person") and h.get("unit")
    ]


def past_rounds(history: list[HistoryRow], spec: RoundSpec) -> Counter[str]:
    """person -> number of distinct past rounds served (not this round, none after its start)."""
    served: dict[str, set[str]] = defaultdict(set)
    for h in history:
        if h.round != spec.round_id and not (spec.start_date and h.date and h.date >= spec.start_date):
            served[h.person].add(h.round)
    return Counter({p: len(r) for p, r in served.items()})


def level_of(home_region: str | None, unit_region: str | None) -> Level:
    """市 when a region code is a city- or province-level code (ends in 00), else 县."""
    for region in (home_region, unit_region):
        code = (region or "").strip()
        if len(code) == 6 and code.isdigit():
            return "市" if code.endswith("00") else "县"
    return "县"


def inspector_candidates(bundle: Bundle, units: dict[str, dict[str, Any]], served: Counter[str]) -> list[Candidate]:
    names = {str(p["person_key"]): str(p.get("name") or "") for p in rows(bundle, "persons")}
    out: dict[str, Candidate] = {}
    for i in rows(bundle, "inspectors"):
        person = str(i["person"])
        if person in out or i.get("pool") not in ("专职", "人才库"):
            continue
        home_unit = i.get("home_unit")
        unit_region = units.get(str(home_unit), {}).get("region") if home_unit else None
        out[person] = Candidate(
            person=person,
            name=names.get(person) or person,
            pool=cast(Pool, i["pool"]),
            roles=frozenset(i.get("roles") or ()),
            skills=frozenset(i.get("skills") or ()),
            home_region=i.get("home_region") or unit_region,
            home_unit=home_unit,
            available=i.get("available") is not False,
            level=level_of(i.get("home_region"), unit_region),
            past_rounds=served.get(person, 0),
        )
    return sorted(out.values(), key=lambda c: c.person)


def tie_of(record: dict[str, Any]) -> Tie:
    return Tie(
        inspector=str(record["inspector"]),
        target=str(record["target"]),
        severity=record["severity"],
        category=str(record["category"]),
        record=record,
    )


_KIN_PAIRS = f"""SELECT DISTINCT a.key AS a, b.key AS b FROM kin_ties t
JOIN nodes a ON a.node_id = t.inspector_id JOIN nodes b ON b.node_id = t.counterpart_id
WHERE t.category IN ({", ".join(f"'{c}'" for c in STATUTORY)}) AND a.key <> b.key"""


def inspector_kin_pairs(engine: Any, on: date, policy: Policy) -> list[tuple[str, str]]:
    """Pairs of candidates with a statutory kin tie to each other (never on one team)."""
    from xuncha.screening.kin import derive_kin_ties

    cands = "SELECT DISTINCT node_id FROM cands"
    derive_kin_ties(engine, inspectors=cands, counterparts=cands, on=on, reach=policy.kin_reach)
    pairs = engine.arrow(_KIN_PAIRS).to_pylist()
    return sorted({(min(p["a"], p["b"]), max(p["a"], p["b"])) for p in pairs})


def plan_units(bundle: Bundle) -> list[Target]:
    """Every unit of the bundle, as plan targets."""
    require(bundle, (("units", "单位"),), "plan")
    return [unit_target(str(u["unit_id"]), u) for u in rows(bundle, "units")]


def petitions_by_unit(bundle: Bundle) -> dict[str, int]:
    """unit -> number of petitions (信访) naming it; empty when the bundle has none."""
    return dict(Counter(str(p["unit"]) for p in rows(bundle, "petitions") if p.get("unit")))
