"""The interference register: filing with the automatic check, need-to-know, annotations, the monthly
register (docx), and records no one can change — not through the app, not with raw SQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.web.conftest import Office
from tests.web.test_relations import bundle_of, kin_row, persons, rows
from xuncha.store import passwords
from xuncha.store.guards import install_inquiry_guards
from xuncha.store.models import AuditEntry, Inquiry, InquiryNote, Round, Team, TeamMember, User
from xuncha.web.services.inquiries import monthly_register_docx

ROUND = "R2026-3"


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest for these tests: each login costs under a millisecond, not ~0.5 s."""
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def office(web: Office, round_ready: str) -> Office:
    """The county's round with the register's database guards installed (as the migration does)."""
    with web.app.state.engine.begin() as conn:
        install_inquiry_guards(conn)
    return web


def publish(web: Office, teams: dict[int, list[str]], targets: list[str]) -> None:
    """Publish the round with ``teams`` (number -> inspector keys), built directly."""
    with web.db() as db:
        rnd = db.get(Round, ROUND)
        assert rnd is not None
        rnd.status = "published"
        for number, keys in teams.items():
            team = Team(round_id=ROUND, number=number, targets=[targets[number - 1]], target_names=[""])
            team.members = [TeamMember(person_key=k, name="", role="member") for k in keys]
            db.add(team)
        db.commit()


def form(**overrides: str) -> dict[str, str]:
    base = {
        "asker_name": "欧阳不存在",
        "asker_unit": "某某公司",
        "asker_title": "经理",
        "channel": "电话",
        "content": "打听巡察组是否会查工程项目",
        "handling": "当场拒绝，已报告组长",
        "occurred_at": "2026-01-05T10:30",
    }
    return base | overrides


def audits(web: Office, action: str, obj: str) -> list[AuditEntry]:
    with web.db() as db:
        query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.object == obj)
        return list(db.execute(query).scalars())


def inspectors(county: Path, n: int) -> list[str]:
    return [r["person"] for r in rows(bundle_of(county), "inspectors")[:n]]


def targets(county: Path) -> list[str]:
    return sorted(r["unit"] for r in rows(bundle_of(county), "round_targets") if r["round"] == ROUND)


def test_filing_runs_the_check_and_the_page_says_it_in_plain_chinese(office: Office, county: Path) -> None:
    position, father, row = kin_row(bundle_of(county), "父亲")
    admin = office.client("admin")
    response = admin.post(f"/inquiries/{ROUND}", data=form(asker_name=father["name"], about_unit=position["unit"]))
    assert response.status_code == 303
    page = admin.get(response.headers["location"])
    key_name = persons(bundle_of(county))[position["person"]]["name"]
    assert f"过问人{father['name']}系被巡察单位" in page.text
    assert f"{key_name}的父亲（直系血亲）" in page.text
    assert row["_source"] in page.text
    with office.db() as db:
        record = db.execute(select(Inquiry)).scalar_one()
        assert record.check["hits"][0]["category"] == "lineal"
        assert record.check["hits"][0]["counterpart"] == position["person"]
    assert len(audits(office, "create", f"inquiry:{record.id}")) == 1
    assert len(audits(office, "read", f"inquiry:{record.id}")) == 1


