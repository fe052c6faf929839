"""The authorisation matrix: every role against every route and API endpoint.

(a) The permission table says what the issue's need-to-know statements say (a hand-written copy).
(b) Every route but logging in depends on exactly one ``deps.require(permission)``.
(c) Calling every route as every role (and anonymously) is refused by the role check exactly when the
    role lacks the route's permission. Role refusals carry ``X-Xuncha-Denied: <permission>``, so they
    are told apart from row-level refusals (another team's data), which are the areas' own tests.

Routes are discovered from the application, so the matrix covers every area's routes as they land.
"""

from __future__ import annotations

import enum
import functools
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select

from tests.web.conftest import PASSWORD, Office, OfficeClient
from xuncha.store.models import Round, Team, TeamMember, User
from xuncha.store.passwords import hash_password
from xuncha.web.authz import ALL_ROLES, PERMISSIONS
from xuncha.web.security import COOKIE, open_session

ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR, AUDITOR, CONTACT = (
    "admin", "leading_group", "team_leader", "member", "supervisor", "auditor", "unit_contact",
)  # fmt: skip
ROLES = (ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR, AUDITOR, CONTACT)
INSPECTORS = {LEADER, MEMBER}
IN_ROUND = {ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR}

# ------------------------------------------------------------------ (a) the expected table

# Written from the issue, not copied from authz.py: a change to either must be a conscious one.
EXPECTED: dict[str, set[str]] = {
    "home.view": set(ROLES),
    "import.manage": {ADMIN},
    "round.list": IN_ROUND,
    "screening.run": {ADMIN},
    "screening.read": {ADMIN, LEADING},  # conflicts are confidential
    "recusal.file": INSPECTORS,  # an inspector files a declaration
    "recusal.read": {ADMIN, LEADING, LEADER, MEMBER},  # inspectors: their own applications
    "recusal.decide": {ADMIN},  # the office approves or rejects
    "objection.file": {CONTACT},  # a contact of an inspected unit files an objection
    "objection.read": {ADMIN, LEADING, CONTACT},  # a unit contact sees only its own objections
    "objection.decide": {ADMIN},  # the office rules on it
    "staffing.run": {ADMIN},
    "plan.read_draft": {ADMIN, LEADING},  # the plan: office and leading group until published
    "plan.read": IN_ROUND,  # after publication; a member sees only their own team
    "plan.publish": {ADMIN},
    "inquiry.file": IN_ROUND,  # anyone in the round records who asked
    "inquiry.read": IN_ROUND,  # visible at once to the leading group
    "inquiry.annotate": {ADMIN, LEADING},
    "inquiry.report": {ADMIN, LEADING},  # the monthly register for the leading group
    "supervision.manage": {SUPERVISOR},  # supervisors choose and record spot checks
    "supervision.read": {ADMIN, LEADING, SUPERVISOR},
    "finding.write": INSPECTORS,  # findings per team, by the team
    "finding.read": IN_ROUND,
    "rectification.write": {ADMIN, LEADER},
    "evaluation.read": {ADMIN, LEADING},
    "appraisal.write": {ADMIN},
    "revisit.manage": {ADMIN},
    "revisit.read": {ADMIN, LEADING, SUPERVISOR},
    "coverage.read": {ADMIN, LEADING},
    "report.download": {ADMIN, LEADING},
    "audit.read": {AUDITOR},  # the auditor role sees the log
    "user.manage": {ADMIN},
}
CONFIDENTIAL_READS = ("screening.read", "plan.read_draft", "inquiry.read", "finding.read", "evaluation.read")


def test_role_ids_are_the_issues() -> None:
    assert set(ROLES) == ALL_ROLES


def test_every_permission_is_reviewed_here() -> None:
    unreviewed = sorted(set(PERMISSIONS) - set(EXPECTED))
    assert not unreviewed, f"new permissions: check their need-to-know and add them to EXPECTED: {unreviewed}"


@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_permission_table_matches_the_issue(permission: str) -> None:
    assert permission in PERMISSIONS, f"{permission} was removed from authz.PERMISSIONS"
    assert set(PERMISSIONS[permission]) == EXPECTED[permission]


