"""Recusal applications (自报回避): inspectors file, the office approves (re-staffing follows) or rejects.

Inspectors see only their own applications; the office and the leading group see all. Every read,
filing and decision is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import RecusalApplication, Round, User
from xuncha.web.authz import allowed
from xuncha.web.deps import Audit, Forbidden, get_audit, get_db, require, settings_of
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import recusals as svc
from xuncha.web.templating import render

router = APIRouter(tags=["recusals"])

RoundId = Annotated[str, Path(max_length=64)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


def _object(app: RecusalApplication) -> str:
    return f"recusal:{app.id}"


def _round_for(db: Session, user: User, round_id: str) -> Round:
    """The round, or 403 for an inspector who takes no visible part in it."""
    rnd = get_round(db, round_id)
    if not svc.sees_all(user) and rnd.id not in {r.id for r in visible_rounds(db, user)}:
        raise Forbidden("只能查看本人参加的轮次", "you may see only rounds you take part in")
    return rnd


def _applicants(db: Session, apps: list[RecusalApplication]) -> dict[int, str]:
    ids = {a.applicant_id for a in apps} | {a.decided_by for a in apps if a.decided_by}
    if not ids:
        return {}
    rows = db.execute(select(User.id, User.display_name, User.name).where(User.id.in_(ids)))
    return {int(i): str(d or n) for i, d, n in rows}


def app_views(db: Session, rnd: Round | None, apps: list[RecusalApplication]) -> list[dict[str, Any]]:
    people = _applicants(db, apps)
    names = svc.target_names(db, rnd) if rnd is not None else {}
    return [
        {
            "app": a,
            "applicant": people.get(a.applicant_id, ""),
            "decider": people.get(a.decided_by or 0, ""),
            "target_name": names.get(a.target_unit, a.target_unit),
            "category": svc.relation_category(a.relation),
        }
        for a in apps
    ]


# ------------------------------------------------------------------ pages


@router.get("/recusals", include_in_schema=False)
def recusals_index(
    request: Request,
    user: User = Depends(require("recusal.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    apps = svc.applications(db, user)
    audit(db, "read", "recusals", {"count": len(apps)})
    context = {"rounds": visible_rounds(db, user), "views": app_views(db, None, apps)}
    return render(request, "recusals/index.html", context)


@router.get("/recusals/{round_id}", include_in_schema=False)
def recusals_round(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("recusal.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = _round_for(db, user, round_id)
    apps = svc.applications(db, user, rnd.id)
    audit(db, "read", f"recusals:{rnd.id}", {"count": len(apps)})
    can_file = allowed(user.role, "recusal.file") and rnd.id in {r.id for r in svc.fileable_rounds(db, user)}
    context = {
        "round": rnd,
        "views": app_views(db, rnd, apps),
        "can_file": can_file,
        "targets": svc.target_names(db, rnd) if can_file else {},
        "default_target": svc.default_target(db, user, rnd) if can_file else "",
    }
    return render(request, "recusals/round.html", context)


@router.post("/recusals/{round_id}", include_in_schema=False)
def recusals_file(
    round_id: RoundId,
    target_unit: Annotated[str, Form(max_length=64)] = "",
    related_name: Annotated[str, Form(max_length=64)] = "",
    relation: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    user: User = Depends(require("recusal.file")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    app = svc.file_application(db, user, rnd, target_unit, related_name, relation, reason)
    audit(db, "create", _object(app), {"round": rnd.id, "target": app.target_unit, "relation": app.relation})
    return RedirectResponse(f"/recusals/{rnd.id}/{app.id}", status_code=303)


@router.get("/recusals/{round_id}/{app_id}", include_in_schema=False)
def recusals_detail(
    request: Request,
    round_id: RoundId,
    app_id: ItemId,
    user: User = Depends(require("recusal.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    app = svc.get_application(db, user, round_id, app_id)
    rnd = get_round(db, round_id)
    audit(db, "read", _object(app))
    can_decide = allowed(user.role, "recusal.decide") and app.status == "pending"
    context = {"round": rnd, "view": app_views(db, rnd, [app])[0], "can_decide": can_decide}
    return render(request, "recusals/detail.html", context)


@router.post("/recusals/{round_id}/{app_id}/decide", include_in_schema=False)
def recusals_decide(
    request: Request,
    round_id: RoundId,
    app_id: ItemId,
    decision: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    user: User = Depends(require("recusal.decide")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    app = svc.get_application(db, user, round_id, app_id)
    svc.decide(db, settings_of(request), app, decision, reason, user)
    audit(db, decision, _object(app), {"reason": app.decision_reason, "outcome": app.outcome})
    return RedirectResponse(f"/recusals/{round_id}/{app.id}", status_code=303)


# ------------------------------------------------------------------ API


class ApplicationIn(BaseModel):
    target_unit: str = Field(max_length=64)
    related_name: str = Field(default="", max_length=64)
    relation: str = Field(max_length=64, description="称谓，如 表哥；或 同学、老同事 / kinship term or other tie")
    reason: str = Field(default="", max_length=2000)


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    reason: str = Field(max_length=2000)


class ApplicationOut(BaseModel):
    id: int
    round_id: str
    person_key: str
    target_unit: str
    related_name: str
    relation: str
    category_zh: str
    category_en: str
    reason: str
    status: str
    decision_reason: str
    outcome: str
    created_at: datetime
    decided_at: datetime | None


def application_out(app: RecusalApplication) -> ApplicationOut:
    zh, en = svc.relation_category(app.relation)
    return ApplicationOut(
        id=app.id,
        round_id=app.round_id,
        person_key=app.person_key,
        target_unit=app.target_unit,
        related_name=app.related_name,
        relation=app.relation,
        category_zh=zh,
        category_en=en,
        reason=app.reason,
        status=app.status,
        decision_reason=app.decision_reason,
        outcome=app.outcome,
        created_at=app.created_at,
        decided_at=app.decided_at,
    )


API = "/api/v1/rounds/{round_id}/recusals"


@router.get(API, response_model=list[ApplicationOut], responses=ERRORS)
def api_applications(
    round_id: RoundId,
    user: User = Depends(require("recusal.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[ApplicationOut]:
    """The round's applications the caller may see (inspectors: their own)."""
    rnd = _round_for(db, user, round_id)
    apps = svc.applications(db, user, rnd.id)
    audit(db, "read", f"recusals:{rnd.id}", {"api": True, "count": len(apps)})
    return [application_out(a) for a in apps]


@router.post(API, response_model=ApplicationOut, status_code=201, responses=ERRORS)
def api_file(
    round_id: RoundId,
    body: ApplicationIn,
    user: User = Depends(require("recusal.file")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ApplicationOut:
    rnd = get_round(db, round_id)
    app = svc.file_application(db, user, rnd, body.target_unit, body.related_name, body.relation, body.reason)
    audit(db, "create", _object(app), {"round": rnd.id, "target": app.target_unit, "relation": app.relation})
    return application_out(app)


@router.post(f"{API}/{{app_id}}/decision", response_model=ApplicationOut, responses=ERRORS)
def api_decide(
    request: Request,
    round_id: RoundId,
    app_id: ItemId,
    body: DecisionIn,
    user: User = Depends(require("recusal.decide")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ApplicationOut:
    """Approve (re-staffs the affected team) or reject; the reason is required."""
    app = svc.get_application(db, user, round_id, app_id)
    svc.decide(db, settings_of(request), app, body.decision, body.reason, user)
    audit(db, body.decision, _object(app), {"reason": app.decision_reason, "outcome": app.outcome})
    return application_out(app)
