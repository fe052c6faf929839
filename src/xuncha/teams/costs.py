"""The soft objective: costs of placements and the weighted terms of a team."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from fractions import Fraction

from xuncha.teams.context import Context
from xuncha.teams.groups import Group
from xuncha.teams.model import Candidate

TERMS = ("should_ties", "notice_ties", "workload", "extra_skills", "veteran_shortfall")


def tie_counts(ctx: Context, c: Candidate, group: Group) -> tuple[int, int]:
    ties = ctx.group_ties(c.person, group)
    return sum(t.severity == "should" for t in ties), sum(t.severity == "notice" for t in ties)


def placement_cost(ctx: Context, c: Candidate, group: Group) -> int:
    """Weighted cost of putting ``c`` on this team (ties and workload)."""
    w = ctx.policy.weights
    should, notice = tie_counts(ctx, c, group)
    return w.should_tie * should + w.notice_tie * notice + w.workload * c.past_rounds


def is_veteran(ctx: Context, c: Candidate) -> bool:
    return c.past_rounds >= ctx.policy.veteran_min_rounds


def share(ctx: Context) -> Fraction:
    return Fraction(ctx.policy.veteran_share).limit_denominator(100)


def veteran_shortfall(ctx: Context, members: Sequence[Candidate]) -> int:
    """Veterans missing for the share: the least d with veterans + d >= share * size."""
    need = share(ctx) * len(members)
    have = sum(is_veteran(ctx, c) for c in members)
    return max(0, math.ceil(need - have))


def extra_skills(ctx: Context, members: Iterable[Candidate]) -> int:
    """Distinct skills of the team beyond one per required group."""
    skills = {s for c in members for s in c.skills}
    return len(skills) - len(ctx.policy.required_skill_groups)


def team_terms(ctx: Context, group: Group, members: Sequence[Candidate]) -> dict[str, int]:
    """Raw (unweighted) values of the objective terms for one team."""
    pairs = [tie_counts(ctx, c, group) for c in members]
    return {
        "should_ties": sum(p[0] for p in pairs),
        "notice_ties": sum(p[1] for p in pairs),
        "workload": sum(c.past_rounds for c in members),
        "extra_skills": extra_skills(ctx, members),
        "veteran_shortfall": veteran_shortfall(ctx, members),
    }


def weighted(ctx: Context, terms: dict[str, int]) -> int:
    """The team's objective value (to minimise)."""
    w = ctx.policy.weights
    return (
        w.should_tie * terms["should_ties"]
        + w.notice_tie * terms["notice_ties"]
        + w.workload * terms["workload"]
        - w.extra_skill * terms["extra_skills"]
        + w.veteran_shortfall * terms["veteran_shortfall"]
    )


Key = tuple[str, str, str]


def tie_breaks(ctx: Context, seed: int, keys: Iterable[Key]) -> dict[Key, int]:
    """Seeded draw per (person, group key, role): decides among equally good solutions."""
    rng = random.Random(f"xuncha-draw:{seed}")
    return {k: rng.randrange(ctx.policy.tie_break_range) for k in sorted(keys)}
