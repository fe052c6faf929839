"""A simple greedy baseline (for the benchmark): cheapest eligible people, team by team."""

from __future__ import annotations

from collections.abc import Callable

from xuncha.teams.context import Context
from xuncha.teams.costs import placement_cost, team_terms, weighted
from xuncha.teams.cpmodel import required_groups
from xuncha.teams.groups import Group
from xuncha.teams.model import MEMBER, Candidate
from xuncha.teams.options import Options


def greedy(ctx: Context, options: Options) -> tuple[int, int]:
    """(objective, teams staffed): each team takes the cheapest people still free."""
    teams = greedy_teams(ctx, ctx.groups, options)
    by_key = {g.key: g for g in ctx.groups}
    total = sum(weighted(ctx, team_terms(ctx, by_key[k], [c for c, _ in team])) for k, team in teams.items())
    return total, len(teams)


def greedy_teams(ctx: Context, groups: list[Group], options: Options) -> dict[str, list[tuple[Candidate, str]]]:
    """Group key -> team, for the groups greedy can staff (also the solver's hint)."""
    used: set[str] = set()
    out: dict[str, list[tuple[Candidate, str]]] = {}
    for group in groups:
        team = _one(ctx, group, options[group.key], used)
        if team is not None:
            used |= {c.person for c, _ in team}
            out[group.key] = team
    return out


def _one(
    ctx: Context, group: Group, opts: list[tuple[Candidate, str]], used: set[str]
) -> list[tuple[Candidate, str]] | None:
    ranked = sorted(opts, key=lambda o: (placement_cost(ctx, o[0], group), o[0].person))
    team: list[tuple[Candidate, str]] = []
    needs = [r for r, n in ctx.core.items() for _ in range(n)] + [MEMBER] * ctx.round.members_min
    for role in needs:
        pick = _pick(ctx, ranked, team, used, _role(role))
        if pick is None:
            return None
        team.append(pick)
    for skills in required_groups(ctx):
        if not any(c.skills & set(skills) for c, _ in team):
            room = sum(r == MEMBER for _, r in team) < ctx.round.members_max
            pick = _pick(ctx, ranked, team, used, _skill_member(skills))
            if pick is None or not room:
                return None
            team.append(pick)
    return team


Placed = tuple[Candidate, str]


def _pick(
    ctx: Context,
    ranked: list[Placed],
    team: list[Placed],
    used: set[str],
    ok: Callable[[Candidate, str], bool],
) -> Placed | None:
    on = {c.person for c, _ in team}
    kin_pairs = set(ctx.kin_pairs)
    for c, r in ranked:
        kin = any((min(c.person, p), max(c.person, p)) in kin_pairs for p in on)
        if ok(c, r) and c.person not in used and c.person not in on and not kin:
            return c, r
    return None


def _role(role: str) -> Callable[[Candidate, str], bool]:
    return lambda c, r: r == role


def _skill_member(skills: tuple[str, ...]) -> Callable[[Candidate, str], bool]:
    return lambda c, r: r == MEMBER and bool(c.skills & set(skills))
