"""Findings, clues handed over and rectification: who may write, the closure math, need-to-know, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.web.conftest import Office
from xuncha.store import passwords
from xuncha.store.models import AuditEntry, Finding, Rectification, Round, Team, TeamMember
from xuncha.web.services.findings import RectStats, rect_stats

ROUND = "R-F1"
FINDING = {
    "unit": "U1",
    "category": "政治建设",
    "grade": "A",
    "title": "落实主体责任不到位",
    "description": "会议记录缺失",
}


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2 parameters: these tests log many users in; hashing itself is tested elsewhere."""
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def seed_round(web: Office, round_id: str = ROUND, status: str = "published") -> dict[int, int]:
    """A round with two teams: team 1 (P1 组长, P2 组员) on U1 and U2, team 2 (P3 组长, P4 组员) on U3.
    Returns team number -> team id."""
    with web.db() as db:
        db.add(Round(id=round_id, name="测试轮次", mode="常规", status=status, commitment="ab" * 32, seed="s33d"))
        teams = [
            Team(round_id=round_id, number=1, targets=["U1", "U2"], target_names=["甲局", "乙镇"]),
            Team(round_id=round_id, number=2, targets=["U3"], target_names=["丙公司"]),
        ]
        teams[0].members = [
            TeamMember(person_key="P1", name="张一", role="组长"),
            TeamMember(person_key="P2", name="李二", role="组员"),
        ]
        teams[1].members = [
            TeamMember(person_key="P3", name="王三", role="组长"),
            TeamMember(person_key="P4", name="赵四", role="组员"),
        ]
        db.add_all(teams)
        db.commit()
        return {t.number: t.id for t in teams}


def test_member_records_a_finding_only_for_their_own_team(web: Office) -> None:
    teams = seed_round(web)
    member = web.client("m2", "member", person_key="P2")
    ok = member.post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING)
    assert ok.status_code == 303, ok.text
    refused = member.post(f"/findings/{ROUND}/teams/{teams[2]}", data=FINDING | {"unit": "U3"})
    assert refused.status_code == 403
    assert web.client("sup", "supervisor").post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING).status_code == 403
    assert web.client("admin").post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING).status_code == 403
    with web.db() as db:
        rows = list(db.execute(select(Finding)).scalars())
    assert [(f.team_id, f.unit, f.grade, f.title) for f in rows] == [(teams[1], "U1", "A", "落实主体责任不到位")]


def test_finding_refuses_a_unit_outside_the_team_and_unknown_grade(web: Office) -> None:
    teams = seed_round(web)
    leader = web.client("l1", "team_leader", person_key="P1")
    assert leader.post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING | {"unit": "U3"}).status_code == 422
    assert leader.post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING | {"grade": "Z"}).status_code == 422
    assert leader.post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING | {"category": "乱写"}).status_code == 422
    with web.db() as db:
        assert db.execute(select(Finding)).first() is None


def test_api_finding_clue_and_need_to_know(web: Office) -> None:
    teams = seed_round(web)
    api = web.api("m2", "member", person_key="P2")
    created = api.post(f"/api/v1/rounds/{ROUND}/teams/{teams[1]}/findings", json=FINDING)
    assert created.status_code == 201, created.text
    fid = created.json()["id"]
    clue = api.post(
        f"/api/v1/rounds/{ROUND}/findings/{fid}/clues",
        json={"receiver": "县纪委监委", "summary": "违规发放补贴", "handed_on": "2026-10-01"},
    )
    assert clue.status_code == 201 and clue.json()["handed_on"] == "2026-10-01"
    other = web.api("m4", "member", person_key="P4")
    assert other.post(f"/api/v1/rounds/{ROUND}/teams/{teams[1]}/findings", json=FINDING).status_code == 403
    assert other.get(f"/api/v1/rounds/{ROUND}/findings").json() == []
    assert web.client("m4b", "member", person_key="P4").get(f"/findings/{ROUND}/teams/{teams[1]}").status_code == 403
    seen = web.api("sup", "supervisor").get(f"/api/v1/rounds/{ROUND}/findings").json()
    assert [(f["title"], [c["receiver"] for c in f["clues"]]) for f in seen] == [("落实主体责任不到位", ["县纪委监委"])]
    assert web.client("unit", "unit_contact", unit="U1").get(f"/findings/{ROUND}").status_code == 403
    with web.db() as db:
        entries = list(db.execute(select(AuditEntry).where(AuditEntry.object == f"findings:{ROUND}")).scalars())
    assert {"create", "read"} <= {e.action for e in entries}


