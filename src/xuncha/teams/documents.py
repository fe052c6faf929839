"""teams.xlsx (one row per member) and teams.docx (巡察组组成方案) for the office."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xuncha.labels import CATEGORY_ZH
from xuncha.teams.model import Assignment, Team

XLSX_HEADERS = ("轮次", "巡察对象", "姓名", "人员编号", "组内职务", "类别", "专业特长", "指定理由")


def _label(assignment: Assignment, team: Team) -> str:
    return assignment.group_labels.get("|".join(team.targets), "、".join(team.targets))


def write_xlsx(assignment: Assignment, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "巡察组"
    sheet.append(list(XLSX_HEADERS))
    for team in assignment.teams:
        pins = {p.person: p.reason for p in team.pins}
        for m in team.members:
            row = [
                team.round,
                _label(assignment, team),
                m.name,
                m.person,
                m.role,
                m.pool,
                "、".join(m.skills),
                pins.get(m.person, ""),
            ]
            sheet.append(row)
    extra = book.create_sheet("无法组建")
    extra.append(["轮次", "巡察对象", "原因"])
    for item in assignment.infeasible:
        extra.append([item.round, "、".join(item.targets), "；".join(item.reasons)])
    bans = book.create_sheet("排除人员")
    bans.append(["人员编号", "理由"])
    for ban in assignment.bans:
        bans.append([ban.person, ban.reason])
    book.save(path)


def write_docx(assignment: Assignment, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("巡察组组成方案", level=0)
    doc.add_paragraph(f"轮次：{assignment.round.name}（{assignment.round.round_id}）")
    doc.add_paragraph(f"巡察方式：{assignment.round.mode}；随机抽取种子承诺见本轮方案。")
    for i, team in enumerate(assignment.teams, 1):
        doc.add_heading(f"第{i}巡察组：{_label(assignment, team)}", level=1)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("姓名", "组内职务", "类别", "专业特长"), strict=True):
            cell.text = text
        for m in team.members:
            cells = table.add_row().cells
            for cell, text in zip(cells, (m.name, m.role, m.pool, "、".join(m.skills)), strict=True):
                cell.text = text
        _notes(doc, team)
    for item in assignment.infeasible:
        doc.add_heading(f"无法组建：{'、'.join(item.targets)}", level=1)
        for reason in item.reasons:
            doc.add_paragraph(reason, style="List Bullet")
    doc.save(str(path))


def _table(doc: Any, rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _notes(doc: Any, team: Team) -> None:
    add = doc.add_paragraph
    for tie in team.accepted_ties:
        who = tie.get("inspector_name") or tie.get("inspector")
        level = {"should": "建议回避", "notice": "提示"}.get(str(tie.get("severity")), "")
        add(
            f"已知关系（{level}）：{who} 与 {tie.get('target_name') or tie.get('target')}"
            f"（{tie.get('kin_term') or CATEGORY_ZH.get(str(tie.get('category')), tie.get('category'))}），"
            "经综合权衡保留。"
        )
    for pin in team.pins:
        add(f"办公室指定：{pin.person}，理由：{pin.reason}")
