"""The application's core: login, need-to-know refusals, CSRF, headers, error pages."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, Office


def test_login_then_home_shows_the_role(web: Office) -> None:
    client = web.client("admin")
    page = client.get("/")
    assert page.status_code == 200
    assert "巡察办" in page.text


def test_anonymous_pages_redirect_and_api_answers_401(web: Office) -> None:
    anon = web.anonymous()
    assert anon.get("/").status_code == 303
    assert anon.get("/api/v1/rounds").status_code == 401


def test_wrong_role_is_refused_on_the_server(web: Office) -> None:
    member = web.client("member")
    assert member.get("/audit").status_code == 403
    assert web.client("auditor").get("/audit").status_code == 200


def test_post_without_csrf_token_is_refused(web: Office) -> None:
    admin = web.client("admin")
    admin.csrf = ""
    response = admin.post("/users", data={"name": "x1", "role": "member", "password": PASSWORD})
    assert response.status_code == 403


def test_every_response_carries_a_strict_csp(web: Office) -> None:
    response = web.anonymous().get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
