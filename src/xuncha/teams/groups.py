"""Team groups: the target(s) one team inspects, and round history lookups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xuncha.teams.model import LEADER, HistoryRow, RoundSpec, Target


@dataclass(frozen=True, slots=True)
class Group:
    """The targets one team inspects (one, or ``targets_per_team`` related ones)."""

    targets: tuple[Target, ...]

    @property
    def key(self) -> str:
        return "|".join(t.unit for t in self.targets)

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(t.unit for t in self.targets)

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(t.region for t in self.targets if t.region)

    @property
    def systems(self) -> frozenset[str]:
        return frozenset(t.system for t in self.targets if t.system)

    @property
    def label(self) -> str:
        return "、".join(t.name for t in self.targets)


def make_groups(targets: Iterable[Target], per_team: int) -> list[Group]:
    """Chunk targets into groups of ``per_team``, keeping units of one system together."""
    if per_team < 1:
        raise ValueError("targets_per_team must be at least 1 / 每组巡察对象数至少为1")
    ordered = sorted(targets, key=lambda t: (t.system or "", t.region or "", t.unit))
    if per_team == 1:
        ordered = sorted(targets, key=lambda t: t.unit)
    return [Group(tuple(ordered[i : i + per_team])) for i in range(0, len(ordered), per_team)]


def round_order(history: Iterable[HistoryRow], before: str) -> list[str]:
    """Past round ids, most recent first, by their latest date (only those before ``before``)."""
    last: dict[str, str] = {}
    for row in history:
        if before and row.date and row.date >= before:
            continue
        last[row.round] = max(last.get(row.round, ""), row.date)
    return sorted(last, key=lambda r: (last[r], r), reverse=True)


def recent_visits(history: list[HistoryRow], round_: RoundSpec, k: int) -> dict[tuple[str, str], str]:
    """(person, unit) -> round id, for visits in the last ``k`` rounds before this one."""
    recent = set(round_order(history, round_.start_date)[:k])
    return {(h.person, h.unit): h.round for h in history if h.round in recent}


def last_led_system(history: list[HistoryRow], round_: RoundSpec, systems: Mapping[str, str | None]) -> dict[str, str]:
    """person -> system they led (组长) in, for people whose latest round saw them lead."""
    order = {r: i for i, r in enumerate(round_order(history, round_.start_date))}
    latest: dict[str, int] = {}
    for h in history:
        if h.round in order:
            latest[h.person] = min(latest.get(h.person, len(order)), order[h.round])
    led: dict[str, str] = {}
    for h in history:
        system = systems.get(h.unit)
        if h.role == LEADER and system and order.get(h.round) == latest.get(h.person):
            led[h.person] = system
    return led