def test_no_route_edits_or_deletes_a_record(office: Office, county: Path) -> None:
    admin = office.client("admin")
    api = office.api("admin")
    created = api.post(f"/api/v1/rounds/{ROUND}/inquiries", json=form(about_unit=targets(county)[0]))
    assert created.status_code == 201, created.text
    number = created.json()["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert admin.request(method, f"/inquiries/{ROUND}/{number}", data=form()).status_code in (404, 405)
        assert api.request(method, f"/api/v1/rounds/{ROUND}/inquiries/{number}", json=form()).status_code in (404, 405)
    assert api.get(f"/api/v1/rounds/{ROUND}/inquiries/{number}").json()["asker_name"] == "欧阳不存在"


def test_the_database_refuses_update_and_delete(office: Office, county: Path) -> None:
    api = office.api("admin")
    number = api.post(f"/api/v1/rounds/{ROUND}/inquiries", json=form(about_unit=targets(county)[0])).json()["id"]
    assert api.post(f"/api/v1/rounds/{ROUND}/inquiries/{number}/notes", json={"text": "已阅"}).status_code == 201
    statements = (
        "UPDATE inquiries SET asker_name = 'x' WHERE id = :id",
        "DELETE FROM inquiries WHERE id = :id",
        "UPDATE inquiry_notes SET text = 'x' WHERE inquiry_id = :id",
        "DELETE FROM inquiry_notes WHERE inquiry_id = :id",
    )
    for statement in statements:
        with pytest.raises(DBAPIError, match="cannot be changed or deleted"), office.app.state.engine.begin() as conn:
            conn.execute(text(statement), {"id": number})
    with office.db() as db:
        assert db.get(Inquiry, number).asker_name == "欧阳不存在"  # type: ignore[union-attr]
        assert db.execute(select(InquiryNote.text)).scalar_one() == "已阅"


def test_members_see_only_their_own_records_and_the_leading_group_sees_all(office: Office, county: Path) -> None:
    first, second = inspectors(county, 2)
    units = targets(county)
    publish(office, {1: [first], 2: [second]}, units)
    alice = office.client("alice", "member", person_key=first)
    bob = office.client("bob", "team_leader", person_key=second)
    assert alice.post(f"/inquiries/{ROUND}", data=form(asker_name="甲某", about_unit=units[0])).status_code == 303
    assert bob.post(f"/inquiries/{ROUND}", data=form(asker_name="乙某", about_unit=units[1])).status_code == 303
    with office.db() as db:
        ids = {r.asker_name: r.id for r in db.execute(select(Inquiry)).scalars()}
    own = alice.get(f"/inquiries/{ROUND}")
    assert "甲某" in own.text and "乙某" not in own.text
    assert alice.get(f"/inquiries/{ROUND}/{ids['乙某']}").status_code == 403
    listed = office.api("alice").get(f"/api/v1/rounds/{ROUND}/inquiries").json()
    assert [r["asker_name"] for r in listed] == ["甲某"]
    leading = office.client("leading_group")
    page = leading.get(f"/inquiries/{ROUND}")
    assert page.text.index("乙某") < page.text.index("甲某")  # newest first
    assert "待批注 2" in page.text
    assert "<td>2</td>" in leading.get("/inquiries").text
    entries = audits(office, "read", f"inquiries:{ROUND}")
    assert {(e.actor, e.role) for e in entries} >= {("alice", "member"), ("leading_group", "leading_group")}


def test_the_receiving_inspector_is_checked_when_an_inspector_files(office: Office, county: Path) -> None:
    bundle = bundle_of(county)
    people = persons(bundle)
    keys = {r["person"] for r in rows(bundle, "inspectors")}
    row = next(r for r in rows(bundle, "kinship") if r["person"] in keys and r["relation"] == "母亲")
    publish(office, {1: [row["person"]]}, targets(county))
    api = office.api("carol", "member", person_key=row["person"])
    body = form(asker_name=people[row["relative"]]["name"], about_unit=targets(county)[0])
    check = api.post(f"/api/v1/rounds/{ROUND}/inquiries", json=body).json()["check"]
    hits = [h for h in check["hits"] if h["counterpart_kind"] == "inspector"]
    assert hits and hits[0]["counterpart"] == row["person"] and hits[0]["category"] == "lineal"


def test_only_the_office_and_the_leading_group_annotate(office: Office, county: Path) -> None:
    member_key = inspectors(county, 1)[0]
    publish(office, {1: [member_key]}, targets(county))
    member = office.client("dave", "member", person_key=member_key)
    member.post(f"/inquiries/{ROUND}", data=form(about_unit=targets(county)[0]))
    with office.db() as db:
        number = db.execute(select(Inquiry.id)).scalar_one()
    assert member.post(f"/inquiries/{ROUND}/{number}/notes", data={"note": "x"}).status_code == 403
    leading = office.client("leading_group")
    assert leading.post(f"/inquiries/{ROUND}/{number}/notes", data={"note": "请纪检组核实"}).status_code == 303
    assert "请纪检组核实" in member.get(f"/inquiries/{ROUND}/{number}").text
    assert len(audits(office, "annotate", f"inquiry:{number}")) == 1


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"channel": "飞鸽传书"}, "过问方式应为"),
        ({"channel": "托人转达"}, "请填写转达人姓名"),
        ({"occurred_at": "2999-01-01T00:00"}, "不晚于现在"),
        ({"occurred_at": "昨天"}, "格式"),
        ({"about_unit": "NOT-A-TARGET"}, "不是本轮的被巡察单位"),
    ],
)
def test_bad_forms_are_refused_in_chinese(office: Office, overrides: dict[str, str], words: str) -> None:
    admin = office.client("admin")
    response = admin.post(f"/inquiries/{ROUND}", data=form(about_unit=office_target(office)) | overrides)
    assert response.status_code == 422 and words in response.text
    with office.db() as db:
        assert db.execute(select(Inquiry)).first() is None


