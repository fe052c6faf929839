"""Data import: upload a zipped or workbook bundle, read the report, accept (rounds appear) or reject."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import Office
from xuncha.store.models import AuditEntry, BundleImport, Round


def zip_folder(folder: Path, prefix: str = "county/") -> bytes:
    """The folder's table files in one zip archive, under ``prefix`` as people usually zip them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, prefix + path.name)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def county_zip(county: Path) -> bytes:
    return zip_folder(county)


def upload(client: TestClient, data: bytes, name: str = "county.zip") -> httpx.Response:
    response: httpx.Response = client.post("/imports", files={"file": (name, data, "application/zip")})
    return response


def audit_actions(web: Office) -> list[tuple[str, str]]:
    with web.db() as db:
        return [(e.action, e.object) for e in db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()]


def test_zipped_county_is_validated_then_accepted_and_its_rounds_created(web: Office, county_zip: bytes) -> None:
    admin = web.client("admin")
    response = upload(admin, county_zip)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    import_id = int(location.rsplit("/", 1)[1])
    report = admin.get(location)
    assert report.status_code == 200
    assert "数据包可用" in report.text and "R2026-3" in report.text
    with web.db() as db:
        imp = db.get(BundleImport, import_id)
        assert imp is not None and imp.status == "validated"
        assert Path(imp.path).is_dir() and (Path(imp.path) / "persons.csv").is_file()
        assert Path(imp.path).is_relative_to(web.settings.data_dir / "imports" / str(import_id))
        assert {s["table"] for s in imp.report["summary"]} >= {"persons", "kinship", "rounds"}
    assert admin.post(f"/imports/{import_id}/accept").status_code == 303
    with web.db() as db:
        rounds = {r.id: r for r in db.execute(select(Round)).scalars()}
        assert db.get(BundleImport, import_id).status == "accepted"  # type: ignore[union-attr]
    assert "R2026-3" in rounds and rounds["R2026-3"].status == "draft"
    assert rounds["R2026-3"].import_id == import_id and rounds["R2026-3"].name == "十四届县委第三轮巡察"
    assert len(rounds) == 8
    assert admin.post(f"/imports/{import_id}/accept").status_code == 422  # only once
    assert ("upload", f"import:{import_id}") in audit_actions(web)
    assert ("accept", f"import:{import_id}") in audit_actions(web)


def test_accepting_again_repoints_existing_rounds_and_keeps_their_status(web: Office, county_zip: bytes) -> None:
    api = web.api("admin")
    first = api.post("/api/v1/imports", files={"file": ("a.zip", county_zip)}).json()["id"]
    api.post(f"/api/v1/imports/{first}/accept")
    with web.db() as db:
        db.get(Round, "R2026-3").status = "screened"  # type: ignore[union-attr]
        db.commit()
    second = api.post("/api/v1/imports", files={"file": ("b.zip", county_zip)}).json()["id"]
    body = api.post(f"/api/v1/imports/{second}/accept").json()
    assert body["status"] == "accepted" and "R2026-3" in [r["id"] for r in body["rounds"]]
    with web.db() as db:
        rnd = db.get(Round, "R2026-3")
        assert rnd is not None and rnd.import_id == second and rnd.status == "screened"
        assert db.get(Round, "R2026-1").import_id == second  # type: ignore[union-attr]


def test_a_bad_csv_row_is_reported_with_file_row_and_column(web: Office, county: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(county, folder)
    path = folder / "positions.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[3]["start_date"] = "2024-13-45"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    api = web.api("admin")
    response = api.post("/api/v1/imports", files={"file": ("bad.zip", zip_folder(folder))})
    assert response.status_code == 201, response.text
    body = response.json()
    bad = [p for p in body["problems"] if p["value"] == "2024-13-45"]
    assert len(bad) == 1, body["problems"]
    assert bad[0]["file"].endswith("positions.csv") and bad[0]["row"] == 5 and bad[0]["column"]
    assert bad[0]["reason_zh"] and bad[0]["reason_en"] and body["errors"] + body["warnings"] >= 1
    page = web.client("admin").get(f"/imports/{body['id']}")
    assert "2024-13-45" in page.text and "positions.csv" in page.text


def test_a_workbook_bundle_is_read_sheet_by_sheet(web: Office, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "人员"
    sheet.append(["人员编号", "姓名"])
    sheet.append(["P1", "张三"])
    rounds = book.create_sheet("rounds")
    rounds.append(["round_id", "name", "mode"])
    rounds.append(["R-X", "试点轮次", "专项"])
    target = tmp_path / "b.xlsx"
    book.save(target)
    api = web.api("admin")
    body = api.post("/api/v1/imports", files={"file": ("b.xlsx", target.read_bytes())}).json()
    assert body["usable"] is True and [r["id"] for r in body["rounds"]] == ["R-X"]
    assert api.post(f"/api/v1/imports/{body['id']}/reject").json()["status"] == "rejected"
    assert api.post(f"/api/v1/imports/{body['id']}/accept").status_code == 422
    with web.db() as db:
        assert db.get(Round, "R-X") is None
    assert ("reject", f"import:{body['id']}") in audit_actions(web)


def test_a_bundle_without_persons_cannot_be_accepted(web: Office) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("units.csv", "unit_id,name\nU1,某局\n")
    api = web.api("admin")
    body = api.post("/api/v1/imports", files={"file": ("x.zip", buffer.getvalue())}).json()
    assert body["usable"] is False and any("persons" in p["reason_en"] for p in body["problems"])
    refused = api.post(f"/api/v1/imports/{body['id']}/accept")
    assert refused.status_code == 422 and refused.json()["error"]["zh"]


def test_other_roles_cannot_import(web: Office, county_zip: bytes) -> None:
    for role in ("leading_group", "member", "unit_contact", "auditor"):
        client = web.client(role)  # the API accepts the session cookie too
        assert client.get("/imports").status_code == 403
        assert client.post("/api/v1/imports", files={"file": ("c.zip", county_zip)}).status_code == 403
    assert web.api("member").post("/api/v1/imports", files={"file": ("c.zip", county_zip)}).status_code == 403
    assert web.anonymous().post("/api/v1/imports", files={"file": ("c.zip", b"x")}).status_code == 401
    with web.db() as db:
        assert db.execute(select(BundleImport)).first() is None