def held_by(role: str) -> set[str]:
    return {p for p, roles in PERMISSIONS.items() if role in roles}


def test_unit_contacts_and_auditors_hold_only_their_own_permissions() -> None:
    assert held_by(CONTACT) == {"home.view", "objection.file", "objection.read"}
    assert held_by(AUDITOR) == {"home.view", "audit.read"}
    for permission in CONFIDENTIAL_READS:
        assert not {CONTACT, AUDITOR} & PERMISSIONS[permission], permission


def test_confidential_screening_and_draft_plan_stay_with_office_and_leading_group() -> None:
    for permission in ("screening.read", "plan.read_draft", "evaluation.read", "inquiry.report"):
        assert PERMISSIONS[permission] <= {ADMIN, LEADING}, permission
    assert not {MEMBER, SUPERVISOR, CONTACT, AUDITOR} & PERMISSIONS["screening.read"]


def test_decisions_and_administration_belong_to_the_office() -> None:
    office_only = [p for p in PERMISSIONS if p.endswith((".decide", ".publish", ".run", ".manage"))]
    for permission in office_only:
        if permission != "supervision.manage":  # supervisors choose their own spot checks
            assert PERMISSIONS[permission] == {ADMIN}, permission
    assert PERMISSIONS["audit.read"] == {AUDITOR}  # not even the office reads the trail of its own reads


# ------------------------------------------------------------------ (b) every route is guarded

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/v1/session")}
PERMISSION_OF_DEPENDENCY = {f"require_{p.replace('.', '_')}": p for p in PERMISSIONS}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    permission: str | None  # None: public
    route: APIRoute

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _requires(dependant: Dependant) -> Iterator[str]:
    """Names of ``require_*`` dependencies anywhere in the tree, each distinct callable once."""
    seen: set[int] = set()
    stack = list(dependant.dependencies)
    while stack:
        dep = stack.pop()
        call = dep.call
        if call is not None and id(call) not in seen:
            seen.add(id(call))
            name = getattr(call, "__name__", "")
            if name.startswith("require_"):
                yield name
        stack.extend(dep.dependencies)


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every (method, path) of the application's API routes, with the permission it requires."""
    assert len(PERMISSION_OF_DEPENDENCY) == len(PERMISSIONS)
    found: list[Endpoint] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        names = list(_requires(route.dependant))
        for method in sorted(route.methods or ()):
            key = (method, str(context.path))
            if key in PUBLIC:
                assert not names, f"{key} is public but requires {names}"
                found.append(Endpoint(method, key[1], None, route))
                continue
            assert len(names) == 1, f"{method} {key[1]} must depend on exactly one require(...), has {names}"
            assert names[0] in PERMISSION_OF_DEPENDENCY, f"{key}: {names[0]} names no permission"
            found.append(Endpoint(method, key[1], PERMISSION_OF_DEPENDENCY[names[0]], route))
    return found


@functools.cache
def app_endpoints() -> tuple[Endpoint, ...]:
    from pathlib import Path

    from xuncha.web.app import create_app
    from xuncha.web.settings import Settings

    app = create_app(Settings(db_url="sqlite://", data_dir=Path("/nonexistent-xuncha-data")))
    return tuple(endpoints(app))


def test_every_route_but_login_requires_exactly_one_permission() -> None:
    found = app_endpoints()  # the assertions are in endpoints()
    assert {(e.method, e.path) for e in found if e.permission is None} == PUBLIC
    guarded = [e for e in found if e.permission]
    assert len(guarded) >= 10
    # the recorded table, readable in the test log (-s): which permission each route needs
    for endpoint in guarded:
        print(f"{endpoint.permission:22} {endpoint}")


def test_static_files_and_schema_are_the_only_other_routes() -> None:
    from pathlib import Path

    from xuncha.web.app import create_app
    from xuncha.web.settings import Settings

    app = create_app(Settings(db_url="sqlite://", data_dir=Path("/nonexistent-xuncha-data")))
    others = {
        str(getattr(c.original_route, "path", "?"))
        for c in iter_route_contexts(app.routes)
        if not isinstance(c.original_route, APIRoute)
    }
    assert others == {"/static", "/openapi.json"}


