"""In a real browser: a form the server refuses leads to an error page whose button goes back to
the form with what was typed still in it."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import PASSWORD
from tests.web.e2e.conftest import LiveServer, Shots, log_in
from xuncha.store.db import session_factory
from xuncha.store.users import add_user


def test_refused_form_goes_back_with_the_typed_values(live: LiveServer, browser: Any, shots: Shots) -> None:
    with session_factory(live.app.state.engine)() as db:
        add_user(db, "back_admin", "admin", PASSWORD)
        db.commit()
    page = log_in(browser, live, "back_admin")
    page.goto(live.url + "/users")
    page.fill("input[name=name]", "back_admin")  # taken: the server refuses it
    page.fill("input[name=display_name]", "王小明")
    page.fill("input[name=password]", "another-long-password")
    page.click("form[action='/users'] button[type=submit]")
    button = page.locator("button[data-back]")
    button.wait_for()
    shots(page, "form-refused")
    assert "返回修改" in button.inner_text()
    button.click()
    page.wait_for_url(live.url + "/users")
    assert page.input_value("input[name=name]") == "back_admin"
    assert page.input_value("input[name=display_name]") == "王小明"
    page.context.close()
