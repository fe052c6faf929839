"""Excel and Parquet tables: title rows, two-row headers, merged cells, typed cells."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from xuncha.bundle.load import read_bundle

from .helpers import HUSBAND, OLD_SON, PERSONS, SON, WIFE, minimal_bundle


def _sheet(book: Workbook, title: str, rows: list[list[Any]], *, first: bool = False) -> Any:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return sheet


def test_title_row_merged_over_the_header(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "persons.csv").unlink()
    book = Workbook()
    sheet = _sheet(book, "Sheet1", [["XX县巡察干部信息登记表"], [], *PERSONS], first=True)
    sheet.merge_cells("A1:E1")
    book.save(root / "人员.xlsx")
    data = read_bundle(root).tables["persons"]
    assert data.used == 4
    assert data.table.column("_row").to_pylist() == [4, 5, 6, 7]
    assert data.file == "人员.xlsx"


def test_two_row_header_with_a_merged_parent(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "positions.csv").unlink()
    book = Workbook()
    rows = [
        ["人员", "单位", "职务", "任职时间", None],
        [None, None, None, "开始", "结束"],
        [HUSBAND, "U1", "局长", "2020.01.01", "2023年3月1日"],
    ]
    sheet = _sheet(book, "任职经历", rows, first=True)
    sheet.merge_cells("D1:E1")
    for col in "ABC":
        sheet.merge_cells(f"{col}1:{col}2")
    book.save(root / "positions.xlsx")
    table = read_bundle(root).table("positions")
    assert table.to_pylist()[0] | {"_source": None} == {
        "person": HUSBAND,
        "unit": "U1",
        "title": "局长",
        "start_date": date(2020, 1, 1),
        "end_date": date(2023, 3, 1),
        "_source": None,
        "_row": 3,
    }


def test_parent_and_child_text_combined(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    book = Workbook()
    rows = [
        ["人员", "学校", "毕业", None],
        [None, None, "日期", None],
        [HUSBAND, "县一中", "1988-07-01", None],
    ]
    sheet = _sheet(book, "学习经历", rows, first=True)
    sheet.merge_cells("A1:A2")
    book.save(root / "education.xlsx")
    table = read_bundle(root).table("education")
    assert table.column("end_date").to_pylist() == [date(1988, 7, 1)]


def test_one_workbook_with_chinese_sheet_names(tmp_path: Path) -> None:
    book = Workbook()
    _sheet(book, "人员", PERSONS, first=True)
    _sheet(book, "单位", [["单位编码", "单位名称"], ["U1", "县财政局"]])
    _sheet(
        book,
        "亲属关系",
        [["人员", "亲属", "称谓"], [HUSBAND, WIFE, "妻子"], [HUSBAND, OLD_SON, "儿子"]],
    )
    _sheet(book, "说明", [["填表说明"]])
    _sheet(book, "任职经历", [])
    path = tmp_path / "book.xlsx"
    book.save(path)
    bundle = read_bundle(path)
    assert sorted(bundle.tables) == ["kinship", "persons", "units"]
    assert bundle.tables["kinship"].table.column("relative").to_pylist() == [WIFE, SON]
    assert bundle.tables["kinship"].file == "book.xlsx#亲属关系"
    assert bundle.tables["kinship"].table.column("_source").to_pylist()[0] == "book.xlsx#亲属关系:2"
    empty = [p for p in bundle.problems if p.file == "book.xlsx#任职经历"]
    assert [p.reason_en for p in empty] == ["the sheet is empty"]
    assert any(p.file == "book.xlsx#说明" and p.level == "warning" for p in bundle.problems)


def test_typed_cells(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "persons.csv").unlink()
    book = Workbook()
    rows: list[list[Any]] = [
        ["人员编号", "身份证号", "姓名", "出生日期"],
        [7, HUSBAND, "张三", datetime(1970, 5, 1)],
        [8, float(WIFE), "李四", None],
        [9, float(OLD_SON), "张小三", None],
    ]
    _sheet(book, "persons", rows, first=True)
    book.save(root / "persons.xlsx")
    bundle = read_bundle(root)
    table = bundle.table("persons")
    assert table.column("person_key").to_pylist() == [HUSBAND, "8", SON]
    assert table.column("person_id").to_pylist() == ["7", "8", "9"]
    [lost] = [p for p in bundle.problems if p.row == 3 and p.column == "身份证号"]
    assert "Excel" in lost.reason_zh and lost.level == "warning"


def test_merged_cells_down_a_family_block(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    book = Workbook()
    rows: list[list[Any]] = [
        ["干部", "称谓", "姓名", "出生年月", "政治面貌", "工作单位及职务"],
        [HUSBAND, "妻子", "李四", 1972.06, "群众", "县医院护士"],
        [None, "儿子", "张小三", 1995.1, "团员", "学生"],
    ]
    sheet = _sheet(book, "家庭成员", rows, first=True)
    sheet.merge_cells("A2:A3")
    book.save(root / "family_members.xlsx")
    table = read_bundle(root).table("family_members")
    assert table.column("cadre").to_pylist() == [HUSBAND, HUSBAND]
    assert table.column("birth_month").to_pylist() == ["1972-06", "1995-10"]


def test_corrupt_workbook_is_a_file_problem(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "units.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "units.csv").unlink()
    bundle = read_bundle(root)
    [problem] = [p for p in bundle.problems if p.file == "units.xlsx"]
    assert problem.level == "error" and "Excel" in problem.reason_zh
    corrupt = tmp_path / "whole.xlsx"
    corrupt.write_bytes(b"garbage")
    whole = read_bundle(corrupt)
    assert whole.fatal and any(p.file == "whole.xlsx" for p in whole.problems)


def test_parquet_tables(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "units.csv").unlink()
    units = pa.table({"单位编码": ["U1", "U2"], "单位名称": ["甲", "乙"], "core": [1, 2]})
    pq.write_table(units, root / "units.parquet")
    rounds = pa.table(
        {
            "round_id": ["R1"],
            "start_date": pa.array([date(2024, 3, 1)]),
            "end_date": pa.array([datetime(2024, 5, 1)]),
            "core_size": [3],
        }
    )
    pq.write_table(rounds, root / "rounds.parquet")
    (root / "payroll.parquet").write_bytes(b"PAR1 broken")
    bundle = read_bundle(root)
    assert bundle.table("units").column("unit_id").to_pylist() == ["U1", "U2"]
    assert bundle.table("units").column("_row").to_pylist() == [1, 2]
    round_ = bundle.table("rounds").to_pylist()[0]
    assert (round_["start_date"], round_["end_date"]) == (date(2024, 3, 1), date(2024, 5, 1))
    assert (round_["core_size"], round_["members_min"], round_["members_max"]) == (3.0, 2.0, 4.0)
    assert [p.level for p in bundle.problems if p.file == "payroll.parquet"] == ["error"]
