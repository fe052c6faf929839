"""Each built-in model on a hand-made county: expected findings record by record, near misses absent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pytest

from tests.compare.scenario import PAYMENTS, SUBSIDIES, county
from xuncha.compare import FINDING_SCHEMA, compare, records


@pytest.fixture(scope="module")
def findings() -> list[dict[str, Any]]:
    return records(compare(county()))


def _of(findings: list[dict[str, Any]], model: str) -> list[tuple[str | None, tuple[str, ...]]]:
    return sorted((f["unit"], tuple(f["persons"])) for f in findings if f["model"] == model)


def test_kin_benefit_finds_the_heads_son_not_his_nephew(findings: list[dict[str, Any]]) -> None:
    assert _of(findings, "kin_benefit") == [("V1", ("S", "H"))]  # C is a 堂侄: other_kin, not statutory
    (f,) = [f for f in findings if f["model"] == "kin_benefit"]
    assert f["summary"] == (
        "王小明在2024-03至2024-04领取低保2笔、合计1000元，审批单位为东村村委会；其为该单位村党支部书记王建国的儿子（直系血亲）。"
    )
    assert f["path"] == [{"from": "H", "relation": "儿子", "to": "S"}]
    assert [e["source"] for e in f["evidence"]] == [
        "subsidies.csv:2",
        "subsidies.csv:3",
        "positions.csv:2",
        "kinship.csv:2",
    ]
    assert f["evidence"][0] == {"source": "subsidies.csv:2", "program": "低保", "period": "2024-03", "amount": "500"}
    assert (f["model_name"], f["severity"]) == ("优亲厚友", "must")


def test_official_business_direct_and_wife(findings: list[dict[str, Any]]) -> None:
    # C2 注销, C3 role ended 2022, Q works for a 国有企业: none found
    assert _of(findings, "official_business") == [("B1", ("G",)), ("B1", ("G", "W"))]
    wife = next(f for f in findings if f["model"] == "official_business" and f["persons"] == ["G", "W"])
    assert wife["summary"] == "县财政局副局长赵局长的妻子钱芳在状态为「在业」的企业「丁工程公司」担任法定代表人。"
    assert wife["path"] == [{"from": "G", "relation": "妻子", "to": "W"}]
    direct = next(f for f in findings if f["model"] == "official_business" and f["persons"] == ["G"])
    assert "甲建材公司" in direct["summary"] and direct["path"] is None


def test_kin_contract_only_the_unit_the_key_person_leads(findings: list[dict[str, Any]]) -> None:
    assert _of(findings, "kin_contract") == [("B1", ("G", "W"))]  # T1's payment to C4 and B1's to C1: no tie
    (f,) = [f for f in findings if f["model"] == "kin_contract"]
    assert "丁工程公司" in f["summary"] and "钱芳是该单位副局长赵局长的妻子" in f["summary"]
    assert {e["source"] for e in f["evidence"]} >= {"payments.csv:2", "company_roles.csv:5", "positions.csv:3"}


def test_kin_contract_direct_payment_to_a_relative() -> None:
    direct = {"payer_unit": "B1", "payee": "W", "payee_name": "钱芳", "amount": 3000.0, "date": date(2024, 4, 1)}
    found = records(compare(county(payments=[*PAYMENTS, direct]), models=["kin_contract"]))
    assert _of(found, "kin_contract") == [("B1", ("G", "W")), ("B1", ("G", "W"))]
    assert len({f["key"] for f in found}) == 2


def test_dead_payment_after_the_month_of_death_only(findings: list[dict[str, Any]]) -> None:
    # D died 2024-03-15: 2024-03 is not counted; E died 2024-02-10 and was paid 2024-02 only
    assert _of(findings, "dead_payment") == [("T1", ("D",))]
    (f,) = [f for f in findings if f["model"] == "dead_payment"]
    assert [e["source"] for e in f["evidence"]] == ["deaths.csv:2", "subsidies.csv:6", "subsidies.csv:7"]
    assert "2024-03-15" in f["summary"] and "2笔" in f["summary"]


def test_double_payroll_same_month_only(findings: list[dict[str, Any]]) -> None:
    assert _of(findings, "double_payroll") == [("B1", ("M",))]
    (f,) = [f for f in findings if f["model"] == "double_payroll"]
    assert [e["source"] for e in f["evidence"]] == ["payroll.csv:2", "payroll.csv:3"]  # not 2024-04 / 2024-05


def test_ineligible_benefit_reasons(findings: list[dict[str, Any]]) -> None:
    got = sorted((f["persons"][0], f["summary"].split("但")[1]) for f in findings if f["model"] == "ineligible_benefit")
    assert got == [
        ("K", "在存续企业「丙餐饮公司」任监事。"),  # the 注销 company C2 is not counted
        ("M", "同期为财政供养人员（东镇人民政府）。"),
        ("M", "同期为财政供养人员（县财政局）。"),
        ("R", "名下有车辆川R12345（2023-05-01登记）。"),  # the house registered in the same month is not
    ]


def test_unresolved_row_needs_a_link() -> None:
    row = {**SUBSIDIES[0], "recipient": "王小明（无证号）"}
    data = county(subsidies=[row])
    assert records(compare(data, models="kin_benefit")) == []
    links = type("Links", (), {})()
    links.table = pa.table(
        {
            "table": ["subsidies"],
            "column": ["recipient"],
            "source": ["subsidies.csv:2"],
            "person": ["S"],
            "probability": [0.995],
            "status": ["linked"],
            "evidence": [["name:exact"]],
        }
    )
    found = records(compare(data, links, models="kin_benefit"))
    assert _of(found, "kin_benefit") == [("V1", ("S", "H"))]


def test_divorced_wife_is_not_a_relative() -> None:
    from tests.compare.scenario import KINSHIP

    divorced = [*KINSHIP[:2], {**KINSHIP[2], "end_date": date(2023, 1, 1)}]
    found = records(compare(county(kinship=divorced), models="official_business,kin_contract"))
    assert _of(found, "kin_contract") == []
    assert _of(found, "official_business") == [("B1", ("G",))]


def test_keys_are_stable_and_unique(findings: list[dict[str, Any]]) -> None:
    again = records(compare(county()))
    assert [f["key"] for f in again] == [f["key"] for f in findings]
    assert len({f["key"] for f in findings}) == len(findings) == 10


def test_schema_and_empty_bundle() -> None:
    from tests.compare.util import bundle, person

    table = compare(bundle(persons=[person("A", "甲", "男")]))
    assert table.schema == FINDING_SCHEMA and table.num_rows == 0
