"""The interference register (过问登记): pages and API. There is deliberately no route that edits or
deletes a record: PUT, PATCH and DELETE answer 405; annotations are the only addition after submission."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import Inquiry, InquiryNote, Round, User
from xuncha.web.deps import Audit, Forbidden, get_audit, get_db, require
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import inquiries as svc
from xuncha.web.templating import render

router = APIRouter(tags=["inquiries"])

RoundId = Annotated[str, Path(max_length=64)]
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Month = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", max_length=7)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


def round_for(db: Session, user: User, round_id: str) -> Round:
    """The round, when the user is in it (the rounds they may see); 404 or 403 otherwise."""
    rnd = get_round(db, round_id)
    if rnd.id not in {r.id for r in visible_rounds(db, user)}:
        raise Forbidden("您不在该轮次中", "you are not part of this round")
    return rnd


# ------------------------------------------------------------------ pages


@router.get("/inquiries", include_in_schema=False)
def inquiries_home(
    request: Request, user: User = Depends(require("inquiry.read")), db: Session = Depends(get_db)
) -> Response:
    rounds = visible_rounds(db, user)
    badges = {r.id: svc.counts(db, r.id) for r in rounds} if svc.sees_all(user) else {}
    return render(request, "inquiries/index.html", {"rounds": rounds, "badges": badges})


@router.get("/inquiries/{round_id}", include_in_schema=False)
def inquiries_page(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("inquiry.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = round_for(db, user, round_id)
    records = svc.visible_inquiries(db, user, rnd.id)
    notes = svc.notes_of(db, [r.id for r in records])
    audit(db, "read", f"inquiries:{rnd.id}", {"records": len(records), "all": svc.sees_all(user)})
    context = {
        "round": rnd,
        "records": records,
        "notes": notes,
        "names": svc.user_names(db, {r.recorded_by for r in records}),
        "badge": svc.counts(db, rnd.id) if svc.sees_all(user) else None,
        "sees_all": svc.sees_all(user),
        "targets": svc.targets_of(db, rnd),
        "channels": svc.CHANNELS,
        "now": svc.default_occurred(),
        "month": svc.current_month(),
        "local": svc.local_text,
        "summary": svc.check_summary,
        "can_report": user.role in svc.OFFICE,
    }
    return render(request, "inquiries/round.html", context)


@router.post("/inquiries/{round_id}", include_in_schema=False)
def file_page(
    round_id: RoundId,
    asker_name: Annotated[str, Form(min_length=1, max_length=64)],
    channel: Annotated[str, Form(max_length=16)],
    content: Annotated[str, Form(min_length=1, max_length=4000)],
    occurred_at: Annotated[str, Form(max_length=32)],
    asker_unit: Annotated[str, Form(max_length=255)] = "",
    asker_title: Annotated[str, Form(max_length=128)] = "",
    intermediary_name: Annotated[str, Form(max_length=64)] = "",
    intermediary_unit: Annotated[str, Form(max_length=255)] = "",
    about_unit: Annotated[str, Form(max_length=64)] = "",
    about_person: Annotated[str, Form(max_length=64)] = "",
    handling: Annotated[str, Form(max_length=4000)] = "",
    user: User = Depends(require("inquiry.file")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    form = svc.InquiryForm(
        asker_name=asker_name,
        channel=channel,
        content=content,
        occurred_at=svc.parse_local(occurred_at),
        asker_unit=asker_unit,
        asker_title=asker_title,
        intermediary_name=intermediary_name,
        intermediary_unit=intermediary_unit,
        about_unit=about_unit,
        about_person=about_person,
        handling=handling,
    )
    record = _file(db, user, round_id, form, audit)
    return RedirectResponse(f"/inquiries/{record.round_id}/{record.id}", status_code=303)


@router.get("/inquiries/{round_id}/report.docx", include_in_schema=False)
def report_docx(
    round_id: RoundId,
    month: Month,
    user: User = Depends(require("inquiry.report")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = round_for(db, user, round_id)
    body = svc.monthly_register_docx(db, rnd.id, month)
    audit(db, "read", f"inquiries:{rnd.id}", {"report": "docx", "month": month})
    filename = f"inquiries-{rnd.id}-{month}.docx"
    return Response(body, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/inquiries/{round_id}/{inquiry_id}", include_in_schema=False)
def inquiry_page(
    request: Request,
    round_id: RoundId,
    inquiry_id: RecordId,
    user: User = Depends(require("inquiry.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = round_for(db, user, round_id)
    record = svc.get_inquiry(db, user, rnd.id, inquiry_id)
    notes = svc.notes_of(db, [record.id])[record.id]
    audit(db, "read", f"inquiry:{record.id}", {"round": rnd.id})
    context = {
        "round": rnd,
        "record": record,
        "check": record.check or {},
        "notes": notes,
        "names": svc.user_names(db, {record.recorded_by} | {n.author_id for n in notes}),
        "local": svc.local_text,
        "about": svc.about_label(record),
        "can_annotate": user.role in svc.OFFICE,
    }
    return render(request, "inquiries/detail.html", context)


@router.post("/inquiries/{round_id}/{inquiry_id}/notes", include_in_schema=False)
def annotate_page(
    round_id: RoundId,
    inquiry_id: RecordId,
    note: Annotated[str, Form(min_length=1, max_length=4000)],
    user: User = Depends(require("inquiry.annotate")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    record = _annotate(db, user, round_id, inquiry_id, note, audit)
    return RedirectResponse(f"/inquiries/{record.round_id}/{record.id}", status_code=303)


def _file(db: Session, user: User, round_id: str, form: svc.InquiryForm, audit: Audit) -> Inquiry:
    rnd = round_for(db, user, round_id)
    record = svc.file_inquiry(db, rnd, user, form)
    hits = record.check.get("hits") or []
    audit(
        db,
        "create",
        f"inquiry:{record.id}",
        {"round": rnd.id, "channel": record.channel, "hits": len(hits), "check": record.check.get("status")},
    )
    return record


def _annotate(db: Session, user: User, round_id: str, inquiry_id: int, note: str, audit: Audit) -> Inquiry:
    rnd = round_for(db, user, round_id)
    record = svc.get_inquiry(db, user, rnd.id, inquiry_id)
    row = svc.annotate(db, user, record, note)
    audit(db, "annotate", f"inquiry:{record.id}", {"round": rnd.id, "note": row.id})
    return record


# ------------------------------------------------------------------ API


class InquiryIn(BaseModel):
    asker_name: str = Field(min_length=1, max_length=64)
    asker_unit: str = Field("", max_length=255)
    asker_title: str = Field("", max_length=128)
    intermediary_name: str = Field("", max_length=64)
    intermediary_unit: str = Field("", max_length=255)
    channel: Literal["面谈", "电话", "微信", "托人转达", "书面"]
    about_unit: str = Field("", max_length=64)
    about_person: str = Field("", max_length=64)
    content: str = Field(min_length=1, max_length=4000)
    handling: str = Field("", max_length=4000)
    occurred_at: datetime = Field(description="local time (UTC+8) when no offset is given")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class NoteOut(BaseModel):
    id: int
    author_id: int
    text: str
    created_at: datetime


class InquiryOut(BaseModel):
    id: int
    round_id: str
    recorded_by: int
    asker_name: str
    asker_unit: str
    asker_title: str
    intermediary_name: str
    intermediary_unit: str
    channel: str
    about_unit: str
    about_person: str
    content: str
    handling: str
    occurred_at: datetime
    created_at: datetime
    check: dict[str, Any]
    notes: list[NoteOut]


def note_out(note: InquiryNote) -> NoteOut:
    return NoteOut(id=note.id, author_id=note.author_id, text=note.text, created_at=svc.as_utc(note.created_at))


def inquiry_out(record: Inquiry, notes: list[InquiryNote]) -> InquiryOut:
    return InquiryOut(
        id=record.id,
        round_id=record.round_id,
        recorded_by=record.recorded_by,
        asker_name=record.asker_name,
        asker_unit=record.asker_unit,
        asker_title=record.asker_title,
        intermediary_name=record.intermediary_name,
        intermediary_unit=record.intermediary_unit,
        channel=record.channel,
        about_unit=record.about_unit,
        about_person=record.about_person,
        content=record.content,
        handling=record.handling,
        occurred_at=svc.as_utc(record.occurred_at),
        created_at=svc.as_utc(record.created_at),
        check=record.check or {},
        notes=[note_out(n) for n in notes],
    )


@router.get("/api/v1/rounds/{round_id}/inquiries", response_model=list[InquiryOut], responses=ERRORS)
def api_list(
    round_id: RoundId,
    user: User = Depends(require("inquiry.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[InquiryOut]:
    """The register, newest first: every record for the office and the leading group, else one's own."""
    rnd = round_for(db, user, round_id)
    records = svc.visible_inquiries(db, user, rnd.id)
    notes = svc.notes_of(db, [r.id for r in records])
    audit(db, "read", f"inquiries:{rnd.id}", {"records": len(records), "all": svc.sees_all(user), "api": True})
    return [inquiry_out(r, notes[r.id]) for r in records]


