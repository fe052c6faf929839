"""考核评价: the round's team dashboard, its charts, the per-inspector appraisal and inspector records."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, RedirectResponse, Response

from xuncha.store.models import Appraisal, User
from xuncha.web.deps import Audit, get_audit, get_db, require
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import evaluation as svc
from xuncha.web.services.findings import CATEGORY_NAMES, GRADES
from xuncha.web.templating import lang_of, render

router = APIRouter(tags=["evaluation"])

RoundId = Annotated[str, Path(max_length=64, pattern=r"^[^\x00-\x1f]+$")]
PersonKey = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")]
ChartKind = Literal["grades", "categories", "rectification"]
ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 404: {}, 422: {}}


def _object(round_id: str) -> str:
    return f"evaluation:{round_id}"


@router.get("/evaluation", include_in_schema=False)
def evaluation_home(
    request: Request, user: User = Depends(require("evaluation.read")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "evaluation/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/evaluation/people/{person_key}", include_in_schema=False)
def person_page(
    request: Request,
    person_key: PersonKey,
    _user: User = Depends(require("evaluation.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    record = svc.person_record(db, person_key)
    audit(db, "read", f"appraisals:{person_key}", {"rounds": len(record.appraisals)})
    return render(request, "evaluation/person.html", {"record": record})


@router.get("/evaluation/{round_id}", include_in_schema=False)
def evaluation_round(
    request: Request,
    round_id: RoundId,
    _user: User = Depends(require("evaluation.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    evals = svc.team_evaluations(db, rnd, date.today())
    audit(db, "read", _object(rnd.id), {"teams": len(evals)})
    scores = {e.team_id: e.score for e in evals}
    context = {
        "rnd": rnd,
        "evals": evals,
        "grades": GRADES,
        "categories": CATEGORY_NAMES,
        "people": svc.round_people(db, rnd),
        "scores": scores,
        "appraisal_grades": svc.APPRAISAL_GRADES,
        "weights": svc.WEIGHTS,
    }
    return render(request, "evaluation/round.html", context)


@router.get("/evaluation/{round_id}/charts/{kind}.json", include_in_schema=False)
def evaluation_chart(
    request: Request,
    round_id: RoundId,
    kind: ChartKind,
    _user: User = Depends(require("evaluation.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> JSONResponse:
    rnd = get_round(db, round_id)
    evals = svc.team_evaluations(db, rnd, date.today())
    audit(db, "read", _object(rnd.id), {"chart": kind})
    return JSONResponse(svc.CHARTS[kind](evals, lang_of(request)))


@router.post("/evaluation/{round_id}/appraisals", include_in_schema=False)
def appraisal_form(
    round_id: RoundId,
    person_key: Annotated[str, Form(min_length=1, max_length=64)],
    score: Annotated[int, Form(ge=0, le=100)],
    grade: Annotated[str, Form(max_length=16)],
    comment: Annotated[str, Form(max_length=svc.COMMENT_MAX)] = "",
    user: User = Depends(require("appraisal.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    row = svc.write_appraisal(db, rnd, person_key, score, grade, comment, user.id)
    audit(db, "appraise", f"appraisals:{person_key}", {"round": rnd.id, "score": row.score, "grade": row.grade})
    return RedirectResponse(f"/evaluation/{rnd.id}#people", status_code=303)


# ---------------------------------------------------------------- API


class RectificationStats(BaseModel):
    total: int
    closed: int
    overdue: int
    closure_rate: float | None


class TeamEvaluationOut(BaseModel):
    team_id: int
    number: int
    label: str
    findings: int
    by_grade: dict[str, int]
    by_category: dict[str, int]
    clues: int
    rectification: RectificationStats
    spot_ratings: dict[str, int]
    proposed_score: int


class AppraisalIn(BaseModel):
    person_key: str = Field(min_length=1, max_length=64)
    score: int = Field(ge=0, le=100)
    grade: str = Field(max_length=16, description="、".join(svc.APPRAISAL_GRADE_NAMES))
    comment: str = Field(default="", max_length=svc.COMMENT_MAX)


class AppraisalOut(BaseModel):
    round_id: str
    person_key: str
    team_id: int | None
    score: int
    grade: str
    comment: str


def evaluation_out(e: svc.TeamEvaluation) -> TeamEvaluationOut:
    r = e.rectification
    return TeamEvaluationOut(
        team_id=e.team_id,
        number=e.number,
        label=e.label,
        findings=e.findings,
        by_grade=e.by_grade,
        by_category=e.by_category,
        clues=e.clues,
        rectification=RectificationStats(total=r.total, closed=r.closed, overdue=r.overdue, closure_rate=r.rate),
        spot_ratings=e.spot_ratings,
        proposed_score=e.score,
    )


def appraisal_out(a: Appraisal) -> AppraisalOut:
    return AppraisalOut(
        round_id=a.round_id, person_key=a.person_key, team_id=a.team_id, score=a.score, grade=a.grade, comment=a.comment
    )


@router.get("/api/v1/rounds/{round_id}/evaluation", response_model=list[TeamEvaluationOut], responses=ERRORS)
def api_evaluation(
    round_id: RoundId,
    _user: User = Depends(require("evaluation.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[TeamEvaluationOut]:
    """Per-team evaluation of the round with the proposed score (formula in the service docstring)."""
    rnd = get_round(db, round_id)
    evals = svc.team_evaluations(db, rnd, date.today())
    audit(db, "read", _object(rnd.id), {"api": True})
    return [evaluation_out(e) for e in evals]


@router.post("/api/v1/rounds/{round_id}/appraisals", response_model=AppraisalOut, responses=ERRORS)
def api_appraisal(
    round_id: RoundId,
    body: AppraisalIn,
    user: User = Depends(require("appraisal.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> AppraisalOut:
    """Write an inspector's appraisal of the round (rewriting replaces the earlier one)."""
    rnd = get_round(db, round_id)
    row = svc.write_appraisal(db, rnd, body.person_key, body.score, body.grade, body.comment, user.id)
    audit(db, "appraise", f"appraisals:{body.person_key}", {"round": rnd.id, "score": row.score, "grade": row.grade})
    return appraisal_out(row)


@router.get("/api/v1/people/{person_key}/appraisals", response_model=list[AppraisalOut], responses=ERRORS)
def api_person_appraisals(
    person_key: PersonKey,
    _user: User = Depends(require("evaluation.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[AppraisalOut]:
    """An inspector's appraisals across rounds, newest first."""
    record = svc.person_record(db, person_key)
    audit(db, "read", f"appraisals:{person_key}", {"api": True})
    return [appraisal_out(a) for a, _rnd, _team in record.appraisals]
