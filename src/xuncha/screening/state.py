"""The state an incremental screen keeps between runs: ``manifest.json`` and ``state.duckdb``.

The manifest says what the state was made from (round, stages, policy, bundle path,
xuncha version, state format) and fingerprints every table file of the bundle (size,
mtime_ns, sha256). A later run stats the files and hashes only those whose size or
mtime changed, so unchanged large files are never read. The input problems found so far
are kept apart in ``problems.json``: a run reads them only when it writes its outputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xuncha import __version__
from xuncha.bundle.problems import Problem
from xuncha.bundle.read import discover, is_workbook
from xuncha.bundle.schema import load_schema
from xuncha.policy.model import DEFAULT_POLICY

STATE_FORMAT = 3  # 3: problems in their own file; stamps say whether a CSV file is plain
DB_NAME = "state.duckdb"
MANIFEST = "manifest.json"
PROBLEMS = "problems.json"
ADJACENCY = ("adjacency.offsets.npy", "adjacency.targets.npy")

Reason = tuple[str, str]


@dataclass(frozen=True)
class FileStamp:
    """One table file as it was when the state was saved."""

    table: str
    file: str
    size: int
    mtime_ns: int
    sha256: str
    plain: str = ""  # a CSV file whose records are its lines, in UTF-8: its delimiter ("" unknown or not)


@dataclass(frozen=True)
class RunKey:
    """What a state must have been made from to be reused."""

    round: str
    stages: list[int]
    policy: str
    bundle: str
    strict: bool
    version: str = __version__
    format: int = STATE_FORMAT


@dataclass
class Manifest:
    key: RunKey
    files: dict[str, FileStamp]
    others: list[str]  # the other entries of the bundle folder (ignored with a warning)
    round: dict[str, str] = field(default_factory=dict)  # the round's id, name, mode, level, start_date
    stats: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        doc: dict[str, Any] = {"key": asdict(self.key), "files": {k: asdict(v) for k, v in self.files.items()}}
        doc.update({"others": self.others, "round": self.round, "stats": self.stats})
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        doc = json.loads(text)
        files = {k: FileStamp(**v) for k, v in doc["files"].items()}
        return cls(RunKey(**doc["key"]), files, list(doc["others"]), doc["round"], doc["stats"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def policy_hash(path: Path | None) -> str:
    return hashlib.sha256((path or DEFAULT_POLICY).read_bytes()).hexdigest()


def run_key(bundle: Path, round_id: str, stages: list[int], policy: Path | None, strict: bool) -> RunKey:
    return RunKey(round_id, sorted(stages), policy_hash(policy), str(bundle.resolve()), strict)


def bundle_files(root: Path) -> tuple[dict[str, Path], list[str]]:
    """The table files of a bundle folder by table name, and the names of its other entries."""
    found, _ = discover(root, load_schema())
    tables = {f.table.name: f.path for f in found}
    used = {p.name for p in tables.values()}
    others = sorted(p.name for p in root.iterdir() if p.name not in used and not p.name.startswith((".", "~$")))
    return tables, others


def stamp(table: str, path: Path, sha: str | None = None) -> FileStamp:
    st = path.stat()
    return FileStamp(table, path.name, st.st_size, st.st_mtime_ns, sha or sha256_of(path))


def _restamp(table: str, path: Path, old: FileStamp) -> tuple[FileStamp, bool]:
    """A fresh stamp, and whether the file as it was (``old``) is a byte prefix of it now:
    one pass hashes both the first ``old.size`` bytes and the whole file."""
    st = path.stat()
    digest = hashlib.sha256()
    prefix = False
    with path.open("rb") as handle:
        left = old.size if st.st_size > old.size else 0
        while left and (chunk := handle.read(min(left, 1 << 20))):
            digest.update(chunk)
            left -= len(chunk)
        prefix = st.st_size > old.size and left == 0 and digest.copy().hexdigest() == old.sha256
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return FileStamp(table, path.name, st.st_size, st.st_mtime_ns, digest.hexdigest()), prefix


def read_manifest(state_dir: Path) -> Manifest | None:
    try:
        return Manifest.from_json((state_dir / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(state_dir: Path, manifest: Manifest) -> None:
    _write_json(state_dir / MANIFEST, manifest.to_json())


Segments = dict[str, list[dict[str, Any]]]  # problems by where they come from (a table, "members", ...)


def read_problems(state_dir: Path) -> Segments:
    """The saved problems; a state without them is incomplete (its manifest is not written
    before them), so a missing file is an error here, not an empty list."""
    doc: Segments = json.loads((state_dir / PROBLEMS).read_text("utf-8"))
    return doc


def write_problems(state_dir: Path, segments: Segments) -> None:
    _write_json(state_dir / PROBLEMS, json.dumps(segments, ensure_ascii=False, separators=(",", ":")) + "\n")


def _write_json(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)


def unfit(manifest: Manifest | None, key: RunKey, bundle: Path, state_dir: Path) -> Reason | None:
    """Why the saved state cannot be reused for a run with ``key`` (None when it can)."""
    incomplete = "状态目录为空或不完整", "the state folder is empty or incomplete"
    if manifest is None or not (state_dir / DB_NAME).exists():
        return incomplete
    if is_workbook(bundle):
        return "数据包是单个工作簿，无法按表判断变化", "the bundle is one workbook; changes cannot be told per table"
    old = manifest.key
    checks: list[tuple[bool, Reason]] = [
        (old.format != key.format or old.version != key.version, ("状态由其他版本生成", "state from another version")),
        (old.bundle != key.bundle, ("状态来自其他数据包路径", "state from another bundle path")),
        (old.round != key.round, (f"状态属于轮次 {old.round}", f"state is for round {old.round}")),
        (old.stages != key.stages, ("审查阶段不同", "other stages")),
        (old.policy != key.policy, ("回避政策文件内容已变", "the policy file content changed")),
        (old.strict != key.strict, ("--strict 设置不同", "--strict differs")),
        (not (state_dir / PROBLEMS).exists(), incomplete),
    ]
    return next((reason for bad, reason in checks if bad), None)


@dataclass
class Changes:
    """The table files whose content changed, and fresh stamps for every table file."""

    changed: dict[str, Path]
    stamps: dict[str, FileStamp]
    layout: Reason | None  # files added, removed or renamed: not an incremental change
    grown: set[str] = field(default_factory=set)  # changed tables whose saved file is a byte prefix of the new one


def detect(manifest: Manifest, bundle: Path) -> Changes:
    """Size and mtime_ns first; a file whose quick check differs is hashed."""
    tables, others = bundle_files(bundle)
    if set(tables) != set(manifest.files) or others != manifest.others:
        return Changes(
            {}, {}, ("数据包的文件有增删或改名", "files were added to, removed from or renamed in the bundle")
        )
    changed: dict[str, Path] = {}
    stamps: dict[str, FileStamp] = {}
    grown: set[str] = set()
    for name, path in tables.items():
        old = manifest.files[name]
        st = path.stat()
        if path.name == old.file and st.st_size == old.size and st.st_mtime_ns == old.mtime_ns:
            stamps[name] = old
            continue
        stamps[name], prefix = _restamp(name, path, old)
        if stamps[name].sha256 != old.sha256 or path.name != old.file:
            changed[name] = path
            if prefix and path.name == old.file:
                grown.add(name)
    return Changes(changed, stamps, None, grown)


def problems_to_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in problems]


def problems_from_json(rows: list[dict[str, Any]]) -> list[Problem]:
    return [Problem(**row) for row in rows]


class Adjacency:
    """Who is next to whom in the graph as a full run saved it (every edge ``src`` -> ``dst``,
    as offsets into the targets sorted by ``src``), read from memory-mapped files; with the
    edges that later runs added (``edges_since``) it covers every edge of the graph now, and
    more (edges taken out later stay): a walk over it reaches at least the nodes a walk over
    the graph reaches."""

    def __init__(self, offsets: np.ndarray, targets: np.ndarray) -> None:
        self._offsets, self._targets = offsets, targets
        self._size = len(offsets) - 1

    @classmethod
    def load(cls, state_dir: Path) -> Adjacency | None:
        try:
            offsets, targets = (np.load(state_dir / name, mmap_mode="r") for name in ADJACENCY)
        except (OSError, ValueError):
            return None
        return cls(offsets, targets)

    @staticmethod
    def save(state_dir: Path, src: np.ndarray, dst: np.ndarray) -> None:
        """From every edge's ``src`` and ``dst``."""
        if len(src) > 1 and not bool(np.all(src[:-1] <= src[1:])):
            order = np.argsort(src, kind="stable")
            src, dst = src[order], dst[order]
        size = int(src.max()) + 1 if len(src) else 0
        offsets = np.zeros(size + 1, np.int64)
        np.cumsum(np.bincount(src, minlength=size), out=offsets[1:])
        np.save(state_dir / ADJACENCY[0], offsets)
        np.save(state_dir / ADJACENCY[1], dst.astype(np.int32))

    def within(self, start: set[int], steps: int, more: dict[int, set[int]]) -> set[int]:
        """The nodes at most ``steps`` edges from ``start``, over these edges and ``more``."""
        seen, frontier = set(start), set(start)
        for _ in range(steps):
            found: set[int] = set()
            for node in frontier:
                if 0 <= node < self._size:
                    found.update(self._targets[self._offsets[node] : self._offsets[node + 1]].tolist())
                found |= more.get(node, set())
            frontier = found - seen
            if not frontier:
                break
            seen |= frontier
        return seen
