"""Screening pages and API: a run stores the engine's records, filters and pages work, the detail's
graph draws the path, exports open in openpyxl, only the office and the leading group may look."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.web.conftest import Office
from xuncha.store.models import AuditEntry, Conflict, Round
from xuncha.web.services import screening as service
from xuncha.web.services.common import round_dir

_ENGINE_FILES: dict[str, Path] = {}  # one real engine run per test session, reused by the reading tests


def run(web: Office, round_id: str) -> dict[str, Any]:
    response = web.api("admin").post(f"/api/v1/rounds/{round_id}/screening")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def screened(web: Office, round_ready: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """``round_ready`` screened: the first use runs the engine through the API; later uses copy its
    files and load the records as the run does (the run itself is tested on its own)."""
    target = round_dir(web.settings.data_dir, round_ready, "screen")
    if "files" not in _ENGINE_FILES:
        run(web, round_ready)
        _ENGINE_FILES["files"] = tmp_path_factory.mktemp("engine") / "screen"
        shutil.copytree(target, _ENGINE_FILES["files"])
        return round_ready
    shutil.copytree(_ENGINE_FILES["files"], target, dirs_exist_ok=True)
    with web.db() as db:
        rnd = db.get(Round, round_ready)
        assert rnd is not None
        service._replace(db, rnd, engine_lines(web, round_ready))
        rnd.status = "screened"
        db.commit()
    return round_ready


def engine_lines(web: Office, round_id: str) -> list[dict[str, Any]]:
    path = round_dir(web.settings.data_dir, round_id, "screen") / "conflicts.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_a_run_stores_one_conflict_per_engine_line(web: Office, round_ready: str) -> None:
    admin = web.client("admin")
    assert admin.post(f"/screening/{round_ready}/run").status_code == 303
    lines = engine_lines(web, round_ready)
    assert len(lines) > 20
    with web.db() as db:
        stored = list(db.execute(select(Conflict).where(Conflict.round_id == round_ready)).scalars())
        assert db.get(Round, round_ready).status == "screened"  # type: ignore[union-attr]
    assert len(stored) == len(lines)
    assert sorted(json.dumps(c.record, sort_keys=True) for c in stored) == sorted(
        json.dumps(r, sort_keys=True) for r in lines
    )
    assert Counter(c.severity for c in stored) == Counter(r["severity"] for r in lines)
    # a second run replaces, never duplicates
    assert run(web, round_ready)["conflicts"] == len(lines)
    with web.db() as db:
        count = db.execute(select(func.count()).select_from(Conflict)).scalar_one()
    assert count == len(lines)
    admin.get(f"/screening/{round_ready}", params={"stage": 3})
    with web.db() as db:
        entries = db.execute(select(AuditEntry).where(AuditEntry.object == f"conflicts:{round_ready}")).scalars().all()
    assert [e.action for e in entries] == ["screen", "screen", "read"]
    assert json.loads(entries[2].detail)["stage"] == 3 and entries[2].actor == "admin"


def test_filters_pages_and_counts(web: Office, screened: str) -> None:
    round_ready = screened
    lines = engine_lines(web, round_ready)
    api = web.api("leading_group")
    url = f"/api/v1/rounds/{round_ready}/conflicts"
    stage1 = api.get(url, params={"stage": 1, "limit": 500}).json()
    assert stage1["total"] == sum(r["stage"] == 1 for r in lines)
    must2 = api.get(url, params={"stage": 2, "severity": "must"}).json()
    assert must2["total"] == sum(r["stage"] == 2 and r["severity"] == "must" for r in lines) > 0
    assert {c["severity"] for c in must2["items"]} == {"must"}
    some = lines[0]
    by_name = api.get(url, params={"inspector": some["inspector_name"][1:], "limit": 500}).json()
    assert by_name["total"] == sum(some["inspector_name"][1:] in r["inspector_name"] for r in lines)
    by_target = api.get(url, params={"target": some["target"], "category": some["category"]}).json()
    assert by_target["total"] == sum(r["target"] == some["target"] and r["category"] == some["category"] for r in lines)
    first = api.get(url, params={"limit": 10, "offset": 0}).json()["items"]
    second = api.get(url, params={"limit": 10, "offset": 10}).json()["items"]
    assert len(first) == len(second) == 10 and not {c["id"] for c in first} & {c["id"] for c in second}
    assert api.get(url, params={"limit": 501}).status_code == 422
    page = web.client("leading_group").get(f"/screening/{round_ready}", params={"stage": 2, "severity": "must"})
    assert page.status_code == 200 and "必须回避" in page.text and "第二次回避" in page.text
    partial = web.client("admin").get(
        f"/screening/{round_ready}", params={"stage": 1}, headers={"HX-Request": "true", "HX-Target": "conflicts"}
    )
    assert partial.status_code == 200 and "<html" not in partial.text and "详情" in partial.text


def test_detail_page_and_graph_json_show_the_path(web: Office, screened: str) -> None:
    round_ready = screened
    with web.db() as db:
        rows = db.execute(select(Conflict).where(Conflict.round_id == round_ready)).scalars().all()
        kin = next(c for c in rows if len(c.record["path"]) >= 2 and c.record["kin_term"])
        kin_id, record = kin.id, kin.record
    admin = web.client("admin")
    page = admin.get(f"/screening/{round_ready}/conflicts/{kin_id}")
    assert page.status_code == 200
    assert record["basis"][:20] in page.text and record["sources"][0] in page.text
    assert f"/screening/{round_ready}/conflicts/{kin_id}/graph.json" in page.text
    option = admin.get(f"/screening/{round_ready}/conflicts/{kin_id}/graph.json").json()
    series = option["series"][0]
    keys = {s["from"] for s in record["path"]} | {s["to"] for s in record["path"]}
    assert {n["id"] for n in series["data"]} == keys
    names = {n["id"]: n["name"] for n in series["data"]}
    assert names[record["inspector"]] == record["inspector_name"]
    assert names[record["counterpart"]] == record["counterpart_name"]
    assert all(n["name"] != n["id"] for n in series["data"])  # every node is named
    assert [link["value"] for link in series["links"]] == [s["relation"] for s in record["path"]]
    assert admin.get(f"/screening/{round_ready}/conflicts/999999").status_code == 404


def test_exports_open_in_openpyxl(web: Office, screened: str) -> None:
    round_ready = screened
    admin = web.client("admin")
    response = admin.get(f"/screening/{round_ready}/export.xlsx", params={"stage": 1, "severity": "must"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    expected = sum(r["stage"] == 1 and r["severity"] == "must" for r in engine_lines(web, round_ready))
    assert rows[0][0] == "阶段" and len(rows) - 1 == expected
    assert {r[1] for r in rows[1:]} == {"必须回避"}
    full = admin.get(f"/screening/{round_ready}/conflicts.xlsx")
    assert full.status_code == 200 and len(openpyxl.load_workbook(io.BytesIO(full.content)).sheetnames) == 4


def test_only_the_office_and_leading_group_see_screening(web: Office, screened: str) -> None:
    round_ready = screened
    with web.db() as db:
        some = db.execute(select(Conflict.id)).scalars().first()
    urls = [
        "/screening",
        f"/screening/{round_ready}",
        f"/screening/{round_ready}/conflicts/{some}",
        f"/screening/{round_ready}/conflicts/{some}/graph.json",
        f"/screening/{round_ready}/export.xlsx",
    ]
    for role in ("member", "unit_contact", "auditor"):
        client = web.client(role)  # the API accepts the session cookie too
        assert {client.get(u).status_code for u in urls} == {403}, role
        assert client.get(f"/api/v1/rounds/{round_ready}/conflicts").status_code == 403
        assert client.get(f"/api/v1/rounds/{round_ready}/conflicts/{some}").status_code == 403
        assert client.post(f"/api/v1/rounds/{round_ready}/screening").status_code == 403
        assert client.post(f"/screening/{round_ready}/run").status_code == 403
    leading = web.client("leading_group")
    assert leading.post(f"/api/v1/rounds/{round_ready}/screening").status_code == 403
    assert leading.get(f"/screening/{round_ready}").status_code == 200
    assert "运行回避审查" not in leading.get(f"/screening/{round_ready}").text


def test_a_round_without_an_accepted_bundle_cannot_be_screened(web: Office) -> None:
    with web.db() as db:
        db.add(Round(id="R-empty", name="空轮次"))
        db.commit()
    response = web.api("admin").post("/api/v1/rounds/R-empty/screening")
    assert response.status_code == 422 and response.json()["error"]["zh"]
    assert web.api("admin").post("/api/v1/rounds/nope/screening").status_code == 404
