"""Evaluation dashboard numbers against hand-computed ones; appraisals written and listed per person."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.web.conftest import Office
from tests.web.test_findings import ROUND, fast_passwords, seed_round
from xuncha.store.models import Appraisal, AuditEntry, ClueHandover, Finding, Rectification, Round, SpotCheck
from xuncha.web.services.evaluation import WEIGHTS

__all__ = ["fast_passwords"]


def seed_results(web: Office, teams: dict[int, int]) -> None:
    """Team 1: findings A, B, B (政治建设, 政治建设, 其他); one clue; items closed / overdue; spot checks 好, 一般."""
    uid = web.user("admin").id
    with web.db() as db:
        made = [
            Finding(round_id=ROUND, team_id=teams[1], unit="U1", category=c, grade=g, title=f"问题{i}", created_by=uid)
            for i, (g, c) in enumerate((("A", "政治建设"), ("B", "政治建设"), ("B", "其他")))
        ]
        db.add_all(made)
        db.flush()
        db.add(ClueHandover(finding_id=made[0].id, receiver="县纪委监委", summary="s"))
        closed = datetime(2026, 1, 5, tzinfo=UTC)
        db.add(
            Rectification(
                finding_id=made[0].id, measure="m1", owner="o", deadline="2026-01-01", closed=True, closed_at=closed
            )
        )
        db.add(Rectification(finding_id=made[1].id, measure="m2", owner="o", deadline="2020-01-01"))
        db.add_all([SpotCheck(team_id=teams[1], supervisor_id=uid, rating=r, result="r") for r in ("好", "一般")])
        db.commit()


def test_dashboard_numbers_equal_hand_computed_ones(web: Office) -> None:
    teams = seed_round(web)
    seed_results(web, teams)
    api = web.api("admin")
    body = api.get(f"/api/v1/rounds/{ROUND}/evaluation").json()
    one, two = body
    assert one["by_grade"] == {"A": 1, "B": 2, "C": 0}
    assert one["by_category"]["政治建设"] == 2 and one["by_category"]["其他"] == 1 and one["findings"] == 3
    assert one["clues"] == 1
    assert one["rectification"] == {"total": 2, "closed": 1, "overdue": 1, "closure_rate": 0.5}
    assert one["spot_ratings"] == {"好": 1, "一般": 1}
    # 60 + 8·1 + 4·2 + 3·1 + 15·0.5 − 2·1 + (10 + 2)/2 = 90.5 → 91
    assert one["proposed_score"] == 91
    assert two["findings"] == 0 and two["rectification"]["closure_rate"] is None and two["proposed_score"] == 60
    assert WEIGHTS.base == 60
    chart = web.client("leading_group").get(f"/evaluation/{ROUND}/charts/grades.json").json()
    assert [s["data"] for s in chart["series"]] == [[1, 0], [2, 0], [0, 0]]
    rect = web.client("admin").get(f"/evaluation/{ROUND}/charts/rectification.json").json()
    assert [s["data"] for s in rect["series"]] == [[1, 0], [0, 0], [1, 0]]
    page = web.client("admin").get(f"/evaluation/{ROUND}")
    assert page.status_code == 200 and 'data-chart-url="/evaluation/R-F1/charts/grades.json"' in page.text
    assert "<script>" not in page.text


def test_only_the_office_and_leading_group_see_the_dashboard(web: Office) -> None:
    seed_round(web)
    for role in ("member", "team_leader", "supervisor", "auditor"):
        assert web.client(role).get(f"/evaluation/{ROUND}").status_code == 403
    assert web.api("supervisor").get(f"/api/v1/rounds/{ROUND}/evaluation").status_code == 403


def test_appraisal_is_stored_and_listed_on_the_person_page(web: Office) -> None:
    seed_round(web)
    with web.db() as db:
        db.add(Round(id="R-OLD", name="上一轮巡察", status="closed"))
        db.commit()
    admin = web.client("admin")
    form = {"person_key": "P2", "score": "88", "grade": "称职", "comment": "认真负责"}
    assert admin.post(f"/evaluation/{ROUND}/appraisals", data=form).status_code == 303
    assert (
        admin.post(f"/evaluation/{ROUND}/appraisals", data=form | {"score": "92", "grade": "优秀"}).status_code == 303
    )
    assert admin.post(f"/evaluation/{ROUND}/appraisals", data=form | {"person_key": "NOBODY"}).status_code == 422
    refused = admin.post(f"/evaluation/{ROUND}/appraisals", data=form | {"grade": "良好"})
    assert refused.status_code == 422 and "data-back" in refused.text  # back to the form, values kept
    inline = admin.post(
        f"/evaluation/{ROUND}/appraisals", data=form | {"grade": "良好"}, headers={"HX-Request": "true"}
    )
    assert inline.status_code == 422 and "data-back" not in inline.text  # htmx: the form is still on the page
    assert admin.post("/evaluation/R-OLD/appraisals", data=form).status_code == 422  # P2 on no team of R-OLD
    leading = web.client("leading_group")
    assert leading.post(f"/evaluation/{ROUND}/appraisals", data=form).status_code == 403
    with web.db() as db:
        rows = list(db.execute(select(Appraisal)).scalars())
        assert [(a.person_key, a.score, a.grade, a.comment) for a in rows] == [("P2", 92, "优秀", "认真负责")]
        assert db.execute(select(AuditEntry).where(AuditEntry.object == "appraisals:P2")).first() is not None
    page = leading.get("/evaluation/people/P2")
    assert page.status_code == 200 and "测试轮次" in page.text and "优秀" in page.text and "李二" in page.text
    assert web.client("m2", "member", person_key="P2").get("/evaluation/people/P2").status_code == 403
    listed = web.api("leading_group").get("/api/v1/people/P2/appraisals").json()
    assert [(a["round_id"], a["score"]) for a in listed] == [(ROUND, 92)]


def test_landing_pages_list_the_visible_rounds(web: Office) -> None:
    seed_round(web)
    with web.db() as db:
        db.add(Round(id="R-DRAFT", name="草稿轮次", status="draft"))
        db.commit()
    admin = web.client("admin")
    for area in ("findings", "evaluation", "reports"):
        page = admin.get(f"/{area}")
        assert (
            page.status_code == 200
            and f'href="/{area}/{ROUND}"' in page.text
            and f'href="/{area}/R-DRAFT"' in page.text
        )
    leader = web.client("l1", "team_leader", person_key="P1").get("/findings")
    assert f'href="/findings/{ROUND}"' in leader.text and "R-DRAFT" not in leader.text
