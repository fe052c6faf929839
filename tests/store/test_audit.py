"""The hash-chained audit trail: appending, verifying, and detecting raw-SQL tampering of every kind
the issue names (a changed field, a removed row, a cut-off tail, reordered rows, a changed algorithm),
on SQLite and PostgreSQL, and through ``xuncha audit verify``."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from xuncha.cli import main
from xuncha.store import audit
from xuncha.store.db import make_engine, session_factory
from xuncha.store.models import AuditEntry, Base

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    Base.metadata.create_all(eng)
    try:
        yield eng
    finally:
        eng.dispose()


def write_entries(engine: Engine, count: int, algorithm: str = "sm3") -> None:
    with session_factory(engine)() as db:
        for i in range(1, count + 1):
            audit.append(
                db, actor=f"user{i}", role="admin", action="read", object=f"conflicts:R{i}", detail={"n": i},
                ip="10.0.0.1", algorithm=algorithm,
            )  # fmt: skip
        db.commit()


def verify(engine: Engine) -> tuple[int, audit.Break | None]:
    with session_factory(engine)() as db:
        return audit.verify(db)


# ------------------------------------------------------------------ hashing


def test_sm3_matches_the_national_standard_test_vector() -> None:
    assert audit.hash_hex("sm3", b"abc") == SM3_ABC


def test_sha256_is_available_and_unknown_algorithms_are_refused() -> None:
    assert audit.hash_hex("sha256", b"abc") == SHA256_ABC
    with pytest.raises(ValueError, match="unknown hash algorithm"):
        audit.hash_hex("md5", b"abc")


@pytest.mark.parametrize("algorithm", audit.ALGORITHMS)
def test_each_digest_chains_the_previous_one_with_the_chosen_algorithm(engine: Engine, algorithm: str) -> None:
    write_entries(engine, 3, algorithm)
    with session_factory(engine)() as db:
        rows = list(db.query(AuditEntry).order_by(AuditEntry.seq))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_digest == audit.GENESIS
    for before, entry in zip([None, *rows], rows, strict=False):
        assert entry.algorithm == algorithm
        assert entry.prev_digest == (before.digest if before else audit.GENESIS)
        expected = hashlib.new(algorithm, entry.prev_digest.encode() + audit.canonical(entry)).hexdigest()
        assert entry.digest == expected


# ------------------------------------------------------------------ verification


def test_an_empty_and_an_intact_log_verify(engine: Engine) -> None:
    assert verify(engine) == (0, None)
    write_entries(engine, 6)
    assert verify(engine) == (6, None)


def _change_field(conn: Connection) -> None:
    conn.execute(text("UPDATE audit_log SET actor = 'someone_else' WHERE seq = 3"))


def _change_detail(conn: Connection) -> None:
    conn.execute(text("UPDATE audit_log SET detail = :d WHERE seq = 4"), {"d": '{"n":99}'})


def _delete_middle(conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_log WHERE seq = 3"))


def _delete_tail(conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_log WHERE seq >= 5"))


def _delete_tail_and_rewind_head(conn: Connection) -> None:
    """Cut the tail and move the head back by number, but without the removed entry's digest."""
    conn.execute(text("DELETE FROM audit_log WHERE seq >= 5"))
    conn.execute(text("UPDATE audit_head SET seq = 4"))


def _swap_seq(conn: Connection) -> None:
    conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = 3"))
    conn.execute(text("UPDATE audit_log SET seq = 3 WHERE seq = 4"))
    conn.execute(text("UPDATE audit_log SET seq = 4 WHERE seq = -1"))


def _swap_content(conn: Connection) -> None:
    """Exchange everything but the sequence numbers of entries 3 and 4."""
    cols = "at, actor, role, action, object, detail, ip, algorithm, prev_digest, digest"
    rows = {r[0]: r[1:] for r in conn.execute(text(f"SELECT seq, {cols} FROM audit_log WHERE seq IN (3, 4)"))}
    names = [c.strip() for c in cols.split(",")]
    assignments = ", ".join(f"{n} = :{n}" for n in names)
    for seq, other in ((3, 4), (4, 3)):
        conn.execute(
            text(f"UPDATE audit_log SET {assignments} WHERE seq = :seq"),
            {**dict(zip(names, rows[other], strict=True)), "seq": seq},
        )


def _change_algorithm(conn: Connection) -> None:
    conn.execute(text("UPDATE audit_log SET algorithm = 'sha256' WHERE seq = 2"))


