"""Benchmark the comparison models (issue 4): all six built-in models on a synthetic county.

    .venv/bin/python bench/compare.py --persons 1000000

Synthesises (once, cached under bench/out) a bundle with ``xuncha synth``, loads it, and times
``compare`` with exact ID resolution (links=None) separately from loading, so the models'
cost is visible on its own; prints the departmental row counts and findings per model, and
how many planted findings were found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine, synth_bundle

from xuncha.bundle.load import load_bundle
from xuncha.compare import compare, records

TABLES = ("subsidies", "payroll", "company_roles", "payments", "vehicles", "real_estate", "deaths")


def planted_found(bundle_dir: Path, found: list[dict[str, object]], name: str) -> tuple[int, int]:
    path = bundle_dir / f"{name}.jsonl"
    if not path.exists():
        return (0, 0)
    planted = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    index = {(f["model"], f["unit"], p) for f in found for p in f["persons"]}  # type: ignore[attr-defined]
    hits = sum(all((p["model"], p["unit"], q) in index for q in p["persons"]) for p in planted)
    return hits, len(planted)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)  # not 11: older caches lack departmental tables
    args = parser.parse_args()
    print(f"machine: {machine()}")
    path = synth_bundle(ROOT / "bench" / "out", args.persons, args.seed, "csv")
    start = time.perf_counter()
    bundle = load_bundle(path)
    loaded = time.perf_counter() - start
    rows = {t: bundle.tables[t].used for t in TABLES if t in bundle.tables}
    print(f"persons {bundle.tables['persons'].used:,}; " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
    print(f"load bundle: {loaded:.1f} s")
    start = time.perf_counter()
    table = compare(bundle, None)
    seconds = time.perf_counter() - start
    found = records(table)
    counts = Counter(str(f["model"]) for f in found)
    print(f"compare (all six models, exact ID resolution): {seconds:.1f} s, {len(found):,} findings")
    for model, n in sorted(counts.items()):
        print(f"  {model:20s} {n:,}")
    hits, total = planted_found(path, found, "planted_findings")
    print(f"planted findings found: {hits}/{total}")
    hits, total = planted_found(path, found, "planted_findings_negative")
    print(f"planted near misses wrongly found: {hits}/{total}")


if __name__ == "__main__":
    main()
