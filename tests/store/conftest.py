"""Store tests reuse the web fixtures' databases: a fresh SQLite file and, with ``XUNCHA_TEST_PG``,
a fresh PostgreSQL database per test."""

from __future__ import annotations

from tests.web.conftest import db_url as db_url
