"""A synthetic county for web tests: 3,000 persons (seed logged), a third of the talent pool made
full-time so that several teams can be staffed, and its rounds registered without the import page."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from xuncha.store.models import BundleImport, Round
from xuncha.synth.generate import write_bundle

SEED = 31
PERSONS = 3000
ROUND = "R2026-3"
CORE_ROLES = ("组长", "副组长", "联络员")


def more_full_time(bundle: Path) -> None:
    """Turn every third talent-pool inspector into full-time staff (core roles in turn)."""
    path = bundle / "inspectors.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pool = [r for r in rows if r["pool"] == "人才库"]
    for k, row in enumerate(pool[::3]):
        row.update(pool="专职", roles=CORE_ROLES[k % 3])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def make_county(folder: Path) -> Path:
    write_bundle(folder, persons=PERSONS, seed=SEED)
    more_full_time(folder)
    return folder


def register_round(db: Session, bundle: Path, round_id: str = ROUND) -> Round:
    """An accepted import of ``bundle`` and its round in draft, as the import page would leave them."""
    imp = BundleImport(filename=bundle.name, path=str(bundle), status="accepted")
    db.add(imp)
    db.flush()
    rnd = Round(id=round_id, name="十四届县委第三轮巡察", mode="常规", import_id=imp.id, status="draft")
    db.add(rnd)
    db.commit()
    return rnd
