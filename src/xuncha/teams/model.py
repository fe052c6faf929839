"""Plain data for team formation: inputs built by the caller, results built by the solver.

The engine never reads a bundle itself; the CLI turns bundle tables and screening
conflicts into these records, so the engine can be tested and benchmarked alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Pool = Literal["专职", "人才库"]
Level = Literal["县", "市"]
Mode = Literal["常规", "交叉", "提级", "专项"]
Severity = Literal["must", "should", "notice"]

LEADER, DEPUTY, LIAISON, MEMBER = "组长", "副组长", "联络员", "组员"
ROLES: tuple[str, ...] = (LEADER, DEPUTY, LIAISON, MEMBER)
FULL_TIME, TALENT_POOL = "专职", "人才库"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An inspector who may be drawn into a team of the round."""

    person: str
    name: str
    pool: Pool
    roles: frozenset[str]
    skills: frozenset[str] = frozenset()
    home_region: str | None = None
    home_unit: str | None = None
    available: bool = True
    level: Level = "县"
    past_rounds: int = 0


@dataclass(frozen=True, slots=True)
class Target:
    """A unit to inspect in the round."""

    unit: str
    name: str
    region: str | None = None
    system: str | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class RoundSpec:
    """The round to staff (table ``rounds``)."""

    round_id: str
    name: str
    mode: Mode = "常规"
    level: Level = "县"
    start_date: str = ""
    core_size: int = 3
    members_min: int = 2
    members_max: int = 4
    required_skills: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Tie:
    """A screening conflict of an inspector with a target; ``record`` is its conflicts row."""

    inspector: str
    target: str
    severity: Severity
    category: str
    record: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One person's part in one past round at one unit (table ``history``)."""

    round: str
    unit: str
    person: str
    role: str
    date: str


@dataclass(frozen=True, slots=True)
class Pin:
    """The office forces ``person`` onto the team of ``target``; ``reason`` is required."""

    person: str
    target: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ban:
    """The office keeps ``person`` out of every team of the round; ``reason`` is required."""

    person: str
    reason: str


@dataclass(frozen=True, slots=True)
class Block:
    """Why one candidate cannot take one role on one team: a hard rule and a Chinese detail."""

    rule: str
    detail: str
    short: str = ""


@dataclass(frozen=True, slots=True)
class Member:
    person: str
    name: str
    role: str
    pool: str
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Team:
    round: str
    targets: tuple[str, ...]
    members: tuple[Member, ...]
    accepted_ties: tuple[dict[str, Any], ...]
    objective: dict[str, int]
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True, slots=True)
class InfeasibleTarget:
    round: str
    targets: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assignment:
    """The staffing of a round, with what the explanations need."""

    round: RoundSpec
    teams: tuple[Team, ...]
    infeasible: tuple[InfeasibleTarget, ...]
    pins: tuple[Pin, ...]
    bans: tuple[Ban, ...]
    seed: int
    status: str
    objective_total: int
    best_bound: float
    candidates: dict[str, Candidate] = field(default_factory=dict, compare=False)
    blocks: dict[tuple[str, str], tuple[Block, ...]] = field(default_factory=dict, compare=False)
    eligible_roles: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, compare=False)
    group_labels: dict[str, str] = field(default_factory=dict, compare=False)
    stats: dict[str, float] = field(default_factory=dict, compare=False)

    def team_of(self, person: str) -> Team | None:
        for team in self.teams:
            if any(m.person == person for m in team.members):
                return team
        return None
