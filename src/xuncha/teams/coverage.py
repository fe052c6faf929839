"""Coverage progress (inspected / due / overdue by region and type), its chart and plan writers."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from xuncha.teams.model import HistoryRow, Target
from xuncha.teams.plan import YM, TermPlan, last_visits, month_index
from xuncha.teams.policy import PlanPolicy

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "Source Han Sans SC",
    "AR PL UMing CN",
)


def coverage_rows(
    units: list[Target], history: list[HistoryRow], term_start: YM, as_of: YM, policy: PlanPolicy
) -> list[dict[str, object]]:
    """One row per (region, type): units, inspected in the term so far, due, overdue."""
    start = term_start[0] * 12 + term_start[1] - 1
    now = as_of[0] * 12 + as_of[1] - 1
    done = {h.unit for h in history if start <= (month_index(h.date) or -1) <= now}
    last = last_visits([h for h in history if (month_index(h.date) or 0) <= now])
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for u in units:
        row = counts[(u.region or "未知", u.type or "未知")]
        seen = last.get(u.unit)
        overdue = seen is None or now - seen[0] > policy.overdue_months
        row[0] += 1
        row[1] += u.unit in done
        row[2] += u.unit not in done
        row[3] += u.unit not in done and overdue
    return [
        {"region": r, "type": t, "units": c[0], "inspected": c[1], "due": c[2], "overdue": c[3]}
        for (r, t), c in sorted(counts.items())
    ]


def write_plan(plan: TermPlan, out_dir: str | Path) -> list[Path]:
    """plan.jsonl (one placement per line), plan.xlsx and coverage.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            vars(i) | {"exclude_persons": list(i.exclude_persons)},
            ensure_ascii=False,
            sort_keys=True,
        )
        for i in plan.items
    ]
    (out / "plan.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    _write_xlsx(plan, out / "plan.xlsx")
    write_chart(plan.coverage, out / "coverage.png")
    return [out / "plan.jsonl", out / "plan.xlsx", out / "coverage.png"]


PLAN_HEADERS = {
    "round_start": "轮次开始",
    "unit": "单位编码",
    "name": "单位名称",
    "region": "地区",
    "system": "系统",
    "type": "单位类型",
    "kind": "类别",
    "petitions": "信访件数",
    "last_inspected": "上次巡察",
    "escalate": "提级建议",
    "original_round": "原巡察轮次",
}
COVERAGE_HEADERS = {
    "region": "地区",
    "type": "单位类型",
    "units": "单位数",
    "inspected": "已巡察",
    "due": "待巡察",
    "overdue": "超期未巡察",
}


def _write_xlsx(plan: TermPlan, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "巡察规划"
    sheet.append(list(PLAN_HEADERS.values()))
    for item in plan.items:
        sheet.append([getattr(item, k) for k in PLAN_HEADERS])
    cov = book.create_sheet("覆盖进度")
    cov.append(list(COVERAGE_HEADERS.values()))
    for row in plan.coverage:
        cov.append([row[k] for k in COVERAGE_HEADERS])
    book.save(path)


def cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def write_chart(rows: tuple[dict[str, object], ...], path: Path) -> None:
    """Stacked bars per region: inspected, due (not overdue), overdue. Agg backend, no display."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    labels = _labels(font is not None)
    if font:
        plt.rcParams["font.sans-serif"] = [font]
    regions = sorted({str(r["region"]) for r in rows})
    sums = {k: [_sum(rows, reg, k) for reg in regions] for k in ("inspected", "due", "overdue")}
    fresh = [d - o for d, o in zip(sums["due"], sums["overdue"], strict=True)]
    fig, ax = plt.subplots(figsize=(max(4, len(regions) * 0.8 + 2), 4))
    ticks = regions if font else [r if r.isascii() else f"#{i + 1}" for i, r in enumerate(regions)]
    ax.bar(ticks, sums["inspected"], label=labels[0], color="#4c8c4a")
    ax.bar(ticks, fresh, bottom=sums["inspected"], label=labels[1], color="#9bb7d4")
    base = [a + b for a, b in zip(sums["inspected"], fresh, strict=True)]
    ax.bar(ticks, sums["overdue"], bottom=base, label=labels[2], color="#c0504d")
    ax.set_title(labels[3])
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _labels(chinese: bool) -> tuple[str, str, str, str]:
    if chinese:
        return ("已巡察", "待巡察", "超期未巡察", "巡察覆盖进度（按地区）")
    return ("inspected", "due", "overdue", "Coverage by region")


def _sum(rows: Any, region: str, key: str) -> int:
    return sum(int(r[key]) for r in rows if r["region"] == region)
