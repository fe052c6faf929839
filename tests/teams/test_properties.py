"""On random rounds no output ever breaks a hard rule, and every target is accounted for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.teams.model import Mode
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .checker import violations
from .instances import random_instance

MODES: st.SearchStrategy[Mode] = st.sampled_from(["常规", "交叉", "提级", "专项"])


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), mode=MODES, n_targets=st.integers(1, 4))
def test_no_hard_rule_broken(seed: int, mode: Mode, n_targets: int) -> None:
    inst = random_instance(seed, n_targets, n_full=4 * n_targets, n_pool=3 * n_targets, mode=mode)
    policy = load_team_policy()
    got = form_teams(
        inst.round, inst.targets, inst.candidates, inst.ties, inst.history, policy, seed=seed, kin_pairs=inst.kin_pairs
    )
    teams = [(t.targets[0], tuple((m.person, m.role) for m in t.members)) for t in got.teams]
    msg = f"instance seed={seed} mode={mode} n_targets={n_targets}"
    assert violations(inst, policy, teams) == [], msg
    covered = sorted([t.targets[0] for t in got.teams] + [i.targets[0] for i in got.infeasible])
    assert covered == sorted(t.unit for t in inst.targets), msg
    assert all(i.reasons and all(i.reasons) for i in got.infeasible), msg
