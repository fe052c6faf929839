"""``xuncha web-demo``'s seeding: a published round, one login per role, inspectors on a team."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.county import ROUND
from xuncha.store.db import make_engine, session_factory
from xuncha.store.models import Inquiry, Round, TeamMember, User
from xuncha.store.users import ROLES
from xuncha.web.app import create_app
from xuncha.web.demo import seed_demo
from xuncha.web.settings import Settings


def test_seed_demo_publishes_a_round_with_a_login_per_role(db_url: str, county: Path, tmp_path: Path) -> None:
    logins = seed_demo(county, db_url, tmp_path, ROUND)
    assert sorted(login.role for login in logins) == sorted(ROLES)
    engine = make_engine(db_url)
    with session_factory(engine)() as db:
        assert db.get(Round, ROUND).status == "published"  # type: ignore[union-attr]
        users = {u.name: u for u in db.execute(select(User)).scalars()}
        on_teams = set(db.execute(select(TeamMember.person_key)).scalars())
        assert users["leader"].person_key in on_teams and users["member"].person_key in on_teams
        assert users["contact"].unit
        assert db.execute(select(Inquiry)).scalars().first() is not None
    engine.dispose()
    member = next(login for login in logins if login.name == "member")
    client = TestClient(create_app(Settings(db_url=db_url, data_dir=tmp_path)), follow_redirects=False)
    assert client.post("/login", data={"name": member.name, "password": member.password}).status_code == 303
    client.app.state.engine.dispose()  # type: ignore[attr-defined]