@router.post("/api/v1/rounds/{round_id}/inquiries", response_model=InquiryOut, status_code=201, responses=ERRORS)
def api_file(
    round_id: RoundId,
    body: InquiryIn,
    user: User = Depends(require("inquiry.file")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> InquiryOut:
    """Record an inquiry; the relationship check runs at once and is returned in ``check``."""
    form = svc.InquiryForm(**body.model_dump())
    record = _file(db, user, round_id, form, audit)
    return inquiry_out(record, [])


@router.get("/api/v1/rounds/{round_id}/inquiries/{inquiry_id}", response_model=InquiryOut, responses=ERRORS)
def api_get(
    round_id: RoundId,
    inquiry_id: RecordId,
    user: User = Depends(require("inquiry.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> InquiryOut:
    rnd = round_for(db, user, round_id)
    record = svc.get_inquiry(db, user, rnd.id, inquiry_id)
    audit(db, "read", f"inquiry:{record.id}", {"round": rnd.id, "api": True})
    return inquiry_out(record, svc.notes_of(db, [record.id])[record.id])


@router.post(
    "/api/v1/rounds/{round_id}/inquiries/{inquiry_id}/notes",
    response_model=NoteOut,
    status_code=201,
    responses=ERRORS,
)
def api_annotate(
    round_id: RoundId,
    inquiry_id: RecordId,
    body: NoteIn,
    user: User = Depends(require("inquiry.annotate")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> NoteOut:
    """Annotate a record (the office and the leading group); the record itself never changes."""
    record = _annotate(db, user, round_id, inquiry_id, body.text, audit)
    return note_out(svc.notes_of(db, [record.id])[record.id][-1])
