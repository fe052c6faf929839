"""The CP-SAT model of a round: variables, hard rules, objective."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from xuncha.teams.context import Context
from xuncha.teams.costs import is_veteran, placement_cost, share, tie_breaks
from xuncha.teams.groups import Group
from xuncha.teams.model import MEMBER, Candidate

Key = tuple[str, str, str]  # person, group key, role


@dataclass
class Built:
    """A built model and its handles."""

    model: Any
    x: dict[Key, Any] = field(default_factory=dict)
    group_literals: dict[str, Any] = field(default_factory=dict)
    scale: int = 1
    cost: dict[Key, int] = field(default_factory=dict)
    deficits: dict[str, Any] = field(default_factory=dict)
    covered: dict[str, list[Any]] = field(default_factory=dict)


def build(
    ctx: Context,
    groups: list[Group],
    options: dict[str, list[tuple[Candidate, str]]],
    seed: int,
    with_literals: bool = False,
) -> Built:
    """Model the staffing of ``groups``; ``options[(group key)]`` lists eligible (person, role)."""
    from ortools.sat.python import cp_model

    b = Built(model=cp_model.CpModel())
    for group in groups:
        lit = b.model.new_bool_var(f"staff[{group.key}]") if with_literals else None
        if lit is not None:
            b.group_literals[group.key] = lit
        _group(ctx, b, group, options[group.key], lit)
    _one_team_each(b)
    _objective(ctx, b, seed)
    return b


def _group(ctx: Context, b: Built, group: Group, options: list[tuple[Candidate, str]], lit: Any) -> None:
    m = b.model
    for c, role in options:
        key = (c.person, group.key, role)
        b.x[key] = m.new_bool_var(f"x[{c.person},{group.key},{role}]")
        b.cost[key] = placement_cost(ctx, c, group)
    placed = [(c, b.x[(c.person, group.key, r)]) for c, r in options]
    enforce = [lit] if lit is not None else []
    _composition(ctx, b, group, options, enforce)
    _skills(ctx, b, group, placed, enforce)
    _kin(ctx, b, group, placed)
    _pins(ctx, b, group, placed, enforce)
    _veterans(ctx, b, group, placed)


def _composition(
    ctx: Context, b: Built, group: Group, options: list[tuple[Candidate, str]], enforce: list[Any]
) -> None:
    by_role: dict[str, list[Any]] = defaultdict(list)
    for c, role in options:
        by_role[role].append(b.x[(c.person, group.key, role)])
    for role, n in ctx.core.items():
        b.model.add(sum(by_role[role]) == n).only_enforce_if(enforce)
    members = sum(by_role[MEMBER])
    b.model.add(members <= ctx.round.members_max)
    b.model.add(members >= ctx.round.members_min).only_enforce_if(enforce)
    if enforce:
        everyone = [v for vs in by_role.values() for v in vs]
        b.model.add(sum(everyone) == 0).only_enforce_if(enforce[0].negated())


def required_groups(ctx: Context) -> list[tuple[str, ...]]:
    """Skill groups each team must cover: the policy's, plus each skill a 专项 round requires."""
    groups = [tuple(g) for g in ctx.policy.required_skill_groups]
    if ctx.round.mode == "专项":
        groups += [(s,) for s in ctx.round.required_skills or ()]
    return groups


def _skills(ctx: Context, b: Built, group: Group, placed: list[tuple[Candidate, Any]], enforce: list[Any]) -> None:
    for skills in required_groups(ctx):
        having = [v for c, v in placed if c.skills & set(skills)]
        b.model.add(sum(having) >= 1).only_enforce_if(enforce)
    universe = sorted({s for c, _ in placed for s in c.skills})
    b.covered[group.key] = []
    for skill in universe:
        flag = b.model.new_bool_var(f"skill[{group.key},{skill}]")
        b.model.add(flag <= sum(v for c, v in placed if skill in c.skills))
        b.covered[group.key].append(flag)


def _kin(ctx: Context, b: Built, group: Group, placed: list[tuple[Candidate, Any]]) -> None:
    on: dict[str, list[Any]] = defaultdict(list)
    for c, v in placed:
        on[c.person].append(v)
    for p, q in ctx.kin_pairs:
        if p in on and q in on:
            b.model.add(sum(on[p]) + sum(on[q]) <= 1)


def _pins(ctx: Context, b: Built, group: Group, placed: list[tuple[Candidate, Any]], enforce: list[Any]) -> None:
    for pin in ctx.pins:
        if pin.target in group.units:
            b.model.add(sum(v for c, v in placed if c.person == pin.person) == 1).only_enforce_if(enforce)


def _veterans(ctx: Context, b: Built, group: Group, placed: list[tuple[Candidate, Any]]) -> None:
    frac = share(ctx)
    if frac == 0:
        return
    size = sum(v for _, v in placed)
    vets = sum(v for c, v in placed if is_veteran(ctx, c))
    d = b.model.new_int_var(0, len(ctx.core) + ctx.round.members_max + 1, f"short[{group.key}]")
    b.model.add(frac.denominator * (vets + d) >= frac.numerator * size)
    b.deficits[group.key] = d


def _one_team_each(b: Built) -> None:
    per_person: dict[str, list[Any]] = defaultdict(list)
    for (person, _, _), v in b.x.items():
        per_person[person].append(v)
    for vs in per_person.values():
        if len(vs) > 1:
            b.model.add_at_most_one(vs)


def _objective(ctx: Context, b: Built, seed: int) -> None:
    """Minimise scale * (weighted terms) + seeded tie-break; the scale keeps them lexicographic."""
    w = ctx.policy.weights
    draws = tie_breaks(ctx, seed, b.x)
    seats = len(b.covered) * (sum(ctx.core.values()) + ctx.round.members_max)
    b.scale = ctx.policy.tie_break_range * max(seats, 1) + 1
    primary = sum(b.cost[k] * v for k, v in b.x.items())
    primary += w.veteran_shortfall * sum(b.deficits.values())
    primary -= w.extra_skill * sum(f for fs in b.covered.values() for f in fs)
    b.model.minimize(b.scale * primary + sum(draws[k] * v for k, v in b.x.items()))
