"""The audit trail for the auditor: newest first, with the chain checked on demand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from xuncha.store import audit as audit_log
from xuncha.store.models import AuditEntry, User
from xuncha.web.deps import get_db, require
from xuncha.web.templating import render

router = APIRouter(tags=["audit"])
PAGE = 100


class EntryOut(BaseModel):
    seq: int
    at: str
    actor: str
    role: str
    action: str
    object: str
    detail: str
    ip: str
    digest: str


class VerifyOut(BaseModel):
    checked: int
    intact: bool
    first_break: str | None


def _entries(db: Session, before: int | None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(PAGE)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    return list(db.execute(query).scalars())


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request,
    before: Annotated[int | None, Query(ge=1)] = None,
    _user: User = Depends(require("audit.read")),
    db: Session = Depends(get_db),
) -> Response:
    checked, problem = audit_log.verify(db)
    return render(request, "audit.html", {"entries": _entries(db, before), "checked": checked, "problem": problem})


@router.get("/api/v1/audit", response_model=list[EntryOut], responses={401: {}, 403: {}})
def api_audit(
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    _user: User = Depends(require("audit.read")),
    db: Session = Depends(get_db),
) -> list[EntryOut]:
    """The newest 100 entries (before ``before`` when given)."""
    return [
        EntryOut(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            role=e.role,
            action=e.action,
            object=e.object,
            detail=e.detail,
            ip=e.ip,
            digest=e.digest,
        )
        for e in _entries(db, before)
    ]


@router.get("/api/v1/audit/verify", response_model=VerifyOut, responses={401: {}, 403: {}})
def api_audit_verify(_user: User = Depends(require("audit.read")), db: Session = Depends(get_db)) -> VerifyOut:
    """Recompute the hash chain."""
    checked, problem = audit_log.verify(db)
    return VerifyOut(checked=checked, intact=problem is None, first_break=str(problem) if problem else None)
