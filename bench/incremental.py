"""Benchmark: incremental screening (``xuncha screen ... --incremental STATE_DIR``).

A full screen saves its state; then three changes an office makes between runs (one new
inspector, one declaration, one new cadre form that ties an inspector to a key person)
are screened incrementally, each in a subprocess. The working bundle links the unchanged
files of the synthetic bundle; only the changed table file is written. Printed per change:
the re-screen time the command measures (detecting, loading, diffing, re-screening), the
output-writing time, the whole-process wall time, inspectors re-screened, conflicts added
and removed, and whether the result equals a full run on the changed bundle.

    .venv/bin/python bench/incremental.py --persons 1000000
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, XUNCHA, machine, synth_bundle, timed

TARGET_S = 1.0


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _append(work: Path, source: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Write the changed table as a real file (the rest stay links to the source bundle)."""
    path = work / f"{table}.csv"
    if path.is_symlink():
        path.unlink()
        shutil.copyfile(source / f"{table}.csv", path)
    head = _header(path)
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerows([r.get(h, "") for h in head] for r in rows)


def _working_copy(source: Path, work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for item in source.iterdir():
        (work / item.name).symlink_to(item.resolve())


def _key_positions(source: Path, round_id: str) -> list[dict[str, str]]:
    targets = {r["unit"] for r in _rows(source / "round_targets.csv") if r["round"] == round_id}
    return [r for r in _rows(source / "positions.csv") if r["unit"] in targets and r["role"] in ("一把手", "班子成员")]


def _changes(source: Path, round_id: str) -> list[tuple[str, str, list[dict[str, str]]]]:
    """(label, table, rows appended) for the three changes."""
    inspectors = _rows(source / "inspectors.csv")
    keys = _key_positions(source, round_id)
    taken = {r["person"] for r in inspectors}
    newcomer = next(r["person"] for r in reversed(keys) if r["person"] not in taken)
    cadre = inspectors[len(inspectors) // 3]["person"]
    units = {r["unit_id"]: r["name"] for r in _rows(source / "units.csv")}
    return [
        ("one inspector", "inspectors", [{**inspectors[0], "person": newcomer, "roles": "组员"}]),
        (
            "one declaration",
            "declarations",
            [
                {
                    "round": round_id,
                    "inspector": inspectors[5]["person"],
                    "counterpart": keys[0]["person"],
                    "relation": "同学",
                    "date": "",
                }
            ],
        ),
        (
            "one cadre form",
            "family_members",
            [
                {"cadre": cadre, "relation": "哥哥", "name": "某", "id_number": keys[1]["person"]},
                {"cadre": cadre, "relation": "表弟", "name": "某某", "id_number": keys[2]["person"]},
                {
                    "cadre": cadre,
                    "relation": "女儿",
                    "name": "新成员",
                    "birth_month": "1998.02",
                    "employer_title": units[keys[3]["unit"]] + "科员",
                },
            ],
        ),
    ]


_FIGURES = {
    "rescreen_s": r"re-screen time ([\d.]+) s",
    "output_s": r"output writing time ([\d.]+) s",
    "inspectors_rescreened": r"inspectors re-screened: (\d+)",
    "added": r"conflicts added (\d+)",
    "removed": r"removed (\d+)\n",
}


def _figures(output: str) -> dict[str, float]:
    found = {k: re.search(p, output) for k, p in _FIGURES.items()}
    return {k: float(m.group(1)) for k, m in found.items() if m}


def _sorted_lines(path: Path) -> list[str]:
    return sorted(path.read_text("utf-8").splitlines())


def measure(persons: int, out: Path, *, compare: str = "one cadre form") -> list[dict[str, Any]]:
    """Full screen with a state, then each change incrementally; one row per run. The change
    named ``compare`` (or every one, with ``"all"``) is checked against a full run."""
    source = synth_bundle(out, persons, 4, "csv")
    round_id = (source / "ROUND").read_text().strip()
    base = out / f"incremental-{persons}"
    work, state = base / "bundle", base / "state"
    _working_copy(source, work)
    shutil.rmtree(state, ignore_errors=True)
    screen = [*XUNCHA, "screen", str(work), "--round", round_id]
    first = timed([*screen, "--out", str(base / "out-0"), "--incremental", str(state)])
    rows: list[dict[str, Any]] = [
        {
            "persons": persons,
            "change": "first run (full, state saved)",
            "wall_s": round(first.seconds, 2),
            "peak_mb": round(first.peak_mb),
            **_figures(first.output),
        }
    ]
    for i, (label, table, new) in enumerate(_changes(source, round_id), start=1):
        _append(work, source, table, new)
        run = timed([*screen, "--out", str(base / f"out-{i}"), "--incremental", str(state)])
        row: dict[str, Any] = {
            "persons": persons,
            "change": label,
            "wall_s": round(run.seconds, 2),
            "peak_mb": round(run.peak_mb),
            **_figures(run.output),
            "incremental": "增量审查 / incremental" in run.output,
        }
        if compare in (label, "all"):
            full = timed([*screen, "--out", str(base / f"full-{i}")])
            row["full_run_s"] = round(full.seconds, 2)
            same = _sorted_lines(base / f"out-{i}" / "conflicts.jsonl") == _sorted_lines(
                base / f"full-{i}" / "conflicts.jsonl"
            )
            row["equals_full_run"] = same
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--compare", default="one cadre form", help="change to check against a full run, or 'all'")
    args = parser.parse_args()
    print(f"machine: {machine()} (shared: other jobs may run at the same time)")
    rows = measure(args.persons, args.out, compare=args.compare)
    for row in rows:
        print("  " + ", ".join(f"{k}={v}" for k, v in row.items()))
    worst = max((r.get("rescreen_s", 0.0) for r in rows[1:]), default=0.0)
    verdict = "met" if worst < TARGET_S else "missed"
    print(f"re-screen target < {TARGET_S:.0f} s: {verdict} (slowest change {worst:.3f} s)")
    if any(r.get("equals_full_run") is False for r in rows):
        raise SystemExit("an incremental result differs from the full run")


if __name__ == "__main__":
    main()
