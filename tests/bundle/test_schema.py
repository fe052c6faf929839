"""The table declarations keep the names and Chinese aliases of the spec."""

from __future__ import annotations

import pytest

from xuncha.bundle.schema import load_schema, normalize_header

# table -> (Chinese alias, {column: Chinese alias}) as written in the spec (bundle.md).
SPEC: dict[str, tuple[str, dict[str, str]]] = {
    "persons": (
        "人员",
        {
            "person_id": "人员编号",
            "id_number": "身份证号",
            "name": "姓名",
            "gender": "性别",
            "birth_date": "出生日期",
            "native_place": "籍贯",
            "birthplace": "出生地",
            "hukou_address": "户籍地址",
            "death_date": "死亡日期",
        },
    ),
    "kinship": (
        "亲属关系",
        {
            "person": "人员",
            "relative": "亲属",
            "relation": "称谓",
            "kind": "类型",
            "start_date": "开始日期",
            "end_date": "结束日期",
        },
    ),
    "family_members": (
        "家庭成员",
        {
            "cadre": "干部",
            "relation": "称谓",
            "name": "姓名",
            "birth_month": "出生年月",
            "political_status": "政治面貌",
            "employer_title": "工作单位及职务",
            "id_number": "身份证号",
        },
    ),
    "units": (
        "单位",
        {
            "unit_id": "单位编码",
            "name": "单位名称",
            "type": "单位类型",
            "region": "所属地区",
            "parent_unit": "上级单位",
            "system": "系统",
        },
    ),
    "positions": (
        "任职经历",
        {
            "person": "人员",
            "unit": "单位",
            "title": "职务",
            "role": "角色",
            "start_date": "任职开始",
            "end_date": "任职结束",
        },
    ),
    "education": (
        "学习经历",
        {
            "person": "人员",
            "school": "学校",
            "class": "班级",
            "start_date": "入学",
            "end_date": "毕业",
        },
    ),
    "inspectors": (
        "巡察干部",
        {
            "person": "人员",
            "pool": "类别",
            "roles": "可任角色",
            "home_region": "所属地区",
            "home_unit": "所在单位",
            "skills": "专业特长",
            "available": "是否可用",
        },
    ),
    "declarations": (
        "自报回避",
        {
            "round": "轮次",
            "inspector": "巡察干部",
            "counterpart": "关系人",
            "relation": "关系说明",
            "date": "申报日期",
        },
    ),
    "objections": (
        "回避异议",
        {
            "round": "轮次",
            "unit": "被巡察单位",
            "inspector": "巡察干部",
            "reason": "理由",
            "date": "日期",
        },
    ),
    "rounds": (
        "巡察轮次",
        {
            "round_id": "轮次编号",
            "name": "名称",
            "mode": "方式",
            "level": "层级",
            "start_date": "开始",
            "end_date": "结束",
            "core_size": "专职人数",
            "members_min": "抽调最少",
            "members_max": "抽调最多",
        },
    ),
    "round_targets": ("巡察对象", {"round": "轮次", "unit": "被巡察单位"}),
    "history": (
        "巡察记录",
        {"round": "轮次", "unit": "被巡察单位", "person": "人员", "role": "角色", "date": "日期"},
    ),
    "companies": (
        "企业",
        {
            "company_id": "统一社会信用代码",
            "name": "企业名称",
            "status": "状态",
            "registered_date": "成立日期",
            "address": "地址",
        },
    ),
    "company_roles": (
        "企业人员",
        {"company": "企业", "person": "人员", "name": "姓名", "role": "角色", "share": "持股比例"},
    ),
    "payments": (
        "资金支付",
        {
            "payer_unit": "付款单位",
            "payee": "收款方",
            "payee_name": "收款方名称",
            "amount": "金额",
            "date": "日期",
            "purpose": "用途",
            "contract_id": "合同编号",
        },
    ),
    "subsidies": (
        "补贴发放",
        {
            "program": "项目",
            "recipient": "人员",
            "name": "姓名",
            "amount": "金额",
            "period": "期间",
            "approving_unit": "审批单位",
            "address": "地址",
        },
    ),
    "payroll": (
        "财政供养",
        {"unit": "单位", "person": "人员", "name": "姓名", "period": "期间", "amount": "金额"},
    ),
    "vehicles": ("车辆", {"owner": "人员", "name": "姓名", "plate": "号牌"}),
    "real_estate": ("不动产", {"owner": "人员", "name": "姓名", "address": "坐落", "area": "面积"}),
    "deaths": ("死亡登记", {"person": "人员", "name": "姓名", "death_date": "死亡日期"}),
    "petitions": ("信访", {"unit": "被反映单位", "date": "日期", "summary": "摘要"}),
    "inquiries": (
        "过问登记",
        {
            "date": "日期",
            "asker": "过问人",
            "asker_name": "姓名",
            "asker_unit": "单位",
            "channel": "方式",
            "about_unit": "涉及单位",
            "about_person": "涉及人员",
            "content": "内容",
            "received_by": "接收人",
        },
    ),
}
UNALIASED = {
    "company_roles": ["start_date", "end_date"],
    "vehicles": ["registered_date"],
    "real_estate": ["registered_date"],
}


