"""One small county with a planted case and a near miss for every built-in model."""

from __future__ import annotations

from datetime import date

from tests.compare.util import UNITS, bundle, person
from xuncha.bundle.model import Bundle

PERSONS = [
    person("H", "王建国", "男", 1960),  # V1 head
    person("S", "王小明", "男", 1985),  # H's son, 低保 from V1 → kin_benefit
    person("C", "王侄", "男", 1990),  # H's 堂侄 (other_kin), 低保 from V1 → near miss
    person("G", "赵局长", "男", 1965),  # B1 班子成员, 股东 of C1 → official_business
    person("W", "钱芳", "女", 1968),  # G's wife, 法定代表人 of C4 → official_business, kin_contract
    person("Q", "孙经理", "男", 1970),  # E1 (国有企业) staff, 股东 of C1 → near miss (unit type)
    person("D", "李死者", "男", 1930),  # died 2024-03-15, 养老金 after → dead_payment
    person("E", "周已故", "女", 1940, death_date=date(2024, 2, 10)),  # paid in month of death only
    person("M", "吴双岗", "男", 1980),  # B1 and T1 payroll 2024-03 → double_payroll; 特困 → ineligible
    person("R", "郑有车", "男", 1975),  # 低保, vehicle before, house in that month → ineligible (vehicle)
    person("K", "冯老板", "男", 1972),  # 低保, roles in 注销 and 存续 companies → ineligible (company)
]
KINSHIP = [
    {"person": "H", "relative": "S", "relation": "儿子"},
    {"person": "H", "relative": "C", "relation": "堂侄"},
    {"person": "G", "relative": "W", "relation": "妻子", "start_date": date(1990, 5, 1)},
]
POSITIONS = [
    {"person": "H", "unit": "V1", "title": "村党支部书记", "role": "一把手", "start_date": date(2020, 1, 1)},
    {"person": "G", "unit": "B1", "title": "副局长", "role": "班子成员", "start_date": date(2019, 1, 1)},
    {"person": "Q", "unit": "E1", "title": "经理", "role": "一般", "start_date": date(2018, 1, 1)},
]
COMPANIES = [
    {"company_id": "C1", "name": "甲建材公司", "status": "存续（在营、开业、在册）"},
    {"company_id": "C2", "name": "乙贸易公司", "status": "注销"},
    {"company_id": "C3", "name": "丙餐饮公司", "status": "存续"},
    {"company_id": "C4", "name": "丁工程公司", "status": "在业"},
]
ROLES = [
    {"company": "C1", "person": "G", "name": "赵局长", "role": "股东", "start_date": date(2021, 1, 1)},
    {"company": "C2", "person": "G", "name": "赵局长", "role": "监事", "start_date": date(2015, 1, 1)},
    {"company": "C3", "person": "G", "name": "赵局长", "role": "法定代表人", "end_date": date(2022, 6, 30)},
    {"company": "C4", "person": "W", "name": "钱芳", "role": "法定代表人", "start_date": date(2020, 1, 1)},
    {"company": "C1", "person": "Q", "name": "孙经理", "role": "股东", "start_date": date(2021, 1, 1)},
    {"company": "C2", "person": "K", "name": "冯老板", "role": "股东"},
    {"company": "C3", "person": "K", "name": "冯老板", "role": "监事", "start_date": date(2023, 1, 1)},
]
PAYMENTS = [
    {
        "payer_unit": "B1",
        "payee": "C4",
        "payee_name": "丁工程公司",
        "amount": 80000.0,
        "date": date(2024, 3, 20),
        "purpose": "道路维修",
        "contract_id": "HT-1",
    },
    {"payer_unit": "T1", "payee": "C4", "payee_name": "丁工程公司", "amount": 5000.0, "date": date(2024, 3, 21)},
    {"payer_unit": "B1", "payee": "C1", "payee_name": "甲建材公司", "amount": 1000.0, "date": date(2024, 3, 22)},
]
SUBSIDIES = [
    {
        "program": "低保",
        "recipient": "S",
        "name": "王小明",
        "amount": 500.0,
        "period": "2024-03",
        "approving_unit": "V1",
    },
    {
        "program": "低保",
        "recipient": "S",
        "name": "王小明",
        "amount": 500.0,
        "period": "2024-04",
        "approving_unit": "V1",
    },
    {"program": "低保", "recipient": "C", "name": "王侄", "amount": 500.0, "period": "2024-04", "approving_unit": "V1"},
    {
        "program": "养老金",
        "recipient": "D",
        "name": "李死者",
        "amount": 200.0,
        "period": "2024-03",
        "approving_unit": "T1",
    },
    {
        "program": "养老金",
        "recipient": "D",
        "name": "李死者",
        "amount": 200.0,
        "period": "2024-04",
        "approving_unit": "T1",
    },
    {
        "program": "养老金",
        "recipient": "D",
        "name": "李死者",
        "amount": 200.0,
        "period": "2024-05",
        "approving_unit": "T1",
    },
    {
        "program": "特困",
        "recipient": "M",
        "name": "吴双岗",
        "amount": 300.0,
        "period": "2024-03",
        "approving_unit": "T1",
    },
    {
        "program": "低保",
        "recipient": "R",
        "name": "郑有车",
        "amount": 400.0,
        "period": "2024-04",
        "approving_unit": "T1",
    },
    {
        "program": "低保",
        "recipient": "K",
        "name": "冯老板",
        "amount": 400.0,
        "period": "2024-04",
        "approving_unit": "T1",
    },
]
PAYROLL = [
    {"unit": "B1", "person": "M", "name": "吴双岗", "period": "2024-03", "amount": 6000.0},
    {"unit": "T1", "person": "M", "name": "吴双岗", "period": "2024-03", "amount": 5000.0},
    {"unit": "B1", "person": "M", "name": "吴双岗", "period": "2024-04", "amount": 6000.0},
    {"unit": "T1", "person": "M", "name": "吴双岗", "period": "2024-05", "amount": 5000.0},
    {"unit": "T1", "person": "E", "name": "周已故", "period": "2024-02", "amount": 3000.0},
]
VEHICLES = [{"owner": "R", "name": "郑有车", "plate": "川R12345", "registered_date": date(2023, 5, 1)}]
REAL_ESTATE = [
    {"owner": "R", "name": "郑有车", "address": "东镇幸福路1号", "area": 90.0, "registered_date": date(2024, 4, 10)}
]
DEATHS = [{"person": "D", "name": "李死者", "death_date": date(2024, 3, 15)}]


def county(**override: list[dict[str, object]]) -> Bundle:
    tables: dict[str, list[dict[str, object]]] = {
        "persons": PERSONS,
        "units": UNITS,
        "kinship": KINSHIP,
        "positions": POSITIONS,
        "companies": COMPANIES,
        "company_roles": ROLES,
        "payments": PAYMENTS,
        "subsidies": SUBSIDIES,
        "payroll": PAYROLL,
        "vehicles": VEHICLES,
        "real_estate": REAL_ESTATE,
        "deaths": DEATHS,
    }
    tables.update(override)
    return bundle(**tables)
