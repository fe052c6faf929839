"""``xuncha compare``: run the models, write findings.jsonl, findings.xlsx (and FtM)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from xuncha import progress
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError
from xuncha.compare.ftm import write_ftm
from xuncha.compare.output import with_status, write_jsonl, write_xlsx
from xuncha.compare.run import compare, records
from xuncha.compare.spec import RuleError, load_models, select_models
from xuncha.engine.base import EngineError, EngineOptions
from xuncha.engine.duckdb_engine import memory_limit


def compare_command(
    bundle: Path | None,
    store: Path | None,
    snapshot: str | None,
    *,
    strict: bool,
    models: str,
    rules: Path | None,
    since: str | None,
    fmt: str,
    decisions: Path | None,
    out: Path,
    engine: EngineOptions | None = None,
    exact: bool = False,
) -> int:
    """Exit 0 when done, 1 on bundle or rule errors, 2 on usage errors. ``exact``: resolve rows
    to persons by their ID numbers only (no probabilistic linking)."""
    from xuncha.exchange.errors import SourceError
    from xuncha.exchange.source import open_source

    if exact and decisions is not None:
        print(
            "错误 / error: --link exact 只按身份证号匹配，不使用复核决定；去掉 --decisions 或改用 --link probabilistic"
            " / --link exact matches by ID number only and takes no review decisions;"
            " drop --decisions or use --link probabilistic",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    try:
        specs = select_models(load_models(rules), models)
    except RuleError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    # loading, four link steps (none with exact), views, one step per model, assembling, writing
    total = None if since else len(specs) + (4 if exact else 8)
    with progress.report("大数据比对 / comparison", total=total):
        try:
            with progress.step("读取数据", "loading the data"):
                source = open_source(bundle, store, snapshot, strict=strict)
                earlier = _earlier(source, since, strict)
            found = _run(source.bundle, [s.id for s in specs], rules, decisions, engine, exact)
            if earlier is not None:
                found = with_status(found, _run(earlier, [s.id for s in specs], rules, decisions, engine, exact))
        except SourceError as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 2
        except (BundleError, RuleError, EngineError) as exc:
            print(f"错误 / error: {exc}", file=sys.stderr)
            return 1
        with progress.step("写出结果", "writing the results"):
            _write(found, specs, source.bundle, earlier, fmt, out)
    _report(found, out, time.perf_counter() - started)
    return 0


def _write(
    found: list[dict[str, Any]], specs: Any, bundle: Bundle, earlier: Bundle | None, fmt: str, out: Path
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(found, out / "findings.jsonl")
    names = _names(bundle, earlier)
    write_xlsx(found, [(s.id, s.name, s.severity) for s in specs], names, out / "findings.xlsx")
    if fmt == "ftm":
        write_ftm(bundle, found, out / "findings.ftm.jsonl")


def _earlier(source: Any, since: str | None, strict: bool) -> Bundle | None:
    from xuncha.exchange.errors import SourceError

    if since is None:
        return None
    if source.store is None:
        raise SourceError("--since 需要与 --store 一起使用", "--since needs --store DIR")
    earlier: Bundle = source.store.read(source.store.resolve(since))
    if strict and earlier.errors:
        raise BundleError(earlier.errors[0])
    return earlier


def _run(
    bundle: Bundle,
    models: list[str],
    rules: Path | None,
    decisions: Path | None,
    engine: EngineOptions | None = None,
    exact: bool = False,
) -> list[dict[str, Any]]:
    with memory_limit(engine.memory_limit if engine else None):
        links = None if exact else _links(bundle, decisions)
    if engine is None:
        return records(compare(bundle, links, models=models, rules_dir=rules))
    eng = engine.open()
    try:
        return records(compare(bundle, links, models=models, rules_dir=rules, engine=eng))
    finally:
        eng.close()


def _links(bundle: Bundle, decisions: Path | None) -> Any:
    """Probabilistic links when the link module is present; else exact ID matches only."""
    try:
        from xuncha.link.run import link
    except ImportError:
        print("提示 / note: 未安装人员关联模块，仅按身份证号精确匹配 / exact ID matches only", file=sys.stderr)
        return None
    return link(bundle, decisions=decisions)


def _names(*bundles: Bundle | None) -> dict[str, str]:
    names: dict[str, str] = {}
    for b in bundles:
        if b is not None and b.has("persons"):
            t = b.table("persons")
            names.update(zip(t.column("person_key").to_pylist(), t.column("name").to_pylist(), strict=True))
    return {k: v for k, v in names.items() if k and v}


def _report(found: list[dict[str, Any]], out: Path, seconds: float) -> None:
    by_model = Counter(f["model"] for f in found if f.get("status") != "resolved")
    text = "，".join(f"{m} {n}" for m, n in sorted(by_model.items())) or "无"
    print(f"问题线索 / findings: {text}；用时 {seconds:.1f} 秒；输出 {out}", file=sys.stderr)
    statuses = Counter(f["status"] for f in found if "status" in f)
    if statuses:
        print("与早前快照比较 / since: " + "，".join(f"{k} {v}" for k, v in sorted(statuses.items())), file=sys.stderr)
