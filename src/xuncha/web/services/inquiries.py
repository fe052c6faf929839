"""The interference register (过问登记): filing, need-to-know reading, annotation, the monthly register.

A record is never edited or deleted once submitted. The application offers no way to do it, and the
database refuses it too: :func:`install_inquiry_guards` adds triggers that raise on UPDATE and DELETE of
``inquiries`` and ``inquiry_notes`` (SQLite and PostgreSQL). The office and the leading group add
annotations (``InquiryNote``) instead.

Times: the office types local time (China Standard Time, UTC+8, no daylight saving); the database keeps
UTC. The monthly register lists the records *registered* in a month (``created_at``), so every record
appears in exactly one monthly register even when it was filed late.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xuncha.store.models import Inquiry, InquiryNote, Round, User
from xuncha.web.authz import ADMIN, LEADING
from xuncha.web.deps import Forbidden, Invalid, NotFound
from xuncha.web.services.relations import CheckInput, Party, check_for_round, round_bundle, round_targets

CHANNELS = ("面谈", "电话", "微信", "托人转达", "书面")
CHINA = timezone(timedelta(hours=8), "CST")
OFFICE = frozenset({ADMIN, LEADING})
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class InquiryForm:
    """What the person recording an inquiry typed (lengths are bounded by the route)."""

    asker_name: str
    channel: str
    content: str
    occurred_at: datetime
    asker_unit: str = ""
    asker_title: str = ""
    intermediary_name: str = ""
    intermediary_unit: str = ""
    about_unit: str = ""
    about_person: str = ""
    handling: str = ""

    def cleaned(self) -> InquiryForm:
        """Surrounding spaces trimmed from every text."""
        texts: dict[str, Any] = {k: v.strip() for k, v in self.__dict__.items() if isinstance(v, str)}
        return replace(self, **texts)


# ------------------------------------------------------------------ times


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands back naive values, which are UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def typed_to_utc(moment: datetime) -> datetime:
    """A time someone typed or sent: naive means local time; out-of-range values are refused."""
    try:
        return (moment.replace(tzinfo=CHINA) if moment.tzinfo is None else moment).astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise Invalid("过问时间无效", "the time of the inquiry is out of range") from exc


def local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(CHINA)


def local_text(moment: datetime) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")


def parse_local(value: str) -> datetime:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` typed in local time, as aware UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid("过问时间格式应为 年-月-日 时:分", "the time must be YYYY-MM-DD HH:MM") from exc
    return typed_to_utc(parsed)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar month ``YYYY-MM``, in UTC."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=CHINA)
    except ValueError as exc:
        raise Invalid("月份格式应为 年-月（如 2026-09）", "the month must be YYYY-MM") from exc
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=CHINA)
    return start.astimezone(UTC), end.astimezone(UTC)


# ------------------------------------------------------------------ filing


def validate(form: InquiryForm, targets: list[tuple[str, str]]) -> None:
    """Refuse what the register must not hold, in Chinese and English."""
    if not form.asker_name:
        raise Invalid("请填写过问人姓名", "the asker's name is required")
    if form.channel not in CHANNELS:
        raise Invalid(f"过问方式应为：{'、'.join(CHANNELS)}", f"the channel must be one of {', '.join(CHANNELS)}")
    if form.channel == "托人转达" and not form.intermediary_name:
        raise Invalid("托人转达的，请填写转达人姓名", "an inquiry passed on through someone needs the intermediary")
    if not form.content:
        raise Invalid("请填写过问内容", "what was asked is required")
    if not (form.about_unit or form.about_person):
        raise Invalid("请选择所涉被巡察单位或填写所涉人员", "name the target or the person asked about")
    if form.about_unit and form.about_unit not in {key for key, _ in targets}:
        raise Invalid("所涉单位不是本轮的被巡察单位", "the unit asked about is not a target of this round")
    now = datetime.now(UTC)
    if not EARLIEST <= typed_to_utc(form.occurred_at) <= now + timedelta(minutes=10):
        raise Invalid("过问时间应在2000年以后且不晚于现在", "the time must be after 2000 and not in the future")


def targets_of(db: Session, rnd: Round) -> list[tuple[str, str]]:
    """The round's targets (key, name) for the form; empty when the round has no usable bundle."""
    try:
        return round_targets(round_bundle(db, rnd), rnd.id)
    except Invalid:
        return []