def test_unpublished_round_hides_findings_from_inspectors(web: Office) -> None:
    teams = seed_round(web, status="staffed")
    member = web.client("m2", "member", person_key="P2")
    assert member.get(f"/findings/{ROUND}/teams/{teams[1]}").status_code == 403
    assert member.post(f"/findings/{ROUND}/teams/{teams[1]}", data=FINDING).status_code == 403


def _finding(web: Office, team_id: int) -> int:
    author = web.user("admin").id
    with web.db() as db:
        f = Finding(
            round_id=ROUND, team_id=team_id, unit="U1", category="其他", grade="C", title="t", created_by=author
        )
        db.add(f)
        db.commit()
        return f.id


def test_rectification_by_the_leader_of_that_team_and_closure_math(web: Office) -> None:
    teams = seed_round(web)
    fid = _finding(web, teams[1])
    leader = web.client("l1", "team_leader", person_key="P1")
    past, future = (date.today() - timedelta(days=3)).isoformat(), (date.today() + timedelta(days=30)).isoformat()
    for measure, deadline in (("建章立制", past), ("清退资金", past), ("专题会议", future)):
        r = leader.post(
            f"/findings/{ROUND}/items/{fid}/rectifications",
            data={"measure": measure, "owner": "局长", "deadline": deadline},
        )
        assert r.status_code == 303, r.text
    other_leader = web.client("l3", "team_leader", person_key="P3")
    assert (
        other_leader.post(
            f"/findings/{ROUND}/items/{fid}/rectifications", data={"measure": "x", "owner": "y", "deadline": past}
        ).status_code
        == 403
    )
    member = web.client("m2", "member", person_key="P2")
    assert (
        member.post(
            f"/findings/{ROUND}/items/{fid}/rectifications", data={"measure": "x", "owner": "y", "deadline": past}
        ).status_code
        == 403
    )
    with web.db() as db:
        ids = [i.id for i in db.execute(select(Rectification).order_by(Rectification.id)).scalars()]
    assert leader.post(f"/findings/{ROUND}/rectifications/{ids[0]}/close", data={"evidence": ""}).status_code == 422
    closed = leader.post(
        f"/findings/{ROUND}/rectifications/{ids[0]}/close", data={"evidence": "制度文件", "closed_on": "2026-10-20"}
    )
    assert closed.status_code == 303
    assert (
        leader.post(f"/findings/{ROUND}/rectifications/{ids[0]}/close", data={"evidence": "again"}).status_code == 422
    )
    items = web.api("admin").get(f"/api/v1/rounds/{ROUND}/findings").json()[0]["rectifications"]
    assert [(i["closed"], i["overdue"], i["closed_on"]) for i in items] == [
        (True, False, "2026-10-20"),
        (False, True, None),
        (False, False, None),
    ]
    with web.db() as db:
        stats = rect_stats(list(db.execute(select(Rectification)).scalars()), date.today())
    assert stats == RectStats(total=3, closed=1, overdue=1) and stats.rate == 1 / 3
    page = web.client("admin").get(f"/findings/{ROUND}")
    assert page.status_code == 200 and "第1巡察组" in page.text


def test_admin_closes_through_the_api_and_the_team_page_renders(web: Office) -> None:
    teams = seed_round(web)
    fid = _finding(web, teams[2])
    admin = web.api("admin")
    item = admin.post(
        f"/api/v1/rounds/{ROUND}/findings/{fid}/rectifications",
        json={"measure": "m", "owner": "o", "deadline": "2020-01-01"},
    )
    assert item.status_code == 201 and item.json()["overdue"] is True
    done = admin.post(
        f"/api/v1/rounds/{ROUND}/rectifications/{item.json()['id']}/close",
        json={"evidence": "凭证", "closed_on": "2026-01-02"},
    )
    assert done.json()["closed"] is True and done.json()["overdue"] is False
    assert (
        admin.post(
            f"/api/v1/rounds/{ROUND}/findings/{fid}/rectifications",
            json={"measure": "m", "owner": "o", "deadline": "2020-13-01"},
        ).status_code
        == 422
    )
    page = web.client("l3", "team_leader", person_key="P3").get(f"/findings/{ROUND}/teams/{teams[2]}")
    assert page.status_code == 200 and "已销号" in page.text and "凭证" in page.text


def test_control_characters_are_refused_not_crashing_postgresql(web: Office) -> None:
    teams = seed_round(web)
    api = web.api("m2", "member", person_key="P2")
    bad = api.post(f"/api/v1/rounds/{ROUND}/teams/{teams[1]}/findings", json=FINDING | {"title": "a\x00b"})
    assert bad.status_code == 422 and "控制字符" in bad.json()["error"]["zh"]
    assert api.get("/api/v1/rounds/R%00/findings").status_code == 422
    assert web.api("admin").get("/api/v1/people/P%00/appraisals").status_code == 422
