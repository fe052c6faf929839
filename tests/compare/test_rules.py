"""Model files: user models, replacing a built-in, malformed files named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compare.scenario import county
from xuncha.compare import RuleError, compare, load_models, records

USER_MODEL = """\
id: big_subsidy
name: 大额补贴
severity: notice
description: 单笔补贴超过阈值 / a single subsidy above a threshold
basis: 内部审计提示
parameters:
  threshold: {default: 450, description: 元}
query: |
  SELECT approving_unit AS unit, person, name, amount, _source AS source
  FROM subsidies WHERE person IS NOT NULL AND amount > $threshold
summary: "{name}单笔领取{amount}元"
unit: unit
persons: [person]
evidence: [source]
"""


def test_builtins_declare_basis_and_parameters() -> None:
    models = load_models()
    assert set(models) == {
        "kin_benefit",
        "official_business",
        "kin_contract",
        "dead_payment",
        "double_payroll",
        "ineligible_benefit",
    }
    for m in models.values():
        assert "《" in m.basis and m.name and m.severity in ("must", "should", "notice")


def test_user_model_adds_and_binds_parameters(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(USER_MODEL, encoding="utf-8")
    found = records(compare(county(), models=["big_subsidy"], rules_dir=tmp_path))
    assert sorted((f["persons"][0], f["summary"]) for f in found) == [
        ("C", "王侄单笔领取500元"),
        ("S", "王小明单笔领取500元"),
        ("S", "王小明单笔领取500元"),
    ]
    assert len({f["key"] for f in found}) == 3  # same person twice: told apart by source
    assert all(f["severity"] == "notice" and f["model_name"] == "大额补贴" for f in found)


def test_user_model_replaces_a_builtin(tmp_path: Path) -> None:
    text = USER_MODEL.replace("id: big_subsidy", "id: dead_payment").replace("default: 450", "default: 10000")
    (tmp_path / "dead.yaml").write_text(text, encoding="utf-8")
    models = load_models(tmp_path)
    assert models["dead_payment"].name == "大额补贴"
    assert records(compare(county(), models="dead_payment", rules_dir=tmp_path)) == []


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (USER_MODEL.replace("severity: notice", "severity: urgent"), 3, "severity"),
        (USER_MODEL.replace("name: 大额补贴\n", ""), 1, "name"),
        (USER_MODEL.replace("  threshold: {default: 450", "  threshold: {dflt: 450"), 7, "threshold"),
        (USER_MODEL.replace("amount > $threshold", "amount > $limit"), 8, "$limit"),
        (USER_MODEL.replace("unit: unit\n", "unit: [unit\n"), 13, "YAML"),
        (USER_MODEL.replace("query: |\n  SELECT", "query: |\n  DELETE"), 8, "query"),
    ],
)
def test_malformed_rule_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_models(tmp_path)
    problem = err.value.problems[0]
    assert problem.file == str(path) and problem.row == line, problem
    assert words in str(err.value) and "第" in str(err.value)


def test_columns_the_query_lacks_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(USER_MODEL.replace("{amount}", "{amount}{nope}"), encoding="utf-8")
    with pytest.raises(RuleError, match="nope"):
        compare(county(), models="big_subsidy", rules_dir=tmp_path)


def test_sql_error_names_the_model(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(USER_MODEL.replace("FROM subsidies", "FROM no_such_table"), encoding="utf-8")
    with pytest.raises(RuleError, match="big_subsidy"):
        compare(county(), models="big_subsidy", rules_dir=tmp_path)


def test_unknown_model_id() -> None:
    with pytest.raises(RuleError, match="nosuch"):
        compare(county(), models="kin_benefit,nosuch")
