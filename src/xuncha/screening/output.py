"""Write screening results: conflicts.jsonl (the contract), conflicts.xlsx, summary.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xuncha.engine.base import as_int
from xuncha.labels import CATEGORY_ZH, SEVERITY_ZH
from xuncha.screening.run import ORDER, RECORD_KEYS, ScreenResult

STAGE_SHEETS = {
    1: "第一次回避（组长副组长）",
    2: "第二次回避（抽调干部）",
    3: "第三次回避（申报与异议）",
}
COLUMNS = [
    ("轮次", "round"),
    ("巡察干部", "inspector"),
    ("干部姓名", "inspector_name"),
    ("被巡察单位", "target"),
    ("单位名称", "target_name"),
    ("关系人", "counterpart"),
    ("关系人名称", "counterpart_name"),
    ("关系人身份", "counterpart_role"),
    ("关系类别", "category_zh"),
    ("称谓", "kin_term"),
    ("关系路径", "path_text"),
    ("回避程度", "severity_zh"),
    ("规则", "rule"),
    ("依据", "basis"),
    ("数据来源", "sources_text"),
]


def write_conflicts_jsonl(result: ScreenResult, path: Path) -> None:
    """One JSON object per line, keys in the order of the contract, sorted by the record
    key; written by the engine so that a large round never sits in Python."""
    result.engine.write_jsonl(f"SELECT {', '.join(RECORD_KEYS)} FROM conflicts ORDER BY {ORDER}", path)


def path_text(record: dict[str, Any], names: dict[str, str]) -> str:
    """A path as one readable line: 张三 →父亲→ 张某 →哥哥→ 张某某."""
    steps = record["path"]
    if not steps:
        return ""
    parts = [names.get(steps[0]["from"], steps[0]["from"])]
    for step in steps:
        parts.append(f" →{step['relation']}→ {names.get(step['to'], step['to'])}")
    return "".join(parts)


PAIRS_SQL = """
WITH ranked AS (
  SELECT *, CASE severity WHEN 'must' THEN 3 WHEN 'should' THEN 2 ELSE 1 END AS rank FROM conflicts),
strongest AS (  -- one record per pair: strongest, then shortest path, then a stable order
  SELECT inspector, target, severity, category, kin_term, row_number() OVER (
           PARTITION BY inspector, target
           ORDER BY rank DESC, len(path), category, counterpart, kin_term NULLS LAST) AS rn
  FROM ranked),
grouped AS (
  SELECT inspector, min(inspector_name) AS inspector_name, target, min(target_name) AS target_name,
         list(DISTINCT category ORDER BY category) AS categories, count(*)::INTEGER AS ties, max(rank) AS top
  FROM ranked GROUP BY inspector, target)
SELECT g.inspector, g.inspector_name, g.target, g.target_name, s.severity, s.category AS strongest, s.kin_term,
       g.categories, g.ties, g.top
