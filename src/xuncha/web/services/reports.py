"""Reports of a round: 回避审查表 and 巡察组组成方案 as docx (python-docx), lists as xlsx (openpyxl), and
the ``Content-Disposition`` header that carries their Chinese file names (RFC 6266 / RFC 5987).

Everything is built from the application's tables (conflicts, teams, findings), so a report shows what
the office decided in the application, not a re-run of the engine.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.labels import CATEGORY_ZH, SEVERITY_ZH
from xuncha.store.models import Conflict, RecusalApplication, Round, Team
from xuncha.web.scope import PUBLISHED
from xuncha.web.services.findings import GRADES, findings_of, is_overdue, status_label, team_label

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLE_ORDER = {"组长": 0, "副组长": 1, "联络员": 2, "组员": 3}


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the UTF-8 name (RFC 5987 ``filename*``)."""
    fallback = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9._-]+", "_", filename)).strip("_.") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# ---------------------------------------------------------------- shared lookups


def round_teams(db: Session, round_id: str) -> list[Team]:
    return list(db.execute(select(Team).where(Team.round_id == round_id).order_by(Team.number)).scalars())


def round_conflicts(db: Session, round_id: str) -> list[Conflict]:
    query = select(Conflict).where(Conflict.round_id == round_id)
    return list(db.execute(query.order_by(Conflict.inspector_key, Conflict.target_unit, Conflict.id)).scalars())


def placements(teams: list[Team]) -> dict[tuple[str, str], int]:
    """(person key, unit) -> team number."""
    return {(m.person_key, str(u)): t.number for t in teams for m in t.members for u in t.targets}


def approved_recusals(db: Session, round_id: str) -> set[tuple[str, str]]:
    rows = db.execute(
        select(RecusalApplication.person_key, RecusalApplication.target_unit).where(
            RecusalApplication.round_id == round_id, RecusalApplication.status == "approved"
        )
    )
    return {(str(p), str(u)) for p, u in rows}


def decision(c: Conflict, placed: dict[tuple[str, str], int], staffed: bool, approved: set[tuple[str, str]]) -> str:
    """What was decided about one conflict, read from the round's teams and approved applications."""
    key = (c.inspector_key, c.target_unit)
    if key in approved:
        return "批准回避申请，未安排至该单位巡察组"
    if not staffed:
        return {"must": "必须回避（待组建巡察组）", "should": "建议回避（待组建时权衡）"}.get(
            c.severity, "提示，不影响安排"
        )
    if key in placed:
        return f"保留在第{placed[key]}巡察组（已知关系，经综合权衡）"
    return "已回避，未安排至该单位巡察组"


# ---------------------------------------------------------------- docx


