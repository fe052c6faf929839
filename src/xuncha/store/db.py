"""The application database: where it lives, how to open it, how to bring its schema up to date.

SQLite in a data directory by default; PostgreSQL (or a PostgreSQL-compatible database) by URL.
The URL comes from ``--db``, else ``XUNCHA_DB``, else ``sqlite:///<data dir>/xuncha.db``.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

DATA_ENV = "XUNCHA_DATA"
DB_ENV = "XUNCHA_DB"


def data_dir(value: str | Path | None = None) -> Path:
    """The folder for the database file, uploaded bundles and run outputs (created on first use)."""
    path = Path(value or os.environ.get(DATA_ENV) or "xuncha-data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(url: str | None = None, data: str | Path | None = None) -> str:
    """``url``, else ``XUNCHA_DB``, else a SQLite file in the data directory."""
    chosen = url or os.environ.get(DB_ENV)
    if chosen:
        return normalise_url(chosen)
    return f"sqlite:///{data_dir(data) / 'xuncha.db'}"


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the only driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys on and a busy timeout so concurrent users wait, not fail."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# ------------------------------------------------------------------ one writer at a time on SQLite

_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()
_HELD = "xuncha_writer_lock"


def hold_writer(db: Session) -> None:
    """On SQLite, queue this session's transaction behind the process's other writers until it ends.

    SQLite lets one writer in at a time and makes the others poll with growing sleeps, which gives
    long latency tails when every page appends to the audit log. A Python lock wakes the next
    writer the moment the previous one commits. Other databases lock rows themselves: no-op there."""
    engine = db.get_bind().engine
    if engine.dialect.name != "sqlite" or db.info.get(_HELD) is not None:
        return
    with _GUARD:
        lock = _WRITERS.setdefault(engine, threading.Lock())
    lock.acquire()
    db.info[_HELD] = lock


@event.listens_for(Session, "after_transaction_end")
def _release_writer(db: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        lock = db.info.pop(_HELD, None)
        if lock is not None:
            lock.release()
