"""Write findings: JSON lines (spec format), a workbook for people, and status against an
earlier run (new / unchanged / resolved)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

SEVERITY_ZH = {"must": "高（必须核查）", "should": "中（建议核查）", "notice": "低（提示）"}
STATUS_ZH = {"new": "新增", "unchanged": "未变", "resolved": "已消除", None: ""}
JSON_KEYS = ("key", "model", "model_name", "severity", "unit", "unit_name", "persons", "summary", "evidence", "path")


def with_status(current: list[dict[str, Any]], earlier: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark each current finding new or unchanged by its key; earlier ones gone are resolved."""
    before = {f["key"] for f in earlier}
    now = {f["key"] for f in current}
    out = [{**f, "status": "unchanged" if f["key"] in before else "new"} for f in current]
    out += [{**f, "status": "resolved"} for f in earlier if f["key"] not in now]
    return out


def write_jsonl(findings: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for f in findings:
            doc = {k: f.get(k) for k in JSON_KEYS}
            if "status" in f:
                doc["status"] = f["status"]
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")


def path_text(path: list[dict[str, Any]] | None, names: dict[str, str]) -> str:
    if not path:
        return ""
    text = str(names.get(path[0]["from"], path[0]["from"]))
    for step in path:
        text += f" →{step['relation']}→ {names.get(step['to'], step['to'])}"
    return text


def evidence_text(evidence: list[dict[str, Any]]) -> str:
    parts = []
    for e in evidence:
        extra = "，".join(f"{k}={v}" for k, v in e.items() if k != "source")
        parts.append(f"{e['source']}（{extra}）" if extra else e["source"])
    return "；".join(parts)


COLUMNS = (
    ("线索编号", "key", 18),
    ("状态", "status_zh", 8),
    ("严重程度", "severity_zh", 14),
    ("单位编码", "unit", 14),
    ("单位名称", "unit_name", 20),
    ("涉及人员", "persons_text", 30),
    ("线索摘要", "summary", 70),
    ("亲属关系路径", "path_text", 40),
    ("证据来源", "evidence_text", 60),
)


def write_xlsx(
    findings: list[dict[str, Any]], models: list[tuple[str, str, str]], names: dict[str, str], path: Path
) -> None:
    """A summary sheet, then one sheet per model; ``models`` is (id, name, severity)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    _summary_sheet(book.add_worksheet("汇总"), head, findings, models)
    for model_id, model_name, _ in models:
        rows = [f for f in findings if f["model"] == model_id]
        _model_sheet(book.add_worksheet(_sheet_name(model_name, model_id)), head, wrap, rows, names)
    book.close()


def _sheet_name(name: str, model_id: str) -> str:
    bad = set("[]:*?/\\")
    text = "".join(c for c in f"{name}（{model_id}）" if c not in bad)
    return text[:31]


def _summary_sheet(sheet: Any, head: Any, findings: list[dict[str, Any]], models: list[tuple[str, str, str]]) -> None:
    titles = ("模型编号", "模型名称", "严重程度", "线索数", "新增", "未变", "已消除")
    for col, title in enumerate(titles):
        sheet.write(0, col, title, head)
        sheet.set_column(col, col, 14)
    for i, (model_id, name, severity) in enumerate(models, start=1):
        counts = Counter(f.get("status") for f in findings if f["model"] == model_id)
        live = sum(n for s, n in counts.items() if s != "resolved")
        row = [model_id, name, SEVERITY_ZH[severity], live, counts["new"], counts["unchanged"], counts["resolved"]]
        for col, value in enumerate(row):
            sheet.write(i, col, value)


def _model_sheet(sheet: Any, head: Any, wrap: Any, rows: list[dict[str, Any]], names: dict[str, str]) -> None:
    for col, (title, _, width) in enumerate(COLUMNS):
        sheet.write(0, col, title, head)
        sheet.set_column(col, col, width)
    for i, f in enumerate(rows, start=1):
        view = {
            **f,
            "status_zh": STATUS_ZH.get(f.get("status")),
            "severity_zh": SEVERITY_ZH[f["severity"]],
            "persons_text": "、".join(f"{names.get(p, p)}（{p}）" for p in f["persons"]),
            "path_text": path_text(f.get("path"), names),
            "evidence_text": evidence_text(f["evidence"]),
        }
        for col, (_, key, _) in enumerate(COLUMNS):
            sheet.write_string(i, col, str(view.get(key) or ""), wrap)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
