"""Security of the application's core: Argon2id passwords, lockout and throttling, session cookies,
session lifetime, bearer tokens versus cookies, CSRF, the CSP on every kind of response, and error
pages that leak nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.web.conftest import PASSWORD, Office, make_office
from xuncha.store.models import User, WebSession
from xuncha.store.passwords import WeakPassword, check_password, hash_password
from xuncha.web.deps import require
from xuncha.web.security import COOKIE, Throttle, token_hash, utcnow

WRONG = "wrong-password-1"


@pytest.fixture
def strict(db_url: str, tmp_path: Path) -> Iterator[Office]:
    """An office that locks after 3 failures and secures its cookies."""
    office = make_office(db_url, tmp_path / "data", lockout_after=3, lockout_minutes=10.0, secure_cookies=True)
    try:
        yield office
    finally:
        office.app.state.engine.dispose()


def login(client: TestClient, name: str, password: str) -> int:
    return int(client.post("/login", data={"name": name, "password": password}).status_code)


def api_login(client: TestClient, name: str, password: str) -> int:
    return int(client.post("/api/v1/session", json={"name": name, "password": password}).status_code)


# ------------------------------------------------------------------ passwords


def test_passwords_are_stored_as_argon2id(web: Office) -> None:
    user = web.user("admin")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert check_password(user.password_hash, PASSWORD)
    assert not check_password(user.password_hash, WRONG)
    assert not check_password("not-a-hash", PASSWORD)
    with pytest.raises(WeakPassword):
        hash_password("short")


# ------------------------------------------------------------------ lockout and throttling


def test_lockout_after_failures_refuses_even_the_right_password_until_it_expires(strict: Office) -> None:
    strict.user("admin")
    anon = strict.anonymous()
    assert [login(anon, "admin", WRONG) for _ in range(3)] == [401, 401, 401]
    assert login(anon, "admin", PASSWORD) == 423
    assert api_login(anon, "admin", PASSWORD) == 423
    page = anon.post("/login", data={"name": "admin", "password": PASSWORD})
    assert "锁定" in page.text
    with strict.db() as db:
        locked = db.execute(select(User.locked_until).where(User.name == "admin")).scalar_one()
        assert locked is not None
        db.execute(update(User).where(User.name == "admin").values(locked_until=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert login(anon, "admin", PASSWORD) == 303


def test_failures_below_the_limit_do_not_lock_and_a_success_resets_the_count(strict: Office) -> None:
    strict.user("admin")
    anon = strict.anonymous()
    assert [login(anon, "admin", WRONG) for _ in range(2)] == [401, 401]
    assert login(anon, "admin", PASSWORD) == 303
    assert [login(anon, "admin", WRONG) for _ in range(2)] == [401, 401]
    assert login(anon, "admin", PASSWORD) == 303


def test_unknown_and_known_names_get_the_same_answer(web: Office) -> None:
    web.user("admin")
    anon = web.anonymous()
    known = anon.post("/login", data={"name": "admin", "password": WRONG})
    unknown = anon.post("/login", data={"name": "nobody", "password": WRONG})
    injected = anon.post("/login", data={"name": "' OR '1'='1' --", "password": "' OR '1'='1"})
    assert known.status_code == unknown.status_code == injected.status_code == 401
    assert known.text == unknown.text


def test_login_attempts_are_throttled_per_address(web: Office) -> None:
    web.app.state.throttle = Throttle(3)
    web.user("admin")
    anon = web.anonymous()
    assert [login(anon, "admin", WRONG) for _ in range(3)] == [401, 401, 401]
    assert login(anon, "admin", PASSWORD) == 429
    assert api_login(anon, "admin", PASSWORD) == 429
    with web.db() as db:  # throttled attempts never reached the password check
        assert db.execute(select(User.failed_logins).where(User.name == "admin")).scalar_one() == 3


# ------------------------------------------------------------------ cookies and sessions


def test_session_cookie_is_httponly_and_samesite_strict(web: Office) -> None:
    web.user("admin")
    response = web.anonymous().post("/login", data={"name": "admin", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie.replace("samesite", "")


def test_cookie_is_secure_when_configured(strict: Office) -> None:
    strict.user("admin")
    response = strict.anonymous().post("/login", data={"name": "admin", "password": PASSWORD})
    assert "; secure" in response.headers["set-cookie"].lower()


def test_only_the_token_hash_is_stored(web: Office) -> None:
    client = web.client("admin")
    token = client.cookies[COOKIE]
    with web.db() as db:
        stored = set(db.execute(select(WebSession.token_hash)).scalars())
    assert token not in stored
    assert token_hash(token) in stored


def test_logout_invalidates_the_session_on_the_server(web: Office) -> None:
    client = web.client("admin")
    token = client.cookies[COOKIE]
    assert client.post("/logout").status_code == 303
    replay = web.anonymous()
    replay.cookies.set(COOKIE, token)
    assert replay.get("/").status_code == 303
    with web.db() as db:
        assert db.execute(select(WebSession).where(WebSession.token_hash == token_hash(token))).scalar() is None


def test_api_logout_invalidates_the_token(web: Office) -> None:
    api = web.api("admin")
    assert api.get("/api/v1/rounds").status_code == 200
    assert api.delete("/api/v1/session").status_code == 204
    assert api.get("/api/v1/rounds").status_code == 401


def test_expired_sessions_are_refused(web: Office) -> None:
    page, api = web.client("admin"), web.api("admin")
    with web.db() as db:
        db.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert page.get("/").status_code == 303
    assert api.get("/api/v1/rounds").status_code == 401


def test_inactive_users_lose_their_sessions(web: Office) -> None:
    page = web.client("admin")
    with web.db() as db:
        db.execute(update(User).values(active=False))
        db.commit()
    assert page.get("/").status_code == 303
    assert login(web.anonymous(), "admin", PASSWORD) == 401


def test_api_token_is_not_a_cookie_and_a_cookie_is_not_a_token(web: Office) -> None:
    api = web.api("admin")
    api_token = api.headers["Authorization"].removeprefix("Bearer ")
    cookie_token = web.client("admin").cookies[COOKIE]
    as_cookie = web.anonymous()
    as_cookie.cookies.set(COOKIE, api_token)
    assert as_cookie.get("/").status_code == 303
    assert as_cookie.get("/api/v1/rounds").status_code == 401
    as_bearer = web.anonymous()
    as_bearer.headers["Authorization"] = f"Bearer {cookie_token}"
    assert as_bearer.get("/api/v1/rounds").status_code == 401
    garbage = web.anonymous()
    garbage.headers["Authorization"] = "Bearer " + "x" * 43
    assert garbage.get("/api/v1/rounds").status_code == 401


# ------------------------------------------------------------------ CSRF


def _new_user_form(name: str) -> dict[str, str]:
    return {"name": name, "role": "member", "password": PASSWORD}


def test_form_posts_need_the_sessions_csrf_token(web: Office) -> None:
    admin = web.client("admin")
    token, admin.csrf = admin.csrf, ""
    missing = admin.post("/users", data=_new_user_form("u1"))
    wrong = admin.post("/users", data={**_new_user_form("u2"), "csrf_token": "x" * 43})
    assert missing.status_code == wrong.status_code == 403
    assert "x-xuncha-denied" not in missing.headers  # a CSRF refusal, not a role refusal
    assert admin.post("/users", data={**_new_user_form("u3"), "csrf_token": token}).status_code == 303
    with web.db() as db:
        names = set(db.execute(select(User.name)).scalars())
    assert "u3" in names
    assert not {"u1", "u2"} & names


def test_htmx_header_posts_need_the_right_token(web: Office) -> None:
    admin = web.client("admin")
    token, admin.csrf = admin.csrf, ""
    headers = {"HX-Request": "true"}
    assert admin.post("/users", data=_new_user_form("h1"), headers=headers).status_code == 403
    wrong = {**headers, "X-CSRF-Token": "y" * 43}
    assert admin.post("/users", data=_new_user_form("h2"), headers=wrong).status_code == 403
    right = {**headers, "X-CSRF-Token": token}
    assert admin.post("/users", data=_new_user_form("h3"), headers=right).status_code == 303


def test_another_sessions_token_does_not_pass(web: Office) -> None:
    admin, other = web.client("admin"), web.client("admin2", "admin")
    admin.csrf = other.csrf
    assert admin.post("/users", data=_new_user_form("x1")).status_code == 403


def test_cookie_sessions_need_csrf_on_the_api_too(web: Office) -> None:
    admin = web.client("admin")
    admin.csrf = ""
    assert admin.delete("/api/v1/session").status_code == 403
    assert admin.get("/").status_code == 200  # still logged in


# ------------------------------------------------------------------ headers and error pages


def _assert_strict_csp(headers: dict[str, str] | object) -> None:
    csp = str(headers["content-security-policy"])  # type: ignore[index]
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


def test_csp_on_pages_api_and_errors(web: Office) -> None:
    admin, member, api = web.client("admin"), web.client("member"), web.api("admin")
    responses = [
        web.anonymous().get("/login"),
        admin.get("/"),
        api.get("/api/v1/rounds"),
        member.get("/users"),  # 403 page
        admin.get("/no/such/page"),  # 404 page
        api.get("/api/v1/no/such/thing"),  # 404 JSON
        web.anonymous().get("/api/v1/rounds"),  # 401 JSON
        admin.post("/users", data={}),  # 422 page
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 403, 404, 404, 401, 422]
    for response in responses:
        _assert_strict_csp(response.headers)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


def _boom() -> None:
    raise RuntimeError("secret-detail: password=hunter2 at /srv/xuncha/db")


def test_a_crash_leaks_no_traceback_or_exception_text(web: Office) -> None:
    app = web.app
    app.add_api_route("/test-boom", _boom, dependencies=[Depends(require("home.view"))], include_in_schema=False)
    app.add_api_route("/api/v1/test-boom", _boom, dependencies=[Depends(require("home.view"))])
    admin = web.client("admin")
    api = web.api("admin")
    admin_quiet = TestClient(app, base_url="http://testserver", raise_server_exceptions=False, follow_redirects=False)
    admin_quiet.cookies.set(COOKIE, admin.cookies[COOKIE])
    api_quiet = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    api_quiet.headers["Authorization"] = api.headers["Authorization"]
    page, payload = admin_quiet.get("/test-boom"), api_quiet.get("/api/v1/test-boom")
    assert page.status_code == payload.status_code == 500
    for response in (page, payload):
        for leak in ("secret-detail", "hunter2", "Traceback", "RuntimeError", "/srv/", 'File "'):
            assert leak not in response.text
        _assert_strict_csp(response.headers)
    assert "系统内部错误" in page.text
    assert payload.json() == {
        "error": {"zh": "系统内部错误，已记录，请联系管理员", "en": "internal error; it was logged"}
    }


def test_404_page_is_in_chinese_and_in_english_when_chosen(web: Office) -> None:
    anon = web.anonymous()
    zh = anon.get("/no/such/page")
    assert zh.status_code == 404
    assert "页面不存在" in zh.text
    anon.cookies.set("lang", "en")
    en = anon.get("/no/such/page")
    assert en.status_code == 404
    assert "not found" in en.text
    assert "页面不存在" not in en.text
    assert anon.get("/api/v1/nothing").json() == {"error": {"zh": "页面不存在", "en": "not found"}}


def test_403_page_is_bilingual_and_names_no_internals(web: Office) -> None:
    member = web.client("member")
    page = member.get("/users")
    assert page.status_code == 403
    assert "无权访问" in page.text
    assert page.headers["x-xuncha-denied"] == "user.manage"
    member.cookies.set("lang", "en")
    assert "not allowed" in member.get("/users").text
