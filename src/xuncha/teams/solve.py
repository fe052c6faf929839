"""Form the teams of a round with CP-SAT: every hard rule, one weighted objective, a seeded draw."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from xuncha.teams.context import Context, Extras, build_context
from xuncha.teams.diagnose import diagnose_group
from xuncha.teams.groups import Group, make_groups
from xuncha.teams.joint import contention_reason, minimal_core, pick_dropped
from xuncha.teams.model import (
    Assignment,
    Ban,
    Candidate,
    HistoryRow,
    InfeasibleTarget,
    Pin,
    RoundSpec,
    Target,
    Tie,
)
from xuncha.teams.options import Options, eligible, precheck, prune, with_greedy
from xuncha.teams.pins import check_pins, check_reasons
from xuncha.teams.policy import TeamPolicy
from xuncha.teams.result import SolveError, assemble, run_solver
from xuncha.teams.shortage import drop_shortages


def form_teams(
    round: RoundSpec,
    targets: list[Target],
    candidates: list[Candidate],
    ties: list[Tie],
    history: list[HistoryRow],
    policy: TeamPolicy,
    *,
    seed: int,
    pins: Iterable[Pin] = (),
    bans: Iterable[Ban] = (),
    kin_pairs: Iterable[tuple[str, str]] = (),
    unit_systems: Mapping[str, str | None] | None = None,
    revisit_teams: Mapping[str, Collection[str]] | None = None,
    targets_per_team: int = 1,
    time_limit_s: float = 30,
) -> Assignment:
    """Staff one team per target (or per group of ``targets_per_team`` targets).

    ``kin_pairs`` are inspector pairs with a statutory kin tie (never on one team);
    ``unit_systems`` maps history units to their system (for the 组长 rotation);
    ``revisit_teams`` maps a revisited target to its original team (换人换组).
    Raises :class:`~xuncha.teams.pins.PinError` for a pin that breaks a hard rule and
    :class:`~xuncha.teams.result.SolveError` when no solution is found in time.
    """
    pins, bans = tuple(pins), tuple(bans)
    check_reasons(pins, bans)
    groups = make_groups(targets, targets_per_team)
    extra = Extras(pins, bans, tuple(kin_pairs), unit_systems or {}, revisit_teams or {})
    ctx = build_context(round, groups, candidates, ties, history, policy, extra)
    check_pins(ctx)
    all_options, blocks, roles = eligible(ctx)
    options = with_greedy(ctx, prune(ctx, all_options), all_options)
    active, infeasible = _precheck(ctx, options)
    active, short = drop_shortages(ctx, active, options)
    infeasible += [_infeasible(ctx, group, [reason]) for group, reason in short]
    while True:
        solved = run_solver(ctx, active, options, seed, time_limit_s)
        if solved.status != "INFEASIBLE":
            return assemble(ctx, solved, infeasible, seed, (blocks, roles))
        active = _drop_one(ctx, active, options, infeasible, time_limit_s)


def _precheck(ctx: Context, options: Options) -> tuple[list[Group], list[InfeasibleTarget]]:
    active: list[Group] = []
    infeasible: list[InfeasibleTarget] = []
    for group in ctx.groups:
        if precheck(ctx, group, options[group.key]):
            active.append(group)
        else:
            infeasible.append(_infeasible(ctx, group, diagnose_group(ctx, group)))
    return active, infeasible


def _drop_one(
    ctx: Context,
    active: list[Group],
    options: Options,
    infeasible: list[InfeasibleTarget],
    time_limit_s: float,
) -> list[Group]:
    """Find a minimal set of teams that block each other, leave one unstaffed, explain why."""
    core = minimal_core(ctx, active, options, time_limit_s) or list(active)
    dropped = pick_dropped(core, options)
    reasons = diagnose_group(ctx, dropped) if len(core) == 1 else []
    reasons = reasons or [contention_reason(ctx, dropped, core, options)]
    infeasible.append(_infeasible(ctx, dropped, reasons))
    return [g for g in active if g is not dropped]


def _infeasible(ctx: Context, group: Group, reasons: list[str]) -> InfeasibleTarget:
    return InfeasibleTarget(ctx.round.round_id, group.units, tuple(reasons or ["无法组建"]))


__all__ = ["SolveError", "form_teams"]
