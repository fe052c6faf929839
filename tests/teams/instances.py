"""Seeded random instances for the team-formation tests."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from xuncha.teams.model import Candidate, HistoryRow, Mode, Pool, RoundSpec, Target, Tie

SKILLS = ("财务", "审计", "纪检", "法律", "组织")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


@dataclass
class Instance:
    round: RoundSpec
    targets: list[Target]
    candidates: list[Candidate]
    ties: list[Tie] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    kin_pairs: list[tuple[str, str]] = field(default_factory=list)


def candidate(rng: random.Random, i: int, pool: Pool, regions: list[str]) -> Candidate:
    roles = (
        frozenset(rng.sample(["组长", "副组长", "联络员"], rng.randint(2, 3)))
        if pool == "专职"
        else frozenset({"组员"})
    )
    return Candidate(
        person=f"P{i:03d}",
        name=f"{SURNAMES[i % len(SURNAMES)]}{i}",
        pool=pool,
        roles=roles,
        skills=frozenset(rng.sample(SKILLS, rng.randint(1, 2))),
        home_region=rng.choice(regions),
        available=rng.random() > 0.05,
        level=rng.choice(["县", "市"]),
        past_rounds=rng.randint(0, 3),
    )


def random_instance(seed: int, n_targets: int, n_full: int, n_pool: int, mode: Mode = "常规") -> Instance:
    rng = random.Random(seed)
    regions = ["R1", "R2", "R3"]
    systems = ["教育", "卫健", None]
    rnd = RoundSpec(
        "RD9",
        "第九轮",
        mode=mode,
        start_date="2025-03-01",
        core_size=3,
        members_min=1,
        members_max=2,
        required_skills=("法律",) if mode == "专项" else None,
    )
    targets = [Target(f"U{j}", f"单位{j}", rng.choice(regions), rng.choice(systems)) for j in range(n_targets)]
    cands = [candidate(rng, i, "专职", regions) for i in range(n_full)]
    cands += [candidate(rng, n_full + i, "人才库", regions) for i in range(n_pool)]
    ties = [
        Tie(
            c.person,
            t.unit,
            rng.choice(["must", "should", "notice"]),
            "in_law",
            {"inspector": c.person, "target": t.unit, "category": "in_law"},
        )
        for c in cands
        for t in targets
        if rng.random() < 0.12
    ]
    history = [
        HistoryRow(f"RD{r}", rng.choice(targets).unit, c.person, rng.choice(["组长", "组员"]), f"202{r}-01-01")
        for r in range(1, 5)
        for c in cands
        if rng.random() < 0.1
    ]
    people = [c.person for c in cands]
    kin = [(a, b) for a, b in (rng.sample(people, 2) for _ in range(2))]
    return Instance(rnd, targets, cands, ties, history, kin)
