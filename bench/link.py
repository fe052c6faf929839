"""Benchmark: entity resolution (xuncha link) on synthetic data, beside a default Splink setup.

Persons come from ``xuncha synth``. Rows WITHOUT an ID number are made here from a sample of
those persons with the noise departments show: homophone given names (同音字), traditional
characters, one wrong character, month-only or missing birth dates, abbreviated or missing
addresses, missing gender — plus namesakes who are not in ``persons`` (born in another year),
whose truth is "no person". Every row gives a birth date (or month) or an address: a bare
name cannot be linked by anyone. The rows go in a ``subsidies`` table beside the synthetic persons,
with ``link_truth.jsonl``. When the synthetic bundle carries its own ``link_truth.jsonl``, its
rows without a valid number are scored too.

Precision = correct links / links; recall = correct links / rows whose person is known.
The baseline is the same rows linked by a default Splink configuration with no Chinese-specific
comparisons (raw names, byte-level levenshtein, raw date and address strings).

    .venv/bin/python bench/link.py --persons 50000 --rows 20000
    .venv/bin/python bench/link.py --persons 1000000 --rows 100000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine, synth_bundle

from xuncha.bundle.load import load_bundle
from xuncha.identity.names import _char_pinyin
from xuncha.link.baseline import link_default
from xuncha.link.run import link

TIME_TARGET_S = 300.0


def _homophones(names: list[str]) -> dict[str, list[str]]:
    by_sound: dict[str, set[str]] = {}
    for name in names:
        for char in name[1:]:
            by_sound.setdefault(_char_pinyin(char), set()).add(char)
    groups: dict[str, list[str]] = {}
    for chars in by_sound.values():
        for char in chars:
            others = sorted(chars - {char})
            if others:
                groups[char] = others
    return groups


def _s2t(names: list[str]) -> list[str]:
    import opencc

    return opencc.OpenCC("s2t").convert("\n".join(names)).split("\n")


def _noisy_name(name: str, roll: float, rng: np.random.Generator, sounds: dict[str, list[str]], pool: str) -> str:
    if roll < 0.10 and len(name) > 1:
        i = int(rng.integers(1, len(name)))
        alts = sounds.get(name[i])
        if alts:
            return name[:i] + alts[int(rng.integers(len(alts)))] + name[i + 1 :]
    if 0.10 <= roll < 0.13 and len(name) > 2:
        i = int(rng.integers(1, len(name)))
        return name[:i] + pool[int(rng.integers(len(pool)))] + name[i + 1 :]
    return name


def _abbreviate(address: str, roll: float) -> str | None:
    if roll < 0.2:
        return None
    if roll < 0.45:
        cut = max(address.find("市"), address.find("省"))
        return address[cut + 1 :] if cut >= 0 else address
    if roll < 0.6:
        county = address.find("县") if "县" in address else address.find("区")
        return address[county + 1 :] if county >= 0 else address
    return address


def _birth(day: str | None, roll: float) -> str | None:
    if not day:
        return None
    if roll < 0.15:
        return None
    if roll < 0.5:
        return day[:4] + "." + day[5:7]
    return day


def make_rows(bundle_dir: Path, out: Path, rows: int, seed: int) -> int:
    """Copy the persons (and units, positions) of ``bundle_dir`` to ``out`` and add noisy rows."""
    out.mkdir(parents=True, exist_ok=True)
    for table in ("persons", "units", "positions"):
        for ext in ("parquet", "csv"):
            if (bundle_dir / f"{table}.{ext}").exists():
                shutil.copy(bundle_dir / f"{table}.{ext}", out / f"{table}.{ext}")
    persons = load_bundle(out).table("persons").to_pydict()
    rng = np.random.default_rng(seed)
    alive = [i for i, d in enumerate(persons["death_date"]) if d is None]
    picks = rng.choice(alive, size=rows, replace=len(alive) < rows)
    names: list[str] = persons["name"]
    sounds = _homophones(names[:200_000])
    pool = "".join(sorted({c for n in names[:20_000] for c in n[1:]}))
    trad = set(rng.choice(rows, size=rows // 20, replace=False).tolist())
    out_rows: dict[str, list[object]] = {k: [] for k in ("recipient", "name", "birth_date", "gender", "address")}
    truth = []
    rolls = rng.random((rows, 5))
    for n, i in enumerate(picks.tolist()):
        stranger = rolls[n, 4] < 0.05
        name = _noisy_name(names[i], rolls[n, 0], rng, sounds, pool)
        day = persons["birth_date"][i]
        day_text = None if day is None else day.isoformat()
        if stranger and day_text:  # a namesake who is not in persons: born years apart
            day_text = f"{int(day_text[:4]) - int(rng.integers(3, 20))}{day_text[4:]}"
        out_rows["recipient"].append(None)
        out_rows["name"].append(name)
        birth = _birth(day_text, rolls[n, 1])
        out_rows["birth_date"].append(birth)
        out_rows["gender"].append(persons["gender"][i] if rolls[n, 2] < 0.6 else None)
        hukou = persons["hukou_address"][int(rng.integers(len(names)))] if stranger else persons["hukou_address"][i]
        address_roll = rolls[n, 3] if birth else 0.2 + 0.8 * rolls[n, 3]  # a row names a birth date or an address
        out_rows["address"].append(_abbreviate(hukou, address_roll) if hukou else None)
        truth.append(None if stranger else persons["person_key"][i])
    trad_idx = sorted(trad)
    converted = _s2t([str(out_rows["name"][k]) for k in trad_idx])
    for k, text in zip(trad_idx, converted, strict=True):
        out_rows["name"][k] = text
    table = pa.table({"program": ["低保"] * rows, **out_rows, "amount": [300.0] * rows, "period": ["2024-03"] * rows})
    pq.write_table(table, out / "subsidies.parquet")
    with (out / "link_truth.jsonl").open("w", encoding="utf-8") as fh:
        for k, person in enumerate(truth):
            fh.write(
                json.dumps(
                    {
                        "table": "subsidies",
                        "column": "recipient",
                        "source": f"subsidies.parquet:{k + 1}",
                        "person": person,
                    }
                )
                + "\n"
            )
    return rows


def read_truth(path: Path) -> dict[tuple[str, str, str], str | None]:
    truth: dict[tuple[str, str, str], str | None] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            truth[(item["table"], item["column"], item["source"])] = item["person"]
    return truth


def align(truth: dict[tuple[str, str, str], str | None], links: pa.Table) -> dict[tuple[str, str, str], str | None]:
    """The truth keyed like the loader's ``_source``: a generator may number Parquet rows from 2
    (as CSV, under a header) where the loader numbers them from 1; the offset that matches wins."""
    have = set(zip(*(links[k].to_pylist() for k in ("table", "column", "source")), strict=True))

    def shifted(by: int) -> dict[tuple[str, str, str], str | None]:
        out = {}
        for (t, c, s), person in truth.items():
            file, _, row = s.rpartition(":")
            out[(t, c, f"{file}:{int(row) + by}")] = person
        return out

    return max((shifted(by) for by in (0, -1, 1)), key=lambda m: len(have & m.keys()))


def score(
    links: pa.Table, truth: dict[tuple[str, str, str], str | None], keep: set[tuple[str, str, str]]
) -> dict[str, float]:
    linked = correct = known = 0
    for t, c, s, person, status in zip(
        *(links[k].to_pylist() for k in ("table", "column", "source", "person", "status")), strict=True
    ):
        key = (t, c, s)
        if key not in keep or key not in truth:
            continue
        want = truth[key]
        known += want is not None
        if status == "linked":
            linked += 1
            correct += person == want
    return {
        "rows": len(keep),
        "linked": linked,
        "precision": correct / linked if linked else 1.0,
        "recall": correct / known if known else 1.0,
    }


def without_number(bundle_dir: Path) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """Rows whose person column did not resolve to a known number (missing or wrong), and among
    them the bare ones: a mistyped number and a name, with no birth date, address or employer.
    Issue 4 makes a mistyped number a review candidate, never a link, so a bare row has nothing
    else that could link it; it is scored apart (right person proposed for review)."""
    from xuncha.link.rows import person_rows

    rows = person_rows(load_bundle(bundle_dir))
    keep, bare = set(), set()
    columns = ("table", "column", "source", "resolved", "value", "birth_date", "address", "employer")
    for t, c, s, resolved, value, birth, address, employer in zip(*(rows[k].to_pylist() for k in columns), strict=True):
        if not resolved:
            keep.add((t, c, s))
            if value and not (birth or address or employer):
                bare.add((t, c, s))
    return keep, bare


def proposed(links: pa.Table, truth: dict[tuple[str, str, str], str | None], rows: set[tuple[str, str, str]]) -> str:
    """How the bare rows came out: candidates naming the right person, links, others."""
    right = linked = 0
    for t, c, s, person, status in zip(
        *(links[k].to_pylist() for k in ("table", "column", "source", "person", "status")), strict=True
    ):
        key = (t, c, s)
        if key in rows and truth.get(key) is not None:
            right += status == "candidate" and person == truth[key]
            linked += status == "linked"
    return f"{right:,} of {len(rows):,} proposed for review with the right person, {linked:,} linked"


def run_one(label: str, bundle_dir: Path, baseline: bool) -> None:
    truth = read_truth(bundle_dir / "link_truth.jsonl")
    start = time.perf_counter()
    bundle = load_bundle(bundle_dir)
    loaded = time.perf_counter() - start
    keep, bare = without_number(bundle_dir)
    start = time.perf_counter()
    result = link(bundle)
    took = time.perf_counter() - start
    persons = bundle.table("persons").num_rows
    truth = align(truth, result.table)
    ours = score(result.table, truth, keep - bare)
    print(
        f"\n{label}: {persons:,} persons, {result.table.num_rows:,} person rows, {len(keep):,} without a valid number"
    )
    if bare:
        outcome = proposed(result.table, truth, bare)
        print(f"  of which {len(bare):,} bare (a mistyped number and a name only): {outcome}")
        print(f"  scored below: the other {len(keep - bare):,}")
    print(f"  load {loaded:.1f} s; link {took:.1f} s (target {TIME_TARGET_S:.0f} s at 100k rows x 1M persons)")
    print(f"  counts: {result.counts()}")
    print(
        f"  xuncha link      precision {ours['precision']:.4f}  recall {ours['recall']:.4f}  "
        f"({ours['linked']:,} linked)"
    )
    if baseline:
        start = time.perf_counter()
        base = score(link_default(bundle), truth, keep - bare)
        print(
            f"  default Splink   precision {base['precision']:.4f}  recall {base['recall']:.4f}  "
            f"({base['linked']:,} linked, {time.perf_counter() - start:.1f} s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=20_000, help="rows without ID numbers to make")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"machine: {machine()}")
    synth = synth_bundle(args.out, args.persons, args.seed, "parquet")
    if (synth / "link_truth.jsonl").exists():
        run_one("synth bundle (its own departmental tables)", synth, not args.no_baseline)
    own = args.out / f"link-{args.persons}-{args.rows}-{args.seed}"
    if not (own / "link_truth.jsonl").exists():
        start = time.perf_counter()
        make_rows(synth, own, args.rows, args.seed)
        print(f"  made {args.rows:,} noisy rows in {time.perf_counter() - start:.1f} s -> {own}")
    run_one("noisy rows without ID numbers", own, not args.no_baseline)


if __name__ == "__main__":
    main()