def office_target(web: Office) -> str:
    from xuncha.web.services.inquiries import targets_of

    with web.db() as db:
        rnd = db.get(Round, ROUND)
        assert rnd is not None
        return targets_of(db, rnd)[0][0]


def test_the_monthly_register_has_that_months_records_with_checks_and_notes(office: Office) -> None:
    admin = office.user("admin")
    with office.db() as db:
        for day, name in (
            (datetime(2026, 8, 31, 16, 30, tzinfo=UTC), "八月某"),
            (datetime(2026, 9, 2, tzinfo=UTC), "九月某"),
        ):
            db.add(record(admin, name, day))  # 2026-08-31 16:30 UTC is already September in China
        db.add(record(admin, "十月某", datetime(2026, 10, 1, 3, tzinfo=UTC)))
        db.flush()
        first = db.execute(select(Inquiry).where(Inquiry.asker_name == "八月某")).scalar_one()
        db.add(InquiryNote(inquiry_id=first.id, author_id=admin.id, text="领导小组已阅"))
        db.commit()
    response = office.client("leading_group").get(f"/inquiries/{ROUND}/report.docx", params={"month": "2026-09"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert "2026年9月" in document.paragraphs[0].text
    table = document.tables[0]
    body = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert [r[3].split("，")[0] for r in body] == ["八月某", "九月某"]
    assert "领导小组已阅" in body[0][-1] and "发现1项" in body[0][9]
    assert len(audits(office, "read", f"inquiries:{ROUND}")) == 1
    with office.db() as db:
        again = docx.Document(io.BytesIO(monthly_register_docx(db, ROUND, "2026-10")))
    assert len(again.tables[0].rows) == 2


def record(user: User, name: str, at: datetime) -> Inquiry:
    check: dict[str, Any] = {
        "status": "done",
        "summary_zh": "发现1项亲属或同事关系",
        "lines_zh": ["过问人某系某某的父亲"],
        "hits": [],
    }
    return Inquiry(
        round_id=ROUND,
        recorded_by=user.id,
        asker_name=name,
        channel="面谈",
        content="打招呼",
        check=check,
        occurred_at=at,
        created_at=at,
    )


def test_the_report_and_the_register_are_refused_to_those_outside(office: Office) -> None:
    assert office.client("member").get(f"/inquiries/{ROUND}/report.docx?month=2026-09").status_code == 403
    assert office.client("admin").get(f"/inquiries/{ROUND}/report.docx?month=2026-13").status_code == 422
    assert office.client("unit_contact").get("/inquiries").status_code == 403
    assert office.client("auditor").get(f"/inquiries/{ROUND}").status_code == 403
    assert office.api("supervisor").get(f"/api/v1/rounds/{ROUND}/inquiries").status_code == 403  # draft round
    member = office.client("member")
    assert member.post(f"/inquiries/{ROUND}", data=form()).status_code == 403  # not on a team of the round