def _rewrite_one_with_fresh_digest(conn: Connection) -> None:
    """Change entry 3 and recompute its own digest: entry 4 no longer links to it."""
    conn.execute(text("UPDATE audit_log SET action = 'nothing' WHERE seq = 3"))
    with Session(bind=conn) as db:
        entry = db.get(AuditEntry, 3)
        assert entry is not None
        fresh = audit.entry_digest(entry)
    conn.execute(text("UPDATE audit_log SET digest = :d WHERE seq = 3"), {"d": fresh})


TAMPERING: dict[str, tuple[Callable[[Connection], None], int, str]] = {
    "changed field": (_change_field, 3, "changed"),
    "changed detail": (_change_detail, 4, "changed"),
    "deleted middle row": (_delete_middle, 3, "removed"),
    "deleted tail": (_delete_tail, 5, "removed"),
    "deleted tail, head rewound": (_delete_tail_and_rewind_head, 4, "changed"),
    "swapped seq": (_swap_seq, 3, "reordered"),
    "swapped content": (_swap_content, 3, "reordered"),
    "changed algorithm": (_change_algorithm, 2, "changed"),
    "rewritten with fresh digest": (_rewrite_one_with_fresh_digest, 4, "reordered"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_raw_sql_tampering_is_detected_and_named(engine: Engine, db_url: str, case: str) -> None:
    tamper, seq, kind = TAMPERING[case]
    write_entries(engine, 6)
    with engine.begin() as conn:
        tamper(conn)
    _checked, problem = verify(engine)
    assert problem is not None, case
    assert (problem.seq, problem.kind) == (seq, kind)
    result = CliRunner().invoke(main, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 1, result.output
    assert f"entry {seq}:" in result.stderr
    assert f"第 {seq} 条" in result.stderr


def test_cli_verify_exits_0_on_an_intact_log(engine: Engine, db_url: str) -> None:
    write_entries(engine, 4)
    result = CliRunner().invoke(main, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "4 entries checked" in result.stdout


# ------------------------------------------------------------------ concurrency


def _append_many(engine: Engine, actor: str, count: int, errors: list[BaseException]) -> None:
    factory = session_factory(engine)
    try:
        with factory() as db:  # one session reused across commits, as a CLI or a worker would
            for i in range(count):
                audit.append(db, actor=actor, role="admin", action="read", object=f"x:{i}")
                db.commit()
    except BaseException as exc:  # collected for the assertion in the main thread
        errors.append(exc)


def test_concurrent_appends_keep_one_valid_chain(engine: Engine) -> None:
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_append_many, args=(engine, name, 50, errors)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert verify(engine) == (100, None)
    with session_factory(engine)() as db:
        assert audit.count(db) == 100


# ------------------------------------------------------------------ properties (no database)


def _chain(size: int) -> list[AuditEntry]:
    entries, prev = [], audit.GENESIS
    for seq in range(1, size + 1):
        entry = AuditEntry(
            seq=seq, at=f"2026-01-01T00:00:{seq:02d}", actor=f"u{seq}", role="admin", action="read",
            object=f"o:{seq}", detail="{}", ip="", algorithm="sm3", prev_digest=prev,
        )  # fmt: skip
        entry.digest = audit.entry_digest(entry)
        entries.append(entry)
        prev = entry.digest
    return entries


FIELDS = ("at", "actor", "role", "action", "object", "detail", "ip")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(size=st.integers(2, 12), data=st.data())
def test_any_single_field_change_is_named_at_its_entry(size: int, data: st.DataObject) -> None:
    entries = _chain(size)
    index = data.draw(st.integers(0, size - 1), label="index")
    name = data.draw(st.sampled_from(FIELDS), label="field")
    value = data.draw(st.text(max_size=8).filter(lambda v: v != getattr(entries[index], name)), label="value")
    setattr(entries[index], name, value)
    _checked, problem = audit.verify_entries(entries)
    assert problem is not None
    assert (problem.seq, problem.kind) == (index + 1, "changed")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(size=st.integers(3, 12), data=st.data())
def test_any_removed_inner_entry_is_named(size: int, data: st.DataObject) -> None:
    entries = _chain(size)
    index = data.draw(st.integers(0, size - 2), label="index")
    del entries[index]
    _checked, problem = audit.verify_entries(entries)
    assert problem is not None
    assert (problem.seq, problem.kind) == (index + 1, "removed")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(size=st.integers(3, 12), data=st.data())
def test_any_reordering_is_detected_at_the_first_moved_entry(size: int, data: st.DataObject) -> None:
    entries = _chain(size)
    i = data.draw(st.integers(0, size - 2), label="i")
    j = data.draw(st.integers(i + 1, size - 1), label="j")
    entries[i], entries[j] = entries[j], entries[i]
    _checked, problem = audit.verify_entries(entries)
    assert problem is not None
    assert problem.seq <= i + 1
