"""Objections: unit contacts file for rounds where their unit is a target and see only their own
unit's; the office upholds (stage-3 conflict, re-staffing) or dismisses, always with a ruling."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.web.conftest import Office
from xuncha.store.models import AuditEntry, Conflict, Objection, Round, StaffingConstraint, Team, TeamMember
from xuncha.web.services import screening as screening_service


def targets(county: Path, round_id: str) -> list[str]:
    with (county / "round_targets.csv").open(encoding="utf-8") as f:
        return sorted({r["unit"] for r in csv.DictReader(f) if r["round"] == round_id})


@pytest.fixture
def units(county: Path, round_ready: str) -> tuple[str, str]:
    first, second, *_ = targets(county, round_ready)
    return first, second


def file(client: Any, round_id: str, **body: str) -> Any:
    return client.post(f"/api/v1/rounds/{round_id}/objections", json={"reason": "与我单位主要负责人系同学", **body})


def test_a_contact_files_and_sees_only_their_own_units_objections(
    web: Office, round_ready: str, units: tuple[str, str]
) -> None:
    a = web.client("contact_a", "unit_contact", unit=units[0])
    b = web.client("contact_b", "unit_contact", unit=units[1])
    page = a.post(f"/objections/{round_ready}", data={"inspector_name": "张三", "reason": "曾在我单位任职"})
    assert page.status_code == 303
    mine = file(b, round_ready, inspector_name="李四").json()
    with web.db() as db:
        theirs = db.execute(select(Objection).where(Objection.unit == units[0])).scalar_one()
    assert theirs.inspector_name == "张三" and theirs.status == "pending"
    listed = b.get(f"/api/v1/rounds/{round_ready}/objections").json()
    assert [o["id"] for o in listed] == [mine["id"]]
    assert b.get(f"/api/v1/rounds/{round_ready}/objections/{theirs.id}").status_code == 404
    assert "张三" not in b.get(f"/objections/{round_ready}").text and "李四" in b.get("/objections").text
    assert "张三" in a.get(f"/objections/{round_ready}").text
    office = web.client("leading_group").get(f"/api/v1/rounds/{round_ready}/objections").json()
    assert {o["inspector_name"] for o in office} == {"张三", "李四"}
    with web.db() as db:
        actions = {(e.actor, e.action, e.object) for e in db.execute(select(AuditEntry)).scalars()}
    assert ("contact_a", "create", f"objection:{theirs.id}") in actions
    assert ("contact_b", "read", f"objections:{round_ready}") in actions


def test_contacts_of_other_units_and_other_roles_are_refused(web: Office, round_ready: str) -> None:
    outsider = web.client("contact_x", "unit_contact", unit="NOT-A-TARGET")
    assert file(outsider, round_ready, inspector_name="张三").status_code == 403
    assert outsider.get(f"/objections/{round_ready}").status_code == 403
    assert round_ready not in outsider.get("/objections").text
    for role in ("member", "auditor"):
        client = web.client(role)
        assert client.get("/objections").status_code == 403
        assert client.get(f"/api/v1/rounds/{round_ready}/objections").status_code == 403
    leading = web.client("leading_group")
    assert file(leading, round_ready, inspector_name="张三").status_code == 403
    with web.db() as db:
        assert db.execute(select(Objection)).first() is None


def publish_team(web: Office, round_id: str, unit: str) -> str:
    with web.db() as db:
        team = Team(round_id=round_id, number=1, targets=[unit], target_names=["某单位"])
        team.members = [
            TeamMember(person_key="P-LEAD", name="王组长", role="组长"),
            TeamMember(person_key="P-MEM", name="赵组员", role="组员"),
        ]
        db.add(team)
        db.get(Round, round_id).status = "published"  # type: ignore[union-attr]
        db.commit()
    return "P-MEM"


def test_a_member_of_the_published_team_can_be_chosen(web: Office, round_ready: str, units: tuple[str, str]) -> None:
    key = publish_team(web, round_ready, units[0])
    a = web.client("contact_a", "unit_contact", unit=units[0])
    assert "赵组员" in a.get(f"/objections/{round_ready}").text
    chosen = file(a, round_ready, inspector_key=key).json()
    assert chosen["inspector_key"] == key and chosen["inspector_name"] == "赵组员"
    typed = file(a, round_ready, inspector_name="王组长").json()
    assert typed["inspector_key"] == "P-LEAD"
    assert file(a, round_ready, inspector_key="P-OTHER").status_code == 422


def test_a_ruling_is_required_and_dismissal_adds_nothing(web: Office, round_ready: str, units: tuple[str, str]) -> None:
    a = web.client("contact_a", "unit_contact", unit=units[0])
    oid = file(a, round_ready, inspector_name="张三").json()["id"]
    admin = web.client("admin")
    url = f"/api/v1/rounds/{round_ready}/objections/{oid}/decision"
    assert admin.post(url, json={"status": "dismissed", "ruling": ""}).status_code == 422
    assert admin.post(url, json={"status": "dismissed", "ruling": "   "}).status_code == 422
    assert admin.post(url, json={"status": "maybe", "ruling": "x"}).status_code == 422
    assert admin.post(url, json={"status": "upheld", "ruling": "成立"}).status_code == 422  # no person key yet
    assert a.post(url, json={"status": "dismissed", "ruling": "x"}).status_code == 403
    assert web.client("leading_group").post(url, json={"status": "dismissed", "ruling": "x"}).status_code == 403
    done = admin.post(url, json={"status": "dismissed", "ruling": "经核查，理由不成立"}).json()
    assert done["status"] == "dismissed" and done["ruling"] == "经核查，理由不成立"
    assert admin.post(url, json={"status": "upheld", "ruling": "again"}).status_code == 422
    with web.db() as db:
        assert db.execute(select(Conflict)).first() is None


def test_an_upheld_objection_becomes_a_stage3_conflict_and_restaffs(
    web: Office, round_ready: str, units: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str, str]] = []

    def stand_in(db: Any, settings: Any, rnd: Any, person_key: str, target: str, reason: str, actor: int) -> str:
        calls.append((rnd.id, person_key, target))
        return "第1巡察组已调整 / team 1 re-staffed"

    monkeypatch.setattr("xuncha.web.services.staffing.restaff_after_recusal", stand_in)
    a = web.client("contact_a", "unit_contact", unit=units[0])
    oid = file(a, round_ready, inspector_name="张三").json()["id"]
    admin = web.client("admin")
    page = admin.post(
        f"/objections/{round_ready}/{oid}/decision",
        data={"status": "upheld", "ruling": "该同志与单位负责人系同学，予以回避", "person_key": "P-ZS"},
    )
    assert page.status_code == 303
    assert calls == [(round_ready, "P-ZS", units[0])]
    with web.db() as db:
        row = db.execute(select(Conflict).where(Conflict.round_id == round_ready)).scalar_one()
        assert (row.stage, row.category, row.severity, row.inspector_key) == (3, "objection", "must", "P-ZS")
        assert row.record["evidence"][0]["ruling"] == "该同志与单位负责人系同学，予以回避"
        assert row.record["sources"] == [f"objection:{oid}"] and row.record["basis"]
        assert row.record["path"][0]["to"] == units[0]
        rnd = db.get(Round, round_ready)
        assert rnd is not None
        screening_service._replace(db, rnd, [])  # a new screening run keeps the upheld objection
        db.commit()
        kept = db.execute(select(Conflict).where(Conflict.round_id == round_ready)).scalars().all()
        assert [c.category for c in kept] == ["objection"]
        entry = db.execute(select(AuditEntry).where(AuditEntry.object == f"objection:{oid}")).scalars().all()
    assert [e.action for e in entry] == ["create", "decide"] and "re-staffed" in entry[1].detail


def test_upholding_records_a_staffing_constraint_with_the_real_restaffing(
    web: Office, round_ready: str, units: tuple[str, str]
) -> None:
    a = web.client("contact_a", "unit_contact", unit=units[0])
    oid = file(a, round_ready, inspector_name="张三").json()["id"]
    url = f"/api/v1/rounds/{round_ready}/objections/{oid}/decision"
    body = web.client("admin").post(url, json={"status": "upheld", "ruling": "成立", "person_key": "P-ZS"}).json()
    assert body["status"] == "upheld" and body["restaffing"]
    with web.db() as db:
        ban = db.execute(select(StaffingConstraint)).scalar_one()
    assert (ban.kind, ban.person_key, ban.target) == ("ban", "P-ZS", units[0]) and "成立" in ban.reason
