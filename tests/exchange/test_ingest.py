from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

import xuncha.exchange.intake as ingest_impl
from tests.exchange.conftest import add_row
from xuncha.bundle.load import load_bundle
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError
from xuncha.exchange import Store, ingest
from xuncha.exchange.intake import _new_id
from xuncha.synth.generate import write_bundle

DEPARTMENTAL_KEPT = ["source", "_source", "_row", "_loaded_at"]


def assert_same_tables(stored: Bundle, loaded: Bundle) -> None:
    assert list(stored.tables) == list(loaded.tables)
    for name, data in loaded.tables.items():
        got = stored.tables[name]
        plain = got.table.drop_columns(["_loaded_at"])
        assert plain.schema.equals(data.table.schema), name
        assert plain.equals(data.table), name
        assert (got.file, got.read, got.used, got.rejected) == (data.file, data.read, data.used, data.rejected)


def test_synthetic_bundle_reads_back_identical(tmp_path: Path) -> None:
    seed = 20261128
    print(f"synth seed {seed}")
    write_bundle(tmp_path / "b", persons=1500, seed=seed)
    report = ingest(tmp_path / "b", tmp_path / "s")
    stored = Store(tmp_path / "s").read(report.snapshot)
    assert_same_tables(stored, load_bundle(tmp_path / "b"))
    assert stored.root == tmp_path / "s" / "snapshots" / report.snapshot


def test_departmental_rows_keep_their_origin(bundle_dir: Path, store_dir: Path) -> None:
    report = ingest(bundle_dir, store_dir)
    stored = Store(store_dir).read()
    assert_same_tables(stored, load_bundle(bundle_dir))
    subsidies = stored.table("subsidies")
    for column in DEPARTMENTAL_KEPT:
        assert column in subsidies.column_names
    assert subsidies.column("source").to_pylist() == ["民政局", "subsidies.csv", "subsidies.csv"]
    assert subsidies.column("_source").to_pylist() == ["subsidies.csv:2", "subsidies.csv:3", "subsidies.csv:4"]
    stamp = stored.table("payroll").column("_loaded_at")
    assert stamp.type == pa.timestamp("us", tz="UTC")
    assert {v.isoformat().replace("+00:00", "Z") for v in stamp.to_pylist()} == {report.info.loaded_at}


def test_manifest_describes_each_snapshot(bundle_dir: Path, store_dir: Path) -> None:
    report = ingest(bundle_dir, store_dir)
    doc = json.loads((store_dir / "manifest.json").read_text("utf-8"))
    (entry,) = doc["snapshots"]
    assert entry["id"] == report.snapshot
    assert entry["input"] == str(bundle_dir.resolve())
    assert entry["hash"].startswith(report.snapshot.split("-")[1])
    assert entry["tables"]["subsidies"] == {"file": "subsidies.csv", "read": 3, "used": 3, "rejected": 0}
    assert entry["tables"]["persons"]["read"] == 30
    assert entry["problems"] == {"errors": 0, "warnings": 1, "file": "problems.json"}
    assert entry["loaded_at"].endswith("Z")


def test_same_data_twice_writes_nothing(bundle_dir: Path, store_dir: Path) -> None:
    first = ingest(bundle_dir, store_dir)
    manifest = (store_dir / "manifest.json").read_text("utf-8")
    second = ingest(bundle_dir, store_dir)
    assert (first.status, second.status) == ("new", "unchanged")
    assert second.snapshot == first.snapshot
    assert [p.name for p in (store_dir / "snapshots").iterdir()] == [first.snapshot]
    assert (store_dir / "manifest.json").read_text("utf-8") == manifest


def test_hash_ignores_load_time_and_place(bundle_dir: Path, tmp_path: Path) -> None:
    one = ingest(bundle_dir, tmp_path / "s1")
    moved = bundle_dir.rename(tmp_path / "elsewhere")
    two = ingest(moved, tmp_path / "s2")
    assert one.info.hash == two.info.hash


