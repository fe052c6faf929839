"""Benchmark: screening and all comparison models as the population grows, with bounded memory.

For each size, on a synthetic bundle from ``xuncha synth`` (CSV, seed 4: it carries the
departmental tables): ``xuncha screen`` (all stages) and ``xuncha compare`` (linking, then all six models) on
DuckDB with ``--memory-limit``, each in its own process. Prints wall time, peak resident memory
(from wait4) and the largest size DuckDB's spill folders reached (polled every 0.2 s in a TMPDIR of
the bench's own), then the growth exponent between consecutive sizes (log t2/t1 / log n2/n1:
1.0 is linear). ``--steps`` chooses among duckdb (every size), spark (the smallest size on Spark in local mode)
and incremental (re-screening after one small change at the smallest size).

    .venv/bin/python bench/scale.py --sizes 1000000 5000000 --memory-limit 4GB
    .venv/bin/python bench/scale.py --sizes 1000000 --steps spark
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib
import itertools
import json
from dataclasses import asdict

from common import ROOT, XUNCHA, machine, synth_bundle


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    spill_mb: float
    steps: dict[str, float] = field(default_factory=dict)  # the command's own timed steps


STEP_LINE = re.compile(r"^\s+\[\d+(?:/\d+)?\] (.+?) / .+?：([\d.]+) 秒 s$")


def step_times(output: str) -> dict[str, float]:
    """The steps a command reported on stderr (``  [k/n] 名称 / name：12.3 秒 s``)."""
    found = {}
    for line in output.splitlines():
        if m := STEP_LINE.match(line):
            found[m.group(1)] = float(m.group(2))
    return found


def folder_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total / 2**20


def run(args: list[str], spill_root: Path) -> Measured:
    """Run a command with TMPDIR in ``spill_root``; time, peak memory and the largest spill seen."""
    shutil.rmtree(spill_root, ignore_errors=True)
    spill_root.mkdir(parents=True)
    largest = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            largest[0] = max(largest[0], folder_mb(spill_root))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(spill_root)}
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(args)}\n{output.decode('utf-8', 'replace')[-3000:]}")
    return Measured(seconds, usage.ru_maxrss / 1024, largest[0], step_times(output.decode("utf-8", "replace")))


COMPARE_STEPS = {"probabilistic": "compare", "exact": "compare-exact"}


def measure(bundle: Path, out: Path, engine: list[str], links: list[str]) -> dict[str, Measured]:
    """``screen``, then ``compare`` once per way of resolving rows to persons in ``links``:
    ``compare`` links the rows first (Splink), then runs the six models; ``compare-exact``
    (``--link exact``) resolves them by ID numbers only and runs the same six models."""
    round_id = (bundle / "ROUND").read_text(encoding="utf-8").strip()
    spill = out / "tmp"
    screen = [*XUNCHA, "screen", str(bundle), "--round", round_id, *engine, "--out", str(out / "screen")]
    result = {"screen": run(screen, spill)}
    for mode in links:
        step = COMPARE_STEPS[mode]
        compare = [*XUNCHA, "compare", str(bundle), "--models", "all", "--link", mode, *engine]
        result[step] = run([*compare, "--out", str(out / step)], spill)
    return result


def recorded(path: Path) -> dict[str, Any]:
    """Earlier measurements by run label (``size engine limit``), kept so sizes can be run apart."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def measured(path: Path, label: str, reuse: bool, work: Callable[[], dict[str, Measured]]) -> dict[str, Measured]:
    """``work()``'s figures, or with ``reuse`` those recorded under ``label`` by an earlier run."""
    book = recorded(path)
    if reuse and label in book:
        print(f"  (reusing the figures recorded for {label} in {path.name})")
        return {step: Measured(**m) for step, m in book[label].items()}
    result = work()
    book = recorded(path)
    book[label] = {step: asdict(m) for step, m in result.items()}
    path.write_text(json.dumps(book, indent=2) + "\n", encoding="utf-8")
    return result


def show(label: str, results: dict[str, Measured]) -> None:
    for step, m in results.items():
        print(
            f"  {label:<22} {step:<8} {m.seconds:8.1f} s   peak {m.peak_mb:8,.0f} MB   temp disk {m.spill_mb:8,.0f} MB",
            flush=True,
        )
        if m.steps:
            print("      " + "; ".join(f"{name} {t:.1f} s" for name, t in m.steps.items()), flush=True)


def growth(sizes: list[int], table: dict[int, dict[str, Measured]]) -> None:
    for small, large in itertools.pairwise(sizes):
        for step in [s for s in ("screen", *COMPARE_STEPS.values()) if s in table[small] and s in table[large]]:
            exponent = math.log(table[large][step].seconds / table[small][step].seconds) / math.log(large / small)
            print(f"  growth {step:<8} {small:,} -> {large:,}: exponent {exponent:.2f} (1.0 = linear)")


