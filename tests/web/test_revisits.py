"""Revisits (回访督查): due units from the term plan, and staffing with no one from the original team."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.conftest import Office
from tests.web.test_findings import fast_passwords
from xuncha.store.models import AuditEntry, Conflict, Revisit, Round, Team, TeamMember

__all__ = ["fast_passwords"]

# from the county bundle (tests/web/county.py, seed 31)
PETITIONED = "11511322010205894P"  # 5 petitions: the term plan places a revisit
HISTORY_UNIT = "12511324010047514G"  # inspected in R2024-1 ...
HISTORY_PERSON = "511303200201067782"  # ... by this inspector (组长), who is in the talent pool


def pool_people(web: Office, round_id: str, unit: str) -> dict[str, str | None]:
    page = web.client("admin").get(f"/revisits/{round_id}/new", params={"unit": unit})
    assert page.status_code == 200
    from xuncha.web.services.coverage import bundle_facts
    from xuncha.web.services.revisits import talent_pool

    with web.db() as db:
        rnd = db.get(Round, round_id)
        assert rnd is not None
        return {p.person: p.blocked for p in talent_pool(db, rnd, unit, bundle_facts(db, rnd))}


def test_due_revisits_come_from_the_term_plan(web: Office, round_ready: str) -> None:
    body = web.api("admin").get(f"/api/v1/rounds/{round_ready}/revisits").json()
    due = {d["unit"]: d for d in body["due"]}
    assert PETITIONED in due and due[PETITIONED]["petitions"] == 5
    assert all(d["petitions"] >= 3 for d in body["due"])  # policy revisit_min_petitions
    assert body["revisits"] == []
    # the plan is confidential: supervisors only once the round is published
    assert web.client("supervisor").get(f"/revisits/{round_ready}").status_code == 403
    assert web.client("member").get(f"/revisits/{round_ready}").status_code == 403
    assert web.client("leading_group").get(f"/revisits/{round_ready}").status_code == 200


def test_revisit_refuses_the_original_team_and_must_conflicts(web: Office, round_ready: str) -> None:
    with web.db() as db:
        db.add(Round(id="R2025-9", name="上一轮", status="closed"))
        old = Team(round_id="R2025-9", number=1, targets=[PETITIONED], target_names=["营山县委组织部"])
        pool = sorted(set(pool_people(web, round_ready, PETITIONED)))
        old.members = [TeamMember(person_key=pool[0], name="甲", role="组长")]
        db.add(old)
        db.add(
            Conflict(
                round_id=round_ready, stage=1, severity="must", category="spouse", inspector_key=pool[1],
                target_unit=PETITIONED, record={},
            )
        )  # fmt: skip
        db.commit()
    blocked = pool_people(web, round_ready, PETITIONED)
    assert blocked[pool[0]] is not None and "R2025-9" in str(blocked[pool[0]])
    assert blocked[pool[1]] is not None and "必须回避" in str(blocked[pool[1]])
    api = web.api("admin")
    url = f"/api/v1/rounds/{round_ready}/revisits"
    for barred in (pool[0], pool[1]):
        refused = api.post(url, json={"unit": PETITIONED, "members": [pool[2], barred]})
        assert refused.status_code == 422 and barred in refused.json()["error"]["zh"]
    assert api.post(url, json={"unit": PETITIONED, "members": ["NOT-IN-POOL"]}).status_code == 422
    free = [p for p, why in blocked.items() if why is None][:2]
    made = api.post(url, json={"unit": PETITIONED, "members": free})
    assert made.status_code == 201, made.text
    assert made.json()["members"] == free and made.json()["original_round"]
    assert api.post(url, json={"unit": PETITIONED, "members": free}).status_code == 422  # one per unit and round
    with web.db() as db:
        assert [r.members for r in db.execute(select(Revisit)).scalars()] == [free]


def test_revisit_refuses_a_member_of_the_team_in_the_bundle_history(web: Office, round_ready: str) -> None:
    admin = web.client("admin")
    refused = admin.post(f"/revisits/{round_ready}", data={"unit": HISTORY_UNIT, "members": [HISTORY_PERSON]})
    assert refused.status_code == 422 and "原巡察组" in refused.text
    assert (
        web.client("leading_group")
        .post(f"/revisits/{round_ready}", data={"unit": HISTORY_UNIT, "members": ["x"]})
        .status_code
        == 403
    )
    with web.db() as db:
        assert db.execute(select(Revisit)).first() is None


def test_result_recorded_and_marked_done(web: Office, round_ready: str) -> None:
    free = [p for p, why in pool_people(web, round_ready, PETITIONED).items() if why is None][:1]
    admin = web.client("admin")
    assert admin.post(f"/revisits/{round_ready}", data={"unit": PETITIONED, "members": free}).status_code == 303
    with web.db() as db:
        rid = db.execute(select(Revisit.id)).scalar_one()
    base = f"/revisits/{round_ready}/{rid}/result"
    assert admin.post(base, data={"result": "", "done": "1"}).status_code == 422
    assert admin.post(base, data={"result": "整改已落实", "done": "1"}).status_code == 303
    assert admin.post(base, data={"result": "改写"}).status_code == 422
    with web.db() as db:
        row = db.get(Revisit, rid)
        assert row is not None and (row.status, row.result) == ("done", "整改已落实")
        actions = {
            e.action
            for e in db.execute(select(AuditEntry).where(AuditEntry.object == f"revisits:{round_ready}")).scalars()
        }
    assert {"create", "update"} <= actions
    page = admin.get(f"/revisits/{round_ready}")
    assert page.status_code == 200 and "整改已落实" in page.text
