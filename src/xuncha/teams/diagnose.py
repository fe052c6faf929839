"""Why a team cannot be staffed: the smallest set of blocking rules, in plain Chinese.

One literal per rule (each exclusion rule, each requirement); CP-SAT finds a set of
literals that cannot hold together (assumptions), which is then shrunk by deletion.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from xuncha.teams.context import Context
from xuncha.teams.cpmodel import required_groups
from xuncha.teams.eligibility import all_blocks
from xuncha.teams.groups import Group
from xuncha.teams.model import MEMBER, Block, Candidate
from xuncha.teams.reasons import requirement_sentence
from xuncha.teams.sat import new_solver

Option = tuple[Candidate, str, list[Block]]


def fit_options(ctx: Context, group: Group) -> list[Option]:
    """(candidate, role, non-qualification blocks) for every role a candidate is qualified for."""
    out: list[Option] = []
    for c in ctx.candidates:
        for role, blocks in all_blocks(ctx, c, group).items():
            if not any(b.rule == "role" for b in blocks):
                out.append((c, role, blocks))
    return out


def diagnose_group(ctx: Context, group: Group, time_limit_s: float = 10) -> list[str]:
    """Plain-Chinese reasons why ``group`` cannot be staffed, or [] if it can be alone."""
    options = fit_options(ctx, group)
    rules = _rule_names(ctx, group, options)
    core = _shrink(lambda active: _feasible(ctx, group, options, active, time_limit_s), rules)
    if core is None:
        return []
    exclusions = {r for r in core if not r.startswith("need:")}
    sentences = [requirement_sentence(ctx, group, r, options, exclusions) for r in core if r.startswith("need:")]
    return sentences or ["可用人员无法同时满足各项组成要求"]


def _rule_names(ctx: Context, group: Group, options: list[Option]) -> list[str]:
    exclusions = sorted({b.rule for _, _, bs in options for b in bs})
    needs = [f"need:role:{r}" for r in ctx.core] + ["need:members"]
    needs += [f"need:skill:{i}" for i in range(len(required_groups(ctx)))]
    needs += [f"need:pin:{p.person}" for p in ctx.pins if p.target in group.units]
    needs += ["need:kin"] if ctx.kin_pairs else []
    return exclusions + needs


def _shrink(feasible: Any, rules: list[str]) -> list[str] | None:
    """A minimal set of rules that cannot hold together (deletion filter), or None."""
    if feasible(set(rules)):
        return None
    core = list(rules)
    for rule in list(rules):
        trial = [r for r in core if r != rule]
        if not feasible(set(trial)):
            core = trial
    return core


def _feasible(ctx: Context, group: Group, options: list[Option], active: set[str], time_limit_s: float) -> bool:
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    x = {(c.person, role): m.new_bool_var(f"{c.person}{role}") for c, role, _ in options}
    for c, role, blocks in options:
        if any(b.rule in active for b in blocks):
            m.add(x[(c.person, role)] == 0)
    _requirements(ctx, group, m, x, options, active)
    solver = new_solver(time_limit_s)
    return bool(solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE))


def _requirements(
    ctx: Context,
    group: Group,
    m: Any,
    x: dict[tuple[str, str], Any],
    options: list[Option],
    active: set[str],
) -> None:
    by_person: dict[str, list[Any]] = defaultdict(list)
    by_role: dict[str, list[Any]] = defaultdict(list)
    for c, role, _ in options:
        by_person[c.person].append(x[(c.person, role)])
        by_role[role].append(x[(c.person, role)])
    for vs in by_person.values():
        m.add_at_most_one(vs)
    for role, n in ctx.core.items():
        if f"need:role:{role}" in active:
            m.add(sum(by_role[role]) == n)
    m.add(sum(by_role[MEMBER]) <= ctx.round.members_max)
    if "need:members" in active:
        m.add(sum(by_role[MEMBER]) >= ctx.round.members_min)
    for i, skills in enumerate(required_groups(ctx)):
        if f"need:skill:{i}" in active:
            m.add(sum(x[(c.person, r)] for c, r, _ in options if c.skills & set(skills)) >= 1)
    for pin in ctx.pins:
        if f"need:pin:{pin.person}" in active and pin.target in group.units:
            m.add(sum(by_person[pin.person]) == 1)
    if "need:kin" in active:
        for p, q in ctx.kin_pairs:
            m.add(sum(by_person[p]) + sum(by_person[q]) <= 1)