def duckdb_sizes(args: argparse.Namespace, book: Path, run_them: bool) -> dict[int, dict[str, Measured]]:
    """Each size on DuckDB under the memory limit (or, when not ``run_them``, its recorded figures)."""
    table: dict[int, dict[str, Measured]] = {}
    for size in args.sizes:
        links = ["exact"] if args.exact_from and size >= args.exact_from else args.link
        label = f"{size} duckdb {args.memory_limit} {'+'.join(links)}"
        if not run_them and label not in recorded(book):
            continue
        bundle = synth_bundle(args.out, size, args.seed, "csv")

        def work(b: Path = bundle, s: int = size, modes: list[str] = links) -> dict[str, Measured]:
            return measure(b, args.out / f"scale-{s}-duckdb", ["--memory-limit", args.memory_limit], modes)

        table[size] = measured(book, label, args.reuse or not run_them, work)
        show(f"{size:,} duckdb", table[size])
    growth([s for s in args.sizes if s in table], table)
    return table


def spark_size(args: argparse.Namespace, book: Path, duck: dict[int, dict[str, Measured]], run_it: bool) -> None:
    """The smallest size on Spark in local mode (or, when not ``run_it``, its recorded figures),
    and its ratio to DuckDB."""
    size = args.sizes[0]
    bundle = synth_bundle(args.out, size, args.seed, "csv")
    config = args.out / "spark-bench.yaml"  # local mode: the driver is the executor and needs the memory
    config.write_text(f"spark.driver.memory: {args.spark_memory}\nspark.sql.shuffle.partitions: 16\n", "utf-8")
    options = ["--engine", "spark", "--spark-master", args.spark_master, "--spark-config", str(config)]
    spark = measured(
        book,
        f"{size} spark {args.spark_master}",
        args.reuse or not run_it,
        lambda: measure(bundle, args.out / f"scale-{size}-spark", options, ["probabilistic"]),
    )
    show(f"{size:,} spark", spark)
    for step in ("screen", "compare"):
        if step in duck.get(size, {}):
            print(f"  spark / duckdb {step}: {spark[step].seconds / duck[size][step].seconds:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument(
        "--steps",
        nargs="+",
        choices=["duckdb", "spark", "incremental"],
        default=["duckdb", "spark", "incremental"],
        help="what to run (a step left out shows its recorded figures, if any)",
    )
    parser.add_argument(
        "--link",
        nargs="+",
        choices=list(COMPARE_STEPS),
        default=["probabilistic"],
        help="how compare resolves rows to persons (each given is measured)",
    )
    parser.add_argument(
        "--exact-from",
        type=int,
        default=0,
        help="from this size on, compare with --link exact only (Splink's candidate pairs outgrow the disk)",
    )
    parser.add_argument("--spark-master", default="local[2]")
    parser.add_argument("--spark-memory", default="8g", help="spark.driver.memory in local mode")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--reuse", action="store_true", help="take a size's figures from bench/out/scale.json when it was measured"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"DuckDB --memory-limit {args.memory_limit}; sizes {', '.join(f'{n:,}' for n in args.sizes)}", flush=True)
    book = args.out / "scale.json"
    duck = duckdb_sizes(args, book, "duckdb" in args.steps)
    if "spark" in args.steps or f"{args.sizes[0]} spark {args.spark_master}" in recorded(book):
        spark_size(args, book, duck, run_it="spark" in args.steps)
    if "incremental" in args.steps:
        incremental_size(args, book)


def incremental_size(args: argparse.Namespace, book: Path) -> None:
    """Re-screening after one small change at the smallest size (bench/incremental.py)."""
    import incremental

    size = args.sizes[0]
    label = f"{size} incremental"
    rows: list[dict[str, Any]] | None = recorded(book).get(label, {}).get("rows") if args.reuse else None
    if rows is None:
        rows = incremental.measure(size, args.out)
        whole = recorded(book)
        whole[label] = {"rows": rows}
        book.write_text(json.dumps(whole, indent=2) + "\n", encoding="utf-8")
    for row in rows:
        print(
            f"  {size:,} incremental {row['change']:<30} re-screen {row.get('rescreen_s', 0):7.3f} s"
            f"   writing outputs {row.get('output_s', 0):6.1f} s   process {row['wall_s']:6.1f} s"
            + (f"   equals full run: {row['equals_full_run']}" if "equals_full_run" in row else "")
        )


if __name__ == "__main__":
    main()
