"""Bundle imports: receive an upload (workbook or zipped tables), validate it with the bundle
loader, keep the report, and on acceptance register the bundle's rounds."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.bundle.load import read_bundle
from xuncha.bundle.model import Bundle
from xuncha.store.models import BundleImport, Round
from xuncha.web.deps import Invalid, NotFound
from xuncha.web.settings import Settings
from xuncha.web.uploads import MB, UploadRefused, ZipLimits, bundle_root, extract_zip, inspect_zip, save_stream

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
ARCHIVE_SUFFIXES = (".zip",)
PROBLEMS_KEPT = 1000  # problems stored with the import; the count says how many there were


def clean_filename(name: str | None) -> str:
    """The uploaded file's base name (never a path), bounded, for display and its suffix."""
    base = PurePosixPath((name or "").replace("\\", "/")).name.strip()
    return base[-200:] or "upload"


def limits(settings: Settings) -> ZipLimits:
    return ZipLimits(max_total_bytes=settings.max_unzipped_mb * MB)


def receive(db: Session, settings: Settings, filename: str, source: BinaryIO, user_id: int) -> BundleImport:
    """Store, unpack and validate an upload; a ``BundleImport`` in status ``validated``.
    ``UploadRefused`` (nothing kept) when the file is too large, of the wrong kind or unsafe."""
    name = clean_filename(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES + ARCHIVE_SUFFIXES:
        raise UploadRefused("请上传 .xlsx 工作簿或 .zip 压缩包", "upload an .xlsx workbook or a .zip archive")
    imports = settings.data_dir / "imports"
    incoming = imports / f".incoming-{uuid.uuid4().hex}"
    try:
        root = _unpack(settings, source, incoming, suffix)
        report = validate_bundle(root)
        row = BundleImport(filename=name, path="", status="validated", report=report, uploaded_by=user_id)
        row.errors, row.warnings = int(report["errors"]), int(report["warnings"])
        db.add(row)
        db.flush()
        final = _final_dir(imports, row.id)
        incoming.rename(final)
        row.path = str(final / root.relative_to(incoming))
        return row
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _unpack(settings: Settings, source: BinaryIO, incoming: Path, suffix: str) -> Path:
    upload = incoming / f"upload{suffix}"
    save_stream(source, upload, settings.max_upload_mb)
    if suffix in WORKBOOK_SUFFIXES:
        inspect_zip(upload, limits(settings))
        return upload
    extract_zip(upload, incoming / "bundle", limits(settings))
    upload.unlink()
    if not (incoming / "bundle").is_dir():
        raise UploadRefused("压缩包是空的", "the archive is empty")
    return bundle_root(incoming / "bundle")


def _final_dir(imports: Path, import_id: int) -> Path:
    """``imports/<id>``; a leftover folder of that name (from an older database) is never overwritten."""
    final = imports / str(import_id)
    return final if not final.exists() else imports / f"{import_id}-{uuid.uuid4().hex[:8]}"


def validate_bundle(root: Path) -> dict[str, Any]:
    """The validation report kept with the import: counts, the tables read, the problems, the rounds."""
    bundle = read_bundle(root)
    if not bundle.fatal:
        from xuncha.graph.checks import integrity_problems

        bundle.problems.extend(integrity_problems(bundle))
    problems = [p.to_dict() for p in bundle.problems]
    return {
        "usable": not bundle.fatal,
        "errors": sum(p.level == "error" for p in bundle.problems),
        "warnings": sum(p.level == "warning" for p in bundle.problems),
        "summary": bundle.summary(),
        "problems": problems[:PROBLEMS_KEPT],
        "problems_total": len(problems),
        "rounds": bundle_rounds(bundle) if not bundle.fatal else [],
    }


def bundle_rounds(bundle: Bundle) -> list[dict[str, Any]]:
    """The rounds of the bundle with their targets (unit keys)."""
    if not bundle.has("rounds"):
        return []
    targets: dict[str, list[str]] = {}
    if bundle.has("round_targets"):
        for row in bundle.table("round_targets").select(["round", "unit"]).to_pylist():
            if row["round"] and row["unit"]:
                targets.setdefault(str(row["round"]), []).append(str(row["unit"]))
    rows = bundle.table("rounds").select(["round_id", "name", "mode"]).to_pylist()
    return [
        {
            "id": str(r["round_id"]),
            "name": str(r["name"] or ""),
            "mode": str(r["mode"] or ""),
            "targets": sorted(set(targets.get(str(r["round_id"]), []))),
        }
        for r in rows
        if r["round_id"]
    ]


def get_import(db: Session, import_id: int) -> BundleImport:
    found = db.get(BundleImport, import_id)
    if found is None:
        raise NotFound("导入记录不存在", "no such import")
    return found


def list_imports(db: Session, limit: int = 100) -> list[BundleImport]:
    return list(db.execute(select(BundleImport).order_by(BundleImport.id.desc()).limit(limit)).scalars())


def _pending(imp: BundleImport) -> None:
    if imp.status != "validated":
        raise Invalid(f"该导入已处理（状态：{imp.status}）", f"the import was already handled (status {imp.status})")


def accept(db: Session, imp: BundleImport) -> list[Round]:
    """Accept a validated, usable import: each of its rounds is created in draft or, when it
    exists, pointed at this import (its status kept; a draft round also takes the new name and mode)."""
    _pending(imp)
    if not imp.report.get("usable", False):
        raise Invalid(
            "数据包缺少必需的表或列，不能接收", "the bundle lacks a required table or column; it cannot be accepted"
        )
    imp.status = "accepted"
    rounds = [_register(db, imp, spec) for spec in imp.report.get("rounds", [])]
    db.flush()
    return rounds


def _register(db: Session, imp: BundleImport, spec: dict[str, Any]) -> Round:
    rid = str(spec["id"])[:64]
    found = db.get(Round, rid)
    if found is None:
        found = Round(id=rid, name=spec.get("name", "")[:255], mode=spec.get("mode", "")[:32], status="draft")
        db.add(found)
    elif found.status == "draft":
        found.name, found.mode = spec.get("name", "")[:255], spec.get("mode", "")[:32]
    found.import_id = imp.id
    return found


def reject(db: Session, imp: BundleImport) -> None:
    _pending(imp)
    imp.status = "rejected"


def targets_of(db: Session, rnd: Round) -> set[str]:
    """The round's targets (unit keys) as the accepted bundle lists them; read from the import
    report, or from the bundle itself for imports registered without one."""
    imp = db.get(BundleImport, rnd.import_id) if rnd.import_id is not None else None
    if imp is None:
        return set()
    rounds = imp.report.get("rounds") if isinstance(imp.report, dict) else None
    if rounds is None:
        rounds = _rounds_of_path(imp.path)
    return {u for r in rounds if r.get("id") == rnd.id for u in r.get("targets", [])}


_ROUNDS_CACHE: dict[str, list[dict[str, Any]]] = {}


def _rounds_of_path(path: str) -> list[dict[str, Any]]:
    if path not in _ROUNDS_CACHE:
        bundle = read_bundle(Path(path))
        _ROUNDS_CACHE[path] = [] if bundle.fatal else bundle_rounds(bundle)
    return _ROUNDS_CACHE[path]


__all__ = [
    "UploadRefused",
    "accept",
    "get_import",
    "list_imports",
    "receive",
    "reject",
    "targets_of",
    "validate_bundle",
]
