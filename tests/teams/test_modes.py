"""Mode rules (交叉 and its variant, 提级) and the 组长 system rotation on crafted rounds."""

from __future__ import annotations

from dataclasses import replace

from xuncha.teams.model import HistoryRow, Tie
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .crafted import ROUND, TARGETS, people


def test_cross_keeps_local_people_out() -> None:
    cands = [replace(c, home_region="R1") if c.person in ("L1", "L2", "M2") else c for c in people()]
    got = form_teams(replace(ROUND, mode="交叉"), TARGETS[:1], cands, [], [], load_team_policy(), seed=1)
    assert not {"L1", "L2", "M2"} & {m.person for m in got.teams[0].members}


def test_cross_variant_leader_and_liaison_local() -> None:
    local = {"L3", "C2"}
    cands = [replace(c, home_region="R1") if c.person in local else c for c in people()]
    ties = [Tie(p, "A", "must", "region") for p in local]  # the region tie yields for local roles
    policy = load_team_policy({"cross_variant": "组长联络员本地"})
    got = form_teams(replace(ROUND, mode="交叉"), TARGETS[:1], cands, ties, [], policy, seed=1)
    roles = {m.role: m.person for m in got.teams[0].members}
    assert roles["组长"] == "L3" and roles["联络员"] == "C2"


def test_escalated_round_takes_city_level_only() -> None:
    city = {"L4", "D2", "C1", "M1", "M4"}
    cands = [replace(c, level="市") if c.person in city else c for c in people()]
    got = form_teams(replace(ROUND, mode="提级"), TARGETS[:1], cands, [], [], load_team_policy(), seed=1)
    assert {m.person for m in got.teams[0].members} == city


def test_leader_not_twice_in_same_system() -> None:
    history = [HistoryRow("R2", "X", p, "组长", "2024-09-01") for p in ("L1", "L2", "L3")]
    got = form_teams(ROUND, TARGETS[:1], people(), [], history, load_team_policy(), seed=1, unit_systems={"X": "教育"})
    assert {m.person for m in got.teams[0].members if m.role == "组长"} == {"L4"}
