"""Everything the rules need about a round, indexed once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from xuncha.teams.groups import Group, last_led_system, recent_visits
from xuncha.teams.model import (
    DEPUTY,
    LEADER,
    LIAISON,
    MEMBER,
    Ban,
    Candidate,
    HistoryRow,
    Pin,
    RoundSpec,
    Tie,
)
from xuncha.teams.policy import TeamPolicy


def core_roles(core_size: int) -> dict[str, int]:
    """The full-time roles of a team of ``core_size``: one 组长, one 联络员, the rest 副组长."""
    if core_size < 1:
        raise ValueError("core_size must be at least 1 / 专职人数至少为1")
    roles = {LEADER: 1, DEPUTY: max(core_size - 2, 0), LIAISON: min(core_size - 1, 1)}
    return {role: n for role, n in roles.items() if n}


@dataclass(frozen=True)
class Extras:
    """Optional inputs of a round besides the main tables."""

    pins: tuple[Pin, ...] = ()
    bans: tuple[Ban, ...] = ()
    kin_pairs: tuple[tuple[str, str], ...] = ()
    systems: Mapping[str, str | None] = field(default_factory=dict)
    revisit_teams: Mapping[str, Collection[str]] = field(default_factory=dict)


@dataclass
class Context:
    round: RoundSpec
    policy: TeamPolicy
    groups: list[Group]
    candidates: list[Candidate]
    ties: dict[tuple[str, str], list[Tie]]
    visits: dict[tuple[str, str], str]
    led: dict[str, str]
    banned: dict[str, Ban]
    pins: list[Pin]
    kin_pairs: list[tuple[str, str]]
    core: dict[str, int] = field(default_factory=dict)
    revisit_teams: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def member_roles(self) -> tuple[str, ...]:
        return (*self.core, MEMBER)

    def group_ties(self, person: str, group: Group) -> list[Tie]:
        return [t for unit in group.units for t in self.ties.get((person, unit), [])]


def build_context(
    round_: RoundSpec,
    groups: list[Group],
    candidates: Iterable[Candidate],
    ties: Iterable[Tie],
    history: list[HistoryRow],
    policy: TeamPolicy,
    extra: Extras,
) -> Context:
    pins, bans, kin_pairs, unit_systems = extra.pins, extra.bans, extra.kin_pairs, extra.systems
    tie_index: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for tie in sorted(ties, key=lambda t: (t.inspector, t.target, t.severity, t.category)):
        tie_index[(tie.inspector, tie.target)].append(tie)
    systems = dict(unit_systems)
    for group in groups:
        systems.update({t.unit: t.system for t in group.targets})
    return Context(
        round=round_,
        policy=policy,
        groups=groups,
        candidates=sorted(candidates, key=lambda c: c.person),
        ties=dict(tie_index),
        visits=recent_visits(history, round_, policy.rotation_rounds),
        led={} if policy.leader_same_system else last_led_system(history, round_, systems),
        banned={b.person: b for b in bans},
        pins=sorted(pins, key=lambda p: (p.target, p.person)),
        kin_pairs=sorted({(min(a, b), max(a, b)) for a, b in kin_pairs if a != b}),
        core=core_roles(round_.core_size),
        revisit_teams={u: frozenset(p) for u, p in extra.revisit_teams.items()},
    )
