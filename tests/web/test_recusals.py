"""Recusal applications (自报回避): filing with the kinship category shown, need-to-know, decisions with
a reason, and approval re-staffing only the affected team."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.conftest import Office
from tests.web.test_staffing import audit_actions, cached_engine, read_jsonl, staff, staffed_teams, teams
from xuncha.store.models import RecusalApplication, Round, StaffingConstraint, User
from xuncha.web.services.common import round_dir
from xuncha.web.services.recusals import relation_category
from xuncha.web.services.staffing import restaff_after_recusal

__all__ = ["cached_engine"]  # the module-scoped engine cache of test_staffing, active here too


def members_by_team(web: Office, round_id: str) -> dict[int, set[str]]:
    return {t.id: {m.person_key for m in t.members} for t in teams(web, round_id)}


def test_approval_keeps_the_applicant_off_the_target_and_leaves_other_teams_alone(
    web: Office, round_ready: str
) -> None:
    staff(web, round_ready, publish=True)
    team = staffed_teams(web, round_ready)[0]
    person = team.members[-1]
    before = members_by_team(web, round_ready)
    member = web.client("m1", "member", person_key=person.person_key)
    form = member.get(f"/recusals/{round_ready}")
    assert form.status_code == 200 and f'value="{team.targets[0]}" selected' in form.text
    filed = {"target_unit": team.targets[0], "related_name": "李四", "relation": "表哥", "reason": "表哥在该单位任职"}
    response = member.post(f"/recusals/{round_ready}", data=filed)
    assert response.status_code == 303
    detail = member.get(response.headers["location"])
    assert detail.status_code == 200 and "三代以内旁系血亲" in detail.text and "属于法定回避" in detail.text
    app_id = int(response.headers["location"].rsplit("/", 1)[1])
    admin = web.client("admin")
    decide = f"/recusals/{round_ready}/{app_id}/decide"
    assert member.post(decide, data={"decision": "approve", "reason": "x"}).status_code == 403
    assert admin.post(decide, data={"decision": "approve", "reason": " "}).status_code == 422
    assert admin.post(decide, data={"decision": "approve", "reason": "属实，予以回避"}).status_code == 303
    after = members_by_team(web, round_ready)
    assert person.person_key not in after[team.id]
    assert len(after[team.id]) == len(before[team.id]) and after[team.id] - before[team.id]
    assert {k: v for k, v in after.items() if k != team.id} == {k: v for k, v in before.items() if k != team.id}
    with web.db() as db:
        app = db.get(RecusalApplication, app_id)
        admin_id = db.execute(select(User.id).where(User.name == "admin")).scalar_one()
        assert app is not None and app.status == "approved" and app.decided_by == admin_id and app.decided_at
        assert "其他巡察组不变" in app.outcome and "other teams unchanged" in app.outcome
        ban = db.execute(select(StaffingConstraint)).scalar_one()
        assert (ban.kind, ban.person_key, ban.target) == ("ban", person.person_key, team.targets[0])
        rnd = db.get(Round, round_ready)
        assert rnd is not None and rnd.seed and rnd.status == "published"
    redrawn = read_jsonl(round_dir(web.settings.data_dir, round_ready, f"restaff-{ban.id}") / "teams.jsonl")
    assert person.person_key not in {m["person"] for r in redrawn for m in r.get("members", [])}
    assert "其他巡察组不变" in admin.get(f"/recusals/{round_ready}/{app_id}").text
    assert "其他巡察组不变" in admin.get(f"/staffing/{round_ready}/teams/{team.id}").text
    assert member.get(f"/staffing/{round_ready}/teams/{team.id}").status_code == 403  # no longer their team
    assert {"create", "read", "approve"} <= set(audit_actions(web, f"recusal:{app_id}"))


def test_inspectors_see_only_their_own_applications_and_the_office_rejects_with_a_reason(
    web: Office, round_ready: str
) -> None:
    staff(web, round_ready, publish=True)
    first, second = staffed_teams(web, round_ready)[:2]
    before = members_by_team(web, round_ready)
    one = web.client("m1", "member", person_key=first.members[-1].person_key)
    two = web.client("m2", "team_leader", person_key=second.members[0].person_key)
    api = f"/api/v1/rounds/{round_ready}/recusals"
    filed = one.post(api, json={"target_unit": first.targets[0], "related_name": "王五", "relation": "老同事"})
    assert filed.status_code == 201, filed.text
    app = filed.json()
    assert app["status"] == "pending" and "非亲属" in app["category_zh"]
    assert one.post(api, json={"target_unit": "NOT-A-TARGET", "relation": "表哥"}).status_code == 422
    assert two.get(f"/recusals/{round_ready}/{app['id']}").status_code == 403
    assert two.get(api).json() == [] and "王五" not in two.get("/recusals").text
    assert [a["id"] for a in one.get(api).json()] == [app["id"]]
    leading = web.client("leading_group")
    assert "王五" in leading.get(f"/recusals/{round_ready}").text
    assert leading.post(f"{api}/{app['id']}/decision", json={"decision": "reject", "reason": "x"}).status_code == 403
    admin = web.api("admin")
    assert admin.post(f"{api}/{app['id']}/decision", json={"decision": "reject", "reason": ""}).status_code == 422
    decided = admin.post(f"{api}/{app['id']}/decision", json={"decision": "reject", "reason": "同事关系不影响公正"})
    assert decided.status_code == 200 and decided.json()["status"] == "rejected" and decided.json()["outcome"] == ""
    again = admin.post(f"{api}/{app['id']}/decision", json={"decision": "approve", "reason": "改判"})
    assert again.status_code == 422
    assert members_by_team(web, round_ready) == before
    assert "reject" in audit_actions(web, f"recusal:{app['id']}")


def test_recusal_before_staffing_only_records_the_constraint(web: Office, round_ready: str) -> None:
    admin = web.user("admin")
    with web.db() as db:
        rnd = db.get(Round, round_ready)
        assert rnd is not None
        summary = restaff_after_recusal(db, web.settings, rnd, "P1", "11511324010039595M", "回避异议成立", admin.id)
        db.commit()
        row = db.execute(select(StaffingConstraint)).scalar_one()
    assert "尚未组建" in summary and "when teams are formed" in summary
    assert (row.kind, row.person_key, row.target, row.reason) == ("ban", "P1", "11511324010039595M", "回避异议成立")


def test_relation_category_names_the_statutory_category() -> None:
    assert relation_category("表哥")[0].startswith("三代以内旁系血亲") and "statutory" in relation_category("表哥")[1]
    assert "不属于法定回避" in relation_category("堂叔")[0]
    for other in ("同学", "老同事", "", "<b>x</b>"):
        assert "非亲属" in relation_category(other)[0]
