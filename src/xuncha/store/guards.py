"""Database guards: triggers that make the interference register append-only in the database
itself, so not even a direct SQL session of the application's user can change a record quietly."""

from __future__ import annotations

from sqlalchemy import Connection, text


class UnguardedDatabase(RuntimeError):
    """A database xuncha cannot make append-only: refuse to run on it rather than leave the register open."""

    def __init__(self, dialect: str) -> None:
        super().__init__(
            f"无法在 {dialect} 数据库上保护过问登记不被修改，请使用 SQLite 或 PostgreSQL / "
            f"cannot make the inquiry register append-only on {dialect}; use SQLite or PostgreSQL"
        )


GUARD_MESSAGE = "过问登记提交后不得修改或删除 / inquiry records cannot be changed or deleted"
GUARDED = ("inquiries", "inquiry_notes")

_SQLITE_GUARD = """CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {VERB} ON {table}
BEGIN SELECT RAISE(ABORT, '{message}'); END"""

_PG_FUNCTION = """CREATE OR REPLACE FUNCTION xuncha_inquiry_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege';
END
$$"""


def install_inquiry_guards(connection: Connection) -> None:
    """Triggers that make ``inquiries`` and ``inquiry_notes`` append-only in the database itself
    (UPDATE and DELETE raise; on PostgreSQL TRUNCATE too). Idempotent; called from the Alembic
    migration and by tests after ``create_all``. Other dialects are refused rather than left open."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for table in GUARDED:
            for verb in ("update", "delete"):
                connection.execute(
                    text(_SQLITE_GUARD.format(table=table, verb=verb, VERB=verb.upper(), message=GUARD_MESSAGE))
                )
        return
    if dialect == "postgresql":
        connection.execute(text(_PG_FUNCTION.format(message=GUARD_MESSAGE)))
        for table in GUARDED:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION xuncha_inquiry_immutable()"
                )
            )
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION xuncha_inquiry_immutable()"
                )
            )
        return
    raise UnguardedDatabase(dialect)
