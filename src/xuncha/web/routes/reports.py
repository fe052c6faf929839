"""Reports of a round: 回避审查表 and 巡察组组成方案 (docx), lists (xlsx), and the link to 过问登记报告."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from xuncha.store.models import User
from xuncha.web.deps import Audit, get_audit, get_db, require
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import reports as svc
from xuncha.web.templating import render

router = APIRouter(tags=["reports"])

RoundId = Annotated[str, Path(max_length=64, pattern=r"^[^\x00-\x1f]+$")]
Kind = Literal["recusal-review", "team-plan", "conflicts", "teams", "findings"]
ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 404: {}, 422: {}}
FILE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {svc.DOCX: {}, svc.XLSX: {}}, "description": "the report file"},
    **ERRORS,
}


@router.get("/reports", include_in_schema=False)
def reports_home(
    request: Request, user: User = Depends(require("report.download")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "reports/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/reports/{round_id}", include_in_schema=False)
def reports_round(
    request: Request,
    round_id: RoundId,
    _user: User = Depends(require("report.download")),
    db: Session = Depends(get_db),
) -> Response:
    rnd = get_round(db, round_id)
    return render(request, "reports/round.html", {"rnd": rnd, "reports": list(svc.REPORTS.values())})


def _download(db: Session, audit: Audit, round_id: str, kind: str) -> Response:
    rnd = get_round(db, round_id)
    report = svc.REPORTS[kind]
    data = report.build(db, rnd)
    audit(db, "download", f"report:{kind}:{rnd.id}", {"bytes": len(data)})
    headers = {"Content-Disposition": svc.content_disposition(report.filename(rnd)), "Cache-Control": "no-store"}
    return Response(content=data, media_type=report.media, headers=headers)


@router.get("/reports/{round_id}/download/{kind}", include_in_schema=False)
def report_download(
    round_id: RoundId,
    kind: Kind,
    _user: User = Depends(require("report.download")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    return _download(db, audit, round_id, kind)


class ReportOut(BaseModel):
    kind: str
    title_zh: str
    title_en: str
    filename: str
    url: str


@router.get("/api/v1/rounds/{round_id}/reports", response_model=list[ReportOut], responses=ERRORS)
def api_reports(
    round_id: RoundId,
    _user: User = Depends(require("report.download")),
    db: Session = Depends(get_db),
) -> list[ReportOut]:
    """The reports of a round and where to download them (the 过问登记 register is in inquiries)."""
    rnd = get_round(db, round_id)
    return [
        ReportOut(
            kind=r.kind,
            title_zh=r.zh,
            title_en=r.en,
            filename=r.filename(rnd),
            url=f"/api/v1/rounds/{rnd.id}/reports/{r.kind}",
        )
        for r in svc.REPORTS.values()
    ]


@router.get("/api/v1/rounds/{round_id}/reports/{kind}", response_class=Response, responses=FILE_RESPONSES)
def api_report_download(
    round_id: RoundId,
    kind: Kind,
    _user: User = Depends(require("report.download")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    """Download one report (docx or xlsx) with its Chinese file name."""
    return _download(db, audit, round_id, kind)
