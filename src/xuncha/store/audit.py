"""The audit trail (审计日志): append-only, each entry chained to the one before by hash.

``digest = H(prev_digest + canonical(entry))`` with H = SM3 (GB/T 32905-2016) by default or SHA-256.
Changing, removing or reordering any stored row breaks the chain from that row on; :func:`verify`
recomputes it and names the first entry that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xuncha.store.db import hold_writer
from xuncha.store.models import AuditEntry, AuditHead

GENESIS = "0" * 64
ALGORITHMS = ("sm3", "sha256")
_NO_SYNC = {"synchronize_session": False}


def hash_hex(algorithm: str, data: bytes) -> str:
    """SM3 or SHA-256 of ``data`` in hex; SM3 comes from OpenSSL through hashlib."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"未知的哈希算法 {algorithm} / unknown hash algorithm {algorithm}")
    return hashlib.new(algorithm, data).hexdigest()


def canonical(entry: AuditEntry) -> bytes:
    """The fields that are hashed, in a fixed order, as UTF-8 JSON."""
    fields = [entry.seq, entry.at, entry.actor, entry.role, entry.action, entry.object, entry.detail, entry.ip]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_digest(entry: AuditEntry) -> str:
    return hash_hex(entry.algorithm, entry.prev_digest.encode("ascii") + canonical(entry))


def append(
    db: Session,
    *,
    actor: str,
    role: str,
    action: str,
    object: str,
    detail: dict[str, Any] | None = None,
    ip: str = "",
    algorithm: str = "sm3",
) -> AuditEntry:
    """Add the next entry in the caller's transaction; concurrent writers queue on the head row."""
    head = _head(db)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        role=role,
        action=action,
        object=object,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        ip=ip,
        algorithm=algorithm,
        prev_digest=head.digest,
    )
    entry.digest = entry_digest(entry)
    head.seq, head.digest = entry.seq, entry.digest
    db.add(entry)
    db.flush()
    return entry


def _head(db: Session) -> AuditHead:
    """The head row, locked until the caller's transaction ends (created on first use).

    The no-op UPDATE takes the write lock first: on SQLite, where ``FOR UPDATE`` does nothing, a
    concurrent writer then waits for it instead of reading the same head. The row is re-read even
    when the session already holds it (sessions keep objects across commits)."""
    hold_writer(db)
    db.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq), execution_options=_NO_SYNC)
    head = _locked_head(db)
    if head is None:
        try:
            with db.begin_nested():  # two first appends on PostgreSQL: one insert wins
                db.add(AuditHead(id=1, seq=0, digest=GENESIS))
        except IntegrityError:
            pass
        head = _locked_head(db)
    if head is None:  # pragma: no cover - the insert above either succeeded or lost to another one
        raise RuntimeError("audit head row missing")
    return head


def _locked_head(db: Session) -> AuditHead | None:
    query = select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    return db.execute(query).scalar()


@dataclass(frozen=True)
class Break:
    """Where the chain first fails: the entry's sequence number and what is wrong with it."""

    seq: int
    kind: str  # changed | removed | reordered
    zh: str
    en: str

    def __str__(self) -> str:
        return f"第 {self.seq} 条：{self.zh} / entry {self.seq}: {self.en}"


def verify_entries(entries: Iterable[AuditEntry]) -> tuple[int, Break | None]:
    """Walk the entries in stored order; return how many were checked and the first break."""
    prev_digest, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        problem = _check(entry, prev_digest, expected_seq)
        if problem is not None:
            return count, problem
        prev_digest, expected_seq = entry.digest, entry.seq + 1
    return count, None


def _check(entry: AuditEntry, prev_digest: str, expected_seq: int) -> Break | None:
    if entry.seq != expected_seq:
        if entry.seq > expected_seq:
            return Break(
                expected_seq, "removed", f"第 {expected_seq} 条起的记录被删除", f"entry {expected_seq} on was removed"
            )
        return Break(entry.seq, "reordered", "记录顺序被改动", "entries were reordered")
    if entry.prev_digest != prev_digest:
        return Break(
            entry.seq, "reordered", "与前一条记录的链接断开（被删除或调换）", "link to the previous entry is broken"
        )
    if entry_digest(entry) != entry.digest:
        return Break(entry.seq, "changed", "记录内容被修改", "the entry's content was changed")
    return None


def verify(db: Session) -> tuple[int, Break | None]:
    """Recompute the whole chain in ``seq`` order, then check the head names the last entry."""
    rows = db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    checked, problem = verify_entries(rows)
    if problem is not None:
        return checked, problem
    head = db.execute(select(AuditHead).where(AuditHead.id == 1)).scalar()
    head_seq, head_digest = (head.seq, head.digest) if head else (0, GENESIS)
    last = db.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar()
    last_seq, last_digest = (last.seq, last.digest) if last else (0, GENESIS)
    if head_seq > last_seq:
        return checked, Break(
            last_seq + 1, "removed", f"第 {last_seq + 1} 条起的记录被删除", f"entry {last_seq + 1} on was removed"
        )
    if (head_seq, head_digest) != (last_seq, last_digest):
        return checked, Break(last_seq, "changed", "日志末尾与链头不符", "the log's last entry does not match the head")
    return checked, None


def count(db: Session) -> int:
    return int(db.execute(select(func.count()).select_from(AuditEntry)).scalar_one())