FROM grouped g JOIN strongest s ON s.inspector = g.inspector AND s.target = g.target AND s.rn = 1
"""


def pair_ranking(result: ScreenResult, limit: int = 1000) -> list[dict[str, Any]]:
    """Each (inspector, target) pair with its strongest tie, strongest pairs first.
    The ranking is computed once per result (table ``pairs``)."""
    if not result.engine.has_table("pairs"):
        result.engine.create("pairs", PAIRS_SQL)
    rows: list[dict[str, Any]] = result.query(
        """SELECT * EXCLUDE (top) FROM pairs
           ORDER BY top DESC, ties DESC, inspector, target LIMIT ?""",
        [limit],
    ).to_pylist()
    return rows


def _counts(result: ScreenResult, column: str) -> dict[str, int]:
    rows = result.query(f"SELECT {column}::VARCHAR AS v, count(*) AS n FROM conflicts GROUP BY 1 ORDER BY 1")
    return {str(r["v"]): int(r["n"]) for r in rows.to_pylist()}


def summary(result: ScreenResult, *, pairs: int = 1000) -> dict[str, Any]:
    return {
        "round": result.round.round_id,
        "round_name": result.round.name,
        "mode": result.round.mode,
        "start_date": result.round.start_date.isoformat(),
        "conflicts": result.count,
        "by_stage": _counts(result, "stage"),
        "by_category": _counts(result, "category"),
        "by_severity": _counts(result, "severity"),
        "pairs_listed": pairs,
        "pairs": pair_ranking(result, pairs),
        "pairs_total": as_int(result.engine.scalar("SELECT count(*) FROM pairs")),
        "stats": result.stats,
        "problems": len(result.problems),
    }


RANKED_PAIRS = 5000  # pairs listed in the ranking sheet, strongest first
NOTICE_ROWS = 2000  # notices listed one by one per sheet; the rest are counted per inspector


@dataclass
class WorkbookData:
    """What the workbook shows, read from the engine before it is written."""

    stages: dict[int, tuple[list[dict[str, Any]], int]]  # rows, notices not listed
    ranking: list[dict[str, Any]]
    names: dict[str, str]  # every key on a listed path → its name


def workbook_data(result: ScreenResult) -> WorkbookData:
    stages = {stage: (_stage_rows(result, stage), _notices_left(result, stage)) for stage in STAGE_SHEETS}
    keys = {k for rows, _ in stages.values() for r in rows for s in r["path"] for k in (s["from"], s["to"])}
    return WorkbookData(stages, pair_ranking(result, RANKED_PAIRS), path_names(result, keys))


def path_names(result: ScreenResult, keys: set[str]) -> dict[str, str]:
    """Names of the people and units on paths; a school node shows the school's name."""
    result.engine.create("path_keys", "SELECT unnest(?::VARCHAR[]) AS key", [sorted(keys)])
    rows = result.query(
        """SELECT n.key, n.name FROM nodes n SEMI JOIN path_keys p ON p.key = n.key WHERE n.name IS NOT NULL
           UNION ALL SELECT u.unit_id, u.name FROM units u SEMI JOIN path_keys p ON p.key = u.unit_id"""
    ).to_pylist()
    names = {k: k.removeprefix("school:") for k in keys if k.startswith("school:")}
    names.update({r["key"]: r["name"] for r in rows})
    return names


def write_xlsx(data: WorkbookData, path: Path) -> None:
    """A workbook for the office: one sheet per stage (every must and should, notices up to
    NOTICE_ROWS, then a line saying how many more), and the pair ranking."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for stage, title in STAGE_SHEETS.items():
        rows, left = data.stages[stage]
        _sheet(book.add_worksheet(title), head, wrap, rows, data.names, left)
    _ranking_sheet(book.add_worksheet("汇总（按关系强弱排序）"), head, wrap, data.ranking)
    book.close()


_STAGE_ROWS = f"""
SELECT * FROM (SELECT * FROM conflicts WHERE stage = $1 AND severity <> 'notice' ORDER BY {ORDER})
UNION ALL
SELECT * FROM (SELECT * FROM conflicts WHERE stage = $1 AND severity = 'notice' ORDER BY {ORDER} LIMIT $2)
"""


def _stage_rows(result: ScreenResult, stage: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = result.query(_STAGE_ROWS, [stage, NOTICE_ROWS]).to_pylist()
    return rows


def _notices_left(result: ScreenResult, stage: int) -> int:
    total = result.engine.scalar(f"SELECT count(*) FROM conflicts WHERE stage = {int(stage)} AND severity = 'notice'")
    return max(0, as_int(total) - NOTICE_ROWS)


def _sheet(sheet: Any, head: Any, wrap: Any, rows: list[dict[str, Any]], names: dict[str, str], left: int) -> None:
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
    if left:
        sheet.write_string(
            len(rows) + 1,
            0,
            f"另有提示类关系 {left} 条未在此列出，完整清单见 conflicts.jsonl / "
            f"{left} more notices are in conflicts.jsonl",
        )
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)


def _ranking_sheet(sheet: Any, head: Any, wrap: Any, ranking: list[dict[str, Any]]) -> None:
    titles = [
        "巡察干部",
        "姓名",
        "被巡察单位",
        "单位名称",
        "最强关系",
        "回避程度",
        "称谓",
        "全部关系类别",
        "关系条数",
    ]
    for col, title in enumerate(titles):
        sheet.write(0, col, title, head)
        sheet.set_column(col, col, 18)
    for i, row in enumerate(ranking, start=1):
        values = [
            row["inspector"],
            row["inspector_name"],
            row["target"],
            row["target_name"],
            CATEGORY_ZH.get(row["strongest"], row["strongest"]),
            SEVERITY_ZH[row["severity"]],
            row["kin_term"],
            "、".join(CATEGORY_ZH.get(c, c) for c in row["categories"]),
            row["ties"],
        ]
        for col, value in enumerate(values):
            sheet.write(i, col, "" if value is None else value, wrap)
    sheet.freeze_panes(1, 0)
