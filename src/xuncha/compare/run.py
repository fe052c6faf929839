"""Run comparison models over a bundle and assemble findings (问题线索)."""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from xuncha import progress
from xuncha.bundle.model import Bundle
from xuncha.compare.spec import ModelSpec, RuleError, load_models, rule_problem, select_models
from xuncha.compare.views import setup_views
from xuncha.engine.base import Engine, EngineError, open_engine
from xuncha.screening.paths import PathRenderer

STEP = pa.struct([("from", pa.string()), ("relation", pa.string()), ("to", pa.string())])
FINDING_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("model", pa.string()),
        ("model_name", pa.string()),
        ("severity", pa.string()),
        ("unit", pa.string()),
        ("unit_name", pa.string()),
        ("persons", pa.list_(pa.string())),
        ("summary", pa.string()),
        ("evidence", pa.list_(pa.map_(pa.string(), pa.string()))),
        ("path", pa.list_(STEP)),
    ]
)


def compare(
    bundle: Bundle,
    links: Any = None,
    *,
    models: str | Sequence[str] = "all",
    rules_dir: Path | None = None,
    engine: Engine | None = None,
    on: date | None = None,
) -> pa.Table:
    """Findings of the chosen models, sorted by model and key (schema ``FINDING_SCHEMA``).

    ``links`` is a ``LinkResult`` (or None: exact ID resolution only). ``on`` overrides
    the reference date ``$as_of`` (default: the latest date in the departmental data)."""
    specs = select_models(load_models(rules_dir), models)
    eng = engine or open_engine()
    try:
        with progress.step("准备比对视图", "comparison views"):
            as_of = setup_views(bundle, eng, links, on=on)
        rows = []
        for spec in specs:
            with progress.step(f"比对模型「{spec.name}」", f"model {spec.id}"):
                rows.append((spec, _run(eng, spec, as_of)))
        with progress.step("汇总问题线索", "assembling leads"):
            return _assemble(eng, rows)
    finally:
        if engine is None:
            eng.close()


def _run(engine: Engine, spec: ModelSpec, as_of: date) -> list[dict[str, Any]]:
    try:
        table = engine.arrow(spec.query, spec.bind({"as_of": as_of}))
    except (duckdb.Error, EngineError) as err:
        raise RuleError(
            [
                rule_problem(
                    spec.file,
                    spec.line,
                    "query",
                    f"模型「{spec.id}」查询出错：{err}",
                    f"query of {spec.id} failed: {err}",
                )
            ]
        ) from err
    _check_columns(spec, table.column_names)
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _check_columns(spec: ModelSpec, columns: list[str]) -> None:
    named = [spec.unit, spec.path, *spec.persons, *spec.evidence, *spec.key]
    named += [f for _, f, _, _ in string.Formatter().parse(spec.summary) if f]
    allowed = set(columns) | ({"kin_term"} if spec.path else set())
    missing = sorted({n for n in named if n and n not in allowed})
    if missing:
        names = ", ".join(missing)
        raise RuleError(
            [
                rule_problem(
                    spec.file,
                    spec.line,
                    None,
                    f"模型「{spec.id}」引用了查询结果中没有的列：{names}",
                    f"model {spec.id} names columns its query does not return: {names}",
                )
            ]
        )


def _assemble(engine: Engine, results: list[tuple[ModelSpec, list[dict[str, Any]]]]) -> pa.Table:
    edge_ids = {e for spec, rows in results if spec.path for r in rows for e in (r.get(spec.path) or [])}
    renderer = PathRenderer(engine, edge_ids) if edge_ids else None
    units = {r["unit_id"]: r["name"] for r in engine.arrow("SELECT unit_id, name FROM units").to_pylist()}
    out: list[dict[str, Any]] = []
    for spec, rows in results:
        found = [_finding(spec, r, renderer, units) for r in rows]
        out.extend(_unique_keys(found))
    out.sort(key=lambda f: (f["model"], f["key"]))
    return pa.Table.from_pylist(out, schema=FINDING_SCHEMA)


def _finding(
    spec: ModelSpec, row: dict[str, Any], renderer: PathRenderer | None, units: dict[str, str]
) -> dict[str, Any]:
    edges = row.get(spec.path) if spec.path else None
    path = renderer.steps(edges) if renderer and edges else None
    values = dict(row)
    if spec.path:
        values["kin_term"] = renderer.kin_term(edges) if renderer and edges else ""
    unit = _text(row.get(spec.unit)) if spec.unit else None
    persons = _flat_strings(row.get(c) for c in spec.persons)
    kin_sources = renderer.sources(edges) if renderer and edges else []
    evidence = _evidence([*(row.get(c) for c in spec.evidence), kin_sources])
    extra = [_plain(row.get(k)) for k in spec.key]
    return {
        "key": finding_key(spec.id, unit, persons, extra),
        "model": spec.id,
        "model_name": spec.name,
        "severity": spec.severity,
        "unit": unit,
        "unit_name": units.get(unit) if unit else None,
        "persons": persons,
        "summary": _format(spec.summary, values),
        "evidence": [list(e.items()) for e in evidence],
        "path": path,
        "_sources": sorted(e["source"] for e in evidence),
    }


def finding_key(model: str, unit: str | None, persons: list[str], extra: list[Any]) -> str:
    """Stable across runs and snapshots: model, unit, persons and the model's ``key``
    columns. Evidence sources are left out, so a finding that gains a month stays the same."""
    text = json.dumps([model, unit, persons, extra], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _unique_keys(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two findings of one model with the same key are told apart by their sources."""
    counts: dict[str, int] = {}
    for f in found:
        counts[f["key"]] = counts.get(f["key"], 0) + 1
    for f in found:
        sources = f.pop("_sources")
        if counts[f["key"]] > 1:
            f["key"] = finding_key(f["model"], f["unit"], f["persons"], sources)
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return "、".join(t for v in value if (t := _text(v)))
    return str(value)


def _flat_strings(values: Any) -> list[str]:
    out: list[str] = []
    for value in values:
        for v in value if isinstance(value, list | tuple) else [value]:
            if v is not None and str(v) not in out:
                out.append(str(v))
    return out


def _evidence(values: Any) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for value in values:
        for v in sorted(value, key=_source_order) if isinstance(value, list | tuple) else [value]:
            item = {"source": v} if isinstance(v, str) else v
            if not isinstance(item, dict) or not item.get("source"):
                continue
            fields = {k: t for k, x in item.items() if (t := _text(x)) is not None}
            seen.setdefault(fields["source"], fields)
    return list(seen.values())


def _source_order(value: Any) -> tuple[str, int]:
    source = value if isinstance(value, str) else (value or {}).get("source") if isinstance(value, dict) else None
    file, _, row = str(source or "").rpartition(":")
    return (file, int(row)) if row.isdigit() else (str(source or ""), 0)


def _format(template: str, values: dict[str, Any]) -> str:
    return template.format_map({k: _text(v) or "" for k, v in values.items()})


def records(table: pa.Table) -> list[dict[str, Any]]:
    """Findings as plain dicts in the spec's shape (evidence maps become dicts)."""
    rows: list[dict[str, Any]] = table.to_pylist()
    for row in rows:
        row["evidence"] = [dict(e) for e in row["evidence"] or []]
    return rows
