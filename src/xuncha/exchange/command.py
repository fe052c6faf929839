"""``xuncha ingest BUNDLE --store DIR [--strict]``: a thin call into ``ingest`` and a Chinese summary."""

from __future__ import annotations

import sys
from pathlib import Path

from xuncha.bundle.problems import BundleError
from xuncha.exchange.intake import IngestReport, ingest
from xuncha.exchange.store import PROBLEMS

SHOWN_PROBLEMS = 5


def ingest_command(bundle: Path, store: Path, *, strict: bool) -> int:
    """Exit 0 when the data is in the store (new or unchanged), 1 when the bundle cannot be loaded
    or the store cannot be written."""
    try:
        report = ingest(bundle, store, strict=strict)
    except BundleError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"错误：无法写入数据交换库 {store} / error: cannot write the store: {exc}", file=sys.stderr)
        return 1
    for line in summary_lines(report):
        print(line)
    return 0


def summary_lines(report: IngestReport) -> list[str]:
    return [_headline(report), *_table_lines(report), *_problem_lines(report)]


def _headline(report: IngestReport) -> str:
    if report.new:
        return f"已导入新快照 {report.snapshot}（new snapshot），位置 {report.path}"
    return f"数据未变化，以前已导入：快照 {report.snapshot}（unchanged, loaded before），未写入新快照"


def _table_lines(report: IngestReport) -> list[str]:
    lines = [f"{'表 table':<16}{'读入 read':>10}{'可用 used':>10}{'剔除 rejected':>14}"]
    for name, c in report.info.tables.items():
        lines.append(f"{name:<16}{c.read:>10}{c.used:>10}{c.rejected:>14}")
    return lines


def _problem_lines(report: IngestReport) -> list[str]:
    problems = report.problems
    if not problems:
        return ["数据问题：无 / no problems"]
    errors = sum(p.level == "error" for p in problems)
    lines = [
        f"数据问题 {len(problems)} 条（错误 {errors}，提示 {len(problems) - errors}）/ {len(problems)} problems；"
        f"详见 see {report.path / PROBLEMS}"
    ]
    lines.extend(f"  {p.to_text()}" for p in problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  …… 另有 {len(problems) - SHOWN_PROBLEMS} 条 / {len(problems) - SHOWN_PROBLEMS} more")
    return lines
