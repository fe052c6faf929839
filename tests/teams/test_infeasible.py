"""Crafted rounds that cannot be fully staffed: the reasons name the real blocking rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from xuncha.teams.model import Assignment, Candidate, HistoryRow, Tie
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .crafted import ROUND, TARGETS, people


def run(
    ties: Sequence[Tie] = (),
    history: Sequence[HistoryRow] = (),
    kin: Sequence[tuple[str, str]] = (),
    candidates: list[Candidate] | None = None,
) -> Assignment:
    return form_teams(
        ROUND, TARGETS, candidates or people(), list(ties), list(history), load_team_policy(), seed=1, kin_pairs=kin
    )


def reasons_of(result: Assignment, unit: str) -> str:
    return " ".join(r for i in result.infeasible if unit in i.targets for r in i.reasons)


def test_all_leaders_must_step_aside() -> None:
    ties = [Tie(f"L{i}", "A", "must", "spouse", {"kin_term": "配偶"}) for i in range(1, 5)]
    got = run(ties)
    text = reasons_of(got, "A")
    assert "可任组长的4人均与该单位存在必须回避关系" in text, text
    assert "张一（配偶）" in text and "张四（配偶）" in text, text
    assert [t.targets for t in got.teams] == [("B",)]


def test_only_discipline_member_unavailable() -> None:
    cands = [c for c in people() if c.person != "M4"]
    cands = [c if c.person != "M2" else replace(c, available=False) for c in cands]
    got = run(candidates=cands)
    assert len(got.infeasible) == 2
    text = reasons_of(got, "A")
    assert "纪检" in text and "本轮不可用" in text and "赵二" in text, text


def test_rotation_blocks_every_leader() -> None:
    history = [HistoryRow("R2", "B", f"L{i}", "组员", "2024-09-01") for i in range(1, 5)]
    text = reasons_of(run(history=history), "B")
    assert "可任组长的4人均近期巡察过该单位" in text, text


def test_two_teams_contend_for_one_deputy() -> None:
    cands = [c for c in people() if c.person != "D2"]
    got = run(candidates=cands)
    assert len(got.teams) == 1 and len(got.infeasible) == 1
    text = got.infeasible[0].reasons[0]
    assert "争用" in text and "副组长2名" in text and "李一" in text, text


def test_kin_pair_cannot_share_the_only_team() -> None:
    cands = [c for c in people() if c.person not in ("L2", "L3", "L4", "D2")]
    ties = [Tie("L1", "B", "must", "work")]
    got = run(ties, kin=[("L1", "D1")], candidates=cands)
    text = reasons_of(got, "A")
    assert "近亲属关系" in text and "李一与张一" in text, text
