"""Decisions files: confirmed pairs linked, rejected pairs never; review.xlsx round trip; the command's outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.link import data
from xuncha.bundle.load import load_bundle
from xuncha.link import link
from xuncha.link.command import link_command
from xuncha.link.decisions import DecisionsError, read_decisions


def _by_source(table: object) -> dict[str, dict[str, object]]:
    return {r["source"]: r for r in table.to_pylist() if r["column"] != "about_person"}  # type: ignore[attr-defined]


def _decisions(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["source", "person", "decision"], *rows])
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return data.bundle(tmp_path_factory.mktemp("county"), fillers=150)


def test_confirm_and_reject(county: Path, tmp_path: Path) -> None:
    decisions = _decisions(
        tmp_path / "d.csv",
        [
            ["subsidies.csv:8", data.CHEN, "确认"],  # the namesake, confirmed by the office
            ["subsidies.csv:2", data.ZHANG_LI, "否认"],  # the homophone, rejected
            ["subsidies.csv:4", data.WANG, "reject"],
        ],
    )
    rows = _by_source(link(load_bundle(county), decisions=decisions).table)
    assert rows["subsidies.csv:8"]["person"] == data.CHEN
    assert (rows["subsidies.csv:8"]["status"], rows["subsidies.csv:8"]["evidence"]) == ("linked", ["confirmed"])
    assert rows["subsidies.csv:8"]["probability"] == 1.0
    assert rows["subsidies.csv:2"]["person"] != data.ZHANG_LI and rows["subsidies.csv:2"]["status"] != "linked"
    assert rows["subsidies.csv:4"]["status"] == "unlinked" and rows["subsidies.csv:4"]["person"] is None
    assert rows["subsidies.csv:5"]["status"] == "candidate"  # a decision on one row leaves others alone


def test_decisions_need_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("来源,人员\nsubsidies.csv:2,X\n", encoding="utf-8")
    with pytest.raises(DecisionsError, match="decision"):
        read_decisions(path)


def test_gbk_decisions_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(
        "来源,人员,决定\nsubsidies.csv:2,P1,确认\nsubsidies.csv:3,P2,否认\nsubsidies.csv:4,P3,\n".encode("gb18030")
    )
    got = read_decisions(path)
    assert got.confirmed == {("subsidies.csv:2", None): "P1"}
    assert got.rejected == frozenset({("subsidies.csv:3", "P2")})


def test_command_writes_links_and_a_review_that_reads_back(
    county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert link_command(county, None, None, strict=False, decisions=None, out=out) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "待人工核对" in printed and "按身份证号精确关联" in printed
    steps = [line.split("：")[0] for line in captured.err.splitlines() if line.startswith("  [")]
    assert steps == [
        "  [1/6] 读取数据 / loading the data",
        "  [2/6] 提取待关联记录和人员特征 / rows to link and person features",
        "  [3/6] 身份证号精确匹配和近似号码 / exact and near ID numbers",
        "  [4/6] Splink 概率匹配 / Splink probabilistic linkage",
        "  [5/6] 确定关联和待复核记录 / deciding links and reviews",
        "  [6/6] 写出结果 / writing the results",
    ]
    lines = [json.loads(line) for line in (out / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines and all(
        set(r) == {"table", "column", "source", "person", "probability", "status", "evidence"} for r in lines
    )
    assert all(0.0 <= r["probability"] <= 1.0 and isinstance(r["evidence"], list) for r in lines)
    candidates = {r["source"]: r["person"] for r in lines if r["status"] == "candidate"}
    assert candidates

    book = load_workbook(out / "review.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-1].startswith("决定") and sheet.max_row == len(candidates) + 1
    for r in range(2, sheet.max_row + 1):
        sheet.cell(row=r, column=len(header), value="确认")
    book.save(tmp_path / "filled.xlsx")

    again = tmp_path / "again"
    assert link_command(county, None, None, strict=False, decisions=tmp_path / "filled.xlsx", out=again) == 0
    rows = [json.loads(line) for line in (again / "links.jsonl").read_text(encoding="utf-8").splitlines()]
    confirmed = {r["source"]: r["person"] for r in rows if r["evidence"] == ["confirmed"]}
    assert confirmed == candidates
    assert load_workbook(again / "review.xlsx").worksheets[0].max_row == 1  # nothing left to review


def test_command_needs_a_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert link_command(None, None, None, strict=False, decisions=None, out=tmp_path / "o") == 2
    assert "error" in capsys.readouterr().err
