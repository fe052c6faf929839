"""Linkage on crafted hard cases (see ``data.py``), run once per module (Splink takes seconds)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from tests.link import data
from xuncha.bundle.load import load_bundle
from xuncha.link import LinkResult, link


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> LinkResult:
    root = data.bundle(tmp_path_factory.mktemp("county"))
    return link(load_bundle(root))


def row(result: LinkResult, source: str, column: str | None = None) -> dict[str, object]:
    found = [r for r in result.table.to_pylist() if r["source"] == source and (column is None or r["column"] == column)]
    assert len(found) == 1, found
    return found[0]


def test_homophone_name_is_linked(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:2")
    assert (r["person"], r["status"]) == (data.ZHANG_LI, "linked")
    assert "name_pinyin" in r["evidence"] and "birth_date" in r["evidence"]  # type: ignore[operator]


def test_traditional_name_month_only_birth_abbreviated_address(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:3")
    assert (r["person"], r["status"]) == (data.LIU, "linked")
    assert {"name_exact", "birth_month", "region"} <= set(r["evidence"])  # type: ignore[arg-type]
    assert 0.95 <= r["probability"] < 1.0  # type: ignore[operator]


def test_transposed_digits_are_a_candidate(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:4")
    assert (r["person"], r["status"]) == (data.WANG, "candidate")
    assert "id_transposed" in r["evidence"] and "name_exact" in r["evidence"]  # type: ignore[operator]


def test_one_wrong_digit_is_a_candidate_never_linked(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:5")
    assert (r["person"], r["status"]) == (data.WANG, "candidate")
    assert "id_one_digit" in r["evidence"]  # type: ignore[operator]


def test_wrong_digit_row_is_linked_by_its_other_fields(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:9")
    assert (r["person"], r["status"]) == (data.LIU, "linked")
    evidence = r["evidence"]
    assert "id_one_digit" in evidence and "birth_date" in evidence  # type: ignore[operator]


def test_near_number_pointing_elsewhere_keeps_the_row_a_candidate(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:10")
    assert r["status"] == "candidate"
    assert r["person"] == data.ZHANG_LI and "id_near_other" in r["evidence"]  # type: ignore[operator]


def test_fifteen_digit_number_is_exact(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:6")
    assert (r["person"], r["status"], r["probability"]) == (data.ZHAO, "linked", 1.0)
    assert r["evidence"] in (["id_exact"], ["id_15_upgraded"])


def test_abbreviated_address_without_birth_is_linked(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:7")
    assert (r["person"], r["status"]) == (data.LI_MING, "linked")
    assert "address_contained" in r["evidence"]  # type: ignore[operator]


def test_namesake_born_another_year_is_not_linked(result: LinkResult) -> None:
    r = row(result, "subsidies.csv:8")
    assert r["status"] == "unlinked" and r["person"] is None


def test_company_payee_is_no_person_row(result: LinkResult) -> None:
    payments = {r["source"]: r for r in result.table.to_pylist() if r["table"] == "payments"}
    assert set(payments) == {"payments.csv:4"}
    assert payments["payments.csv:4"]["person"] == data.CHEN


def test_bare_name_in_about_person(result: LinkResult) -> None:
    asker = row(result, "inquiries.csv:2", "asker")
    about = row(result, "inquiries.csv:2", "about_person")
    assert asker["person"] == data.LI_MING and asker["evidence"] == ["id_exact"]
    assert about["column"] == "about_person" and about["status"] in ("candidate", "unlinked")


def test_schema_and_person_for(result: LinkResult) -> None:
    assert result.table.schema.names == ["table", "column", "source", "person", "probability", "status", "evidence"]
    assert result.table.schema.field("evidence").type == pa.list_(pa.string())
    linked = result.person_for("subsidies", "recipient")
    assert linked["subsidies.csv:2"] == data.ZHANG_LI and "subsidies.csv:4" not in linked


def test_review_lists_every_candidate(result: LinkResult) -> None:
    candidates = {r["source"] for r in result.table.to_pylist() if r["status"] == "candidate"}
    assert set(result.review["source"].to_pylist()) == candidates
    assert {"subsidies.csv:4", "subsidies.csv:5"} <= candidates


def test_empty_bundle_of_rows(tmp_path: Path) -> None:
    root = data.bundle(tmp_path, fillers=5)
    for name in ("subsidies.csv", "payments.csv", "inquiries.csv", "companies.csv"):
        (root / name).unlink()
    result = link(load_bundle(root))
    assert result.table.num_rows == 0 and result.counts()["rows"] == 0
