"""全覆盖: term coverage progress by region and unit type, from the engine's term plan."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, Response

from xuncha.store.models import User
from xuncha.web.deps import Audit, get_audit, get_db, require
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import coverage as svc
from xuncha.web.templating import lang_of, render

router = APIRouter(tags=["coverage"])

RoundId = Annotated[str, Path(max_length=64, pattern=r"^[^\x00-\x1f]+$")]
ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 404: {}, 422: {}}


def term_query(
    term_start: Annotated[str | None, Query(max_length=7, pattern=r"^\d{4}-\d{1,2}$")] = None,
    term_end: Annotated[str | None, Query(max_length=7, pattern=r"^\d{4}-\d{1,2}$")] = None,
    rounds_per_year: Annotated[int | None, Query(ge=1, le=12)] = None,
    teams_per_round: Annotated[int | None, Query(ge=1, le=200)] = None,
) -> svc.TermOverrides:
    """The term settings the office may change (blank: the documented default)."""
    return svc.TermOverrides(term_start or None, term_end or None, rounds_per_year, teams_per_round)


@router.get("/coverage", include_in_schema=False)
def coverage_home(
    request: Request, user: User = Depends(require("coverage.read")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "coverage/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/coverage/{round_id}", include_in_schema=False)
def coverage_round(
    request: Request,
    round_id: RoundId,
    overrides: svc.TermOverrides = Depends(term_query),
    _user: User = Depends(require("coverage.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    plan, term, facts = svc.term_plan(db, rnd, overrides)
    audit(db, "read", f"coverage:{rnd.id}", term.text())
    query = "&".join(f"{k}={v}" for k, v in term.text().items() if k != "as_of")
    context = {
        "rnd": rnd,
        "term": term.text(),
        "query": query,
        "by_region": svc.grouped(plan.coverage, "region"),
        "by_type": svc.grouped(plan.coverage, "type"),
        "rows": plan.coverage,
        "totals": svc.totals(plan.coverage),
        "inspected": svc.inspected_by_app(db, facts),
    }
    return render(request, "coverage/round.html", context)


@router.get("/coverage/{round_id}/chart/{key}.json", include_in_schema=False)
def coverage_chart(
    request: Request,
    round_id: RoundId,
    key: Literal["region", "type"],
    overrides: svc.TermOverrides = Depends(term_query),
    _user: User = Depends(require("coverage.read")),
    db: Session = Depends(get_db),
) -> JSONResponse:
    rnd = get_round(db, round_id)
    plan, _term, _facts = svc.term_plan(db, rnd, overrides)
    return JSONResponse(svc.coverage_chart(plan.coverage, key, lang_of(request)))


class CoverageRow(BaseModel):
    region: str
    type: str
    units: int
    inspected: int
    due: int
    overdue: int


class CoverageOut(BaseModel):
    round_id: str
    term_start: str
    term_end: str
    rounds_per_year: int
    teams_per_round: int
    as_of: str
    totals: dict[str, int]
    rows: list[CoverageRow]


@router.get("/api/v1/rounds/{round_id}/coverage", response_model=CoverageOut, responses=ERRORS)
def api_coverage(
    round_id: RoundId,
    overrides: svc.TermOverrides = Depends(term_query),
    _user: User = Depends(require("coverage.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> CoverageOut:
    """Term coverage by region and unit type (the engine's coverage rows)."""
    rnd = get_round(db, round_id)
    plan, term, _facts = svc.term_plan(db, rnd, overrides)
    audit(db, "read", f"coverage:{rnd.id}", term.text() | {"api": True})
    t = term.text()
    return CoverageOut(
        round_id=rnd.id,
        term_start=str(t["term_start"]),
        term_end=str(t["term_end"]),
        rounds_per_year=term.rounds_per_year,
        teams_per_round=term.teams_per_round,
        as_of=str(t["as_of"]),
        totals=svc.totals(plan.coverage),
        rows=[CoverageRow.model_validate(r) for r in plan.coverage],
    )
