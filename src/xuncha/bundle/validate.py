"""``xuncha validate``: every problem of a bundle, and how many rows of each table were used."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from xuncha.bundle.load import read_bundle
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.bundle.read import is_workbook

USABLE, UNUSABLE, USAGE = 0, 1, 2
_FILES = "（文件）"


def validate_command(path: Path, *, fmt: str, strict: bool, out: Path | None) -> int:
    """Print the report; 0 when the bundle is usable, 1 when a required table or column is
    missing (or, with ``strict``, on any problem), 2 when ``path`` is no bundle."""
    if not (path.is_dir() or is_workbook(path)):
        click.echo(
            f"{path}: 不是目录也不是 .xlsx 工作簿 / neither a directory nor an .xlsx workbook",
            err=True,
        )
        return USAGE
    bundle = read_bundle(path)
    bundle.problems.extend(_integrity(bundle))
    code = UNUSABLE if bundle.fatal or (strict and bundle.problems) else USABLE
    report = _report(bundle, code)
    if out is not None:
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_text(bundle, code)
    return code


def _integrity(bundle: Bundle) -> list[Problem]:
    """Checks across tables that need the graph (parent cycles, relation terms)."""
    if bundle.fatal:
        return []
    from xuncha.graph.checks import integrity_problems

    return list(integrity_problems(bundle))


def _report(bundle: Bundle, code: int) -> dict[str, Any]:
    return {
        "bundle": str(bundle.root),
        "usable": not bundle.fatal,
        "exit_code": code,
        "errors": sum(p.level == "error" for p in bundle.problems),
        "warnings": sum(p.level == "warning" for p in bundle.problems),
        "summary": bundle.summary(),
        "problems": [p.to_dict() for p in bundle.problems],
    }


def _grouped(problems: list[Problem]) -> dict[str, list[Problem]]:
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.table or _FILES, []).append(problem)
    return groups


def _print_text(bundle: Bundle, code: int) -> None:
    for table, problems in _grouped(bundle.problems).items():
        click.echo(f"== {table} ({len(problems)}) ==")
        for problem in problems:
            click.echo(problem.to_text())
    click.echo(_summary_text(bundle))
    click.echo(_verdict(bundle, code))


def _summary_text(bundle: Bundle) -> str:
    header = ("表 table", "文件 file", "读取 read", "使用 used", "拒绝 rejected")
    rows = [header] + [
        (str(s["table"]), str(s["file"]), str(s["read"]), str(s["used"]), str(s["rejected"])) for s in bundle.summary()
    ]
    if sys.stdout.isatty():
        return _rich_table(rows)
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(["", *lines])


def _rich_table(rows: Sequence[tuple[str, ...]]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(*rows[0], title="汇总 / summary")
    for row in rows[1:]:
        table.add_row(*row)
    console = Console(record=True)
    with console.capture() as capture:
        console.print(table)
    return capture.get()


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _verdict(bundle: Bundle, code: int) -> str:
    errors = sum(p.level == "error" for p in bundle.problems)
    warnings = len(bundle.problems) - errors
    counts = f"{errors} 个错误 / errors, {warnings} 个提示 / warnings"
    if bundle.fatal:
        return f"数据包不可用 / the bundle cannot be used ({counts})"
    if code:
        return f"--strict: 存在问题 / problems found ({counts})"
    return f"数据包可用 / the bundle is usable ({counts})"
