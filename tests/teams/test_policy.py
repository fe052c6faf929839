"""The default YAML and the pydantic defaults agree; overrides merge; bad keys fail."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from xuncha.teams.explain import explain
from xuncha.teams.policy import TeamPolicy, load_team_policy
from xuncha.teams.solve import form_teams

from .crafted import ROUND, TARGETS, people


def test_default_yaml_matches_model_defaults() -> None:
    assert load_team_policy() == TeamPolicy.model_validate({})
    assert load_team_policy(None).rotation_rounds == 3


def test_overrides_merge_weights() -> None:
    policy = load_team_policy({"weights": {"workload": 9}, "veteran_share": 0.25})
    assert policy.weights.workload == 9 and policy.weights.should_tie == 100
    assert policy.veteran_share == 0.25


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(ValidationError):
        load_team_policy({"rotaton_rounds": 2})


def test_explain_not_drawn() -> None:
    got = form_teams(ROUND, TARGETS[:1], people(), [], [], load_team_policy(), seed=1)
    out = [c.person for c in people() if got.team_of(c.person) is None and c.pool == "人才库"]
    lines = explain(got, out[0])
    assert any("但未入选" in x for x in lines), lines
