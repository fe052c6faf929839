"""Browser tests: the application served by uvicorn in a thread, driven by Playwright in Debian's
Chromium (``XUNCHA_CHROMIUM``, default /usr/bin/chromium; .ci/run installs it). Screenshots go to
``test-artifacts/e2e/`` so a failed run can be looked at."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from xuncha.store.db import make_engine
from xuncha.store.migrate import upgrade
from xuncha.web.app import create_app
from xuncha.web.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "e2e"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("XUNCHA_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.skip(f"Chromium not found at {path} (.ci/run installs Debian's chromium)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn on a free port in a daemon thread; stopped at teardown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = create_app(settings)
        self.port = free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.engine.dispose()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A served application on a fresh, migrated SQLite database (module-scoped: a whole walk)."""
    data = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{data / 'xuncha.db'}"
    upgrade(url)
    make_engine(url).dispose()
    with LiveServer(Settings(db_url=url, data_dir=data, testing=True, throttle_per_minute=1000)) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


class Shots:
    """Numbered screenshots of one walk: ``shots(page, "login")`` -> 01-login.png."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(ARTIFACTS / request.module.__name__.rsplit(".", 1)[-1])


def log_in(browser: Any, live: LiveServer, name: str, **options: Any) -> Any:
    """A page in a fresh browser context logged in as ``name`` (password ``PASSWORD``); every
    confirm() dialog is accepted. ``options`` go to ``new_context``."""
    from tests.web.conftest import PASSWORD

    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live.url + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url == live.url + "/", (page.url, page.content()[:3000])
    return page
