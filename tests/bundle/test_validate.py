"""``xuncha validate``: report, exit codes, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from xuncha.cli import main

from .helpers import HUSBAND, minimal_bundle, write_csv


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_clean_bundle_exits_0_with_a_summary(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    code, output = _run(str(root))
    assert code == 0, output
    assert "persons" in output and "read" in output and "数据包可用" in output


def test_problems_are_listed_chinese_then_english_by_table(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "kinship.csv", [["person", "relative", "relation"], [HUSBAND, "Z9", "父亲"]])
    code, output = _run(str(root))
    assert code == 0
    assert "== kinship (1) ==" in output
    assert "kinship.csv 第2行 列「relative」 值「Z9」: 指向不存在的人员 / points at an unknown person" in output


def test_strict_fails_on_any_problem(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    assert _run("--strict", str(root))[0] == 0
    (root / "notes.txt").write_text("x", encoding="utf-8")
    assert _run(str(root))[0] == 0
    assert _run("--strict", str(root))[0] == 1


def test_missing_persons_exits_1(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "persons.csv").unlink()
    code, output = _run(str(root))
    assert code == 1
    assert "缺少表「人员」" in output and "no table persons" in output


def test_missing_required_column_exits_1(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "units.csv", [["unit_id"], ["U1"]])
    code, output = _run(str(root))
    assert code == 1 and "单位名称" in output


def test_json_report_and_out_file(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "kinship.csv", [["person", "relative", "relation"], [HUSBAND, HUSBAND, "配偶"]])
    out = tmp_path / "report.json"
    code, output = _run("--format", "json", "--out", str(out), str(root))
    assert code == 0
    report = json.loads(output)
    assert report == json.loads(out.read_text(encoding="utf-8"))
    [problem] = [p for p in report["problems"] if p["file"] == "kinship.csv"]
    assert problem["row"] == 2 and problem["reason_en"] == "a person cannot be their own relative"
    kinship = next(s for s in report["summary"] if s["table"] == "kinship")
    assert (kinship["read"], kinship["used"], kinship["rejected"]) == (1, 0, 1)
    assert report["usable"] is True and report["errors"] >= 1


def test_not_a_bundle_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("x", encoding="utf-8")
    assert _run(str(path))[0] == 2


def test_broken_workbook_never_tracebacks(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"\x00\x01 not a workbook")
    code, output = _run(str(path))
    assert code == 1 and "book.xlsx" in output
