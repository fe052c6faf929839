"""Safe uploads: size limits while streaming, and zip archives refused for traversal, absolute
paths, symlinks, too many entries, too much data and zip-bomb compression ratios."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.web.conftest import Office, make_office
from xuncha.store.models import AuditEntry, BundleImport
from xuncha.web.uploads import (
    MB,
    UploadRefused,
    ZipLimits,
    bundle_root,
    extract_zip,
    safe_member_path,
    save_stream,
)

LIMITS = ZipLimits(max_total_bytes=5 * MB, max_entries=20)


def archive(entries: list[tuple[zipfile.ZipInfo | str, bytes]], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as out:
        for info, data in entries:
            out.writestr(info, data)
    return buffer.getvalue()


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def refused(tmp_path: Path, data: bytes, limits: ZipLimits = LIMITS) -> UploadRefused:
    src = tmp_path / "in.zip"
    src.write_bytes(data)
    with pytest.raises(UploadRefused) as caught:
        extract_zip(src, tmp_path / "out", limits)
    assert caught.value.zh and caught.value.en
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.csv"))
    return caught.value


def test_a_plain_archive_is_extracted_under_its_folder(tmp_path: Path) -> None:
    src = tmp_path / "ok.zip"
    src.write_bytes(archive([("county/persons.csv", b"person_id,name\nP1,A\n"), ("county/", b"")]))
    files = extract_zip(src, tmp_path / "out", LIMITS)
    assert [f.relative_to(tmp_path / "out").as_posix() for f in files] == ["county/persons.csv"]
    assert bundle_root(tmp_path / "out") == tmp_path / "out" / "county"


@pytest.mark.parametrize("name", ["../evil.csv", "a/../../evil.csv", "..\\evil.csv", "a\\..\\..\\evil.csv"])
def test_traversal_is_refused(tmp_path: Path, name: str) -> None:
    assert "越出" in refused(tmp_path, archive([(name, b"x")])).zh
    assert not (tmp_path / "evil.csv").exists()


@pytest.mark.parametrize("name", ["/etc/evil.csv", "\\evil.csv", "C:/evil.csv", "c:evil.csv"])
def test_absolute_paths_are_refused(tmp_path: Path, name: str) -> None:
    assert "绝对路径" in refused(tmp_path, archive([(name, b"x")])).zh


def test_symlinks_are_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, archive([("persons.csv", b"a"), symlink_entry("units.csv", "/etc/passwd")]))
    assert "符号链接" in error.zh and "symbolic link" in error.en


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    bomb = archive([("persons.csv", b"0" * (4 * MB))])
    assert len(bomb) < 40_000
    error = refused(tmp_path, bomb)
    assert "压缩炸弹" in error.zh and "zip bomb" in error.en


def test_too_much_unpacked_data_is_refused(tmp_path: Path) -> None:
    stored = archive([(f"t{i}.csv", b"x" * MB) for i in range(6)], zipfile.ZIP_STORED)
    assert "超过 5 MB" in refused(tmp_path, stored).zh


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    assert "条目过多" in refused(tmp_path, archive([(f"t{i}.csv", b"x") for i in range(21)])).zh


def test_save_stream_stops_at_the_limit(tmp_path: Path) -> None:
    dest = tmp_path / "f.bin"
    assert save_stream(io.BytesIO(b"x" * MB), dest, 1) == MB
    with pytest.raises(UploadRefused) as caught:
        save_stream(io.BytesIO(b"x" * (MB + 1)), dest, 1)
    assert caught.value.status == 413 and not dest.exists()


@settings(max_examples=200, derandomize=True, print_blob=True)
@given(st.lists(st.sampled_from(["a", "b", "..", ".", "", "c.csv"]), min_size=1, max_size=6))
def test_a_safe_member_path_never_leaves_its_folder(parts: list[str]) -> None:
    name = "/".join(parts)
    try:
        path = safe_member_path(name)
    except UploadRefused:
        assert ".." in parts or name.startswith("/")
        return
    assert ".." not in path.parts and not path.is_absolute()


# ------------------------------------------------------------------ through the web


def test_unsafe_uploads_are_refused_and_the_refusal_audited(web: Office) -> None:
    api = web.api("admin")
    bomb = archive([("persons.csv", b"0" * (4 * MB))])
    traversal = archive([("../../persons.csv", b"person_id,name\n")])
    link = archive([symlink_entry("persons.csv", "/etc/passwd")])
    for data in (bomb, traversal, link):
        response = api.post("/api/v1/imports", files={"file": ("x.zip", data)})
        assert response.status_code == 422 and response.json()["error"]["en"]
    assert api.post("/api/v1/imports", files={"file": ("x.exe", b"MZ")}).status_code == 422
    assert api.post("/api/v1/imports", files={"file": ("x.zip", b"not a zip")}).status_code == 422
    with web.db() as db:
        assert db.execute(select(BundleImport)).first() is None
        refusals = db.execute(select(AuditEntry).where(AuditEntry.action == "refuse")).scalars().all()
    assert len(refusals) == 5
    assert list((web.settings.data_dir / "imports").iterdir()) == []  # nothing left on disk


def test_an_oversize_upload_is_refused(db_url: str, tmp_path: Path) -> None:
    office = make_office(db_url, tmp_path / "data", max_upload_mb=1)
    try:
        big = archive([("persons.csv", bytes(range(256)) * 5000)], zipfile.ZIP_STORED)
        response = office.api("admin").post("/api/v1/imports", files={"file": ("big.zip", big)})
        assert response.status_code == 413 and "1 MB" in response.json()["error"]["zh"]
        page = office.client("admin").post("/imports", files={"file": ("big.zip", big)})
        assert page.status_code == 413 and "大小上限" in page.text
    finally:
        office.app.state.engine.dispose()
