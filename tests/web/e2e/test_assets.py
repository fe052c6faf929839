"""In a real browser: the vendored scripts load under the Content-Security-Policy, nothing is
fetched from outside, and a login works."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.web.conftest import PASSWORD
from tests.web.e2e.conftest import LiveServer, Shots
from xuncha.store.db import session_factory
from xuncha.store.users import add_user


def test_login_loads_vendored_scripts_without_csp_errors(live: LiveServer, browser: Any, shots: Shots) -> None:
    factory = session_factory(live.app.state.engine)
    with factory() as db:
        _add(db, "assets_admin")
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live.url) else None)
    page.goto(live.url + "/login")
    shots(page, "login")
    page.fill("input[name=name]", "assets_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live.url + "/")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.echarts") == "object"
    shots(page, "home")
    context.close()
    assert problems == [], problems
    assert outside == [], outside


def _add(db: Session, name: str) -> None:
    add_user(db, name, "admin", PASSWORD)
    db.commit()
