"""Data import (数据导入): upload a bundle, read its validation report, accept or reject it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from xuncha.store.models import BundleImport, User
from xuncha.web.deps import Audit, get_audit, get_db, require, settings_of
from xuncha.web.services import imports as service
from xuncha.web.templating import render
from xuncha.web.uploads import UploadRefused, check_length

router = APIRouter(tags=["imports"])
ImportId = Annotated[int, Path(ge=1, le=2**31 - 1)]
API_PROBLEMS = 200  # problems returned by the API (the page shows the kept list)
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
}


class ProblemOut(BaseModel):
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason_zh: str
    reason_en: str
    level: str


class RoundRef(BaseModel):
    id: str
    name: str
    mode: str


class ImportOut(BaseModel):
    id: int
    filename: str
    status: str
    usable: bool
    errors: int
    warnings: int
    problems_total: int
    problems: list[ProblemOut]
    rounds: list[RoundRef]
    created_at: datetime


def import_out(imp: BundleImport) -> ImportOut:
    report = imp.report or {}
    problems = report.get("problems", [])[:API_PROBLEMS]
    return ImportOut(
        id=imp.id,
        filename=imp.filename,
        status=imp.status,
        usable=bool(report.get("usable", False)),
        errors=imp.errors,
        warnings=imp.warnings,
        problems_total=int(report.get("problems_total", len(problems))),
        problems=[ProblemOut(**{k: p.get(k) for k in ProblemOut.model_fields}) for p in problems],
        rounds=[RoundRef(id=r["id"], name=r.get("name", ""), mode=r.get("mode", "")) for r in report.get("rounds", [])],
        created_at=imp.created_at,
    )


async def _receive(request: Request, db: Session, user: User) -> BundleImport:
    """Check the declared size, parse the form (the file is spooled to disk by the parser) and
    hand the file to the service, off the event loop."""
    settings = settings_of(request)
    check_length(request.headers.get("content-length"), settings.max_upload_mb)
    form = await request.form(max_files=1, max_fields=8)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise UploadRefused("请选择要上传的文件", "choose a file to upload")
    return await run_in_threadpool(service.receive, db, settings, upload.filename or "", upload.file, user.id)


async def _upload(request: Request, db: Session, user: User, audit: Audit) -> BundleImport | UploadRefused:
    try:
        imp = await _receive(request, db, user)
    except UploadRefused as exc:
        audit(db, "refuse", "import:upload", {"reason": exc.en})
        return exc
    audit(db, "upload", f"import:{imp.id}", {"file": imp.filename, "errors": imp.errors, "warnings": imp.warnings})
    return imp


# ------------------------------------------------------------------ pages


@router.get("/imports", include_in_schema=False)
def imports_page(
    request: Request, _user: User = Depends(require("import.manage")), db: Session = Depends(get_db)
) -> Response:
    settings = settings_of(request)
    return render(
        request, "imports/index.html", {"imports": service.list_imports(db), "max_mb": settings.max_upload_mb}
    )


@router.post("/imports", include_in_schema=False)
async def upload_page(
    request: Request,
    user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    result = await _upload(request, db, user, audit)
    if isinstance(result, UploadRefused):
        return render(request, "error.html", {"status": result.status, "zh": result.zh, "en": result.en}, result.status)
    return RedirectResponse(f"/imports/{result.id}", status_code=303)


@router.get("/imports/{import_id}", include_in_schema=False)
def report_page(
    request: Request,
    import_id: ImportId,
    _user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
) -> Response:
    imp = service.get_import(db, import_id)
    return render(request, "imports/report.html", {"imp": imp, "report": imp.report or {}})


@router.post("/imports/{import_id}/accept", include_in_schema=False)
def accept_page(
    import_id: ImportId,
    _user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _accept(db, audit, import_id)
    return RedirectResponse(f"/imports/{import_id}", status_code=303)


@router.post("/imports/{import_id}/reject", include_in_schema=False)
def reject_page(
    import_id: ImportId,
    _user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _reject(db, audit, import_id)
    return RedirectResponse(f"/imports/{import_id}", status_code=303)


def _accept(db: Session, audit: Audit, import_id: int) -> BundleImport:
    imp = service.get_import(db, import_id)
    rounds = service.accept(db, imp)
    audit(db, "accept", f"import:{imp.id}", {"rounds": [r.id for r in rounds]})
    return imp


def _reject(db: Session, audit: Audit, import_id: int) -> BundleImport:
    imp = service.get_import(db, import_id)
    service.reject(db, imp)
    audit(db, "reject", f"import:{imp.id}", {})
    return imp


# ------------------------------------------------------------------ API

RESPONSES: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


@router.post(
    "/api/v1/imports",
    response_model=ImportOut,
    status_code=201,
    responses={400: {}, 401: {}, 403: {}, 413: {}, 422: {}},
    openapi_extra=UPLOAD_BODY,
)
async def api_upload(
    request: Request,
    user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    """Upload a bundle (.xlsx workbook or .zip of tables) as multipart field ``file``; it is validated at once."""
    result = await _upload(request, db, user, audit)
    if isinstance(result, UploadRefused):
        return JSONResponse({"error": {"zh": result.zh, "en": result.en}}, status_code=result.status)
    return JSONResponse(import_out(result).model_dump(mode="json"), status_code=201)


@router.get("/api/v1/imports/{import_id}", response_model=ImportOut, responses=RESPONSES)
def api_get_import(
    import_id: ImportId, _user: User = Depends(require("import.manage")), db: Session = Depends(get_db)
) -> ImportOut:
    """An import with its validation report (first 200 problems)."""
    return import_out(service.get_import(db, import_id))


@router.post("/api/v1/imports/{import_id}/accept", response_model=ImportOut, responses=RESPONSES)
def api_accept(
    import_id: ImportId,
    _user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ImportOut:
    """Accept a validated import: its rounds are registered (draft)."""
    return import_out(_accept(db, audit, import_id))


@router.post("/api/v1/imports/{import_id}/reject", response_model=ImportOut, responses=RESPONSES)
def api_reject(
    import_id: ImportId,
    _user: User = Depends(require("import.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ImportOut:
    """Reject a validated import."""
    return import_out(_reject(db, audit, import_id))
