"""Term coverage (巡察全覆盖) and the term plan of a round's bundle, through the engine
(``teams.plan.plan_term`` and ``teams.coverage.coverage_rows``); revisits read the same plan.

The bundle's ``history`` table says who inspected which unit before; the application adds what it
knows itself: the teams of every published round in the database count as inspections dated at that
round's start (the bundle's ``rounds`` table, else the publication date).

The term (届) is not in the bundle, so it has documented defaults the page lets the office change:
it starts with the earliest round of the bundle that began at most five years before this round,
lasts five years, has two rounds a year, and as many teams per round as needed to place every unit
with two teams to spare for revisits (at least this round's number of targets). Progress is
measured as of this round's start month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import Round, Team
from xuncha.teams.model import HistoryRow, Target
from xuncha.teams.plan import YM, CapacityError, TermPlan, plan_term
from xuncha.web.deps import Invalid
from xuncha.web.scope import PUBLISHED
from xuncha.web.services.common import bundle_dir

TERM_YEARS = 5
ROUNDS_PER_YEAR = 2
SPARE_TEAMS = 2
COVERAGE_KEYS = ("units", "inspected", "due", "overdue")


@dataclass(frozen=True)
class Term:
    start: YM
    end: YM
    rounds_per_year: int
    teams_per_round: int
    as_of: YM

    def text(self) -> dict[str, str | int]:
        return {
            "term_start": ym(self.start),
            "term_end": ym(self.end),
            "rounds_per_year": self.rounds_per_year,
            "teams_per_round": self.teams_per_round,
            "as_of": ym(self.as_of),
        }


@dataclass(frozen=True)
class TermOverrides:
    """What the office typed on the page (``None``: the documented default)."""

    term_start: str | None = None
    term_end: str | None = None
    rounds_per_year: int | None = None
    teams_per_round: int | None = None


def ym(value: YM) -> str:
    return f"{value[0]:04d}-{value[1]:02d}"


def parse_ym(value: str, zh: str) -> YM:
    try:
        year, month = (int(p) for p in value.strip().split("-", 1))
    except ValueError as exc:
        raise Invalid(f"{zh}应写成 YYYY-MM", f"{zh} takes YYYY-MM") from exc
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Invalid(f"{zh}超出合理范围", f"{zh} is out of range")
    return year, month


def add_months(value: YM, months: int) -> YM:
    index = value[0] * 12 + value[1] - 1 + months
    return index // 12, index % 12 + 1


# ---------------------------------------------------------------- the bundle, cached


@dataclass(frozen=True)
class BundleFacts:
    """What coverage and revisits read from a bundle (loaded once per bundle folder version)."""

    units: list[Target]
    petitions: dict[str, int]
    history: list[HistoryRow]
    round_starts: dict[str, date]
    round_targets: dict[str, list[str]]
    inspectors: dict[str, dict[str, Any]]  # person key -> inspectors row (pool 专职 or 人才库)
    names: dict[str, str]  # person key -> name
    policy: Any  # teams.policy.TeamPolicy


def _stamp(path: Path) -> float:
    files = [path] + (list(path.iterdir()) if path.is_dir() else [])
    return max(f.stat().st_mtime for f in files)


@lru_cache(maxsize=4)
def _facts(path: str, _stamp: float) -> BundleFacts:
    from xuncha.teams.command import load_inputs
    from xuncha.teams.from_bundle import history_rows, petitions_by_unit, plan_units, rows

    bundle, _rules, team_policy = load_inputs(path, None)
    starts = {
        str(r["round_id"]): r["start_date"] for r in rows(bundle, "rounds") if isinstance(r.get("start_date"), date)
    }
    targets: dict[str, list[str]] = {}
    for r in rows(bundle, "round_targets"):
        targets.setdefault(str(r["round"]), []).append(str(r["unit"]))
    inspectors = {str(i["person"]): i for i in rows(bundle, "inspectors") if i.get("pool") in ("专职", "人才库")}
    wanted = set(inspectors) | {h.person for h in history_rows(bundle)}
    names = {
        str(p["person_key"]): str(p.get("name") or "") for p in rows(bundle, "persons") if p["person_key"] in wanted
    }
    return BundleFacts(
        plan_units(bundle),
        petitions_by_unit(bundle),
        history_rows(bundle),
        starts,
        targets,
        inspectors,
        names,
        team_policy,
    )


def bundle_facts(db: Session, rnd: Round) -> BundleFacts:
    from xuncha.teams.command import errors

    path = bundle_dir(db, rnd)
    failures: tuple[type[Exception], ...] = (*errors(), OSError, ValueError)
    try:
        return _facts(str(path), _stamp(path))
    except failures as exc:
        raise Invalid("无法读取该轮次的数据包", "the round's bundle cannot be read") from exc


# ---------------------------------------------------------------- history known to the application


def round_start(rnd: Round, facts: BundleFacts) -> date:
    found = facts.round_starts.get(rnd.id)
    if found is not None:
        return found
    return (rnd.published_at or rnd.created_at or datetime.now()).date()


def app_history(db: Session, facts: BundleFacts) -> list[HistoryRow]:
    """Inspections by the teams of published rounds, one row per member and target."""
    rows = db.execute(select(Team, Round).join(Round, Team.round_id == Round.id).where(Round.status.in_(PUBLISHED)))
    out: list[HistoryRow] = []
    for team, rnd in rows:
        day = round_start(rnd, facts).isoformat()
        people = [(m.person_key, m.role) for m in team.members] or [("", "")]
        out += [HistoryRow(rnd.id, str(unit), person, role, day) for unit in team.targets for person, role in people]
    return out


def all_history(db: Session, facts: BundleFacts) -> list[HistoryRow]:
    """The bundle's history and the application's published teams, without duplicates."""
    return list(dict.fromkeys(facts.history + app_history(db, facts)))


# ---------------------------------------------------------------- the term and its plan


def default_term(rnd: Round, facts: BundleFacts) -> Term:
    start_day = round_start(rnd, facts)
    as_of: YM = (start_day.year, start_day.month)
    earliest = add_months(as_of, -12 * TERM_YEARS)
    candidates = [(d.year, d.month) for d in facts.round_starts.values() if earliest < (d.year, d.month) <= as_of]
    start = min(candidates, default=as_of)
    end = add_months(start, 12 * TERM_YEARS - 1)
    return Term(start, end, ROUNDS_PER_YEAR, _teams_needed(rnd, facts, start, end, ROUNDS_PER_YEAR), as_of)


def _teams_needed(rnd: Round, facts: BundleFacts, start: YM, end: YM, per_year: int) -> int:
    months = (end[0] * 12 + end[1]) - (start[0] * 12 + start[1]) + 1
    rounds = max(1, months * per_year // 12)
    return max(len(facts.round_targets.get(rnd.id, [])), math.ceil(len(facts.units) / rounds) + SPARE_TEAMS)


def term_of(rnd: Round, facts: BundleFacts, overrides: TermOverrides) -> Term:
    """The default term with what the office changed."""
    term = default_term(rnd, facts)
    if overrides.term_start:
        term = replace(term, start=parse_ym(overrides.term_start, "任期开始"))
    if overrides.term_end:
        term = replace(term, end=parse_ym(overrides.term_end, "任期结束"))
    if term.end < term.start:
        raise Invalid("任期结束早于开始", "the term ends before it starts")
    if overrides.rounds_per_year:
        term = replace(term, rounds_per_year=overrides.rounds_per_year)
    teams = overrides.teams_per_round or _teams_needed(rnd, facts, term.start, term.end, term.rounds_per_year)
    return replace(term, teams_per_round=teams)


def term_plan(db: Session, rnd: Round, overrides: TermOverrides | None = None) -> tuple[TermPlan, Term, BundleFacts]:
    """The engine's term plan (placements, revisits, coverage rows) for the round's bundle."""
    facts = bundle_facts(db, rnd)
    term = term_of(rnd, facts, overrides or TermOverrides())
    try:
        plan = plan_term(
            facts.units,
            facts.petitions,
            all_history(db, facts),
            term.start,
            term.end,
            term.rounds_per_year,
            term.teams_per_round,
            1,
            facts.policy,
            as_of=term.as_of,
        )
    except CapacityError as exc:
        zh, _, en = str(exc).partition(" / ")
        raise Invalid(zh, en) from exc
    except ValueError as exc:
        raise Invalid("任期或每年轮次设置无效", "invalid term or rounds per year") from exc
    return plan, term, facts


# ---------------------------------------------------------------- summaries and charts


def totals(rows: tuple[dict[str, object], ...] | list[dict[str, object]]) -> dict[str, int]:
    return {k: sum(int(str(r[k])) for r in rows) for k in COVERAGE_KEYS}


def grouped(rows: tuple[dict[str, object], ...], key: str) -> dict[str, dict[str, int]]:
    """Coverage rows summed by ``region`` or ``type``."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        slot = out.setdefault(str(r[key]), dict.fromkeys(COVERAGE_KEYS, 0))
        for k in COVERAGE_KEYS:
            slot[k] += int(str(r[k]))
    return dict(sorted(out.items()))


