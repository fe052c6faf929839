"""Pins and bans: honoured when legal, refused with the rule when not, always in the output."""

from __future__ import annotations

import json
from typing import Any

import pytest

from xuncha.teams.explain import explain
from xuncha.teams.model import Assignment, Ban, HistoryRow, Pin, Tie
from xuncha.teams.output import teams_jsonl
from xuncha.teams.pins import PinError
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .crafted import ROUND, TARGETS, people


def run(**kw: Any) -> Assignment:
    ties = kw.pop("ties", [])
    history = kw.pop("history", [])
    return form_teams(ROUND, TARGETS, people(), ties, history, load_team_policy(), seed=5, **kw)


def test_pin_is_honoured_and_written() -> None:
    got = run(pins=[Pin("M3", "A", "熟悉教育系统审计")])
    team = next(t for t in got.teams if t.targets == ("A",))
    assert "M3" in {m.person for m in team.members}
    line = next(json.loads(x) for x in teams_jsonl(got).decode().splitlines() if '"A"' in x)
    assert line["pins"] == [{"person": "M3", "target": "A", "reason": "熟悉教育系统审计"}]
    assert "办公室指定到A：熟悉教育系统审计" in explain(got, "M3")


def test_legal_pin_that_blocks_the_team_is_named() -> None:
    got = run(pins=[Pin("M5", "A", "熟悉法律")])
    text = " ".join(got.infeasible[0].reasons)
    assert got.infeasible[0].targets == ("A",)
    assert "办公室指定赵五参加该组（熟悉法律）" in text, text


def test_pin_breaking_must_tie_is_refused() -> None:
    with pytest.raises(PinError, match="必须回避") as err:
        run(pins=[Pin("L1", "A", "领导要求")], ties=[Tie("L1", "A", "must", "spouse")])
    assert "must_tie" in str(err.value)


def test_pin_breaking_rotation_is_refused() -> None:
    history = [HistoryRow("R2", "A", "M1", "组员", "2024-09-01")]
    with pytest.raises(PinError, match="巡察过甲局"):
        run(pins=[Pin("M1", "A", "x")], history=history)


def test_pin_without_reason_or_on_two_teams_is_refused() -> None:
    with pytest.raises(PinError, match="理由"):
        run(pins=[Pin("M1", "A", " ")])
    with pytest.raises(PinError, match="一个巡察组"):
        run(pins=[Pin("M1", "A", "a"), Pin("M1", "B", "b")])


def test_pinned_kin_on_one_team_is_refused() -> None:
    with pytest.raises(PinError, match="近亲属"):
        run(pins=[Pin("M1", "A", "a"), Pin("M2", "A", "b")], kin_pairs=[("M1", "M2")])


def test_ban_keeps_person_out_and_is_written() -> None:
    got = run(bans=[Ban("M1", "借调期间另有任务")])
    assert all("M1" not in {m.person for m in t.members} for t in got.teams)
    for line in teams_jsonl(got).decode().splitlines():
        assert json.loads(line).get("bans", []) == [{"person": "M1", "reason": "借调期间另有任务"}]
    assert "办公室排除：借调期间另有任务" in explain(got, "M1")
    with pytest.raises(PinError, match="理由"):
        run(bans=[Ban("M1", "")])


def test_explain_must_tie_and_selection() -> None:
    got = run(ties=[Tie("L1", "A", "must", "spouse", {"kin_term": "妻子"})])
    lines = explain(got, "L1")
    team = got.team_of("L1")
    if team is None:
        assert any("不能参加甲局巡察组" in x and "妻子" in x for x in lines), lines
    else:
        assert team.targets == ("B",)
        assert any("入选乙局巡察组，任组长" in x for x in lines), lines
    assert explain(got, "NOBODY") == ["NOBODY不在本轮巡察干部库中"]
