"""A synthetic county for web tests: 3,000 persons (seed logged), a third of the talent pool made
full-time so that several teams can be staffed, and its rounds registered without the import page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tests.staffable import more_full_time
from xuncha.store.models import BundleImport, Round
from xuncha.synth.generate import write_bundle

SEED = 31
PERSONS = 3000
ROUND = "R2026-3"


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
