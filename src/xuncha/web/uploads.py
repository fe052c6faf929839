"""Receiving uploaded files safely: a size limit while copying to disk, and zip archives checked
entry by entry before anything is written (absolute paths, ``..``, symlinks, too many entries,
too much data, suspicious compression ratios) and again while they are written.

Every refusal is an :class:`UploadRefused` with Chinese and English text."""

from __future__ import annotations

import shutil
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

CHUNK = 1 << 20
MB = 1 << 20
MAX_ENTRIES = 2000
MAX_RATIO = 200  # uncompressed / compressed; CSV and xlsx XML stay far below this
RATIO_FLOOR = 1 << 20  # small entries may compress as well as they like
SKIPPED_PREFIXES = ("__MACOSX/",)


class UploadRefused(Exception):
    """An upload the office cannot accept, with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str, status: int = 422) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.status = zh, en, status


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int
    max_entries: int = MAX_ENTRIES
    max_ratio: int = MAX_RATIO


def too_large(limit_mb: int) -> UploadRefused:
    return UploadRefused(f"文件超过大小上限 {limit_mb} MB", f"the file is larger than the {limit_mb} MB limit", 413)


def check_length(content_length: str | None, limit_mb: int) -> None:
    """Refuse at once when the declared request size is already over the limit (plus form overhead)."""
    if content_length is None:
        return
    try:
        declared = int(content_length)
    except ValueError as exc:
        raise UploadRefused("请求长度无效", "invalid Content-Length") from exc
    if declared > limit_mb * MB + 64 * 1024:
        raise too_large(limit_mb)


def save_stream(source: BinaryIO, dest: Path, limit_mb: int) -> int:
    """Copy ``source`` to ``dest`` in chunks; delete ``dest`` and refuse once it passes the limit."""
    written = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit_mb * MB:
                out.close()
                dest.unlink(missing_ok=True)
                raise too_large(limit_mb)
            out.write(chunk)
    return written


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; names written by Chinese Windows tools without the UTF-8 flag are GBK."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        return name.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path an entry may be written to, or a refusal (absolute, drive, ``..``)."""
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":") or "\x00" in text:
        raise UploadRefused(f"压缩包含有绝对路径「{name}」", f"the archive holds an absolute path: {name!r}")
    parts = PurePosixPath(text).parts
    if ".." in parts:
        raise UploadRefused(
            f"压缩包含有越出目录的路径「{name}」", f"the archive holds a path leaving its folder: {name!r}"
        )
    return PurePosixPath(*[p for p in parts if p not in ("", ".")])


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def check_entry(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    if is_symlink(info):
        raise UploadRefused(
            f"压缩包含有符号链接「{info.filename}」", f"the archive holds a symbolic link: {info.filename!r}"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise UploadRefused(
            f"压缩包中「{info.filename}」的压缩比异常（疑似压缩炸弹）",
            f"{info.filename!r} has a suspicious compression ratio (zip bomb?)",
        )


def members(archive: zipfile.ZipFile, limits: ZipLimits) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Every file entry with its safe relative path, after checking the whole archive's directory."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise UploadRefused(
            f"压缩包条目过多（{len(infos)} 个，上限 {limits.max_entries}）",
            f"too many entries in the archive ({len(infos)}, limit {limits.max_entries})",
        )
    found: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    for info in infos:
        name = entry_name(info)
        path = safe_member_path(name)
        check_entry(info, limits)
        if info.is_dir() or not path.parts or name.startswith(SKIPPED_PREFIXES):
            continue
        found.append((info, path))
    _check_total(sum(i.file_size for i, _ in found), limits)
    return found


def _check_total(total: int, limits: ZipLimits) -> None:
    if total > limits.max_total_bytes:
        mb = limits.max_total_bytes // MB
        raise UploadRefused(f"压缩包解压后超过 {mb} MB", f"the archive unpacks to more than {mb} MB")


def inspect_zip(path: Path, limits: ZipLimits) -> None:
    """Check an archive without extracting it (an .xlsx workbook is a zip archive too)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members(archive, limits)
    except zipfile.BadZipFile as exc:
        raise UploadRefused("文件不是有效的压缩包或工作簿", "not a valid zip archive or workbook") from exc


def extract_zip(path: Path, dest: Path, limits: ZipLimits) -> list[Path]:
    """Extract the files of ``path`` under ``dest`` after checking every entry; the byte count is
    checked again while writing, so a lying header cannot slip past the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            items = members(archive, limits)
            budget = [limits.max_total_bytes]
            return [_extract_one(archive, info, dest / rel, budget, limits) for info, rel in items]
    except zipfile.BadZipFile as exc:
        raise UploadRefused("文件不是有效的 zip 压缩包", "not a valid zip archive") from exc


def _extract_one(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list[int], limits: ZipLimits
) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            budget[0] -= len(chunk)
            if written > info.file_size:
                raise UploadRefused(
                    f"压缩包中「{info.filename}」的实际大小与声明不符", f"{info.filename!r} is larger than it declares"
                )
            if budget[0] < 0:
                _check_total(limits.max_total_bytes + 1, limits)
            out.write(chunk)
    return target


def bundle_root(folder: Path) -> Path:
    """The folder holding the tables: archives often wrap them in one top-level folder."""
    current = folder
    for _ in range(3):
        entries = [p for p in current.iterdir() if not p.name.startswith((".", "__MACOSX"))]
        dirs = [p for p in entries if p.is_dir()]
        if len(dirs) == 1 and not any(p.is_file() and _is_table(p.name) for p in entries):
            current = dirs[0]
            continue
        break
    return current


def _is_table(name: str) -> bool:
    return name.lower().endswith((".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet"))


def remove_tree(paths: Iterable[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
