"""Loading: person keys, references, duplicates, enums, dates, summaries, strictness."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from xuncha.bundle.load import load_bundle, read_bundle
from xuncha.bundle.problems import BundleError

from .helpers import HUSBAND, OLD_SON, PERSONS, SON, WIFE, minimal_bundle, write_csv


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return minimal_bundle(tmp_path / "bundle")


def test_minimal_bundle_is_clean(root: Path) -> None:
    bundle = load_bundle(root, strict=True)
    assert bundle.problems == []
    persons = bundle.table("persons")
    assert persons.column("person_key").to_pylist() == [HUSBAND, WIFE, "P3", SON]
    assert persons.column("id_status").to_pylist() == ["valid", "valid", "empty", "valid"]
    assert persons.column("gender").to_pylist() == ["男", "女", "男", "男"]
    assert persons.column("birth_date").to_pylist()[1] == date(1972, 6, 2)
    assert bundle.table("kinship").column("relative").to_pylist() == [WIFE, SON]


def test_arrow_types(root: Path) -> None:
    write_csv(
        root / "inspectors.csv",
        [
            ["person", "pool", "roles", "skills", "available"],
            [WIFE, "专职巡察干部", "组长、副组长", "财务；审计", "否"],
            ["P3", "人才库", "组员", "", ""],
        ],
    )
    write_csv(
        root / "family_members.csv",
        [["cadre", "relation", "name", "birth_month"], [HUSBAND, "妻子", "李四", "1972.06"]],
    )
    bundle = load_bundle(root)
    inspectors = bundle.table("inspectors")
    assert inspectors.schema.field("roles").type == pa.list_(pa.string())
    assert inspectors.column("roles").to_pylist() == [["组长", "副组长"], ["组员"]]
    assert inspectors.column("skills").to_pylist() == [["财务", "审计"], None]
    assert inspectors.column("available").to_pylist() == [False, True]
    assert inspectors.column("pool").to_pylist() == ["专职", "人才库"]
    assert bundle.table("persons").schema.field("birth_date").type == pa.date32()
    assert bundle.table("family_members").column("birth_month").to_pylist() == ["1972-06"]


@pytest.mark.parametrize("text", ["2024-03-01", "2024/3/1", "2024.03.01", "20240301", "2024年3月1日", "2024-3-1"])
def test_every_date_form(root: Path, text: str) -> None:
    write_csv(root / "positions.csv", [["person", "unit", "start_date"], [HUSBAND, "U1", text]])
    assert load_bundle(root).table("positions").column("start_date").to_pylist() == [date(2024, 3, 1)]


@pytest.mark.parametrize("text", ["1962.05", "1962年5月", "1962-05", "1962/5", "196205"])
def test_every_month_form(root: Path, text: str) -> None:
    write_csv(
        root / "family_members.csv",
        [["干部", "称谓", "姓名", "出生年月"], [HUSBAND, "母亲", "某", text]],
    )
    assert load_bundle(root).table("family_members").column("birth_month").to_pylist() == ["1962-05"]


def test_bad_optional_value_is_a_warning_and_null(root: Path) -> None:
    write_csv(
        root / "positions.csv",
        [
            ["person", "unit", "start_date", "end_date"],
            [HUSBAND, "U1", "2020-01-01", "2023-02-30"],
        ],
    )
    bundle = load_bundle(root)
    assert bundle.table("positions").column("end_date").to_pylist() == [None]
    [problem] = bundle.problems
    assert (problem.level, problem.row, problem.column, problem.value) == (
        "warning",
        2,
        "end_date",
        "2023-02-30",
    )
    assert problem.reason_zh and problem.reason_en


def test_bad_required_value_rejects_the_row(root: Path) -> None:
    write_csv(root / "inspectors.csv", [["person", "pool"], [WIFE, "外聘"], [HUSBAND, ""]])
    bundle = load_bundle(root)
    data = bundle.tables["inspectors"]
    assert (data.read, data.used, data.rejected) == (2, 0, 2)
    assert {(p.row, p.column, p.level) for p in bundle.problems} == {
        (2, "pool", "error"),
        (3, "pool", "error"),
    }


def test_enum_variants(root: Path) -> None:
    write_csv(
        root / "rounds.csv",
        [
            ["轮次编号", "方式", "层级"],
            ["R1", "交叉巡察", "县委"],
            ["R2", "提级巡察", "市级"],
            ["R3", "常规", "省"],
        ],
    )
    write_csv(
        root / "positions.csv",
        [
            ["person", "unit", "role"],
            [HUSBAND, "U1", "主要负责人"],
            [WIFE, "U1", "领导班子成员"],
            ["P3", "U2", "副职"],
        ],
    )
    bundle = load_bundle(root)
    rounds = bundle.table("rounds")
    assert rounds.column("mode").to_pylist() == ["交叉", "提级", "常规"]
    assert rounds.column("level").to_pylist() == ["县", "市", None]
    assert bundle.table("positions").column("role").to_pylist() == [
        "一把手",
        "班子成员",
        "班子成员",
    ]
    [warning] = bundle.problems
    assert (warning.row, warning.column, warning.value, warning.level) == (
        4,
        "层级",
        "省",
        "warning",
    )


def test_duplicate_person_keys_name_the_first_row(root: Path) -> None:
    write_csv(
        root / "persons.csv",
        [*PERSONS, ["", HUSBAND.lower(), "张三丰", "", ""], ["P3", "", "王六", "", ""]],
    )
    bundle = load_bundle(root)
    dups = sorted((p.row, p.reason_en) for p in bundle.errors)
    assert dups == [
        (6, "the person key (ID or person_id) duplicates row 2"),
        (7, "the person key (ID or person_id) duplicates row 4"),
    ]
    assert bundle.tables["persons"].rejected == 2


def test_duplicate_person_id_with_different_ids(root: Path) -> None:
    write_csv(
        root / "persons.csv",
        [["person_id", "id_number", "name"], ["A1", HUSBAND, "甲"], ["A1", WIFE, "乙"]],
    )
    [problem] = [p for p in read_bundle(root).errors if p.file == "persons.csv"]
    assert (problem.row, problem.column) == (3, "person_id")


def test_bad_ids(root: Path) -> None:
    bad_check = HUSBAND[:-1] + ("0" if HUSBAND[-1] != "0" else "1")
    write_csv(
        root / "persons.csv",
        [
            ["person_id", "id_number", "name"],
            ["", bad_check, "甲"],
            ["Q2", "12345", "乙"],
            ["", "1.10105E+17", "丙"],
            ["", "", "丁"],
            ["Q5", "", ""],
        ],
    )
    bundle = read_bundle(root)
    persons = bundle.tables["persons"]
    assert persons.table.column("person_key").to_pylist() == [bad_check, "Q2"]
    assert persons.table.column("id_status").to_pylist() == ["bad_check", "bad_format"]
    by_row = {p.row: p for p in bundle.problems if p.file == "persons.csv"}
    assert by_row[2].level == "warning" and "校验位" in by_row[2].reason_zh
    assert by_row[3].level == "warning"
    assert by_row[4].level == "error" and "Excel" in by_row[4].reason_zh
    assert by_row[5].level == "error" and by_row[6].column == "name"
    assert (persons.read, persons.used, persons.rejected) == (5, 2, 3)


def test_gender_and_birth_mismatch_are_warnings(root: Path) -> None:
    write_csv(
        root / "persons.csv",
        [["id_number", "name", "gender", "birth_date"], [HUSBAND, "甲", "女", "1970-05-02"]],
    )
    bundle = read_bundle(root)
    columns = sorted(p.column for p in bundle.problems if p.file == "persons.csv")
    assert columns == ["birth_date", "gender"]
    assert bundle.tables["persons"].used == 1


def test_kinship_row_pointing_at_an_unknown_person(root: Path) -> None:
    write_csv(
        root / "kinship.csv",
        [["person", "relative", "relation"], [HUSBAND, "Z9", "父亲"], [HUSBAND, WIFE, "妻子"]],
    )
    bundle = read_bundle(root)
    [problem] = bundle.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "kinship.csv",
        2,
        "relative",
        "Z9",
    )
    assert problem.reason_zh == "指向不存在的人员" and problem.reason_en == "points at an unknown person"
    assert bundle.tables["kinship"].rejected == 1


def test_a_person_who_is_their_own_spouse(root: Path) -> None:
    write_csv(
        root / "kinship.csv",
        [["人员", "亲属", "称谓"], [HUSBAND, HUSBAND, "配偶"], ["P3", "p3", "丈夫"]],
    )
    bundle = read_bundle(root)
    assert [(p.row, p.reason_en) for p in bundle.problems] == [
        (2, "a person cannot be their own relative"),
        (3, "a person cannot be their own relative"),
    ]


def test_references_accept_every_spelling(root: Path) -> None:
    write_csv(
        root / "education.csv",
        [
            ["person", "school"],
            [HUSBAND, "甲"],
            [OLD_SON, "乙"],
            ["P3", "丙"],
            [f" {WIFE.lower()} ", "丁"],
        ],
    )
    table = load_bundle(root, strict=True).table("education")
    assert table.column("person").to_pylist() == [HUSBAND, SON, "P3", WIFE]


def test_unknown_unit_in_core_tables(root: Path) -> None:
    write_csv(
        root / "units.csv",
        [["unit_id", "name", "parent_unit"], ["U1", "甲", "U0"], ["U2", "乙", "U1"]],
    )
    write_csv(root / "round_targets.csv", [["round", "unit"], ["R1", "U2"], ["R1", "U7"]])
    bundle = read_bundle(root)
    parent = [p for p in bundle.problems if p.file == "units.csv"]
    assert [(p.row, p.level) for p in parent] == [(2, "warning")]
    assert bundle.table("units").column("parent_unit").to_pylist() == [None, "U1"]
    [target] = [p for p in bundle.problems if p.file == "round_targets.csv"]
    assert (target.row, target.level, target.reason_en) == (3, "error", "points at an unknown unit")


def test_departmental_rows_are_kept_unresolved(root: Path) -> None:
    write_csv(
        root / "补贴发放.csv",
        [
            ["项目", "人员", "姓名", "金额", "期间", "审批单位", "出生日期"],
            ["低保", OLD_SON, "张小三", "1,200", "2024.05", "U1", "1995.01"],
            ["低保", "110105194912310002", "某人", "300", "2024年5月", "某村", ""],
            ["低保", "", "无证者", "300", "2024-05", "", "1950-02-03"],
        ],
    )
    bundle = load_bundle(root, strict=True)
    table = bundle.table("subsidies")
    assert table.column("recipient").to_pylist() == [SON, "110105194912310002", None]
    assert table.column("recipient_resolved").to_pylist() == [True, False, False]
    assert table.column("approving_unit_resolved").to_pylist() == [True, False, False]
    assert table.column("approving_unit").to_pylist() == ["U1", "某村", None]
    assert table.column("amount").to_pylist() == [1200.0, 300.0, 300.0]
    assert table.column("period").to_pylist() == ["2024-05"] * 3
    assert table.column("birth_date").to_pylist() == ["1995-01", None, "1950-02-03"]
    assert table.column("source").to_pylist() == ["补贴发放.csv"] * 3


def test_declaration_counterpart_may_be_a_unit(root: Path) -> None:
    write_csv(
        root / "declarations.csv",
        [
            ["round", "inspector", "counterpart"],
            ["R1", WIFE, "U1"],
            ["R1", WIFE, HUSBAND],
            ["R1", WIFE, "X"],
        ],
    )
    bundle = read_bundle(root)
    assert bundle.table("declarations").column("counterpart").to_pylist() == ["U1", HUSBAND]
    assert [p.row for p in bundle.errors] == [4]


def test_summary_counts(root: Path) -> None:
    write_csv(
        root / "kinship.csv",
        [["person", "relative", "relation"], [HUSBAND, "Z9", "父亲"], [HUSBAND, WIFE, "妻子"]],
    )
    summary = {s["table"]: s for s in read_bundle(root).summary()}
    assert summary["kinship"] == {
        "table": "kinship",
        "file": "kinship.csv",
        "read": 2,
        "used": 1,
        "rejected": 1,
    }
    assert summary["persons"]["used"] == 4


def test_missing_persons_table(root: Path) -> None:
    (root / "persons.csv").unlink()
    bundle = read_bundle(root)
    assert bundle.fatal and bundle.fatal[0].table == "persons"
    with pytest.raises(BundleError, match="人员"):
        load_bundle(root)


def test_missing_required_column(root: Path) -> None:
    write_csv(root / "kinship.csv", [["person", "relative"], [HUSBAND, WIFE]])
    with pytest.raises(BundleError) as info:
        load_bundle(root)
    problem = info.value.problem
    assert (problem.file, problem.column) == ("kinship.csv", "称谓")
    assert "relation" in problem.reason_en


def test_persons_need_an_id_or_person_id_column(root: Path) -> None:
    write_csv(root / "persons.csv", [["name"], ["张三"]])
    assert read_bundle(root).fatal


def test_missing_table_raises_naming_it(root: Path) -> None:
    bundle = load_bundle(root)
    with pytest.raises(BundleError, match="巡察干部") as info:
        bundle.table("inspectors")
    assert "inspectors" in str(info.value)
    assert bundle.has("persons") and not bundle.has("inspectors")


def test_strict_raises_at_the_first_error(root: Path) -> None:
    write_csv(root / "kinship.csv", [["person", "relative", "relation"], [HUSBAND, "Z9", "父亲"]])
    load_bundle(root)
    with pytest.raises(BundleError, match="Z9"):
        load_bundle(root, strict=True)


def test_family_member_with_a_bad_id_keeps_the_row(root: Path) -> None:
    write_csv(
        root / "family_members.csv",
        [
            ["cadre", "relation", "name", "id_number"],
            [HUSBAND, "妻子", "李四", "5113231972"],
            [HUSBAND, "儿子", "张小三", OLD_SON],
        ],
    )
    bundle = read_bundle(root)
    assert bundle.table("family_members").column("id_number").to_pylist() == [None, SON]
    [problem] = bundle.problems
    assert (problem.row, problem.column, problem.level) == (2, "id_number", "warning")


def test_a_path_that_is_no_bundle(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a", encoding="utf-8")
    with pytest.raises(BundleError, match="xlsx"):
        load_bundle(path)