def file_inquiry(db: Session, rnd: Round, user: User, form: InquiryForm) -> Inquiry:
    """Validate, run the relationship check and store the record (never to be changed)."""
    form = form.cleaned()
    validate(form, targets_of(db, rnd))
    request = CheckInput(
        round_id=rnd.id,
        on=typed_to_utc(form.occurred_at).astimezone(CHINA).date(),
        parties=(
            Party("asker", form.asker_name, form.asker_unit),
            Party("intermediary", form.intermediary_name, form.intermediary_unit),
        ),
        about_unit=form.about_unit,
        about_person=form.about_person,
        inspector_key=user.person_key,
    )
    record = Inquiry(
        round_id=rnd.id,
        recorded_by=user.id,
        asker_name=form.asker_name,
        asker_unit=form.asker_unit,
        asker_title=form.asker_title,
        intermediary_name=form.intermediary_name,
        intermediary_unit=form.intermediary_unit,
        channel=form.channel,
        about_unit=form.about_unit,
        about_person=form.about_person,
        content=form.content,
        handling=form.handling,
        check=check_for_round(db, rnd, request),
        occurred_at=typed_to_utc(form.occurred_at),
    )
    db.add(record)
    db.flush()
    return record


def annotate(db: Session, user: User, record: Inquiry, note: str) -> InquiryNote:
    if user.role not in OFFICE:
        raise Forbidden("只有巡察办和领导小组可以批注", "only the office and the leading group annotate")
    if not note.strip():
        raise Invalid("批注不能为空", "the annotation is empty")
    row = InquiryNote(inquiry_id=record.id, author_id=user.id, text=note.strip())
    db.add(row)
    db.flush()
    return row


# ------------------------------------------------------------------ reading (need-to-know)


def sees_all(user: User) -> bool:
    """The office and the leading group see every record; others only what they recorded."""
    return user.role in OFFICE


def visible_inquiries(db: Session, user: User, round_id: str, month: str | None = None) -> list[Inquiry]:
    """Newest first."""
    query = select(Inquiry).where(Inquiry.round_id == round_id)
    if not sees_all(user):
        query = query.where(Inquiry.recorded_by == user.id)
    if month:
        start, end = month_bounds(month)
        query = query.where(Inquiry.created_at >= start, Inquiry.created_at < end)
    return list(db.execute(query.order_by(Inquiry.created_at.desc(), Inquiry.id.desc())).scalars())


def get_inquiry(db: Session, user: User, round_id: str, inquiry_id: int) -> Inquiry:
    record = db.get(Inquiry, inquiry_id)
    if record is None or record.round_id != round_id:
        raise NotFound("过问登记不存在", "no such inquiry record")
    if not sees_all(user) and record.recorded_by != user.id:
        raise Forbidden("只能查看本人登记的过问记录", "you may see only the records you made")
    return record


def notes_of(db: Session, ids: list[int]) -> dict[int, list[InquiryNote]]:
    out: dict[int, list[InquiryNote]] = {i: [] for i in ids}
    if ids:
        query = select(InquiryNote).where(InquiryNote.inquiry_id.in_(ids)).order_by(InquiryNote.id)
        for note in db.execute(query).scalars():
            out[note.inquiry_id].append(note)
    return out


def user_names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.execute(select(User.id, User.display_name, User.name).where(User.id.in_(ids)))
    return {int(r[0]): str(r[1] or r[2]) for r in rows}


