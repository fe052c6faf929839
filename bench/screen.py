"""Benchmark: validate + screen on synthetic bundles, against a plain-Python reference.

Prints what it measured, on what data, and the ratio to the baseline (a plain-Python
per-pair reference screening, run on the smallest size). Targets from issue 2: the 1M
screen in at most 60 s and 4 GB peak memory on the 2-core machine.

    .venv/bin/python bench/screen.py --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, XUNCHA, machine, synth_bundle, timed

STATUTORY_KIN = ("spouse", "lineal", "collateral3", "in_law")
ALL_KIN = (*STATUTORY_KIN, "other_kin")
TIME_TARGET_S = 60.0
MEMORY_TARGET_MB = 4096.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument(
        "--reference-size", type=int, default=None, help="size to run the reference on (default: smallest)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {machine()}")
    results = [measure(size, args) for size in sizes]
    if not args.no_reference:
        wanted = args.reference_size or min(sizes)
        reference(next(r for r in results if r["persons"] == wanted), args)
    report(results)


def measure(size: int, args: argparse.Namespace) -> dict[str, Any]:
    bundle = synth_bundle(args.out, size, args.seed, args.format)
    round_id = (bundle / "ROUND").read_text().strip()
    out = args.out / f"screen-{size}"
    out.mkdir(parents=True, exist_ok=True)
    validate = timed([*XUNCHA, "validate", str(bundle), "--format", "json", "--out", str(out / "validation.json")])
    screen = timed([*XUNCHA, "screen", str(bundle), "--round", round_id, "--out", str(out)])
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    row = {
        "persons": size,
        "format": args.format,
        "bundle": str(bundle),
        "round": round_id,
        "inspectors": summary["stats"]["candidates"],
        "targets": summary["stats"]["targets"],
        "edges": summary["stats"]["edges"],
        "conflicts": summary["conflicts"],
        "validate_s": validate.seconds,
        "validate_mb": validate.peak_mb,
        "screen_s": screen.seconds,
        "screen_mb": screen.peak_mb,
        "out": str(out),
    }
    print(
        f"{size:>9,} persons ({args.format}): {row['inspectors']:,} inspectors x {row['targets']:,} targets, "
        f"{row['edges']:,} graph edges -> {row['conflicts']:,} conflicts | "
        f"validate {validate.seconds:.1f} s / {validate.peak_mb:.0f} MB | "
        f"screen {screen.seconds:.1f} s / {screen.peak_mb:.0f} MB"
    )
    return row


def reference(row: dict[str, Any], args: argparse.Namespace) -> None:
    """Plain-Python per-pair screening of the kin, work, superior and study rules."""
    from xuncha.bundle.load import load_bundle
    from xuncha.engine.base import open_engine
    from xuncha.graph.build import build_graph
    from xuncha.policy.model import load_policy
    from xuncha.screening.context import round_info
    from xuncha.screening.run import _screen

    bundle = load_bundle(Path(row["bundle"]))
    engine = open_engine()
    graph = build_graph(bundle, engine)
    start = time.perf_counter()
    with _screen(engine, round_info(bundle, row["round"]), load_policy(), {1, 2, 3}, graph) as result:
        engine_s = time.perf_counter() - start
        engine_ties = _engine_kin(result)
        data = _export(result)
    start = time.perf_counter()
    ref_ties, pairs = _reference_screen(data)
    seconds = time.perf_counter() - start
    same = ref_ties == engine_ties
    row.update(reference_s=seconds, reference_pairs=pairs, reference_match=same, engine_screen_s=engine_s)
    print(
        f"screening stage on the same graph ({row['persons']:,} persons): engine (all rules, records) "
        f"{engine_s:.1f} s; plain-Python per-pair reference (kin rules only) {seconds:.1f} s over {pairs:,} "
        f"(inspector, target, counterpart) triples; kin ties equal: {same} ({len(engine_ties):,} ties); "
        f"ratio reference/engine = {seconds / engine_s:.2f}x"
    )


def _engine_kin(result: Any) -> set[tuple[str, str, str]]:
    rows = result.query(
        """SELECT DISTINCT inspector, counterpart, category FROM conflicts
           WHERE category IN ('spouse', 'lineal', 'collateral3', 'in_law', 'other_kin')"""
    ).to_pylist()
    return {(r["inspector"], r["counterpart"], r["category"]) for r in rows}


def _export(result: Any) -> dict[str, Any]:
    q = result.query
    return {
        "edges": q("SELECT src, dst, step, ends FROM edges").to_pylist(),
        "nodes": {r["node_id"]: r["key"] for r in q("SELECT node_id, key FROM nodes").to_pylist()},
        "cands": q("SELECT person, node_id FROM cands").to_pylist(),
        "key_persons": q("SELECT target, person FROM key_persons").to_pylist(),
        "employees": q("SELECT target, person FROM employees").to_pylist(),
        "start": result.round.start_date,
    }


def _reference_screen(data: dict[str, Any]) -> tuple[set[tuple[str, str, str]], int]:
    from xuncha.screening.reference import kin_ties

    start = data["start"]
    keys = data["nodes"]
    adj: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in data["edges"]:
        if e["ends"] is None or e["ends"] > start:
            adj[keys[e["src"]]].append((e["step"], keys[e["dst"]]))
    scopes: list[tuple[str, str, tuple[str, ...]]] = [
        (r["target"], r["person"], ALL_KIN) for r in data["key_persons"]
    ] + [(r["target"], r["person"], STATUTORY_KIN) for r in data["employees"]]
    everyone = {person for _, person, _ in scopes}
    found: set[tuple[str, str, str]] = set()
    pairs = 0
    for cand in data["cands"]:
        ties = kin_ties(adj, [cand["person"]], everyone)
        for _target, person, categories in scopes:  # per (inspector, target, counterpart) pair
            pairs += 1
            for cat in categories:
                if (cand["person"], person, cat) in ties:
                    found.add((cand["person"], person, cat))
    return found, pairs


def report(results: list[dict[str, Any]]) -> None:
    print("\nsummary:")
    for row in results:
        verdict = ""
        if row["persons"] >= 1_000_000:
            ok = row["screen_s"] <= TIME_TARGET_S and row["screen_mb"] <= MEMORY_TARGET_MB
            verdict = (
                f"  target <= {TIME_TARGET_S:.0f} s and <= {MEMORY_TARGET_MB:.0f} MB: {'met' if ok else 'NOT met'}"
            )
        print(f"  {row['persons']:>9,}: screen {row['screen_s']:.1f} s, peak {row['screen_mb']:.0f} MB{verdict}")
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "screen.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