def _docx_bytes(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _grid(doc: Any, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def recusal_review_docx(db: Session, rnd: Round) -> bytes:
    """回避审查表: per inspector, each conflict with its category, legal basis and the decision."""
    from docx import Document

    teams = round_teams(db, rnd.id)
    placed, approved = placements(teams), approved_recusals(db, rnd.id)
    by_person: dict[str, list[Conflict]] = defaultdict(list)
    for c in round_conflicts(db, rnd.id):
        by_person[c.inspector_key].append(c)
    doc = Document()
    doc.add_heading("巡察干部回避审查表", level=0)
    doc.add_paragraph(
        f"轮次：{rnd.name}（{rnd.id}）；审查人员 {len(by_person)} 名，关系 {sum(map(len, by_person.values()))} 条。"
    )
    header = ("被巡察单位", "关系人", "关系类别", "程度", "依据", "处理决定")
    for person, rows in by_person.items():
        doc.add_heading(f"{rows[0].inspector_name or person}（{person}）", level=1)
        _grid(doc, header, [_conflict_cells(c, decision(c, placed, bool(teams), approved)) for c in rows])
    if not by_person:
        doc.add_paragraph("本轮未发现需要回避审查的关系。")
    doc.add_paragraph(f"制表日期：{date.today().isoformat()}")
    return _docx_bytes(doc)


def _conflict_cells(c: Conflict, decided: str) -> tuple[str, ...]:
    r = c.record
    who = str(r.get("counterpart_name") or r.get("counterpart") or "")
    role = str(r.get("counterpart_role") or "")
    kind = str(r.get("kin_term") or CATEGORY_ZH.get(c.category, c.category))
    return (
        c.target_name or c.target_unit,
        f"{who}（{role}）" if role else who,
        kind,
        SEVERITY_ZH.get(c.severity, c.severity),
        str(r.get("basis") or r.get("rule") or ""),
        decided,
    )


def team_plan_docx(db: Session, rnd: Round) -> bytes:
    """巡察组组成方案: teams, targets, members and roles; the draw's commitment, and its seed once published."""
    from docx import Document

    doc = Document()
    doc.add_heading("巡察组组成方案", level=0)
    doc.add_paragraph(f"轮次：{rnd.name}（{rnd.id}）；巡察方式：{rnd.mode or '常规'}。")
    if rnd.commitment:
        doc.add_paragraph(f"随机抽取承诺值（SHA-256）：{rnd.commitment}")
    if rnd.status in PUBLISHED and rnd.seed:
        doc.add_paragraph(f"随机种子（公布后揭示）：{rnd.seed}")
    teams = round_teams(db, rnd.id)
    for team in teams:
        doc.add_heading(team_label(team), level=1)
        members = sorted(team.members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id))
        _grid(doc, ("姓名", "人员编号", "组内职务"), [(m.name, m.person_key, m.role) for m in members])
    if not teams:
        doc.add_paragraph("本轮尚未组建巡察组。")
    return _docx_bytes(doc)


# ---------------------------------------------------------------- xlsx


def _xlsx(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is kept as text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


CONFLICT_HEADER = (
    "阶段",
    "巡察干部",
    "人员编号",
    "被巡察单位",
    "单位编码",
    "关系人",
    "关系类别",
    "程度",
    "依据",
    "处理决定",
)


def conflicts_xlsx(db: Session, rnd: Round) -> bytes:
    teams = round_teams(db, rnd.id)
    placed, approved = placements(teams), approved_recusals(db, rnd.id)
    rows = []
    for c in round_conflicts(db, rnd.id):
        cells = _conflict_cells(c, decision(c, placed, bool(teams), approved))
        rows.append((c.stage, c.inspector_name, c.inspector_key, cells[0], c.target_unit, *cells[1:]))
    return _xlsx("回避审查", CONFLICT_HEADER, rows)


def teams_xlsx(db: Session, rnd: Round) -> bytes:
    rows = []
    for team in round_teams(db, rnd.id):
        targets = "、".join(str(n) for n in team.target_names)
        for m in sorted(team.members, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.id)):
            rows.append((team.number, targets, m.name, m.person_key, m.role))
    return _xlsx("巡察组", ("巡察组", "巡察对象", "姓名", "人员编号", "组内职务"), rows)


FINDING_HEADER = (
    "巡察组", "被巡察单位", "问题类别", "质量等级", "问题标题", "移交线索数",
    "整改措施", "责任人", "整改时限", "整改状态", "销号日期", "是否超期",
)  # fmt: skip


def findings_xlsx(db: Session, rnd: Round, today: date) -> bytes:
    """One row per rectification item (a finding without items gets one row of its own)."""
    teams = {t.id: t for t in round_teams(db, rnd.id)}
    rows: list[tuple[Any, ...]] = []
    for view in findings_of(db, rnd.id, set(teams)):
        f = view.finding
        head = (
            teams[f.team_id].number,
            f.unit,
            f.category,
            f"{f.grade} {GRADES.get(f.grade, ('',))[0]}",
            f.title,
            len(view.clues),
        )
        if not view.items:
            rows.append((*head, "", "", "", "无整改事项", "", ""))
        for item in view.items:
            closed = item.closed_at.date().isoformat() if item.closed_at else ""
            overdue = "是" if is_overdue(item, today) else "否"
            rows.append((*head, item.measure, item.owner, item.deadline, status_label(item, today)[0], closed, overdue))
    return _xlsx("问题与整改", FINDING_HEADER, rows)


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Report:
    kind: str
    zh: str
    en: str
    suffix: str
    media: str
    build: Callable[[Session, Round], bytes]

    def filename(self, rnd: Round) -> str:
        return f"{self.zh}_{rnd.id}.{self.suffix}"


REPORTS: dict[str, Report] = {
    r.kind: r
    for r in (
        Report("recusal-review", "回避审查表", "Recusal review", "docx", DOCX, recusal_review_docx),
        Report("team-plan", "巡察组组成方案", "Team composition plan", "docx", DOCX, team_plan_docx),
        Report("conflicts", "回避审查清单", "Conflicts list", "xlsx", XLSX, conflicts_xlsx),
        Report("teams", "巡察组名单", "Teams list", "xlsx", XLSX, teams_xlsx),
        Report(
            "findings",
            "问题与整改清单",
            "Findings and rectification",
            "xlsx",
            XLSX,
            lambda db, r: findings_xlsx(db, r, date.today()),
        ),
    )
}
