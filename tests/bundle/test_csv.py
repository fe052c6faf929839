"""CSV tables: encodings, delimiters, headers, and files that cannot be read."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from xuncha.bundle.load import read_bundle

from .helpers import HUSBAND, PERSONS, WIFE, csv_text, minimal_bundle, write_csv

CHINESE_PERSONS = [["人员编号", "身份证号", "姓名", "性别", "出生日期"], *PERSONS[1:]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
@pytest.mark.parametrize("rows", [PERSONS, CHINESE_PERSONS], ids=["english", "chinese"])
def test_encodings_and_header_languages(tmp_path: Path, encoding: str, rows: list[list[str]]) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "persons.csv", rows, encoding=encoding)
    bundle = read_bundle(root)
    names = bundle.table("persons").column("name").to_pylist()
    assert names == ["张三", "李四", "王五", "张小三"]
    assert not bundle.errors


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "人员.csv", PERSONS, delimiter=delimiter)
    (root / "persons.csv").unlink()
    bundle = read_bundle(root)
    assert bundle.tables["persons"].used == 4
    assert bundle.tables["persons"].file == "人员.csv"


def test_full_width_spaced_and_starred_headers(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    header = ["人员编号", " 身 份 证 号 ", "姓名＊", "性别（必填）", "ＢＩＲＴＨ＿ＤＡＴＥ"]
    write_csv(root / "persons.csv", [header, *PERSONS[1:]])
    table = read_bundle(root).table("persons")
    assert table.column("id_number").to_pylist()[0] == HUSBAND
    assert "birth_date" in table.column_names


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    rows = [["某某县人员信息表"], ["填报日期：2024年3月1日"], *PERSONS]
    write_csv(root / "persons.csv", rows)
    bundle = read_bundle(root)
    assert bundle.tables["persons"].table.column("_row").to_pylist() == [4, 5, 6, 7]


def test_ids_stay_strings_and_rows_are_user_rows(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "persons.csv", [["person_id", "name"], ["007", "甲"], ["0100", "乙"]])
    data = read_bundle(root).tables["persons"]
    assert data.table.column("person_key").to_pylist() == ["007", "0100"]
    assert data.table.column("_source").to_pylist() == ["persons.csv:2", "persons.csv:3"]


def test_undecodable_file_is_a_file_problem_not_mojibake(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "units.csv").write_bytes(b"unit_id,name\nU1,\x80\xff\x80\xff\xfe\n")
    bundle = read_bundle(root)
    assert "units" not in bundle.tables
    [problem] = [p for p in bundle.problems if p.file == "units.csv"]
    assert problem.level == "error" and problem.row is None


def test_truncated_inside_a_quoted_field(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    text = csv_text([["person", "relative", "relation"], [HUSBAND, WIFE, "妻子"]])
    (root / "kinship.csv").write_text(text + f'{HUSBAND},{WIFE},"妻子的', encoding="utf-8")
    bundle = read_bundle(root)
    [problem] = [p for p in bundle.problems if p.file == "kinship.csv"]
    assert "截断" in problem.reason_zh and "truncated" in problem.reason_en
    assert "kinship" not in bundle.tables
    assert bundle.tables["persons"].used == 4  # the run went on


def test_binary_file_renamed_csv(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "units.csv").write_bytes(b"PK\x03\x04\x00\x00binary\x00stuff" * 10)
    bundle = read_bundle(root)
    [problem] = [p for p in bundle.problems if p.file == "units.csv"]
    assert "二进制" in problem.reason_zh


@pytest.mark.parametrize("content", [b"", b"  \n\n", codecs.BOM_UTF8])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "units.csv").write_bytes(content)
    [problem] = [p for p in read_bundle(root).problems if p.file == "units.csv"]
    assert problem.reason_en == "the file is empty" or "header" in problem.reason_en


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "education.csv", [["person", "school"]])
    data = read_bundle(root).tables["education"]
    assert (data.read, data.used, data.rejected) == (0, 0, 0)


def test_ragged_row_is_reported_with_its_row(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    text = "unit_id,name\nU1,县财政局\nU2,县教育局,extra,cells\nU3,县卫健局,,\n"
    (root / "units.csv").write_text(text, encoding="utf-8")
    bundle = read_bundle(root)
    [problem] = [p for p in bundle.problems if p.file == "units.csv"]
    assert problem.row == 3
    data = bundle.tables["units"]
    assert (data.read, data.used, data.rejected) == (3, 2, 1)
    assert data.table.column("_row").to_pylist() == [2, 4]


def test_quoted_newlines_keep_row_numbers(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(
        root / "units.csv",
        [["unit_id", "name"], ["U1", "县财政局\n（含国库中心）"], ["U2", "县教育局"]],
    )
    table = read_bundle(root).table("units")
    assert table.column("_row").to_pylist() == [2, 3]
    assert table.column("name").to_pylist()[0] == "县财政局\n（含国库中心）"


def test_blank_lines_are_not_rows(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "units.csv").write_text("unit_id,name\nU1,甲\n\n,\nU2,乙\n\n", encoding="utf-8")
    data = read_bundle(root).tables["units"]
    assert data.read == 2
    assert data.table.column("_row").to_pylist() == [2, 5]


def test_unknown_files_and_columns_are_warnings(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    (root / "readme.txt").write_text("hello", encoding="utf-8")
    write_csv(root / "units.csv", [["unit_id", "name", "备注"], ["U1", "甲", "x"], ["U2", "乙", ""]])
    bundle = read_bundle(root)
    warned = {(p.file, p.column) for p in bundle.problems if p.level == "warning"}
    assert ("readme.txt", None) in warned
    assert ("units.csv", "备注") in warned
    assert not bundle.errors


def test_two_files_for_one_table_are_an_error(tmp_path: Path) -> None:
    root = minimal_bundle(tmp_path / "b")
    write_csv(root / "单位.csv", [["unit_id", "name"], ["U1", "甲"]])
    bundle = read_bundle(root)
    files = {p.file for p in bundle.errors if p.table == "units" and p.row is None}
    assert files == {"units.csv", "单位.csv"}
    assert "units" not in bundle.tables
