"""Staffing in the web app: constraints with reasons, the seed commitment, the draw through the engine,
need-to-know on the plan before and after publication, and verification of the published draw."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.web.conftest import Office
from xuncha.store.models import AuditEntry, Round, StaffingConstraint, Team
from xuncha.web.services.common import round_dir

SEED = "seed-secret-4711"  # the committed seed of these tests; it must appear nowhere before publication


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def teams_dir(web: Office, round_id: str) -> Path:
    return round_dir(web.settings.data_dir, round_id, "teams")


def staff(web: Office, round_id: str, targets_per_team: int = 3, publish: bool = False) -> None:
    """Commit to SEED, draw, optionally publish: as the office does it in the browser."""
    admin = web.client("admin")
    assert admin.post(f"/staffing/{round_id}/commit", data={"seed": SEED}).status_code == 303
    response = admin.post(f"/staffing/{round_id}/run", data={"targets_per_team": str(targets_per_team)})
    assert response.status_code == 303, response.text
    if publish:
        assert admin.post(f"/staffing/{round_id}/publish").status_code == 303


def teams(web: Office, round_id: str) -> list[Team]:
    with web.db() as db:
        rows = list(db.execute(select(Team).where(Team.round_id == round_id).order_by(Team.number)).scalars())
        for t in rows:
            t.members.sort(key=lambda m: m.id)
        db.expunge_all()
        return rows


def staffed_teams(web: Office, round_id: str) -> list[Team]:
    return [t for t in teams(web, round_id) if t.members]


def audit_actions(web: Office, obj: str) -> list[str]:
    with web.db() as db:
        return list(db.execute(select(AuditEntry.action).where(AuditEntry.object == obj)).scalars())


_DRAWS: dict[str, Any] = {}  # (options, seed) -> Assignment, shared by this module and test_recusals


@pytest.fixture(scope="module", autouse=True)
def cached_engine() -> Iterator[dict[str, Any]]:
    """Staffing runs cached (the engine is deterministic; tests/teams checks that): the same options and
    seed on SQLite and PostgreSQL draw once. ``real_engine`` turns the cache off. Logins use a cheap
    Argon2 setting here: these tests are about staffing, and tests/web/test_core covers passwords."""
    from argon2 import PasswordHasher

    from xuncha.store import passwords
    from xuncha.teams import command

    real = command.run_assign

    def cached(options: Any, seed: str) -> Any:
        key = json.dumps({**options.to_json(), "digests": None, "seed": seed}, sort_keys=True, default=str)
        if key not in _DRAWS:
            _DRAWS[key] = real(options, seed)
        return _DRAWS[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(command, "run_assign", cached)
        mp.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield {"real": real}


@contextmanager
def real_engine(cached: dict[str, Any]) -> Iterator[None]:
    """The engine itself, for verification: a re-run must really recompute the draw."""
    from xuncha.teams import command

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(command, "run_assign", cached["real"])
        yield


@pytest.fixture(scope="module")
def must_pairs(county: Path) -> set[tuple[str, str]]:
    """(inspector, target) pairs screening says must never meet."""
    from xuncha.bundle.load import load_bundle
    from xuncha.policy.model import load_policy
    from xuncha.screening.run import screen

    with screen(load_bundle(county), "R2026-3", load_policy()) as result:
        return {(r["inspector"], r["target"]) for r in result.records if r["severity"] == "must"}


def test_draw_writes_team_rows_equal_to_teams_jsonl(
    web: Office, round_ready: str, must_pairs: set[tuple[str, str]]
) -> None:
    staff(web, round_ready)
    records = read_jsonl(teams_dir(web, round_ready) / "teams.jsonl")
    rows = teams(web, round_ready)
    assert len(rows) == len(records) >= 2
    for row, record in zip(rows, records, strict=True):
        assert row.targets == record["target"]
        assert [(m.person_key, m.name, m.role) for m in row.members] == [
            (m["person"], m["name"], m["role"]) for m in record.get("members", [])
        ]
        assert row.explanation["record"] == record
        assert set(row.explanation["why"]) == {m["person"] for m in record.get("members", [])}
        assert len(row.target_names) == len(row.targets) and all(n.startswith("仪陇县") for n in row.target_names)
        for m in row.members:
            assert not any((m.person_key, t) in must_pairs for t in row.targets), (m.person_key, row.targets)
    assert must_pairs, "the county should have must conflicts for the draw to avoid"
    with web.db() as db:
        rnd = db.get(Round, round_ready)
        assert rnd is not None and rnd.status == "staffed" and rnd.seed == SEED
    folder = teams_dir(web, round_ready)
    assert {p.name for p in folder.iterdir()} >= {"teams.jsonl", "teams.xlsx", "teams.docx", "inputs.json"}
    assert SEED not in (folder / "inputs.json").read_text("utf-8")
    assert {"commit", "run"} <= set(audit_actions(web, f"plan:{round_ready}"))


def test_plan_is_for_the_office_until_published_then_each_inspector_sees_their_own_team(
    web: Office, round_ready: str
) -> None:
    staff(web, round_ready)
    mine, other = staffed_teams(web, round_ready)[:2]
    pages = [
        f"/staffing/{round_ready}",
        f"/staffing/{round_ready}/teams/{mine.id}",
        f"/staffing/{round_ready}/commitment",
    ]
    api = f"/api/v1/rounds/{round_ready}/staffing"
    member = web.client("m1", "member", person_key=mine.members[-1].person_key)
    outsiders = [member, web.client("sup", "supervisor"), web.client("tl", "team_leader")]
    for client in outsiders:
        assert [client.get(p).status_code for p in pages] == [403, 403, 403]
        assert client.get(f"{api}/teams").status_code == 403
        assert round_ready not in client.get("/staffing").text
    assert web.api("m1").get(f"{api}/teams").status_code == 403  # bearer token too
    office = {name: web.client(name) for name in ("leading_group", "admin")}
    for name, client in office.items():
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200 and SEED not in response.text, (name, page)
        assert mine.members[0].name in client.get(pages[0]).text
        body = client.get(f"{api}/teams")
        assert body.status_code == 200 and len(body.json()) == len(teams(web, round_ready)) and SEED not in body.text
        commitment = client.get(f"{api}/commitment").json()
        assert commitment["seed"] is None and len(commitment["commitment"]) == 64
    assert office["admin"].post(f"{api}/publish").status_code == 200
    page = member.get(pages[0])
    assert page.status_code == 200 and SEED in page.text
    assert mine.members[0].name in page.text and other.members[0].name not in page.text
    assert member.get(pages[1]).status_code == 200
    assert member.get(f"/staffing/{round_ready}/teams/{other.id}").status_code == 403
    listed = member.get(f"{api}/teams").json()
    assert [t["id"] for t in listed] == [mine.id]
    assert {m["person"] for m in listed[0]["members"]} == {m.person_key for m in mine.members}
    assert len(outsiders[1].get(f"{api}/teams").json()) == len(teams(web, round_ready))  # supervisors: all
    assert outsiders[2].get(pages[0]).status_code == 200 and not outsiders[2].get(f"{api}/teams").json()
    assert office["admin"].get(f"{api}/commitment").json()["seed"] == SEED
    assert office["admin"].post(f"/staffing/{round_ready}/run", data={"targets_per_team": "3"}).status_code == 422
    assert {"read", "publish"} <= set(audit_actions(web, f"plan:{round_ready}"))


def test_verify_passes_and_a_tampered_list_fails(web: Office, round_ready: str, cached_engine: dict[str, Any]) -> None:
    staff(web, round_ready, targets_per_team=2, publish=True)
    rows = teams(web, round_ready)
    infeasible = [t for t in rows if t.explanation["status"] == "infeasible"]
    assert infeasible and not infeasible[0].members and infeasible[0].explanation["record"]["reasons"]
    page = web.client("admin").get(f"/staffing/{round_ready}").text
    assert "无法组建" in page and infeasible[0].explanation["record"]["reasons"][0][:20] in page
    member = web.client("m1", "member", person_key=staffed_teams(web, round_ready)[0].members[0].person_key)
    with real_engine(cached_engine):  # a true re-run; the tampered check below may use the cached draw
        ok = member.post(f"/staffing/{round_ready}/verify", headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "验证通过" in ok.text and "identical" in ok.text
    path = teams_dir(web, round_ready) / "teams.jsonl"
    path.write_text(path.read_text("utf-8").replace(rows[-1].members[0].name, "张三", 1), encoding="utf-8")
    bad = web.api("admin").post(f"/api/v1/rounds/{round_ready}/staffing/verify").json()
    assert bad["ok"] is False and "不一致" in bad["message"]
    assert "verify" in audit_actions(web, f"plan:{round_ready}")


def test_pins_and_bans_need_a_reason_and_bans_are_honoured(web: Office, round_ready: str, county: Path) -> None:
    admin = web.client("admin")
    url = f"/staffing/{round_ready}/constraints"
    person = next(
        line.split(",")[0].strip('"') for line in (county / "inspectors.csv").read_text("utf-8").splitlines()[1:]
    )
    for reason in ("", "   "):
        assert admin.post(url, data={"kind": "ban", "person_key": person, "reason": reason}).status_code == 422
    pin = {"kind": "pin", "person_key": person, "target": "11511324010039595M", "reason": ""}
    assert admin.post(url, data=pin).status_code == 422
    api = web.api("admin").post(
        f"/api/v1/rounds/{round_ready}/staffing/constraints", json={"kind": "ban", "person_key": person, "reason": ""}
    )
    assert api.status_code == 422 and api.json()["error"]["en"]
    assert (
        web.client("leading_group").post(url, data={"kind": "ban", "person_key": person, "reason": "x"}).status_code
        == 403
    )
    with web.db() as db:
        assert not db.execute(select(StaffingConstraint)).first()
    assert (
        admin.post(url, data={"kind": "ban", "person_key": person, "reason": "借调在外 / seconded"}).status_code == 303
    )
    assert admin.post(f"/staffing/{round_ready}/run").status_code == 422  # no commitment yet
    staff(web, round_ready)
    on_teams = {m.person_key for t in teams(web, round_ready) for m in t.members}
    assert person not in on_teams
    records = read_jsonl(teams_dir(web, round_ready) / "teams.jsonl")
    assert all(r["bans"] == [{"person": person, "reason": "借调在外 / seconded"}] for r in records)
    assert "ban" in audit_actions(web, f"plan:{round_ready}")
    # the commitment is fixed once drawn
    assert admin.post(f"/staffing/{round_ready}/commit", data={"seed": "another"}).status_code == 422