def test_changed_row_makes_a_second_snapshot(bundle_dir: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    first = ingest(bundle_dir, store_dir)
    before = store.read(first.snapshot)
    text = (bundle_dir / "payroll.csv").read_text("utf-8").replace("8000", "8500")
    (bundle_dir / "payroll.csv").write_text(text, "utf-8")
    second = ingest(bundle_dir, store_dir)
    assert second.status == "new"
    assert first.snapshot < second.snapshot == store.latest()
    assert store.ids() == [first.snapshot, second.snapshot]
    again = store.read(first.snapshot)
    for name in before.tables:
        assert again.table(name).equals(before.table(name)), name
    assert store.read().table("payroll").column("amount").to_pylist() == [8500.0, 6000.0]
    assert again.table("payroll").column("amount").to_pylist() == [8000.0, 6000.0]
    assert len(json.loads((store_dir / "manifest.json").read_text("utf-8"))["snapshots"]) == 2


def test_back_to_old_data_is_a_new_latest_snapshot(bundle_dir: Path, store_dir: Path) -> None:
    original = (bundle_dir / "payroll.csv").read_text("utf-8")
    first = ingest(bundle_dir, store_dir)
    add_row(bundle_dir / "payroll.csv", "U1,,王五,2024-04,5000")
    ingest(bundle_dir, store_dir)
    (bundle_dir / "payroll.csv").write_text(original, "utf-8")
    third = ingest(bundle_dir, store_dir)
    assert third.status == "new"
    assert third.info.hash == first.info.hash
    assert Store(store_dir).latest() == third.snapshot


def test_bad_rows_are_reported_and_counted(bundle_dir: Path, store_dir: Path) -> None:
    add_row(bundle_dir / "persons.csv", "P-BAD,,,男,,,")
    report = ingest(bundle_dir, store_dir)
    assert report.info.tables["persons"].read == 31
    assert report.info.tables["persons"].rejected == 1
    assert report.info.problems.errors >= 1
    stored = json.loads((report.path / "problems.json").read_text("utf-8"))
    assert any(p["file"] == "persons.csv" and p["row"] == 32 and p["level"] == "error" for p in stored)
    assert Store(store_dir).read().problems == load_bundle(bundle_dir).problems


def test_strict_fails_and_writes_nothing(bundle_dir: Path, store_dir: Path) -> None:
    add_row(bundle_dir / "persons.csv", "P-BAD,,,男,,,")
    with pytest.raises(BundleError) as caught:
        ingest(bundle_dir, store_dir, strict=True)
    assert caught.value.problem.file == "persons.csv"
    assert Store(store_dir).snapshots() == []


def test_missing_persons_is_fatal(bundle_dir: Path, store_dir: Path) -> None:
    (bundle_dir / "persons.csv").unlink()
    with pytest.raises(BundleError):
        ingest(bundle_dir, store_dir)
    assert Store(store_dir).latest() is None


def test_crash_leaves_no_half_snapshot(bundle_dir: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    real = ingest_impl._write_table

    def failing(table: pa.Table, path: Path, now: datetime) -> None:
        if written:
            raise OSError("disk full")
        written.append(path)
        real(table, path, now)

    monkeypatch.setattr(ingest_impl, "_write_table", failing)
    with pytest.raises(OSError):
        ingest(bundle_dir, store_dir)
    assert list((store_dir / "snapshots").iterdir()) == []
    assert Store(store_dir).snapshots() == []
    monkeypatch.undo()
    assert ingest(bundle_dir, store_dir).status == "new"


def test_ids_sort_after_the_latest_even_when_the_clock_does_not() -> None:
    now = datetime(2026, 11, 28, 20, 45, 1, tzinfo=UTC)
    assert _new_id(now, "3f2a9cdeadbeef", None) == "20261128T204501Z-3f2a9c"
    later = "20261128T214501Z-aaaaaa"
    assert _new_id(now, "000000", later) == "20261128T214502Z-000000"
    assert _new_id(now, "ffffff", "20261128T204501Z-000000") > "20261128T204501Z-000000"
