"""A small county whose expected conflicts are checked record by record.

Every category is planted (see data/county); the expected files were reviewed by hand:
each record's counterpart, category, kinship term, path, rule, severity and sources."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xuncha.cli import main

DATA = Path(__file__).parent / "data"
KEY = ("inspector", "target", "counterpart", "category")


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _screen(tmp_path: Path, round_id: str, *extra: str) -> Path:
    out = tmp_path / round_id
    result = CliRunner().invoke(main, ["screen", str(DATA / "county"), "--round", round_id, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("round_id", ["R1", "R2"])
def test_conflicts_record_by_record(tmp_path: Path, round_id: str) -> None:
    out = _screen(tmp_path, round_id)
    got = {tuple(r[k] for k in KEY): r for r in _read(out / "conflicts.jsonl")}
    want = {tuple(r[k] for k in KEY): r for r in _read(DATA / f"expected_{round_id}.jsonl")}
    assert sorted(got) == sorted(want)
    for key, record in want.items():
        assert got[key] == record, key


def test_every_category_is_found(tmp_path: Path) -> None:
    records = _read(_screen(tmp_path, "R1") / "conflicts.jsonl") + _read(_screen(tmp_path, "R2") / "conflicts.jsonl")
    categories = {r["category"] for r in records}
    assert categories == {
        "spouse",
        "lineal",
        "collateral3",
        "in_law",
        "other_kin",
        "work",
        "superior",
        "study",
        "region",
        "declared",
        "objection",
    }


def test_record_keys_follow_the_contract(tmp_path: Path) -> None:
    for record in _read(_screen(tmp_path, "R1") / "conflicts.jsonl"):
        assert list(record) == [
            "round",
            "stage",
            "inspector",
            "inspector_name",
            "target",
            "target_name",
            "counterpart",
            "counterpart_name",
            "counterpart_role",
            "category",
            "kin_term",
            "path",
            "rule",
            "basis",
            "severity",
            "sources",
        ]
        assert record["path"] and all(set(s) == {"from", "relation", "to"} for s in record["path"])
        assert record["path"][0]["from"] == record["inspector"]
        assert record["path"][-1]["to"] == record["counterpart"]


def test_divorce_and_old_short_positions_are_not_conflicts(tmp_path: Path) -> None:
    records = _read(_screen(tmp_path, "R1") / "conflicts.jsonl")
    inspectors = {r["inspector"] for r in records}
    assert "P-I18" not in inspectors  # divorced from the head of U2 in 2015
    assert "P-I19" not in inspectors  # unavailable, and left U1 in 2012 after two years


@pytest.mark.parametrize(("stage", "expected"), [("1", {1}), ("2", {2}), ("3", {3})])
def test_stage_filter(tmp_path: Path, stage: str, expected: set[int]) -> None:
    records = _read(_screen(tmp_path, "R1", "--stage", stage) / "conflicts.jsonl")
    assert records and {r["stage"] for r in records} == expected


def test_workbook_and_summary(tmp_path: Path) -> None:
    out = _screen(tmp_path, "R1")
    book = openpyxl.load_workbook(out / "conflicts.xlsx")
    assert book.sheetnames[:3] == [
        "第一次回避（组长副组长）",
        "第二次回避（抽调干部）",
        "第三次回避（申报与异议）",
    ]
    first = book["第一次回避（组长副组长）"]
    assert first.cell(1, 1).value == "轮次"
    paths = [row[10] for row in first.iter_rows(min_row=2, values_only=True)]
    assert "周杰 →妻子→ 吴静 →父亲→ 吴建国" in paths  # intermediate people shown by name
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["conflicts"] == len(_read(out / "conflicts.jsonl"))
    top = summary["pairs"][0]
    assert top["severity"] == "must"


def test_unknown_round_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["screen", str(DATA / "county"), "--round", "R9", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "R9" in result.output


def test_invalid_policy_is_a_clear_error(tmp_path: Path) -> None:
    policy = tmp_path / "bad.yaml"
    policy.write_text("rules:\n  - id: X\n    kind: kin\n    severity: maybe\n", "utf-8")
    result = CliRunner().invoke(
        main,
        ["screen", str(DATA / "county"), "--round", "R1", "--policy", str(policy), "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "severity" in result.output


def test_policy_file_changes_severity(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/xuncha/policy/default.yaml").read_text("utf-8")
    policy = tmp_path / "strict.yaml"
    policy.write_text(
        text.replace("kind: region_native\n    severity: notice", "kind: region_native\n    severity: must"), "utf-8"
    )
    out = _screen(tmp_path, "R1", "--policy", str(policy))
    region = [r for r in _read(out / "conflicts.jsonl") if r["rule"] == "REGION-NATIVE"]
    assert region and all(r["severity"] == "must" for r in region)


def test_each_step_is_reported_with_its_time(tmp_path: Path) -> None:
    """``screen`` shows its eight steps (a bar on a terminal, timed lines elsewhere) on stderr."""
    result = CliRunner().invoke(main, ["screen", str(DATA / "county"), "--round", "R1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    steps = [line.split("：")[0] for line in result.stderr.splitlines() if line.startswith("  [")]
    assert steps == [
        "  [1/8] 读取数据包 / loading the bundle",
        "  [2/8] 关联干部表家庭成员 / linking cadre-form members",
        "  [3/8] 识别亲属称谓 / reading kinship terms",
        "  [4/8] 生成关系图 / building the graph",
        "  [5/8] 确定巡察对象、关键人员和审查人员 / targets, key persons and inspectors",
        "  [6/8] 推导亲属关系 / deriving kin ties",
        "  [7/8] 套用回避规则 / applying the recusal rules",
        "  [8/8] 写出结果 / writing the results",
    ]
    assert "回避审查完成" in result.stdout and "回避审查完成" not in result.stderr
