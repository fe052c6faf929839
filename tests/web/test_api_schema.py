"""schemathesis against the OpenAPI schema: no operation answers with a server error (5xx), whether
called by the office (admin), by a member, or without a token; every operation documents the
refusals it can give.

Bounded: a few examples per operation, derandomised (the same cases every run), no shrinking, no
deadline, so the whole file stays well under a minute on SQLite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import schemathesis
from fastapi import Depends, Query
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.schemas import APIOperation
from sqlalchemy import select

from tests.web.conftest import Office, make_office
from tests.web.test_authz_matrix import seed_round, seed_user
from xuncha.store.models import User
from xuncha.web.deps import require
from xuncha.web.security import open_session

Operation = APIOperation[Any, Any, Any, Any]
EXAMPLES = {"admin": 8, "member": 5, None: 2}  # per operation; anonymous callers only meet the login check


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture
def sqlite_web(tmp_path: Path) -> Iterator[Office]:
    """The fuzzing runs on SQLite only (the other suites cover PostgreSQL); a fresh office each time."""
    office = make_office(f"sqlite:///{tmp_path / 'fuzz.db'}", tmp_path / "data")
    seed_round(office)
    try:
        yield office
    finally:
        office.app.state.engine.dispose()


def token_for(office: Office, name: str) -> str:
    """A fresh API token (each case gets one: the logout operation ends the one it is called with)."""
    seed_user(office, name, name)
    with office.db() as db:
        user = db.execute(select(User).where(User.name == name)).scalar_one()
        token, _row = open_session(db, office.settings, user, "fuzz", kind="api")
        db.commit()
    return token


def operations(office: Office) -> list[Operation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", office.app)
    found: list[Operation] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise AssertionError(f"the schema does not load: {result.err()}")
        found.append(result.ok())
    assert found, "the schema lists no operations"
    return found


def describe(case: Any) -> str:
    return f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"


def fuzz(operation: Operation, headers: Callable[[], dict[str, str]], examples: int) -> str | None:
    """Run the operation's examples; the first server error with the request that caused it, or None."""

    @fuzz_settings(examples)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        try:
            response = case.call(headers=headers())
        except Exception as exc:  # the ASGI transport re-raises the application's exception
            raise AssertionError(f"{describe(case)} raised {type(exc).__name__}: {exc}") from exc
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except Exception as exc:
            raise AssertionError(f"{describe(case)} answered {response.status_code}") from exc

    try:
        run()
    except Exception as exc:  # collected so that one run reports every failing operation
        return f"{operation.label}: {exc}"
    return None


@pytest.mark.parametrize("role", ["admin", "member", None])
def test_no_operation_answers_with_a_server_error(sqlite_web: Office, role: str | None) -> None:
    def headers() -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(sqlite_web, role)}"} if role else {}

    examples = EXAMPLES[role]
    failures = [f for op in operations(sqlite_web) if (f := fuzz(op, headers, examples)) is not None]
    assert not failures, "\n\n".join(failures)


def test_every_guarded_operation_documents_401_and_403(sqlite_web: Office) -> None:
    missing = []
    for operation in operations(sqlite_web):
        if operation.path == "/api/v1/session" and operation.method.upper() == "POST":
            continue  # logging in: 401/423/429 only
        documented = set(operation.definition.raw.get("responses", {}))
        lacking = {"401", "403"} - documented
        if lacking:
            missing.append(f"{operation.label} lacks {sorted(lacking)}")
    assert not missing, "\n".join(missing)


def _planted(n: Annotated[int, Query(ge=0, le=100)] = 0) -> dict[str, int]:
    if n > 3:
        raise RuntimeError("planted")
    return {"n": n}


def test_the_fuzzer_finds_a_planted_server_error(sqlite_web: Office) -> None:
    sqlite_web.app.add_api_route(
        "/api/v1/planted", _planted, dependencies=[Depends(require("home.view"))], responses={401: {}, 403: {}}
    )
    planted = [op for op in operations(sqlite_web) if op.path == "/api/v1/planted"]
    failure = fuzz(planted[0], lambda: {"Authorization": f"Bearer {token_for(sqlite_web, 'admin')}"}, 8)
    assert failure is not None
    assert "GET /api/v1/planted" in failure
    assert "RuntimeError: planted" in failure
