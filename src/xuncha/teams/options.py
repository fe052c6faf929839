"""Eligible placements per team, the blocks behind every refusal, and a counting pre-check."""

from __future__ import annotations

import zlib
from collections import defaultdict

from xuncha.teams.context import Context
from xuncha.teams.costs import placement_cost
from xuncha.teams.cpmodel import required_groups
from xuncha.teams.eligibility import all_blocks
from xuncha.teams.groups import Group
from xuncha.teams.model import MEMBER, Block, Candidate

Options = dict[str, list[tuple[Candidate, str]]]
Blocks = dict[tuple[str, str], tuple[Block, ...]]
Roles = dict[tuple[str, str], tuple[str, ...]]


def eligible(ctx: Context) -> tuple[Options, Blocks, Roles]:
    """Per group: placements no hard rule forbids, and the blocks behind the rest."""
    options: Options = {}
    blocks: Blocks = {}
    roles: Roles = {}
    for group in ctx.groups:
        options[group.key] = []
        for c in ctx.candidates:
            per_role = all_blocks(ctx, c, group)
            ok = tuple(r for r, bs in per_role.items() if not bs)
            options[group.key] += [(c, r) for r in ok]
            seen = {b: None for bs in per_role.values() for b in bs if b.rule != "role"}
            if seen:
                blocks[(c.person, group.key)] = tuple(seen)
            if ok:
                roles[(c.person, group.key)] = ok
    return options, blocks, roles


def prune(ctx: Context, options: Options) -> Options:
    """Keep N candidates per team and role: half the cheapest, half a fixed hash sample.

    The hash of (person, team) spreads the sample, so teams keep different people and
    the union stays large enough to staff every team. Also kept: the N cheapest holders
    of each required skill, and every pin.
    """
    n = ctx.policy.candidates_per_role
    if not n:
        return options
    pinned = {p.person for p in ctx.pins}
    out: Options = {}
    for group in ctx.groups:
        cost = {c.person: placement_cost(ctx, c, group) for c, _ in options[group.key]}
        spread = {p: zlib.crc32(f"{p}|{group.key}".encode()) for p in cost}
        opts = sorted(options[group.key], key=lambda o: (cost[o[0].person], spread[o[0].person]))
        keep = {(c.person, r) for c, r in opts if c.person in pinned}
        sampled = sorted(opts, key=lambda o: spread[o[0].person])
        for role in ctx.member_roles:
            keep |= set([(c.person, r) for c, r in opts if r == role][: (n + 1) // 2])
            keep |= set([(c.person, r) for c, r in sampled if r == role][: n // 2])
        for skills in required_groups(ctx):
            keep |= set([(c.person, r) for c, r in opts if c.skills & set(skills)][:n])
        out[group.key] = [(c, r) for c, r in options[group.key] if (c.person, r) in keep]
    return out


def precheck(ctx: Context, group: Group, options: list[tuple[Candidate, str]]) -> bool:
    """Quick counting test: enough eligible people for every role and required skill."""
    people: dict[str, set[str]] = defaultdict(set)
    for c, r in options:
        people[r].add(c.person)
    if any(len(people[r]) < n for r, n in ctx.core.items()):
        return False
    if len(people[MEMBER]) < ctx.round.members_min:
        return False
    everyone = {c.person for c, _ in options}
    if len(everyone) < sum(ctx.core.values()) + ctx.round.members_min:
        return False
    return all(any(c.skills & set(s) for c, _ in options) for s in required_groups(ctx))


def with_greedy(ctx: Context, pruned: Options, full: Options) -> Options:
    """Add the greedy staffing's placements to pruned options, so a full hint exists."""
    if pruned is full:
        return full
    from xuncha.teams.greedy import greedy_teams

    teams = greedy_teams(ctx, ctx.groups, full)
    out: Options = {}
    for key, opts in pruned.items():
        have = {(c.person, r) for c, r in opts}
        out[key] = opts + [(c, r) for c, r in teams.get(key, []) if (c.person, r) not in have]
    return out
