"""``Store``: a folder of dated, immutable snapshots.

Layout::

    store/manifest.json                  index of every snapshot (rewritten after each ingest)
    store/snapshots/<id>/snapshot.json   what the snapshot holds (id, loaded_at, input, hash, counts)
    store/snapshots/<id>/problems.json   every problem the loader reported
    store/snapshots/<id>/<table>.parquet one file per table, with _source, _row, _loaded_at

The snapshot folders are the truth: a folder appears whole (written under a temporary name,
then renamed) or not at all, and ``snapshots()`` lists the folders that hold a ``snapshot.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from xuncha.bundle.model import Bundle, TableData
from xuncha.bundle.problems import Problem
from xuncha.exchange.errors import SourceError
from xuncha.exchange.snapshot import SnapshotInfo

MANIFEST = "manifest.json"
SNAPSHOTS = "snapshots"
INFO = "snapshot.json"
PROBLEMS = "problems.json"
FORMAT = "xuncha-exchange/1"


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def snapshots_dir(self) -> Path:
        return self.path / SNAPSHOTS

    def snapshot_dir(self, snapshot_id: str) -> Path:
        return self.snapshots_dir / snapshot_id

    def snapshots(self) -> list[SnapshotInfo]:
        """Every complete snapshot, oldest first."""
        if not self.snapshots_dir.is_dir():
            return []
        dirs = sorted(d for d in self.snapshots_dir.iterdir() if _is_snapshot(d))
        return [_read_info(d) for d in dirs]

    def ids(self) -> list[str]:
        return [info.id for info in self.snapshots()]

    def latest(self) -> str | None:
        ids = self.ids()
        return ids[-1] if ids else None

    def resolve(self, prefix: str | None = None) -> str:
        """The id given by a unique prefix (the latest when ``prefix`` is None)."""
        ids = self.ids()
        if not ids:
            raise _empty(self.path)
        if prefix is None:
            return ids[-1]
        if prefix in ids:
            return prefix
        matches = [i for i in ids if i.startswith(prefix)] if prefix else []
        if len(matches) == 1:
            return matches[0]
        raise _unknown(prefix, matches or ids, ambiguous=bool(matches))

    def info(self, snapshot_id: str | None = None) -> SnapshotInfo:
        return _read_info(self.snapshot_dir(self.resolve(snapshot_id)))

    def problems(self, snapshot_id: str | None = None) -> list[Problem]:
        path = self.snapshot_dir(self.resolve(snapshot_id)) / PROBLEMS
        if not path.is_file():
            return []
        return [Problem(**doc) for doc in json.loads(path.read_text("utf-8"))]

    def read(self, snapshot_id: str | None = None) -> Bundle:
        """The snapshot (latest by default) as a ``Bundle`` rooted at its folder."""
        info = self.info(snapshot_id)
        root = self.snapshot_dir(info.id)
        tables = {
            name: TableData(name, c.file, pq.read_table(root / f"{name}.parquet"), c.read, c.used, c.rejected)
            for name, c in info.tables.items()
        }
        return Bundle(root, tables, self.problems(info.id))

    def write_manifest(self) -> None:
        """Rewrite ``manifest.json`` from the snapshot folders, atomically."""
        doc = {"format": FORMAT, "snapshots": [info.to_dict() for info in self.snapshots()]}
        write_json_atomic(self.path / MANIFEST, doc)


def write_json_atomic(path: Path, doc: object) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", "utf-8")
    tmp.replace(path)


def _is_snapshot(d: Path) -> bool:
    return d.is_dir() and not d.name.startswith(".") and (d / INFO).is_file()


def _read_info(d: Path) -> SnapshotInfo:
    return SnapshotInfo.from_dict(json.loads((d / INFO).read_text("utf-8")))


def _empty(path: Path) -> SourceError:
    return SourceError(
        f"数据交换库 {path} 中还没有快照，请先运行 xuncha ingest",
        f"the store {path} holds no snapshot yet; run xuncha ingest first",
    )


def _unknown(prefix: str, candidates: list[str], *, ambiguous: bool) -> SourceError:
    listed = "、".join(candidates)
    if ambiguous:
        return SourceError(
            f"快照编号「{prefix}」不唯一，可能是：{listed}",
            f"snapshot id {prefix!r} is ambiguous; it may be: {', '.join(candidates)}",
        )
    return SourceError(
        f"没有快照「{prefix}」；已有快照：{listed}",
        f"no snapshot {prefix!r}; known snapshots: {', '.join(candidates)}",
    )
