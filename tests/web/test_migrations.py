"""The Alembic migrations build exactly the models' schema, on SQLite and on PostgreSQL.

When an area adds a column to models.py, this fails until the migration is regenerated
(``xuncha.store.migrate.autogenerate``) — that is its purpose."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from xuncha.store.db import make_engine
from xuncha.store.migrate import alembic_config, upgrade
from xuncha.store.models import Base


def schema_diff(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_on_an_empty_database_gives_exactly_the_models_schema(db_url: str) -> None:
    upgrade(db_url)
    diff = schema_diff(db_url)
    assert diff == [], "migrations differ from models.py; regenerate the migration:\n" + "\n".join(map(str, diff))


def test_upgrade_is_idempotent_and_stamps_the_head(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)
    heads = set(ScriptDirectory.from_config(alembic_config(db_url)).get_heads())
    assert len(heads) == 1, f"the migrations branch: {heads}"
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert set(MigrationContext.configure(conn).get_current_heads()) == heads
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables
