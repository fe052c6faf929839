"""The application database's tables (SQLAlchemy 2). One section per area of the office's work.

Conventions: keys of people and units are the bundle's keys (``person_key``, ``unit`` key); times are
timezone-aware UTC; free text the office types is stored as typed and escaped on output; JSON columns
hold what the engine modules wrote (conflict records, team explanations) so nothing is re-derived here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


def _now() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


# ------------------------------------------------------------------ people and sessions


class User(Base):
    """A login. ``person_key`` ties an inspector's login to the bundle's person; ``unit`` ties a
    unit contact (被巡察单位联系人) to the unit they speak for."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    person_key: Mapped[str | None] = mapped_column(String(64), default=None)
    unit: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = _now()


class WebSession(Base):
    """A server-side session: the cookie carries a random token, the table keeps only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8), default="cookie")  # cookie | api
    created_at: Mapped[datetime] = _now()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(lazy="joined")


# ------------------------------------------------------------------ imports and rounds


class BundleImport(Base):
    """An uploaded bundle: kept as files under the data directory, with its validation report."""

    __tablename__ = "bundle_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16), default="validated")  # validated | accepted | rejected
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = _now()


class Round(Base):
    """A round (轮次) as the office runs it. ``status``: draft → screened → staffed → published → closed."""

    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the bundle's round_id
    name: Mapped[str] = mapped_column(String(255), default="")
    mode: Mapped[str] = mapped_column(String(32), default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("bundle_imports.id"), default=None)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    commitment: Mapped[str | None] = mapped_column(String(64), default=None)  # published before the draw
    seed: Mapped[str | None] = mapped_column(String(255), default=None)  # revealed at publication
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = _now()


class Conflict(Base):
    """One record of screening's conflicts.jsonl (spec format kept whole in ``record``)."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    inspector_key: Mapped[str] = mapped_column(String(64), index=True)
    inspector_name: Mapped[str] = mapped_column(String(64), default="")
    target_unit: Mapped[str] = mapped_column(String(64), index=True)
    target_name: Mapped[str] = mapped_column(String(255), default="")
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


# ------------------------------------------------------------------ staffing


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 第N巡察组
    targets: Mapped[list[Any]] = mapped_column(JSON, default=list)  # unit keys
    target_names: Mapped[list[Any]] = mapped_column(JSON, default=list)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    members: Mapped[list[TeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("round_id", "number"),)


class TeamMember(Base):
    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(32))  # leader | deputy | member | liaison | expert …
    team: Mapped[Team] = relationship(back_populates="members")


class StaffingConstraint(Base):
    """A pin (指定) or ban (排除) the office set, always with its reason."""

    __tablename__ = "staffing_constraints"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # pin | ban
    person_key: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(64), default=None)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = _now()


# ------------------------------------------------------------------ stage 3: applications and objections


class RecusalApplication(Base):
    """自报回避: an inspector declares a tie; the office approves (re-staffing follows) or rejects."""

    __tablename__ = "recusal_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    person_key: Mapped[str] = mapped_column(String(64))
    target_unit: Mapped[str] = mapped_column(String(64))
    related_name: Mapped[str] = mapped_column(String(64), default="")
    relation: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    outcome: Mapped[str] = mapped_column(Text, default="")  # what approval changed (re-staffing summary)
    created_at: Mapped[datetime] = _now()


class Objection(Base):
    """回避异议: a unit contact objects to an inspector; the office rules."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    filed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit: Mapped[str] = mapped_column(String(64))
    inspector_name: Mapped[str] = mapped_column(String(64))
    inspector_key: Mapped[str | None] = mapped_column(String(64), default=None)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | upheld | dismissed
    ruling: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = _now()


# ------------------------------------------------------------------ interference register (过问登记)


class Inquiry(Base):
    """A record of someone asking about the round. Never edited or deleted after submission."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asker_name: Mapped[str] = mapped_column(String(64))
    asker_unit: Mapped[str] = mapped_column(String(255), default="")
    asker_title: Mapped[str] = mapped_column(String(128), default="")
    intermediary_name: Mapped[str] = mapped_column(String(64), default="")
    intermediary_unit: Mapped[str] = mapped_column(String(255), default="")
    channel: Mapped[str] = mapped_column(String(16))  # 面谈 电话 微信 托人转达 书面
    about_unit: Mapped[str] = mapped_column(String(64), default="")
    about_person: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[str] = mapped_column(Text)
    handling: Mapped[str] = mapped_column(Text, default="")
    check: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # automatic graph check result
    occurred_at: Mapped[datetime] = _now()
    created_at: Mapped[datetime] = _now()


class InquiryNote(Base):
    __tablename__ = "inquiry_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


# ------------------------------------------------------------------ supervision (督导)


class SupervisionDraw(Base):
    """Commit-reveal for the spot-check sample: the commitment first, then seed and sample."""

    __tablename__ = "supervision_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    commitment: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(255), default=None)
    fixed: Mapped[list[Any]] = mapped_column(JSON, default=list)  # team numbers chosen on purpose
    reason: Mapped[str] = mapped_column(Text, default="")  # why the fixed picks were chosen (helper C)
    pool: Mapped[list[Any]] = mapped_column(JSON, default=list)  # team numbers eligible for the draw (helper C)
    sample_size: Mapped[int] = mapped_column(Integer, default=1)
    sampled: Mapped[list[Any]] = mapped_column(JSON, default=list)  # team numbers drawn
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _now()
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class SpotCheck(Base):
    __tablename__ = "spot_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rating: Mapped[str] = mapped_column(String(16))  # 好 较好 一般 差
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()


# ------------------------------------------------------------------ findings, rectification, evaluation


class Finding(Base):
    """问题: what a team found at a target."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str] = mapped_column(String(16))  # quality grade: A B C
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_ref: Mapped[str] = mapped_column(String(255), default="")  # a comparison lead it came from
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _now()


class ClueHandover(Base):
    """移交线索: a clue handed to discipline inspection or another organ."""

    __tablename__ = "clue_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    receiver: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text)
    handed_at: Mapped[datetime] = _now()


class Rectification(Base):
    """整改 item: measure, owner, deadline, evidence; closed (销号) with a date."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    measure: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(128))
    deadline: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD
    evidence: Mapped[str] = mapped_column(Text, default="")
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Appraisal(Base):
    """考核评价: the per-round appraisal written to an inspector's record."""

    __tablename__ = "appraisals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(16))  # 优秀 称职 基本称职 不称职
    comment: Mapped[str] = mapped_column(Text, default="")
    written_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = _now()
    __table_args__ = (UniqueConstraint("round_id", "person_key"),)


# ------------------------------------------------------------------ revisits (回访督查)


class Revisit(Base):
    __tablename__ = "revisits"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    unit: Mapped[str] = mapped_column(String(64))
    unit_name: Mapped[str] = mapped_column(String(255), default="")
    original_round: Mapped[str] = mapped_column(String(64), default="")
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)  # person keys, none from the original team
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned | done
    result: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = _now()


# ------------------------------------------------------------------ audit trail


class AuditEntry(Base):
    """Append-only, hash-chained: ``digest = H(prev_digest || canonical(entry))``. See store/audit.py."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # ISO-8601 UTC, stored as text so it hashes the same everywhere
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    object: Mapped[str] = mapped_column(String(255))
    detail: Mapped[str] = mapped_column(Text, default="")  # canonical JSON text
    ip: Mapped[str] = mapped_column(String(64), default="")
    algorithm: Mapped[str] = mapped_column(String(8))  # sm3 | sha256
    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the last entry's number and digest. Appends lock it, so concurrent writers queue, and
    :func:`xuncha.store.audit.verify` compares it with the log, so cutting off the tail shows too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    digest: Mapped[str] = mapped_column(String(64))
