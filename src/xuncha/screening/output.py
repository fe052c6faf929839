"""Write screening results: conflicts.jsonl (the contract), conflicts.xlsx, summary.json."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from xuncha.policy.model import SEVERITY_RANK
from xuncha.screening.run import RECORD_KEYS, ScreenResult

CATEGORY_ZH = {
    "spouse": "夫妻关系", "lineal": "直系血亲", "collateral3": "三代以内旁系血亲", "in_law": "近姻亲",
    "other_kin": "其他亲属", "work": "任职关系", "superior": "上下级/共事", "study": "同学关系",
    "region": "地域关系", "declared": "本人申报", "objection": "回避异议",
}
SEVERITY_ZH = {"must": "必须回避", "should": "建议回避", "notice": "提示"}
STAGE_SHEETS = {1: "第一次回避（组长副组长）", 2: "第二次回避（抽调干部）", 3: "第三次回避（申报与异议）"}
COLUMNS = [
    ("轮次", "round"), ("巡察干部", "inspector"), ("干部姓名", "inspector_name"),
    ("被巡察单位", "target"), ("单位名称", "target_name"), ("关系人", "counterpart"),
    ("关系人名称", "counterpart_name"), ("关系人身份", "counterpart_role"), ("关系类别", "category_zh"),
    ("称谓", "kin_term"), ("关系路径", "path_text"), ("回避程度", "severity_zh"), ("规则", "rule"),
    ("依据", "basis"), ("数据来源", "sources_text"),
]


def write_conflicts_jsonl(records: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps({k: rec[k] for k in RECORD_KEYS}, ensure_ascii=False) + "\n")


def path_text(record: dict[str, Any], names: dict[str, str]) -> str:
    """A path as one readable line: 张三 →父亲→ 张某 →哥哥→ 张某某."""
    steps = record["path"]
    if not steps:
        return ""
    parts = [names.get(steps[0]["from"], steps[0]["from"])]
    for step in steps:
        parts.append(f" →{step['relation']}→ {names.get(step['to'], step['to'])}")
    return "".join(parts)


def pair_ranking(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each (inspector, target) pair with its strongest tie, strongest pairs first."""
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        pairs[(rec["inspector"], rec["target"])].append(rec)
    rows = []
    for (inspector, target), recs in pairs.items():
        top = max(recs, key=lambda r: (SEVERITY_RANK[r["severity"]], -len(r["path"])))
        rows.append({
            "inspector": inspector, "inspector_name": top["inspector_name"], "target": target,
            "target_name": top["target_name"], "severity": top["severity"],
            "strongest": top["category"], "kin_term": top["kin_term"],
            "categories": sorted({r["category"] for r in recs}), "ties": len(recs),
        })
    rows.sort(key=lambda r: (-SEVERITY_RANK[r["severity"]], -r["ties"], r["inspector"], r["target"]))
    return rows


def summary(result: ScreenResult) -> dict[str, Any]:
    recs = result.records
    return {
        "round": result.round.round_id,
        "round_name": result.round.name,
        "mode": result.round.mode,
        "start_date": result.round.start_date.isoformat(),
        "conflicts": len(recs),
        "by_stage": dict(sorted(Counter(str(r["stage"]) for r in recs).items())),
        "by_category": dict(sorted(Counter(r["category"] for r in recs).items())),
        "by_severity": dict(sorted(Counter(r["severity"] for r in recs).items())),
        "pairs": pair_ranking(recs),
        "stats": result.stats,
        "problems": len(result.problems),
    }


def write_xlsx(result: ScreenResult, path: Path) -> None:
    import xlsxwriter

    names = _names(result.records)
    book = xlsxwriter.Workbook(str(path))
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for stage, title in STAGE_SHEETS.items():
        sheet = book.add_worksheet(title)
        rows = [r for r in result.records if r["stage"] == stage]
        _sheet(sheet, head, wrap, rows, names)
    _ranking_sheet(book.add_worksheet("汇总（按关系强弱排序）"), head, wrap, result.records)
    book.close()


def _names(records: list[dict[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for rec in records:
        for key in ("inspector", "target", "counterpart"):
            if rec.get(f"{key}_name"):
                names[rec[key]] = rec[f"{key}_name"]
    return names


def _sheet(sheet: Any, head: Any, wrap: Any, rows: list[dict[str, Any]], names: dict[str, str]) -> None:
    for col, (title, _) in enumerate(COLUMNS):
        sheet.write(0, col, title, head)
    widths = [14, 20, 10, 20, 22, 20, 12, 12, 14, 10, 60, 10, 14, 50, 30]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for i, rec in enumerate(rows, start=1):
        view = {
            **rec,
            "category_zh": CATEGORY_ZH.get(rec["category"], rec["category"]),
            "severity_zh": SEVERITY_ZH[rec["severity"]],
            "path_text": path_text(rec, names),
            "sources_text": "；".join(rec["sources"]),
        }
        for col, (_, key) in enumerate(COLUMNS):
            sheet.write_string(i, col, str(view.get(key) or ""), wrap)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)


def _ranking_sheet(sheet: Any, head: Any, wrap: Any, records: list[dict[str, Any]]) -> None:
    titles = ["巡察干部", "姓名", "被巡察单位", "单位名称", "最强关系", "回避程度", "称谓", "全部关系类别", "关系条数"]
    for col, title in enumerate(titles):
        sheet.write(0, col, title, head)
        sheet.set_column(col, col, 18)
    for i, row in enumerate(pair_ranking(records), start=1):
        values = [
            row["inspector"], row["inspector_name"], row["target"], row["target_name"],
            CATEGORY_ZH.get(row["strongest"], row["strongest"]), SEVERITY_ZH[row["severity"]],
            row["kin_term"], "、".join(CATEGORY_ZH.get(c, c) for c in row["categories"]), row["ties"],
        ]
        for col, value in enumerate(values):
            sheet.write(i, col, "" if value is None else value, wrap)
    sheet.freeze_panes(1, 0)
