"""The term plan covers every unit, reports missing capacity, and staffs revisits afresh."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from xuncha.teams.coverage import write_plan
from xuncha.teams.model import HistoryRow, Target
from xuncha.teams.plan import CapacityError, plan_term
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .crafted import ROUND, TARGETS, people


def units(n: int, seed: int = 0) -> list[Target]:
    rng = random.Random(seed)
    return [
        Target(
            f"U{i:03d}",
            f"单位{i}",
            rng.choice(["县甲", "县乙"]),
            rng.choice(["教育", "卫健", None]),
            rng.choice(["乡镇(街道)", "党政机关"]),
        )
        for i in range(n)
    ]


def test_every_unit_placed_priorities_and_flags() -> None:
    us = units(40)
    petitions = {"U005": 9, "U006": 3, "U007": 2}
    history = [HistoryRow("H1", u.unit, "P1", "组长", "2022-05-01") for u in us[:30]]
    plan = plan_term(us, petitions, history, (2024, 1), (2028, 12), 2, 5, 1, load_team_policy())
    originals = [i for i in plan.items if i.kind == "巡察"]
    assert sorted(i.unit for i in originals) == [u.unit for u in us], "every unit once"
    first = {i.unit: i.round_index for i in originals}
    never = [u.unit for u in us[30:]]
    assert max(first[u] for u in never) <= min(first[u] for u in ["U000", "U001", "U002"])
    assert first["U005"] <= first["U006"] <= first["U000"]
    assert next(i for i in originals if i.unit == "U005").escalate
    revisits = [i for i in plan.items if i.kind == "回访督查"]
    assert {i.unit for i in revisits} == {"U005", "U006"}
    for r in revisits:
        months = (int(r.round_start[:4]) * 12 + int(r.round_start[5:])) - (
            int(plan.rounds[first[r.unit]][:4]) * 12 + int(plan.rounds[first[r.unit]][5:])
        )
        assert 6 <= months <= 12, r


def test_missing_capacity_is_reported() -> None:
    with pytest.raises(CapacityError, match="需要 60 个组次，可用 40 个，缺 20 个") as err:
        plan_term(units(60), {}, [], (2024, 1), (2028, 12), 2, 4, 1, load_team_policy())
    assert err.value.missing == 20


def test_linked_systems_stay_together() -> None:
    us = units(24, seed=3)
    policy = load_team_policy({"plan": {"linked_systems": ["教育"]}})
    plan = plan_term(us, {}, [], (2024, 1), (2025, 12), 2, 3, 2, policy)
    edu = sorted(i.round_index for i in plan.items if i.system == "教育")
    assert edu[-1] - edu[0] <= 1, edu


def test_writers(tmp_path: Path) -> None:
    history = [HistoryRow("H1", "U001", "P1", "组长", "2024-03-01")]
    plan = plan_term(
        units(10), {"U001": 4}, history, (2024, 1), (2026, 12), 2, 3, 1, load_team_policy(), as_of=(2024, 6)
    )
    paths = write_plan(plan, tmp_path)
    assert all(p.stat().st_size > 0 for p in paths)
    assert sum(int(r["inspected"]) for r in plan.coverage) == 1  # type: ignore[call-overload]
    assert sum(int(r["units"]) for r in plan.coverage) == 10  # type: ignore[call-overload]


def test_revisit_excludes_the_original_team() -> None:
    original = {"L1", "D1", "C1", "M1", "M2"}
    got = form_teams(ROUND, TARGETS[:1], people(), [], [], load_team_policy(), seed=1, revisit_teams={"A": original})
    assert not got.infeasible
    assert not original & {m.person for m in got.teams[0].members}
