"""Benchmark: staff a synthetic round of 200 targets from a pool of 1,500 with CP-SAT.

Prints data sizes, objective, best bound and gap, wall time, and a greedy baseline on the
same instance. The objective can be negative (skills beyond the minimum are a reward), so
the ratio compares distances from the best bound. With --workers 2 CP-SAT searches better
but runs are not repeatable; the default policy (1 worker) is. Usage:
.venv/bin/python bench/assign.py [--seed N] [--time-limit S] [--workers W]
"""

from __future__ import annotations

import argparse
import random
import time

from xuncha.teams.context import Extras, build_context
from xuncha.teams.greedy import greedy
from xuncha.teams.groups import make_groups
from xuncha.teams.model import Candidate, HistoryRow, RoundSpec, Severity, Target, Tie
from xuncha.teams.options import eligible
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

SKILLS = ("财务", "审计", "纪检", "法律", "组织", "工程", "信访", "农业")
REGIONS = [f"5113{i:02d}" for i in range(1, 11)]
SYSTEMS = ("教育", "卫健", "农业农村", "交通", "住建", "财政", "乡镇", None)


def candidates(rng: random.Random, n_full: int, n_pool: int) -> list[Candidate]:
    out = []
    for i in range(n_full + n_pool):
        full = i < n_full
        roles = {r for r, p in (("组长", 0.45), ("副组长", 0.6), ("联络员", 0.7)) if rng.random() < p}
        out.append(
            Candidate(
                person=f"P{i:05d}",
                name=f"干部{i}",
                pool="专职" if full else "人才库",
                roles=frozenset(roles or {"联络员"}) if full else frozenset({"组员"}),
                skills=frozenset(rng.sample(SKILLS, rng.randint(1, 2))),
                home_region=rng.choice(REGIONS),
                available=rng.random() > 0.05,
                level=rng.choice(["县", "市"]),
                past_rounds=rng.choice([0, 0, 1, 1, 2, 3, 5]),
            )
        )
    return out


def instance(seed: int) -> tuple[RoundSpec, list[Target], list[Candidate], list[Tie], list[HistoryRow]]:
    rng = random.Random(seed)
    rnd = RoundSpec("B1", "基准轮次", start_date="2025-09-01")
    targets = [Target(f"U{j:04d}", f"单位{j}", rng.choice(REGIONS), rng.choice(SYSTEMS)) for j in range(200)]
    cands = candidates(rng, 800, 700)
    severities: list[Severity] = ["must", "should", "notice"]
    ties = [
        Tie(rng.choice(cands).person, t.unit, sev, "in_law", {"category": "in_law"})
        for t in targets
        for sev in rng.choices(severities, k=20)
    ]
    history = [
        HistoryRow(f"H{r}", rng.choice(targets).unit, c.person, rng.choice(["组长", "组员"]), f"202{r}-03-01")
        for r in range(1, 5)
        for c in rng.sample(cands, 600)
    ]
    return rnd, targets, cands, ties, history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--time-limit", type=float, default=40)
    parser.add_argument("--candidates-per-role", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rnd, targets, cands, ties, history = instance(args.seed)
    rng = random.Random(args.seed + 1)
    people = [c.person for c in cands]
    kin = [(a, b) for a, b in (rng.sample(people, 2) for _ in range(100))]
    policy = load_team_policy({"candidates_per_role": args.candidates_per_role, "solver_workers": args.workers})
    print(
        f"targets={len(targets)} pool={len(cands)} (专职 800, 人才库 700) ties={len(ties)} "
        f"history_rows={len(history)} kin_pairs={len(kin)}"
    )
    start = time.perf_counter()
    result = form_teams(
        rnd, targets, cands, ties, history, policy, seed=args.seed, kin_pairs=kin, time_limit_s=args.time_limit
    )
    wall = time.perf_counter() - start
    obj, bound = result.objective_total, result.best_bound
    gap = (obj - bound) / max(abs(obj), abs(bound), 1)
    print(
        f"cp-sat: status={result.status} teams={len(result.teams)} "
        f"infeasible={len(result.infeasible)} objective={result.objective_total} "
        f"best_bound={result.best_bound:.0f} gap={gap:.2%} wall={wall:.1f}s"
    )
    print("solver stats:", {k: round(v, 2) for k, v in result.stats.items()})
    ctx = build_context(rnd, make_groups(targets, 1), cands, ties, history, policy, Extras(kin_pairs=tuple(kin)))
    start = time.perf_counter()
    objective, staffed = greedy(ctx, eligible(ctx)[0])
    print(f"greedy: teams={staffed} objective={objective} wall={time.perf_counter() - start:.1f}s")
    print(f"objective difference greedy - cp-sat = {objective - obj}")
    print(f"objective ratio (greedy - bound) / (cp-sat - bound) = {(objective - bound) / max(obj - bound, 1):.1f}")


if __name__ == "__main__":
    main()
