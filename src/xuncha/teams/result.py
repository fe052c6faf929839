"""Run CP-SAT on the built model and turn its answer into an :class:`Assignment`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xuncha.teams.context import Context
from xuncha.teams.costs import team_terms, weighted
from xuncha.teams.cpmodel import Built, build
from xuncha.teams.groups import Group
from xuncha.teams.model import (
    ROLES,
    Assignment,
    Block,
    Candidate,
    InfeasibleTarget,
    Member,
    Team,
)
from xuncha.teams.options import Options
from xuncha.teams.sat import new_solver

BIG_MODEL = 20_000  # placements; above this the solver keeps its default LP level


class SolveError(RuntimeError):
    """No staffing found within the time limit (Chinese / English)."""


@dataclass
class Solved:
    status: str
    groups: list[Group]
    chosen: dict[str, list[tuple[Candidate, str]]] = field(default_factory=dict)
    bound: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)


def run_solver(ctx: Context, groups: list[Group], options: Options, seed: int, time_limit_s: float) -> Solved:
    """Solve the round, starting from the greedy staffing; INFEASIBLE is returned, not raised."""
    if not groups:
        return Solved("OPTIMAL", [])
    b = build(ctx, groups, options, seed)
    hint(ctx, b, groups, options)
    policy = ctx.policy
    big = len(b.x) > BIG_MODEL
    solver = new_solver(time_limit_s, policy.solver_workers, policy.deterministic_time, big)
    status = solver.status_name(solver.solve(b.model))
    if status in ("UNKNOWN", "MODEL_INVALID"):
        raise SolveError(f"在时限内未找到可行方案（{status}） / no staffing found within the limits ({status})")
    if status == "INFEASIBLE":
        return Solved(status, groups)
    return Solved(status, groups, _chosen(ctx, b, solver), _bound(ctx, b, solver, groups), _stats(b, solver))


def _chosen(ctx: Context, b: Built, solver: Any) -> dict[str, list[tuple[Candidate, str]]]:
    by_person = {c.person: c for c in ctx.candidates}
    chosen: dict[str, list[tuple[Candidate, str]]] = {key: [] for key in b.covered}
    for (person, key, role), var in sorted(b.x.items()):
        if solver.boolean_value(var):
            chosen[key].append((by_person[person], role))
    return chosen


def _bound(ctx: Context, b: Built, solver: Any, groups: list[Group]) -> float:
    """Lower bound on the weighted objective (the tie-break part removed)."""
    offset = ctx.policy.weights.extra_skill * len(ctx.policy.required_skill_groups) * len(groups)
    return float(solver.best_objective_bound // b.scale + offset)


def _stats(b: Built, solver: Any) -> dict[str, float]:
    return {
        "wall_time": solver.wall_time,
        "deterministic_time": solver.deterministic_time,
        "variables": float(len(b.x)),
    }


def hint(ctx: Context, b: Built, groups: list[Group], options: Options) -> None:
    """Start the search from the greedy staffing (large rounds find a first solution fast)."""
    from xuncha.teams.greedy import greedy_teams

    teams = greedy_teams(ctx, groups, options)
    chosen = {(c.person, key, r) for key, team in teams.items() for c, r in team}
    for key, var in b.x.items():
        if key[1] in teams:
            b.model.add_hint(var, key in chosen)


def make_team(ctx: Context, group: Group, chosen: list[tuple[Candidate, str]]) -> Team:
    order = {r: i for i, r in enumerate(ROLES)}
    placed = sorted(chosen, key=lambda cr: (order[cr[1]], cr[0].person))
    members = tuple(Member(c.person, c.name, r, c.pool, tuple(sorted(c.skills))) for c, r in placed)
    ties = [
        t.record
        or {
            "inspector": t.inspector,
            "target": t.target,
            "severity": t.severity,
            "category": t.category,
        }
        for c, _ in placed
        for t in ctx.group_ties(c.person, group)
        if t.severity in ("should", "notice")
    ]
    terms = team_terms(ctx, group, [c for c, _ in placed])
    objective = {**terms, "value": weighted(ctx, terms)}
    pins = tuple(p for p in ctx.pins if p.target in group.units)
    return Team(ctx.round.round_id, group.units, members, tuple(ties), objective, pins)


def assemble(
    ctx: Context,
    solved: Solved,
    infeasible: list[InfeasibleTarget],
    seed: int,
    why: tuple[dict[tuple[str, str], tuple[Block, ...]], dict[tuple[str, str], tuple[str, ...]]],
) -> Assignment:
    teams = tuple(make_team(ctx, g, solved.chosen[g.key]) for g in solved.groups)
    return Assignment(
        round=ctx.round,
        teams=teams,
        infeasible=tuple(sorted(infeasible, key=lambda i: i.targets)),
        pins=tuple(ctx.pins),
        bans=tuple(sorted(ctx.banned.values(), key=lambda b: b.person)),
        seed=seed,
        status=solved.status,
        objective_total=sum(t.objective["value"] for t in teams),
        best_bound=solved.bound,
        candidates={c.person: c for c in ctx.candidates},
        blocks=why[0],
        eligible_roles=why[1],
        group_labels={g.key: g.label for g in ctx.groups},
        stats=solved.stats,
    )
