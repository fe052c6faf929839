"""``ingest``: load a bundle and keep it as a new snapshot, unless the latest one holds the same data."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from xuncha.bundle.load import load_bundle
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.exchange.digest import content_hash
from xuncha.exchange.snapshot import ProblemCounts, SnapshotInfo, table_counts
from xuncha.exchange.store import INFO, PROBLEMS, Store

Status = Literal["new", "unchanged"]
STAMP = "%Y%m%dT%H%M%SZ"
LOADED_AT = "_loaded_at"


@dataclass(frozen=True)
class IngestReport:
    """``status`` is "new" when a snapshot was written, "unchanged" when the latest one
    already held the same data (以前已导入); ``snapshot`` names the snapshot either way.
    ``problems`` are the problems of this load."""

    snapshot: str
    status: Status
    path: Path
    info: SnapshotInfo
    problems: list[Problem]

    @property
    def new(self) -> bool:
        return self.status == "new"


def ingest(bundle_path: Path, store_path: Path, *, strict: bool = False) -> IngestReport:
    """Load ``bundle_path`` (``BundleError`` as ``load_bundle`` raises it) into ``store_path``."""
    bundle = load_bundle(bundle_path, strict=strict)
    digest = content_hash(bundle)
    store = Store(store_path)
    known = store.snapshots()
    if known and known[-1].hash == digest:
        last = known[-1]
        return IngestReport(last.id, "unchanged", store.snapshot_dir(last.id), last, bundle.problems)
    now = datetime.now(UTC).replace(microsecond=0)
    info = SnapshotInfo(
        id=_new_id(now, digest, known[-1].id if known else None),
        loaded_at=now.isoformat().replace("+00:00", "Z"),
        input=str(bundle_path.resolve()),
        hash=digest,
        tables=table_counts(bundle),
        problems=ProblemCounts.of(bundle.problems),
    )
    _write_snapshot(store, bundle, info, now)
    store.write_manifest()
    return IngestReport(info.id, "new", store.snapshot_dir(info.id), info, bundle.problems)


def _new_id(now: datetime, digest: str, latest: str | None) -> str:
    """Time then a short hash; a second later than ``latest`` if the clock would not sort after it."""
    if latest is not None:
        last = datetime.strptime(latest.split("-")[0], STAMP).replace(tzinfo=UTC)
        now = max(now, last + timedelta(seconds=1))
    return f"{now.strftime(STAMP)}-{digest[:6]}"


def _write_snapshot(store: Store, bundle: Bundle, info: SnapshotInfo, now: datetime) -> None:
    """Write into a hidden temporary folder, then rename it: no half snapshot after a crash."""
    store.snapshots_dir.mkdir(parents=True, exist_ok=True)
    tmp = store.snapshots_dir / f".tmp-{info.id}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        for name, data in bundle.tables.items():
            _write_table(data.table, tmp / f"{name}.parquet", now)
        problems = [p.to_dict() for p in bundle.problems]
        (tmp / PROBLEMS).write_text(json.dumps(problems, ensure_ascii=False, indent=1) + "\n", "utf-8")
        (tmp / INFO).write_text(json.dumps(info.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
        tmp.rename(store.snapshot_dir(info.id))
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def _write_table(table: pa.Table, path: Path, now: datetime) -> None:
    stamp = pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), table.num_rows)
    with_time = table.append_column(LOADED_AT, stamp)
    # keep Arrow's list field names ("item") so a snapshot reads back with the loader's schema
    pq.write_table(with_time, path, compression="zstd", use_compliant_nested_type=False)