SERIES = (
    ("inspected", "已巡察", "inspected", "#4c8c4a"),
    ("fresh", "待巡察", "due", "#9bb7d4"),
    ("overdue", "超期未巡察", "overdue", "#c0504d"),
)


def coverage_chart(rows: tuple[dict[str, object], ...], key: str, lang: str) -> dict[str, Any]:
    """Stacked bars per region or unit type: inspected, due (not overdue), overdue."""
    groups = grouped(rows, key)
    values = {
        "inspected": [g["inspected"] for g in groups.values()],
        "fresh": [g["due"] - g["overdue"] for g in groups.values()],
        "overdue": [g["overdue"] for g in groups.values()],
    }
    zh = lang == "zh"
    title = {
        "region": ("覆盖进度（按地区）", "Coverage by region"),
        "type": ("覆盖进度（按单位类型）", "Coverage by unit type"),
    }[key]
    return {
        "title": {"text": title[0] if zh else title[1], "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "bottom": 40},
        "xAxis": {"type": "category", "data": list(groups)},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": z if zh else e, "type": "bar", "stack": "units", "data": values[k], "itemStyle": {"color": c}}
            for k, z, e, c in SERIES
        ],
    }


def inspected_by_app(db: Session, facts: BundleFacts) -> list[tuple[str, str, str]]:
    """(round id, unit key, unit name) inspected by the application's published teams."""
    names = {u.unit: u.name for u in facts.units}
    seen = dict.fromkeys((h.round, h.unit) for h in app_history(db, facts))
    return [(r, u, names.get(u, u)) for r, u in seen]
