"""``xuncha screen``: load, screen, write, and say what was found in plain Chinese."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xuncha import progress
from xuncha.bundle.problems import BundleError
from xuncha.engine.base import EngineError, EngineOptions
from xuncha.labels import CATEGORY_ZH, SEVERITY_ZH
from xuncha.policy.model import PolicyError, load_policy
from xuncha.screening.output import (
    summary,
    workbook_data,
    write_conflicts_jsonl,
    write_xlsx,
)
from xuncha.screening.run import ScreenResult, screen

if TYPE_CHECKING:
    from xuncha.screening.incremental import Outcome


def screen_command(
    bundle_path: Path,
    round_id: str,
    *,
    stage: str,
    policy: Path | None,
    strict: bool,
    out: Path,
    engine: EngineOptions | None = None,
    incremental: Path | None = None,
) -> int:
    from xuncha.bundle.load import load_bundle

    if incremental is not None:
        return _incremental_command(bundle_path, round_id, stage, policy, strict, out, engine, incremental)
    started = time.perf_counter()
    # loading, three graph stages, three screening stages, writing
    with progress.report("回避审查 / screening", total=8):
        try:
            with progress.step("读取数据包", "loading the bundle"):
                rules = load_policy(policy)
                bundle = load_bundle(bundle_path, strict=strict)
            stages = (1, 2, 3) if stage == "all" else (int(stage),)
            result = screen(bundle, round_id, rules, stages=stages, engine=engine.open() if engine else None)
        except (BundleError, PolicyError, EngineError) as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 1
        with result:
            result.problems = bundle.problems + result.problems
            with progress.step("写出结果", "writing the results"):
                doc = write_outputs(result, out)
            _report(result, doc, out, time.perf_counter() - started)
    return 0


def write_outputs(result: ScreenResult, out: Path) -> dict[str, Any]:
    """Write conflicts.jsonl, conflicts.xlsx and summary.json; return the summary."""
    out.mkdir(parents=True, exist_ok=True)
    book = workbook_data(result)
    doc = summary(result)
    # the engine writes the JSON lines while Python writes the workbook
    with ThreadPoolExecutor(max_workers=1) as pool:
        jsonl = pool.submit(write_conflicts_jsonl, result, out / "conflicts.jsonl")
        write_xlsx(book, out / "conflicts.xlsx")
        jsonl.result()
    full = {**doc, "problem_list": [p.to_dict() for p in result.problems]}
    (out / "summary.json").write_text(json.dumps(full, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return doc


def _report(result: ScreenResult, doc: dict[str, Any], out: Path, seconds: float) -> None:
    print(
        f"轮次 {result.round.round_id}（{result.round.name}，{result.round.mode}）回避审查完成，用时 {seconds:.1f} 秒"
    )
    print(
        f"  巡察对象 {doc['stats'].get('targets', 0)} 个，审查人员 {doc['stats'].get('candidates', 0)} 人，"
        f"发现关系 {doc['conflicts']} 条"
    )
    for sev, n in sorted(doc["by_severity"].items(), key=lambda kv: kv[0]):
        print(f"  {SEVERITY_ZH[sev]}：{n}")
    cats = "，".join(f"{CATEGORY_ZH.get(c, c)} {n}" for c, n in doc["by_category"].items())
    print(f"  按类别：{cats}")
    if result.problems:
        print(
            f"  数据问题 {len(result.problems)} 条，见 summary.json / "
            f"{len(result.problems)} input problems listed in summary.json"
        )
    print(f"结果已写入 / written: {out / 'conflicts.jsonl'}, {out / 'conflicts.xlsx'}, {out / 'summary.json'}")


def _incremental_command(
    bundle_path: Path,
    round_id: str,
    stage: str,
    policy: Path | None,
    strict: bool,
    out: Path,
    engine: EngineOptions | None,
    state_dir: Path,
) -> int:
    from xuncha.screening.incremental import finish, screen_with_state, write_changes
    from xuncha.screening.state import run_key

    if engine is not None and engine.name != "duckdb":
        print(
            "错误 / error: 增量审查的状态保存在 DuckDB 中，不能与 --engine spark 同用 / "
            "--incremental keeps its state in DuckDB and cannot run with --engine spark",
            file=sys.stderr,
        )
        return 1
    stages = [1, 2, 3] if stage == "all" else [int(stage)]
    try:
        rules = load_policy(policy)
        key = run_key(bundle_path, round_id, stages, policy, strict)
        outcome = screen_with_state(
            bundle_path, round_id, rules, key, state_dir, memory_limit=engine.memory_limit if engine else None
        )
    except (BundleError, PolicyError, EngineError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    try:
        started = time.perf_counter()
        with (
            progress.report("写出结果 / writing the results"),
            progress.step("写出审查结果和变化清单", "conflicts and changes"),
        ):
            doc = write_outputs(outcome.result, out)
            write_changes(outcome.result.engine, out / "changes.jsonl")
        writing = time.perf_counter() - started
        _report(outcome.result, doc, out, outcome.screen_seconds)
        _report_incremental(outcome, writing)
    finally:
        finish(outcome)
    return 0


def _report_incremental(outcome: Outcome, writing: float) -> None:
    if outcome.incremental:
        tables = "、".join(outcome.changed) or "无 none"
        rows = "，".join(
            f"{t} +{outcome.delta.added.get(t, 0)}/-{outcome.delta.removed.get(t, 0)}" for t in outcome.changed
        )
        print(f"增量审查 / incremental: 变化的表 changed tables: {tables}（{rows or '无变化 no change'}）")
        print(f"  重新审查巡察干部 {outcome.rescreened} 人 / inspectors re-screened: {outcome.rescreened}")
    else:
        zh, en = outcome.reason or ("", "")
        print(f"全量审查 / full screen: {zh} / {en}")
    print(
        f"  关系新增 {outcome.added} 条、消失 {outcome.removed} 条 / "
        f"conflicts added {outcome.added}, removed {outcome.removed}"
    )
    print(f"  审查用时 {outcome.screen_seconds:.3f} 秒 / re-screen time {outcome.screen_seconds:.3f} s")
    print(f"  写出结果用时 {writing:.3f} 秒 / output writing time {writing:.3f} s（含 changes.jsonl）")
