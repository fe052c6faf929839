"""``xuncha compare`` end to end: files, exit codes, --since statuses, FtM entities."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from tests.compare import csvdata, scenario
from xuncha.cli import main
from xuncha.exchange.intake import ingest

# FtM property names per schema (followthemoney 4.x schema/*.yaml, inherited ones included)
FTM_PROPS = {
    "Person": {"name", "idNumber", "birthDate", "deathDate", "gender"},
    "Company": {"name", "registrationNumber", "uscCode", "status", "incorporationDate", "address"},
    "PublicBody": {"name", "registrationNumber", "uscCode"},
    "Payment": {"payer", "beneficiary", "amount", "currency", "date", "purpose", "programme", "transactionNumber"},
    "Ownership": {"owner", "asset", "role", "percentage", "startDate", "endDate"},
    "Directorship": {"director", "organization", "role", "startDate", "endDate"},
    "Employment": {"employee", "employer", "role", "startDate", "endDate"},
    "Family": {"person", "relative", "relationship", "startDate", "endDate"},
    "Note": {"name", "description", "summary", "entity"},
}
ENTITY_PROPS = {
    "payer",
    "beneficiary",
    "owner",
    "asset",
    "director",
    "organization",
    "employee",
    "employer",
    "person",
    "relative",
    "entity",
}


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["compare", *args], catch_exceptions=False)


def test_bundle_to_findings_and_workbook(tmp_path: Path) -> None:
    bundle = csvdata.write(tmp_path / "b")
    result = _run(str(bundle), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    found = _read(tmp_path / "out" / "findings.jsonl")
    assert sorted((f["model"], tuple(f["persons"])) for f in found) == [
        ("dead_payment", ("D",)),
        ("double_payroll", ("M",)),
        ("ineligible_benefit", ("K",)),
        ("ineligible_benefit", ("M",)),
        ("ineligible_benefit", ("M",)),
        ("ineligible_benefit", ("R",)),
        ("kin_benefit", ("S", "H")),
        ("kin_contract", ("G", "W")),
        ("official_business", ("G",)),
        ("official_business", ("G", "W")),
    ]
    assert all("status" not in f for f in found)
    book = openpyxl.load_workbook(tmp_path / "out" / "findings.xlsx", read_only=True)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == 7
    sheet = book["优亲厚友（kin_benefit）"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("线索编号", "状态", "严重程度") and "王建国 →儿子→ 王小明" in rows[1]


def test_exit_codes(tmp_path: Path) -> None:
    assert _run("--out", str(tmp_path / "o")).exit_code == 2  # neither bundle nor store
    bundle = csvdata.write(tmp_path / "b")
    assert _run(str(bundle), "--since", "x", "--out", str(tmp_path / "o")).exit_code == 2
    assert _run(str(bundle), "--models", "nosuch", "--out", str(tmp_path / "o")).exit_code == 1
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text("id: x\nseverity: high\n", encoding="utf-8")
    result = _run(str(bundle), "--rules", str(rules), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "bad.yaml" in result.output


def test_since_marks_new_unchanged_resolved(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = ingest(csvdata.write(tmp_path / "v1"), store).snapshot
    # later: D's payments after death stop, M's double payroll gains a month, G's wife marries nobody new,
    # and a new double payroll appears for R
    payroll = [*scenario.PAYROLL, {"unit": "B1", "person": "M", "name": "吴双岗", "period": "2024-04", "amount": 1.0}]
    payroll += [{"unit": u, "person": "R", "name": "郑有车", "period": "2024-06", "amount": 1.0} for u in ("B1", "T1")]
    subsidies = [s for s in scenario.SUBSIDIES if not (s["recipient"] == "D" and s["period"] > "2024-03")]
    ingest(csvdata.write(tmp_path / "v2", payroll=payroll, subsidies=subsidies), store)
    result = _run("--store", str(store), "--since", first, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    status = {(f["model"], tuple(f["persons"])): f["status"] for f in _read(tmp_path / "out" / "findings.jsonl")}
    assert status[("dead_payment", ("D",))] == "resolved"
    assert status[("double_payroll", ("M",))] == "unchanged"
    assert status[("double_payroll", ("R",))] == "new"
    assert status[("kin_benefit", ("S", "H"))] == "unchanged"
    assert list(status.values()).count("new") == 1 and list(status.values()).count("resolved") == 1


def test_ftm_entities(tmp_path: Path) -> None:
    bundle = csvdata.write(tmp_path / "b")
    assert _run(str(bundle), "--format", "ftm", "--out", str(tmp_path / "out")).exit_code == 0
    entities = _read(tmp_path / "out" / "findings.ftm.jsonl")
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities)
    for e in entities:
        assert set(e) == {"id", "schema", "properties"}
        assert set(e["properties"]) <= FTM_PROPS[e["schema"]], e
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in e["properties"].values())
        for prop in set(e["properties"]) & ENTITY_PROPS:
            assert set(e["properties"][prop]) <= ids, (e, prop)
    schemas = {e["schema"] for e in entities}
    assert schemas == set(FTM_PROPS)
    notes = [e for e in entities if e["schema"] == "Note"]
    assert len(notes) == 10
    fam = next(e for e in entities if e["schema"] == "Family" and e["properties"]["relationship"] == ["妻子"])
    wife = next(e for e in entities if e["schema"] == "Person" and e["properties"]["name"] == ["钱芳"])
    assert fam["properties"]["relative"] == [wife["id"]]


def test_steps_are_reported_on_stderr(tmp_path: Path) -> None:
    """Each step (loading, linking, each model, writing) ends with a timed line on stderr."""
    bundle = csvdata.write(tmp_path / "b")
    result = _run(str(bundle), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("  [")]
    total = len(lines)
    assert total >= 10, result.stderr
    assert lines[0].startswith(f"  [1/{total}] 读取数据 / loading the data：")
    assert any("比对模型「优亲厚友」 / model kin_benefit" in line for line in lines)
    assert lines[-1].startswith(f"  [{total}/{total}] 写出结果 / writing the results：")
    assert "findings.jsonl" not in result.stderr  # the summary stays on stdout


def test_exact_resolution_skips_linking(tmp_path: Path) -> None:
    """``--link exact`` resolves rows by ID numbers only: no linking steps; every row of this
    bundle carries its ID number, so the leads are those of a linked run."""
    bundle = csvdata.write(tmp_path / "b")
    linked = _run(str(bundle), "--out", str(tmp_path / "linked"))
    exact = _run(str(bundle), "--link", "exact", "--out", str(tmp_path / "exact"))
    assert linked.exit_code == 0 and exact.exit_code == 0, exact.output
    steps = [line for line in exact.stderr.splitlines() if line.startswith("  [")]
    assert not any("Splink" in line for line in steps) and steps[0].startswith(f"  [1/{len(steps)}]")
    assert len(steps) == len([line for line in linked.stderr.splitlines() if line.startswith("  [")]) - 4
    with_links = sorted((f["model"], tuple(f["persons"])) for f in _read(tmp_path / "linked" / "findings.jsonl"))
    without = sorted((f["model"], tuple(f["persons"])) for f in _read(tmp_path / "exact" / "findings.jsonl"))
    assert without == with_links and len(without) == 10


def test_exact_resolution_refuses_review_decisions(tmp_path: Path) -> None:
    """Review decisions only steer probabilistic links: with ``--link exact`` they would be
    ignored, so the command stops with a usage error instead of dropping them silently."""
    bundle = csvdata.write(tmp_path / "b")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("table,column,source,person,decision\n", encoding="utf-8")
    result = _run(str(bundle), "--link", "exact", "--decisions", str(decisions), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "--link exact" in result.stderr and "--decisions" in result.stderr
    assert not (tmp_path / "o" / "findings.jsonl").exists()
