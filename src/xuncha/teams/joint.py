"""Teams that cannot all be staffed together: find a blocking set of teams, drop one, repeat."""

from __future__ import annotations

from typing import Any

from xuncha.teams.context import Context
from xuncha.teams.cpmodel import build, required_groups
from xuncha.teams.groups import Group
from xuncha.teams.model import MEMBER, Candidate
from xuncha.teams.reasons import contention_sentence, names
from xuncha.teams.sat import new_solver

Options = dict[str, list[tuple[Candidate, str]]]


def feasible(ctx: Context, groups: list[Group], options: Options, time_limit_s: float) -> Any:
    """None if the groups can be staffed together, else a (sufficient) list of group keys."""
    from ortools.sat.python import cp_model

    b = build(ctx, groups, options, seed=0, with_literals=True)
    b.model.clear_objective()
    literals = [b.group_literals[g.key] for g in groups]
    b.model.add_assumptions(literals)
    solver = new_solver(time_limit_s)
    status = solver.solve(b.model)
    if status != cp_model.INFEASIBLE:
        return None
    index = {lit.index: g.key for g, lit in zip(groups, literals, strict=True)}
    core = [index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index]
    return core or [g.key for g in groups]


def minimal_core(ctx: Context, groups: list[Group], options: Options, time_limit_s: float) -> list[Group] | None:
    """A minimal set of groups that cannot be staffed together (deletion filter), or None."""
    keys = feasible(ctx, groups, options, time_limit_s)
    if keys is None:
        return None
    core = [g for g in groups if g.key in set(keys)]
    for group in list(core):
        trial = [g for g in core if g is not group]
        if trial and feasible(ctx, trial, options, time_limit_s) is not None:
            core = trial
    return core


def pick_dropped(core: list[Group], options: Options) -> Group:
    """The group to leave unstaffed: fewest eligible placements, then the last key."""
    return max(core, key=lambda g: (-len(options[g.key]), g.key))


def hall_detail(ctx: Context, core: list[Group], options: Options) -> str:
    """The first requirement whose total demand exceeds the people who could meet it."""
    demands = [(role, n) for role, n in ctx.core.items()] + [(MEMBER, ctx.round.members_min)]
    for role, n in demands:
        people = sorted({c.name for g in core for c, r in options[g.key] if r == role})
        if len(people) < n * len(core):
            return f"共需{role}{n * len(core)}名，符合条件的仅{len(people)}人：{names(people)}"
    for skills in required_groups(ctx):
        people = sorted({c.name for g in core for c, _ in options[g.key] if c.skills & set(skills)})
        if len(people) < len(core):
            what = f"具备{'或'.join(skills)}特长的成员"
            return f"共需{what}{len(core)}名，符合条件的仅{len(people)}人：{names(people)}"
    return "可用人员不足以同时满足各组的组成、特长和回避要求"


def contention_reason(ctx: Context, dropped: Group, core: list[Group], options: Options) -> str:
    others = [g for g in core if g is not dropped]
    return contention_sentence(ctx, dropped, others, hall_detail(ctx, core, options))