# ------------------------------------------------------------------ (c) every role x every route

ROUND_ID = "R-MATRIX"
PEOPLE = {LEADER: "P-LEADER", MEMBER: "P-MEMBER"}
UNIT = "U-CONTACT"


@functools.cache
def fast_hash() -> str:
    """One Argon2id hash of the test password, shared by every seeded user (hashing is slow)."""
    return hash_password(PASSWORD)


def seed_user(office: Office, name: str, role: str, **fields: Any) -> None:
    """A user with the test password, inserted directly (no hashing per user)."""
    with office.db() as db:
        if db.execute(select(User.id).where(User.name == name)).scalar() is None:
            db.add(User(name=name, role=role, password_hash=fast_hash(), display_name=name, **fields))
            db.commit()


def session_client(office: Office, name: str, role: str | None = None, **fields: Any) -> OfficeClient:
    """A client logged in as ``name`` through a session opened in the database (no password round
    trip): cookie and CSRF token for pages; use :func:`bearer` for the API."""
    seed_user(office, name, role or name, **fields)
    with office.db() as db:
        user = db.execute(select(User).where(User.name == name)).scalar_one()
        token, row = open_session(db, office.settings, user, "testclient")
        csrf = row.csrf_token
        db.commit()
    client = OfficeClient(office.app, base_url="http://testserver", follow_redirects=False)
    client.cookies.set(COOKIE, token)
    client.csrf = csrf
    return client


def bearer(office: Office, name: str, role: str | None = None, **fields: Any) -> OfficeClient:
    """An API client for ``name`` with a bearer token opened in the database."""
    seed_user(office, name, role or name, **fields)
    with office.db() as db:
        user = db.execute(select(User).where(User.name == name)).scalar_one()
        token, _row = open_session(db, office.settings, user, "testclient", kind="api")
        db.commit()
    client = OfficeClient(office.app, base_url="http://testserver", follow_redirects=False)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def quiet(client: OfficeClient) -> OfficeClient:
    """The same credentials, but a server error comes back as a 500 response instead of raising."""
    other = OfficeClient(
        client.app, base_url="http://testserver", follow_redirects=False, raise_server_exceptions=False
    )
    other.cookies.update(client.cookies)
    other.headers.update(client.headers)
    other.csrf = client.csrf
    return other


def fields_of(role: str) -> dict[str, Any]:
    if role in PEOPLE:
        return {"person_key": PEOPLE[role]}
    return {"unit": UNIT} if role == CONTACT else {}


def seed_round(office: Office) -> None:
    """A published round with one team (the team leader and member on it), no bundle."""
    with office.db() as db:
        db.add(Round(id=ROUND_ID, name="矩阵测试轮次", mode="常规", status="published"))
        db.flush()
        team = Team(round_id=ROUND_ID, number=1, targets=[UNIT], target_names=["测试单位"])
        team.members = [TeamMember(person_key=key, name=role, role="member") for role, key in PEOPLE.items()]
        db.add(team)
        db.commit()
    for role in ROLES:
        seed_user(office, role, role, **fields_of(role))


