"""``xuncha link``: links.jsonl, review.xlsx and a summary in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xuncha import progress
from xuncha.bundle.problems import BundleError
from xuncha.engine.base import EngineOptions
from xuncha.engine.duckdb_engine import memory_limit
from xuncha.link.decisions import DecisionsError
from xuncha.link.model import LinkResult
from xuncha.link.review import write_review


def link_command(
    bundle: Path | None,
    store: Path | None,
    snapshot: str | None,
    *,
    strict: bool,
    decisions: Path | None,
    out: Path,
    engine: EngineOptions | None = None,
) -> int:
    """0 on success; 2 when the data or the decisions file cannot be used."""
    if engine is not None and engine.name != "duckdb":
        click.echo(SPLINK_NOTE, err=True)
    from xuncha.exchange.errors import SourceError
    from xuncha.exchange.source import open_source
    from xuncha.link.run import link

    with progress.report("人员关联 / linking", total=6):
        try:
            with progress.step("读取数据", "loading the data"):
                source = open_source(bundle, store, snapshot, strict=strict)
            with memory_limit(engine.memory_limit if engine else None):
                result = link(source.bundle, decisions=decisions)
        except (SourceError, BundleError, DecisionsError) as exc:
            click.echo(f"错误 error: {exc}", err=True)
            return 2
        with progress.step("写出结果", "writing the results"):
            write_outputs(result, out)
    for line in summary_lines(result, out):
        click.echo(line)
    return 0


SPLINK_NOTE = (
    "提示 / note: 人员关联使用 Splink 的 DuckDB 后端在本机运行，结果与 --engine duckdb 相同 / "
    "linking runs on Splink's DuckDB backend in process; results are those of --engine duckdb"
)


def write_outputs(result: LinkResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_links(result, out / "links.jsonl")
    write_review(result.review, out / "review.xlsx")


def write_links(result: LinkResult, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for record in result.table.to_pylist():
            record["probability"] = round(float(record["probability"]), 6)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def summary_lines(result: LinkResult, out: Path) -> list[str]:
    c = result.counts()
    return [
        f"人员关联 link: 共 {c['rows']} 行涉及人员 / rows naming a person",
        f"  按身份证号精确关联 linked exactly: {c['linked_exact']}",
        f"  概率关联 linked probabilistically: {c['linked_probabilistic']}",
        f"  待人工核对 candidates for review: {c['candidate']}",
        f"  未关联 unlinked: {c['unlinked']}",
        f"输出 written: {out / 'links.jsonl'}, {out / 'review.xlsx'}",
    ]
