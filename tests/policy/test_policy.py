"""The recusal policy: the default encodes recusal.md; bad files are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xuncha.policy.model import DEFAULT_POLICY, PolicyError, load_policy


def test_default_policy_encodes_recusal_md() -> None:
    policy = load_policy()
    rules = {r.id: r for r in policy.rules}
    assert rules["KIN-KEY"].severity_for(leader=False) == "must"
    assert set(rules["KIN-KEY"].categories) == {"spouse", "lineal", "collateral3", "in_law"}
    assert rules["KIN-STAFF"].counterpart == "employee" and rules["KIN-STAFF"].severity == "should"
    assert rules["KIN-OTHER"].categories == ["other_kin"] and rules["KIN-OTHER"].severity == "notice"
    assert rules["WORK-RECENT"].years == 3 and rules["WORK-RECENT"].include_subunits
    assert rules["WORK-LONG"].severity_for(leader=True) == "must"
    assert rules["WORK-LONG"].severity_for(leader=False) == "should"
    assert rules["SUPERIOR"].severity_for(leader=True) == "must"
    assert rules["STUDY"].severity == "notice" and rules["STUDY-CLASS"].severity == "should"
    assert rules["REGION-CROSS"].modes == ["交叉"] and rules["REGION-CROSS"].severity == "must"
    assert rules["DECLARED"].severity == "must" and rules["OBJECTION"].severity == "should"
    assert "第五条" in policy.basis_text(rules["KIN-KEY"])
    assert policy.kin_reach.max_steps == 5 and policy.kin_reach.max_spouse_steps == 2


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_unknown_field_names_file_and_field(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_POLICY.read_text("utf-8"))
    data["rules"][0]["severty"] = "must"
    with pytest.raises(PolicyError) as err:
        load_policy(_write(tmp_path, data))
    assert "policy.yaml" in str(err.value) and "rules.0.severty" in str(err.value)


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_POLICY.read_text("utf-8"))
    data["rules"].append(dict(data["rules"][0]))
    with pytest.raises(PolicyError, match="KIN-KEY"):
        load_policy(_write(tmp_path, data))


@pytest.mark.parametrize("text", ["rules: [", "- just a list", ""])
def test_unreadable_policy(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(PolicyError, match=r"bad\.yaml"):
        load_policy(path)


def test_kin_reach_is_bounded(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_POLICY.read_text("utf-8"))
    data["kin_reach"] = {"max_steps": 9}
    with pytest.raises(PolicyError, match="max_steps"):
        load_policy(_write(tmp_path, data))