def sample_value(name: str, annotation: Any, role: str) -> str:
    """A plausible value for a path or query parameter (ids of the seeded rows where they exist)."""
    if name == "round_id":
        return ROUND_ID
    if name == "person_key":
        return PEOPLE.get(role, PEOPLE[MEMBER])
    if name == "month":
        return "2026-08"
    if typing.get_origin(annotation) is typing.Literal:
        return str(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return str(next(iter(annotation)).value)
    if annotation is int or name.endswith("_id"):
        return "1"
    return "x"


def concrete(endpoint: Endpoint, role: str) -> tuple[str, dict[str, str]]:
    """The endpoint's path with its parameters filled in, and its required query parameters."""
    annotations = {f.name: f.field_info.annotation for f in endpoint.route.dependant.path_params}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return sample_value(name, annotations.get(name), role)

    path = re.sub(r"\{(\w+)(?::\w+)?\}", fill, endpoint.path)
    query = {
        f.name: sample_value(f.name, f.field_info.annotation, role)
        for f in endpoint.route.dependant.query_params
        if f.field_info.is_required()
    }
    return path, query


def call(client: OfficeClient, endpoint: Endpoint, role: str) -> Any:
    path, query = concrete(endpoint, role)
    return client.request(endpoint.method, path, params=query)


def guarded_endpoints() -> list[Endpoint]:
    return [e for e in app_endpoints() if e.permission is not None]


def _verdict(endpoint: Endpoint, role: str, response: Any) -> str | None:
    """What is wrong with ``response`` for ``role`` on ``endpoint``, or None."""
    assert endpoint.permission is not None
    denied = response.headers.get("x-xuncha-denied")
    if role not in PERMISSIONS[endpoint.permission]:
        if response.status_code != 403 or denied != endpoint.permission:
            return f"{role} lacks {endpoint.permission} but {endpoint} answered {response.status_code} ({denied})"
        return None
    if denied is not None:
        return f"{role} holds {endpoint.permission} but {endpoint} refused it for {denied}"
    to_login = response.headers.get("location") == "/login" and endpoint.path != "/logout"
    if response.status_code == 401 or to_login:
        return f"{role}'s session was not accepted by {endpoint}: {response.status_code}"
    return None


ENDS_SESSION = {("POST", "/logout"), ("DELETE", "/api/v1/session")}


class RoleClients:
    """One page client and one API client for a role, renewed after a route that ends the session."""

    def __init__(self, office: Office, role: str) -> None:
        self.office, self.role = office, role
        self.page, self.api = self._page(), self._api()

    def _page(self) -> OfficeClient:
        return quiet(session_client(self.office, self.role, self.role, **fields_of(self.role)))

    def _api(self) -> OfficeClient:
        return quiet(bearer(self.office, self.role, self.role, **fields_of(self.role)))

    def call(self, endpoint: Endpoint) -> Any:
        response = call(self.api if endpoint.api else self.page, endpoint, self.role)
        if (endpoint.method, endpoint.path) in ENDS_SESSION:
            self.page, self.api = self._page(), self._api()
        return response


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_it_lacks_the_permission(web: Office, role: str) -> None:
    seed_round(web)
    clients = RoleClients(web, role)
    problems, crashes = [], []
    for endpoint in guarded_endpoints():
        response = clients.call(endpoint)
        problem = _verdict(endpoint, role, response)
        if problem:
            problems.append(problem)
        if response.status_code >= 500:
            crashes.append(f"{endpoint} as {role}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert not crashes, "server errors:\n" + "\n".join(crashes)


def test_anonymous_callers_get_401_on_the_api_and_the_login_page_otherwise(web: Office) -> None:
    seed_round(web)
    anon = quiet(OfficeClient(web.app, base_url="http://testserver", follow_redirects=False))
    problems = []
    for endpoint in guarded_endpoints():
        response = call(anon, endpoint, MEMBER)
        if endpoint.api:
            ok = response.status_code == 401 and "error" in response.json()
        else:
            ok = response.status_code == 303 and response.headers.get("location") == "/login"
        if not ok:
            problems.append(f"{endpoint}: {response.status_code} {response.headers.get('location')}")
    assert not problems, "\n".join(problems)


def test_htmx_requests_without_a_session_are_sent_to_the_login_page(web: Office) -> None:
    anon = web.anonymous()
    response = anon.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login"


def test_a_role_refusal_is_marked_and_a_csrf_refusal_is_not(web: Office) -> None:
    member = session_client(web, "member")
    refused = member.get("/users")
    assert (refused.status_code, refused.headers["x-xuncha-denied"]) == (403, "user.manage")
    admin = session_client(web, "admin")
    admin.csrf = ""
    no_token = admin.post("/users", data={"name": "n1", "role": "member", "password": PASSWORD})
    assert no_token.status_code == 403
    assert "x-xuncha-denied" not in no_token.headers
