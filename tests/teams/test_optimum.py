"""CP-SAT's optimum equals the brute-force optimum on small random rounds."""

from __future__ import annotations

import pytest

from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .brute import best_two
from .checker import violations
from .instances import random_instance


@pytest.mark.parametrize("seed", range(16))
def test_cpsat_equals_brute_force(seed: int) -> None:
    inst = random_instance(seed, n_targets=2, n_full=7, n_pool=4)
    policy = load_team_policy()
    expected = best_two(inst, policy)
    got = form_teams(
        inst.round, inst.targets, inst.candidates, inst.ties, inst.history, policy, seed=seed, kin_pairs=inst.kin_pairs
    )
    msg = f"instance seed={seed}"
    if expected is None:
        assert got.infeasible, msg
        return
    assert not got.infeasible, msg
    assert got.status == "OPTIMAL", msg
    assert got.objective_total == expected, msg
    teams = [(t.targets[0], tuple((m.person, m.role) for m in t.members)) for t in got.teams]
    assert violations(inst, policy, teams) == [], msg