@pytest.mark.parametrize("name", sorted(SPEC))
def test_every_spec_table_and_column_is_declared_with_its_alias(name: str) -> None:
    table = load_schema().table(name)
    zh, columns = SPEC[name]
    assert table.zh == zh
    for column, alias in columns.items():
        lookup = table.header_lookup()
        assert lookup[normalize_header(column)] == column
        assert lookup[normalize_header(alias)] == column, (name, column, alias)
    for column in UNALIASED.get(name, []):
        table.column(column)


def test_no_undeclared_tables_and_only_persons_required() -> None:
    schema = load_schema()
    assert {t.name for t in schema.tables} == set(SPEC)
    assert [t.name for t in schema.tables if t.required] == ["persons"]


@pytest.mark.parametrize("table", [t.name for t in load_schema().tables])
def test_spellings_never_collide_within_a_table(table: str) -> None:
    decl = load_schema().table(table)
    seen: dict[str, str] = {}
    for column in decl.columns:
        for spelling in column.spellings():
            key = normalize_header(spelling)
            assert seen.setdefault(key, column.name) == column.name, (table, spelling)


def test_table_names_and_aliases_never_collide() -> None:
    seen: dict[str, str] = {}
    for table in load_schema().tables:
        for spelling in table.spellings():
            assert seen.setdefault(normalize_header(spelling), table.name) == table.name


def test_departmental_tables_accept_the_linking_columns() -> None:
    for table in load_schema().tables:
        names = {c.name for c in table.columns}
        if table.departmental:
            assert {"source", "birth_date", "gender", "address", "employer"} <= names


def test_enum_columns_name_a_declared_enum() -> None:
    schema = load_schema()
    for table in schema.tables:
        for column in table.columns:
            assert (column.type == "enum") == (column.enum is not None)
            if column.enum:
                assert column.enum in schema.enums


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 身份证号 ", "身份证号"),
        ("身 份 证\n号", "身份证号"),
        ("姓名*", "姓名"),
        ("姓名＊", "姓名"),
        ("姓名（必填）", "姓名"),
        ("ＩＤ＿ＮＵＭＢＥＲ", "id_number"),
        ("Name", "name"),
    ],
)
def test_header_normalisation(text: str, expected: str) -> None:
    assert normalize_header(text) == expected


def test_table_for_file_stems() -> None:
    schema = load_schema()
    assert schema.table_for("人员").name == "persons"  # type: ignore[union-attr]
    assert schema.table_for("PERSONS").name == "persons"  # type: ignore[union-attr]
    assert schema.table_for("巡察对象").name == "round_targets"  # type: ignore[union-attr]
    assert schema.table_for("notes") is None
