"""Web test fixtures: a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ``XUNCHA_TEST_PG`` holds a server URL (``.ci/run`` starts one and sets it);
each test gets its own database, dropped afterwards. Without it the PostgreSQL cases skip, and in CI
a skip is a failure (tests/conftest.py).

Use ``web`` (an :class:`Office`): ``web.user("admin")`` creates a login, ``web.client("admin")`` gives
a logged-in TestClient whose ``post`` adds the CSRF token, ``web.db()`` a database session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from xuncha.store.db import make_engine, normalise_url, session_factory
from xuncha.store.guards import install_inquiry_guards
from xuncha.store.models import Base, User, WebSession
from xuncha.store.users import add_user
from xuncha.web.app import create_app
from xuncha.web.security import COOKIE, token_hash
from xuncha.web.settings import Settings

PG_ENV = "XUNCHA_TEST_PG"
PASSWORD = "correct-horse-9"
BACKENDS = ("sqlite", "postgresql")


def _pg_database(base_url: str) -> tuple[str, Engine, str]:
    """Create a uniquely named database on the server; return its URL, an admin engine and its name."""
    admin = create_engine(normalise_url(base_url), isolation_level="AUTOCOMMIT")
    name = f"xuncha_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(base_url).rsplit("/", 1)[0] + f"/{name}"
    return url, admin, name


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with small parameters: web tests log many users in (about 1 s each with the
    defaults on two cores). The production parameters are argon2-cffi's defaults (store/passwords.py)."""
    from argon2 import PasswordHasher

    from xuncha.store import passwords

    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'xuncha.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (.ci/run starts a server)")
    url, admin, name = _pg_database(base)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Office:
    """One application on one fresh database, with helpers to make users and log them in."""

    settings: Settings
    app: Any
    factory: sessionmaker[Session]
    clients: dict[str, TestClient] = field(default_factory=dict)

    def db(self) -> Session:
        return self.factory()

    def user(
        self, name: str, role: str | None = None, *, person_key: str | None = None, unit: str | None = None
    ) -> User:
        """Create (once) a user called ``name``; the role defaults to the name."""
        with self.factory() as db:
            found = db.execute(select(User).where(User.name == name)).scalar()
            if found is None:
                found = add_user(db, name, role or name, PASSWORD, person_key=person_key, unit=unit)
                db.commit()
            return found

    def anonymous(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver", follow_redirects=False)

    def client(self, name: str, role: str | None = None, **kw: Any) -> OfficeClient:
        """A browser-like client logged in as ``name`` (created with ``role`` when new)."""
        self.user(name, role, **kw)
        client = OfficeClient(self.app, base_url="http://testserver", follow_redirects=False)
        response = client.post("/login", data={"name": name, "password": PASSWORD})
        assert response.status_code == 303, response.text
        with self.factory() as db:
            row = db.execute(
                select(WebSession).where(WebSession.token_hash == token_hash(client.cookies[COOKIE]))
            ).scalar_one()
            client.csrf = row.csrf_token
        return client

    def api(self, name: str, role: str | None = None, **kw: Any) -> TestClient:
        """An API client with a bearer token for ``name``."""
        self.user(name, role, **kw)
        client = TestClient(self.app, base_url="http://testserver", follow_redirects=False)
        token = client.post("/api/v1/session", json={"name": name, "password": PASSWORD}).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        return client


class OfficeClient(TestClient):
    """A TestClient that sends the session's CSRF token with every unsafe request."""

    csrf: str = ""

    def request(self, method: str, url: httpx._types.URLTypes, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        if method.upper() not in ("GET", "HEAD", "OPTIONS") and self.csrf:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", self.csrf)
            kwargs["headers"] = headers
        return super().request(method, url, **kwargs)


def make_office(db_url: str, data_dir: Path, **overrides: Any) -> Office:
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(db_url=db_url, data_dir=data_dir, testing=True, throttle_per_minute=1000, **overrides)
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        install_inquiry_guards(connection)  # as the migration does
    engine.dispose()
    app = create_app(settings)
    return Office(settings=settings, app=app, factory=session_factory(app.state.engine))


@pytest.fixture
def web(db_url: str, tmp_path: Path) -> Iterator[Office]:
    office = make_office(db_url, tmp_path / "data")
    try:
        yield office
    finally:
        office.app.state.engine.dispose()


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic county bundle (built once per test session; read-only, copy before changing)."""
    from tests.web.county import make_county

    return make_county(tmp_path_factory.mktemp("county") / "bundle")


@pytest.fixture
def round_ready(web: Office, county: Path) -> str:
    """``web`` with the county's round R2026-3 registered in draft; returns the round id."""
    from tests.web.county import register_round

    with web.db() as db:
        return register_round(db, county).id
