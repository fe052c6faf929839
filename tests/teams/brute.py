"""Brute force: every valid staffing of a tiny round, the best objective."""

from __future__ import annotations

from itertools import combinations, permutations

from xuncha.teams.policy import TeamPolicy

from .checker import CORE, Team, team_ok, team_value
from .instances import Instance


def valid_teams(inst: Instance, policy: TeamPolicy, unit: str) -> list[Team]:
    full = [c.person for c in inst.candidates if c.pool == "专职"]
    pool = [c.person for c in inst.candidates if c.pool == "人才库"]
    out: list[Team] = []
    for core in permutations(full, len(CORE)):
        for k in range(inst.round.members_min, inst.round.members_max + 1):
            for extra in combinations(pool, k):
                placed = tuple(zip(core, CORE, strict=True)) + tuple((p, "组员") for p in extra)
                if team_ok(inst, policy, (unit, placed)):
                    out.append((unit, placed))
    return out


def best_two(inst: Instance, policy: TeamPolicy) -> int | None:
    """The optimum over both targets staffed (two targets only), or None if impossible."""
    a, b = (valid_teams(inst, policy, t.unit) for t in inst.targets)
    best: int | None = None
    values_b = [(team_value(inst, policy, t), {p for p, _ in t[1]}) for t in b]
    for ta in a:
        va, people = team_value(inst, policy, ta), {p for p, _ in ta[1]}
        for vb, other in values_b:
            if not people & other and (best is None or va + vb < best):
                best = va + vb
    return best
