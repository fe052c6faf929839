"""Small lookups every area needs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from xuncha.store.models import BundleImport, Round
from xuncha.web.deps import Invalid


def bundle_dir(db: Session, rnd: Round) -> Path:
    """The accepted bundle folder a round was imported from."""
    found = db.get(BundleImport, rnd.import_id) if rnd.import_id is not None else None
    if found is None or found.status != "accepted":
        raise Invalid("该轮次没有已接收的数据包", "the round has no accepted bundle")
    return Path(found.path)


def round_dir(data_dir: Path, round_id: str, part: str) -> Path:
    """``<data>/rounds/<round>/<part>``: where an engine run of this round writes its files."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in round_id)
    path = data_dir / "rounds" / safe / part
    path.mkdir(parents=True, exist_ok=True)
    return path