def counts(db: Session, round_id: str) -> tuple[int, int]:
    """(records, records no one has annotated yet): the badge the leading group watches."""
    total = db.execute(select(func.count(Inquiry.id)).where(Inquiry.round_id == round_id)).scalar_one()
    noted = select(InquiryNote.inquiry_id)
    open_ = db.execute(
        select(func.count(Inquiry.id)).where(Inquiry.round_id == round_id, Inquiry.id.not_in(noted))
    ).scalar_one()
    return int(total), int(open_)


def check_summary(record: Inquiry) -> str:
    check: dict[str, Any] = record.check or {}
    return str(check.get("summary_zh") or "未核查")


# ------------------------------------------------------------------ the monthly register (docx)


def monthly_register_docx(db: Session, round_id: str, month: str) -> bytes:
    """The register of ``round_id`` for the leading group: every record registered in local month
    ``YYYY-MM``, with its relationship check and annotations, as a Word document."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    rnd = db.get(Round, round_id)
    if rnd is None:
        raise NotFound("轮次不存在", "no such round")
    start, end = month_bounds(month)
    query = select(Inquiry).where(Inquiry.round_id == round_id, Inquiry.created_at >= start, Inquiry.created_at < end)
    query = query.order_by(Inquiry.created_at, Inquiry.id)
    records = list(db.execute(query).scalars())
    notes = notes_of(db, [r.id for r in records])
    names = user_names(db, {r.recorded_by for r in records} | {n.author_id for ns in notes.values() for n in ns})
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    local_start = start.astimezone(CHINA)
    doc.add_heading(f"过问登记报告（{local_start.year}年{local_start.month}月）", level=1)
    doc.add_paragraph(
        f"轮次：{rnd.name or rnd.id}（{rnd.id}）　登记数：{len(records)}　生成时间：{local_text(datetime.now(UTC))}"
    )
    doc.add_paragraph("说明：过问登记提交后不可修改或删除；关系核查由系统依据数据包自动完成，结果供领导小组研判。")
    table = doc.add_table(rows=1, cols=len(REGISTER_COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, REGISTER_COLUMNS, strict=True):
        cell.text = title
    for number, record in enumerate(records, 1):
        cells = table.add_row().cells
        for cell, value in zip(cells, register_row(number, record, notes[record.id], names), strict=True):
            cell.text = value
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    if not records:
        doc.add_paragraph("本月无过问登记。")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


REGISTER_COLUMNS = (
    "序号",
    "登记时间",
    "过问时间",
    "过问人（单位、职务）",
    "转达人",
    "方式",
    "所涉单位/人员",
    "过问内容",
    "处理情况",
    "关系核查",
    "登记人",
    "批注",
)


def register_row(number: int, record: Inquiry, notes: list[InquiryNote], names: dict[int, str]) -> list[str]:
    check: dict[str, Any] = record.check or {}
    asker = "，".join(p for p in (record.asker_name, record.asker_unit, record.asker_title) if p)
    via = "，".join(p for p in (record.intermediary_name, record.intermediary_unit) if p)
    about = "；".join(p for p in (about_label(record), record.about_person) if p)
    lines = [str(check.get("summary_zh") or "未核查"), *[str(x) for x in check.get("lines_zh") or []]]
    annotations = "\n".join(f"{names.get(n.author_id, '')}（{local_text(n.created_at)}）：{n.text}" for n in notes)
    return [
        str(number),
        local_text(record.created_at),
        local_text(record.occurred_at),
        asker,
        via,
        record.channel,
        about,
        record.content,
        record.handling,
        "\n".join(lines),
        names.get(record.recorded_by, ""),
        annotations,
    ]


def about_label(record: Inquiry) -> str:
    """The target's name as the check saw it, else its key."""
    check: dict[str, Any] = record.check or {}
    for cp in check.get("counterparts") or []:
        if cp.get("target") == record.about_unit and cp.get("target_name"):
            return str(cp["target_name"])
    return record.about_unit


def current_month() -> str:
    now = datetime.now(CHINA)
    return f"{now.year:04d}-{now.month:02d}"


def default_occurred() -> str:
    return datetime.now(CHINA).strftime("%Y-%m-%dT%H:%M")


# ------------------------------------------------------------------ the database refuses changes
