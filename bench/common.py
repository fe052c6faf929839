"""Shared helpers for benchmarks: synthetic bundles, timed subprocesses with peak memory."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XUNCHA = [sys.executable, "-m", "xuncha.cli"]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}"


def timed(args: list[str]) -> Run:
    """Run a command; wall time and its peak resident memory (from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(args)}\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def synth_bundle(out_dir: Path, persons: int, seed: int, fmt: str) -> Path:
    """A synthetic bundle, made once and reused (same size, seed and format)."""
    path = out_dir / f"synth-{persons}-{seed}-{fmt}"
    if not (path / "ROUND").exists():
        run = timed(
            [*XUNCHA, "synth", "--persons", str(persons), "--seed", str(seed), "--out", str(path), "--format", fmt]
        )
        print(f"  synthesised {persons:,} persons in {run.seconds:.1f} s -> {path}")
    return path
