"""Term plan (巡察全覆盖): every unit placed in a round of the term, revisits, escalation flags."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from xuncha.teams.model import HistoryRow, Target
from xuncha.teams.policy import PlanPolicy, TeamPolicy

YM = tuple[int, int]


class CapacityError(ValueError):
    """The term cannot cover every unit with the capacity given (Chinese / English)."""

    def __init__(self, needed: int, available: int) -> None:
        missing = needed - available
        super().__init__(
            f"本届任期无法覆盖全部单位：需要 {needed} 个组次，可用 {available} 个，缺 {missing} 个"
            f" / the term needs {needed} team-rounds, {available} available, {missing} missing"
        )
        self.needed, self.available, self.missing = needed, available, missing


@dataclass(frozen=True)
class PlanItem:
    round_index: int
    round_start: str
    unit: str
    name: str
    region: str | None
    system: str | None
    type: str | None
    kind: str  # 巡察 or 回访督查
    petitions: int
    last_inspected: str | None
    escalate: str | None = None  # reason to consider 提级, or None
    original_round: str | None = None  # for a revisit: the round revisited
    exclude_persons: tuple[str, ...] = ()  # for a revisit: the original team, known from history


@dataclass(frozen=True)
class TermPlan:
    rounds: tuple[str, ...]
    items: tuple[PlanItem, ...]
    coverage: tuple[dict[str, object], ...]
    unplaced_revisits: tuple[str, ...] = field(default=())


def month_index(text: str) -> int | None:
    found = re.match(r"\s*(\d{4})\D?(\d{1,2})", text or "")
    return int(found[1]) * 12 + int(found[2]) - 1 if found else None


def ym_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def round_starts(term_start: YM, term_end: YM, rounds_per_year: int) -> list[int]:
    """Start months of the term's rounds, evenly spaced."""
    first = term_start[0] * 12 + term_start[1] - 1
    months = term_end[0] * 12 + term_end[1] - first
    if months < 0 or rounds_per_year < 1:
        raise ValueError("任期或每年轮次设置无效 / invalid term or rounds per year")
    count = max(1, (months + 1) * rounds_per_year // 12)
    return [first + (i * 12) // rounds_per_year for i in range(count)]


def last_visits(history: list[HistoryRow]) -> dict[str, tuple[int, str]]:
    """unit -> (month index, round id) of its latest inspection."""
    last: dict[str, tuple[int, str]] = {}
    for h in history:
        month = month_index(h.date)
        if month is not None and (h.unit not in last or (month, h.round) > last[h.unit]):
            last[h.unit] = (month, h.round)
    return last


Last = Mapping[str, tuple[int, str]]


def priority(unit: Target, petitions: Mapping[str, int], last: Last) -> tuple[bool, int, int, str]:
    """Never inspected first, then more petitions, then longest since the last visit."""
    seen = last.get(unit.unit)
    return (seen is not None, -petitions.get(unit.unit, 0), seen[0] if seen else 0, unit.unit)


def ordered_units(units: list[Target], petitions: Mapping[str, int], last: Last, policy: PlanPolicy) -> list[Target]:
    """Units by priority; a linked system's units (联动) follow its most urgent one."""
    ranked = sorted(units, key=lambda u: priority(u, petitions, last))
    linked = set(policy.linked_systems)

    def is_linked(u: Target) -> bool:
        return bool(u.system) and ("*" in linked or u.system in linked)

    out: list[Target] = []
    done: set[str] = set()
    for u in ranked:
        if u.unit not in done:
            block = [v for v in ranked if v.system == u.system] if is_linked(u) else [u]
            out += [v for v in block if v.unit not in done]
            done |= {v.unit for v in block}
    return out


def escalation(unit: Target, petitions: int, policy: PlanPolicy) -> str | None:
    """Documented rule: many petitions, or a key township (乡镇) with petitions."""
    if petitions >= policy.escalate_min_petitions:
        return f"信访件数多（{petitions}件），建议提级巡察"
    if unit.type in policy.escalate_types and petitions >= policy.escalate_type_min_petitions:
        return f"重点乡镇且有信访（{petitions}件），建议提级巡察"
    return None


@dataclass
class Slots:
    """Remaining targets per round."""

    starts: list[int]
    left: list[int]

    def first_free(self, lo: int, hi: int) -> int | None:
        for i, start in enumerate(self.starts):
            if lo <= start <= hi and self.left[i] > 0:
                return i
        return None


def plan_term(
    units: list[Target],
    petitions_by_unit: Mapping[str, int],
    history: list[HistoryRow],
    term_start: YM,
    term_end: YM,
    rounds_per_year: int,
    teams_per_round: int,
    targets_per_team: int,
    policy: TeamPolicy,
    as_of: YM | None = None,
) -> TermPlan:
    """Place every unit in a round of the term; raise :class:`CapacityError` when it cannot."""
    starts = round_starts(term_start, term_end, rounds_per_year)
    needed = math.ceil(len(units) / targets_per_team)
    if needed > len(starts) * teams_per_round:
        raise CapacityError(needed, len(starts) * teams_per_round)
    last = last_visits(history)
    slots = Slots(starts, [teams_per_round * targets_per_team] * len(starts))
    items = _originals(units, petitions_by_unit, last, slots, policy.plan)
    revisits, unplaced = _revisits(items, petitions_by_unit, history, last, slots, policy.plan)
    from xuncha.teams.coverage import coverage_rows

    rows = coverage_rows(units, history, term_start, as_of or term_start, policy.plan)
    ordered = sorted(items + revisits, key=lambda i: (i.round_index, i.kind, i.unit))
    return TermPlan(tuple(ym_text(s) for s in starts), tuple(ordered), tuple(rows), unplaced)


def _item(u: Target, index: int, slots: Slots, petitions: int, last: Last) -> PlanItem:
    seen = last.get(u.unit)
    return PlanItem(
        index,
        ym_text(slots.starts[index]),
        u.unit,
        u.name,
        u.region,
        u.system,
        u.type,
        "巡察",
        petitions,
        ym_text(seen[0]) if seen else None,
    )


def _originals(
    units: list[Target], petitions: Mapping[str, int], last: Last, slots: Slots, policy: PlanPolicy
) -> list[PlanItem]:
    """Fill rounds in priority order, an even share per round so revisits find room."""
    quota = math.ceil(len(units) / len(slots.starts))
    items: list[PlanItem] = []
    for n, u in enumerate(ordered_units(units, petitions, last, policy)):
        index = min(n // quota, len(slots.starts) - 1)
        while slots.left[index] == 0:
            index += 1
        slots.left[index] -= 1
        item = _item(u, index, slots, petitions.get(u.unit, 0), last)
        items.append(replace(item, escalate=escalation(u, item.petitions, policy)))
    return items


def _revisits(
    items: list[PlanItem],
    petitions: Mapping[str, int],
    history: list[HistoryRow],
    last: Last,
    slots: Slots,
    policy: PlanPolicy,
) -> tuple[list[PlanItem], tuple[str, ...]]:
    """回访督查 6–12 months after the original round, for units with many petitions."""
    lo, hi = policy.revisit_months
    wanted: list[tuple[str, int, str, tuple[str, ...]]] = [
        (i.unit, slots.starts[i.round_index], f"第{i.round_index + 1}轮（{i.round_start}）", ())
        for i in items
        if i.petitions >= policy.revisit_min_petitions
    ]
    by_unit = {i.unit: i for i in items}
    for unit, (month, rid) in sorted(last.items()):
        if petitions.get(unit, 0) >= policy.revisit_min_petitions and unit in by_unit:
            team = tuple(sorted({h.person for h in history if h.round == rid and h.unit == unit}))
            wanted.append((unit, month, rid, team))
    placed: list[PlanItem] = []
    unplaced: list[str] = []
    for unit, month, original, team in wanted:
        index = slots.first_free(month + lo, month + hi)
        if index is None:
            if month + hi >= slots.starts[0]:
                unplaced.append(f"{unit}：{original}后{lo}–{hi}个月内无可用轮次")
            continue
        slots.left[index] -= 1
        base = replace(
            by_unit[unit],
            escalate=None,
            round_index=index,
            round_start=ym_text(slots.starts[index]),
        )
        placed.append(replace(base, kind="回访督查", original_round=original, exclude_persons=team, escalate=None))
    return placed, tuple(unplaced)
