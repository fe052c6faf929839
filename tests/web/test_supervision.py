"""Supervision: commit-reveal spot-check draws (wrong seeds refused, samples reproducible and disjoint
from the fixed picks, tampering detected by Verify), results per team, and who may do what."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.web.conftest import Office
from tests.web.test_inquiries import fast_passwords  # noqa: F401  (autouse: cheap Argon2 in these tests)
from xuncha.store.models import AuditEntry, Round, SpotCheck, SupervisionDraw, Team, TeamMember
from xuncha.teams.draw import commit, print_friendly, seed_int
from xuncha.web.services.supervision import draw_sample

ROUND = "R2026-3"
TEAMS = 6
SEED = "2026秋季督导-甲"


@pytest.fixture
def published(web: Office, round_ready: str) -> Office:
    """The county round, published, with six teams built directly."""
    with web.db() as db:
        rnd = db.get(Round, ROUND)
        assert rnd is not None
        rnd.status = "published"
        for number in range(1, TEAMS + 1):
            team = Team(round_id=ROUND, number=number, targets=[f"U{number}"], target_names=[f"单位{number}"])
            team.members = [TeamMember(person_key=f"P{number}", name=f"组长{number}", role="leader")]
            db.add(team)
        db.commit()
    return web


def expected_sample(pool: list[int], k: int, seed: str) -> list[int]:
    """The algorithm as documented, written out again here."""
    order = sorted(pool)
    random.Random(seed_int(seed)).shuffle(order)
    return sorted(order[:k])


def only_draw(web: Office) -> SupervisionDraw:
    with web.db() as db:
        return db.execute(select(SupervisionDraw).order_by(SupervisionDraw.id.desc())).scalars().first()  # type: ignore[return-value]


def test_commit_then_reveal_draws_a_reproducible_sample_apart_from_the_fixed_picks(published: Office) -> None:
    supervisor = published.client("supervisor")
    data = {"fixed": "2，5", "reason": "群众来信反映较多", "sample_size": "2", "seed": SEED}
    assert supervisor.post(f"/supervision/{ROUND}/draws", data=data).status_code == 303
    row = only_draw(published)
    assert row.commitment == commit(SEED) and row.seed is None and row.sampled == []
    assert row.fixed == [2, 5] and row.pool == [1, 3, 4, 6]
    assert print_friendly(commit(SEED)) in supervisor.get(f"/supervision/{ROUND}").text
    wrong = supervisor.post(f"/supervision/{ROUND}/draws/{row.id}/reveal", data={"seed": SEED + "x"})
    assert wrong.status_code == 422 and "承诺值不符" in wrong.text
    assert only_draw(published).seed is None
    assert supervisor.post(f"/supervision/{ROUND}/draws/{row.id}/reveal", data={"seed": SEED}).status_code == 303
    revealed = only_draw(published)
    assert revealed.sampled == expected_sample([1, 3, 4, 6], 2, SEED)
    assert len(revealed.sampled) == 2 and not set(revealed.sampled) & {2, 5}
    again = supervisor.post(f"/supervision/{ROUND}/draws/{row.id}/reveal", data={"seed": SEED})
    assert again.status_code == 422  # revealed once, for good
    page = published.client("leading_group").get(f"/supervision/{ROUND}/draws/{row.id}/verify")
    assert page.status_code == 200 and "一致：承诺值与抽查名单均可由种子复算" in page.text
    with published.db() as db:
        actions = {(e.action, e.object) for e in db.execute(select(AuditEntry)).scalars()}
    assert {("commit", f"supervision_draw:{row.id}"), ("reveal", f"supervision_draw:{row.id}")} <= actions


def test_the_same_seed_and_pool_give_the_same_sample_through_the_api(published: Office) -> None:
    api = published.api("supervisor")
    samples = []
    for _ in range(2):
        body = {"fixed": [1], "reason": "组长新任", "sample_size": 3}
        created = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws", json=body)
        assert created.status_code == 201, created.text
        seed, number = created.json()["seed"], created.json()["draw"]["id"]
        assert seed and created.json()["draw"]["seed"] is None  # generated, shown once, not stored
        wrong = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws/{number}/reveal", json={"seed": "guess"})
        assert wrong.status_code == 422
        revealed = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws/{number}/reveal", json={"seed": seed})
        assert revealed.json()["sampled"] == expected_sample([2, 3, 4, 5, 6], 3, seed)
        verify = api.get(f"/api/v1/rounds/{ROUND}/supervision/draws/{number}/verify").json()
        assert verify["ok"] and verify["commitment_ok"]
        samples.append((seed, revealed.json()["sampled"]))
    fixed_seed = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws", json={"sample_size": 2, "seed": SEED})
    assert fixed_seed.json()["seed"] is None
    number = fixed_seed.json()["draw"]["id"]
    first = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws/{number}/reveal", json={"seed": SEED}).json()
    assert first["sampled"] == expected_sample(list(range(1, TEAMS + 1)), 2, SEED)


def test_verify_detects_a_sample_changed_in_the_database(published: Office) -> None:
    api = published.api("supervisor")
    number = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws", json={"sample_size": 1, "seed": SEED}).json()[
        "draw"
    ]["id"]
    drawn = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws/{number}/reveal", json={"seed": SEED}).json()
    with published.db() as db:
        row = db.get(SupervisionDraw, number)
        assert row is not None
        row.sampled = [n for n in range(1, TEAMS + 1) if n not in drawn["sampled"]][:1]
        db.commit()
    verify = api.get(f"/api/v1/rounds/{ROUND}/supervision/draws/{number}/verify").json()
    assert not verify["ok"] and verify["commitment_ok"] and verify["recomputed"] == drawn["sampled"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"fixed": [2], "sample_size": 1, "seed": "s"}, "须说明理由"),
        ({"fixed": [99], "reason": "r", "sample_size": 1, "seed": "s"}, "没有这些组号"),
        ({"sample_size": TEAMS + 1, "seed": "s"}, "随机抽查数"),
        ({"sample_size": 0, "seed": "s"}, "随机抽查数"),
    ],
)
def test_bad_draws_are_refused(published: Office, body: dict[str, object], words: str) -> None:
    response = published.api("supervisor").post(f"/api/v1/rounds/{ROUND}/supervision/draws", json=body)
    assert response.status_code == 422 and words in response.json()["error"]["zh"]


def test_one_open_draw_at_a_time_and_only_on_published_rounds(published: Office, web: Office) -> None:
    blank = published.client("supervisor").post(f"/supervision/{ROUND}/draws", data={"sample_size": "1", "seed": "  "})
    assert blank.status_code == 422 and "种子不能为空" in blank.text
    api = published.api("supervisor")
    assert (
        api.post(f"/api/v1/rounds/{ROUND}/supervision/draws", json={"sample_size": 1, "seed": "a"}).status_code == 201
    )
    second = api.post(f"/api/v1/rounds/{ROUND}/supervision/draws", json={"sample_size": 1, "seed": "b"})
    assert second.status_code == 422 and "尚未揭示" in second.json()["error"]["zh"]
    with web.db() as db:
        rnd = db.get(Round, ROUND)
        assert rnd is not None
        rnd.status = "staffed"
        db.commit()
    assert api.get(f"/api/v1/rounds/{ROUND}/supervision").status_code == 403  # not published: not the supervisor's


def test_spot_check_results_are_recorded_per_team(published: Office) -> None:
    supervisor = published.client("supervisor")
    with published.db() as db:
        team = db.execute(select(Team).where(Team.number == 3)).scalar_one()
    data = {"rating": "较好", "result": "谈话材料齐全，个别底稿未签字"}
    assert supervisor.post(f"/supervision/{ROUND}/teams/{team.id}/checks", data=data).status_code == 303
    bad = supervisor.post(f"/supervision/{ROUND}/teams/{team.id}/checks", data={"rating": "优", "result": "x"})
    assert bad.status_code == 422
    with published.db() as db:
        rows = list(db.execute(select(SpotCheck)).scalars())
    assert [(r.team_id, r.rating, r.result) for r in rows] == [(team.id, "较好", data["result"])]
    assert "个别底稿未签字" in published.client("admin").get(f"/supervision/{ROUND}").text
    overview = published.api("leading_group").get(f"/api/v1/rounds/{ROUND}/supervision").json()
    assert [t["number"] for t in overview["teams"]] == list(range(1, TEAMS + 1))
    assert overview["checks"][0]["rating"] == "较好"


def test_roles_outside_supervision_are_refused(published: Office) -> None:
    for role in ("member", "unit_contact", "auditor", "team_leader"):
        client = published.client(role)
        assert client.get("/supervision").status_code == 403
        assert client.get(f"/supervision/{ROUND}").status_code == 403
        assert published.api(role).get(f"/api/v1/rounds/{ROUND}/supervision").status_code == 403
    for role in ("admin", "leading_group"):
        client = published.client(role)
        assert client.get(f"/supervision/{ROUND}").status_code == 200
        refused = client.post(f"/supervision/{ROUND}/draws", data={"sample_size": "1", "seed": "x"})
        assert refused.status_code == 403
    assert published.anonymous().get(f"/api/v1/rounds/{ROUND}/supervision").status_code == 401


@settings(max_examples=60, deadline=None, print_blob=True)
@given(
    numbers=st.sets(st.integers(1, 40), min_size=1, max_size=30),
    data=st.data(),
    seed=st.text(min_size=1, max_size=20).filter(lambda s: s.strip()),
)
def test_a_sample_is_a_deterministic_subset_of_the_pool(numbers: set[int], data: st.DataObject, seed: str) -> None:
    pool = sorted(numbers)
    k = data.draw(st.integers(0, len(pool)))
    sample = draw_sample(pool, k, seed)
    assert sample == draw_sample(list(reversed(pool)), k, seed)  # order of the pool does not matter
    assert len(sample) == k and set(sample) <= set(pool) and sample == sorted(sample)
