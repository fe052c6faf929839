"""Screening (回避审查): run the three-stage screening of a round, list its conflicts by stage with
filters, show each conflict's evidence path as a graph, export. Confidential: every read is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from xuncha.labels import CATEGORY_ZH, SEVERITY_ZH
from xuncha.store.models import Conflict, User
from xuncha.web.authz import allowed
from xuncha.web.deps import Audit, get_audit, get_db, require, settings_of
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import screening as service
from xuncha.web.services.screening import ConflictFilter
from xuncha.web.templating import render

router = APIRouter(tags=["screening"])
RoundId = Annotated[str, Path(min_length=1, max_length=64)]
ConflictId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Stage = Annotated[int | None, Query(ge=1, le=3)]
Short = Annotated[str, Query(max_length=32)]
Text = Annotated[str, Query(max_length=64)]
PAGE = 50
EXPORT_MAX = 100_000
RESPONSES: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter(stage: int | None, severity: str, category: str, inspector: str, target: str) -> ConflictFilter:
    return ConflictFilter(stage, severity.strip(), category.strip(), inspector.strip(), target.strip())


# ------------------------------------------------------------------ pages


@router.get("/screening", include_in_schema=False)
def screening_index(
    request: Request, user: User = Depends(require("screening.read")), db: Session = Depends(get_db)
) -> Response:
    rounds = visible_rounds(db, user)
    totals = {r.id: sum(service.counts(db, r.id)["stage"].values()) for r in rounds}
    return render(request, "screening/index.html", {"rounds": rounds, "totals": totals})


@router.get("/screening/{round_id}", include_in_schema=False)
def screening_round(
    request: Request,
    round_id: RoundId,
    stage: Annotated[int, Query(ge=1, le=3)] = 1,
    severity: Short = "",
    category: Short = "",
    inspector: Text = "",
    target: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    f = _filter(stage, severity, category, inspector, target)
    total, rows = service.list_conflicts(db, rnd.id, f, limit=PAGE, offset=(page - 1) * PAGE)
    audit(db, "read", f"conflicts:{rnd.id}", {**f.as_dict(), "page": page})
    counted = service.counts(db, rnd.id, stage)
    context = {
        "rnd": rnd,
        "f": f,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "query": _query(f),
        "by_stage": counted["stage"],
        "by_severity": service.labelled(counted["severity"], SEVERITY_ZH),
        "by_category": service.labelled(counted["category"], CATEGORY_ZH),
        "severities": SEVERITY_ZH,
        "categories": CATEGORY_ZH,
        "can_run": allowed(user.role, "screening.run"),
    }
    partial = request.headers.get("hx-request") and request.headers.get("hx-target") == "conflicts"
    return render(request, "screening/_table.html" if partial else "screening/round.html", context)


def _query(f: ConflictFilter) -> str:
    from urllib.parse import urlencode

    return urlencode(f.as_dict())


@router.post("/screening/{round_id}/run", include_in_schema=False)
def run_page(
    request: Request,
    round_id: RoundId,
    _user: User = Depends(require("screening.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _run(request, db, audit, round_id)
    return RedirectResponse(f"/screening/{round_id}", status_code=303)


def _run(request: Request, db: Session, audit: Audit, round_id: str) -> service.RunSummary:
    rnd = get_round(db, round_id)
    summary = service.run(db, settings_of(request), rnd)
    audit(db, "screen", f"conflicts:{rnd.id}", {"conflicts": summary.conflicts, "by_severity": summary.by_severity})
    return summary


@router.get("/screening/{round_id}/conflicts/{conflict_id}", include_in_schema=False)
def conflict_page(
    request: Request,
    round_id: RoundId,
    conflict_id: ConflictId,
    _user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    row = service.get_conflict(db, rnd.id, conflict_id)
    audit(db, "read", f"conflicts:{rnd.id}", {"conflict": row.id})
    names = service.path_names(settings_of(request), rnd.id)
    context = {
        "rnd": rnd,
        "c": row,
        "r": row.record,
        "path_text": service.path_text(row.record, names),
        "severity_zh": SEVERITY_ZH.get(row.severity, row.severity),
        "category_zh": CATEGORY_ZH.get(row.category, row.category),
    }
    return render(request, "screening/conflict.html", context)


@router.get("/screening/{round_id}/conflicts/{conflict_id}/graph.json", include_in_schema=False)
def conflict_graph(
    request: Request,
    round_id: RoundId,
    conflict_id: ConflictId,
    _user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> JSONResponse:
    rnd = get_round(db, round_id)
    row = service.get_conflict(db, rnd.id, conflict_id)
    audit(db, "read", f"conflicts:{rnd.id}", {"conflict": row.id, "graph": True})
    return JSONResponse(service.graph_option(row, service.path_names(settings_of(request), rnd.id)))


@router.get("/screening/{round_id}/export.xlsx", include_in_schema=False)
def export_page(
    request: Request,
    round_id: RoundId,
    stage: Stage = None,
    severity: Short = "",
    category: Short = "",
    inspector: Text = "",
    target: Text = "",
    _user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    f = _filter(stage, severity, category, inspector, target)
    _total, rows = service.list_conflicts(db, rnd.id, f, limit=EXPORT_MAX, offset=0)
    audit(db, "export", f"conflicts:{rnd.id}", {**f.as_dict(), "rows": len(rows)})
    data = service.export_xlsx(rows, service.path_names(settings_of(request), rnd.id))
    headers = {"Content-Disposition": f'attachment; filename="conflicts-{_safe(rnd.id)}.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)


@router.get("/screening/{round_id}/conflicts.xlsx", include_in_schema=False)
def engine_workbook(
    request: Request,
    round_id: RoundId,
    _user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    path = service.engine_workbook(settings_of(request), rnd.id)
    audit(db, "export", f"conflicts:{rnd.id}", {"file": "conflicts.xlsx"})
    return FileResponse(path, media_type=XLSX, filename=f"screening-{_safe(rnd.id)}.xlsx")


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


# ------------------------------------------------------------------ API


class RunOut(BaseModel):
    round_id: str
    conflicts: int
    status: str
    by_stage: dict[str, int]
    by_severity: dict[str, int]
    by_category: dict[str, int]


class ConflictOut(BaseModel):
    id: int
    round_id: str
    stage: int
    severity: str
    category: str
    inspector_key: str
    inspector_name: str
    target_unit: str
    target_name: str
    record: dict[str, Any]


class ConflictPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ConflictOut]


def conflict_out(row: Conflict) -> ConflictOut:
    return ConflictOut(
        id=row.id,
        round_id=row.round_id,
        stage=row.stage,
        severity=row.severity,
        category=row.category,
        inspector_key=row.inspector_key,
        inspector_name=row.inspector_name,
        target_unit=row.target_unit,
        target_name=row.target_name,
        record=row.record,
    )


@router.post("/api/v1/rounds/{round_id}/screening", response_model=RunOut, responses=RESPONSES)
def api_run(
    request: Request,
    round_id: RoundId,
    _user: User = Depends(require("screening.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RunOut:
    """Run the three-stage screening of the round on its accepted bundle; the conflicts are replaced."""
    s = _run(request, db, audit, round_id)
    return RunOut(
        round_id=s.round_id,
        conflicts=s.conflicts,
        status=s.status,
        by_stage=s.by_stage,
        by_severity=s.by_severity,
        by_category=s.by_category,
    )


@router.get("/api/v1/rounds/{round_id}/conflicts", response_model=ConflictPage, responses=RESPONSES)
def api_conflicts(
    round_id: RoundId,
    stage: Stage = None,
    severity: Short = "",
    category: Short = "",
    inspector: Text = "",
    target: Text = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    _user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ConflictPage:
    """The round's conflicts, strongest first; ``inspector`` and ``target`` match part of a name
    (``target`` also a unit key)."""
    rnd = get_round(db, round_id)
    f = _filter(stage, severity, category, inspector, target)
    total, rows = service.list_conflicts(db, rnd.id, f, limit=limit, offset=offset)
    audit(db, "read", f"conflicts:{rnd.id}", {**f.as_dict(), "limit": limit, "offset": offset})
    return ConflictPage(total=total, limit=limit, offset=offset, items=[conflict_out(r) for r in rows])


@router.get("/api/v1/rounds/{round_id}/conflicts/{conflict_id}", response_model=ConflictOut, responses=RESPONSES)
def api_conflict(
    round_id: RoundId,
    conflict_id: ConflictId,
    _user: User = Depends(require("screening.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ConflictOut:
    """One conflict with its full record (path, basis, sources)."""
    rnd = get_round(db, round_id)
    row = service.get_conflict(db, rnd.id, conflict_id)
    audit(db, "read", f"conflicts:{rnd.id}", {"conflict": row.id})
    return conflict_out(row)
