from __future__ import annotations

from pathlib import Path

import pytest

from tests.exchange.conftest import add_row
from xuncha.bundle.problems import BundleError
from xuncha.exchange import SourceError, Store, ingest, open_source


def two_snapshots(bundle_dir: Path, store_dir: Path) -> tuple[str, str]:
    first = ingest(bundle_dir, store_dir).snapshot
    add_row(bundle_dir / "payroll.csv", "U1,,王五,2024-04,5000")
    second = ingest(bundle_dir, store_dir).snapshot
    return first, second


def assert_bilingual(error: SourceError, zh: str, en: str) -> None:
    assert zh in error.zh and en in error.en
    assert zh in str(error) and en in str(error)


@pytest.mark.parametrize(
    ("use_bundle", "use_store", "snapshot", "zh", "en"),
    [
        (False, False, None, "请给出数据包", "give a bundle path"),
        (True, True, None, "二选一", "not both"),
        (True, False, "2026", "--snapshot 只能", "--snapshot needs --store"),
    ],
)
def test_wrong_choice_is_a_clear_error(
    bundle_dir: Path, store_dir: Path, use_bundle: bool, use_store: bool, snapshot: str | None, zh: str, en: str
) -> None:
    ingest(bundle_dir, store_dir)
    with pytest.raises(SourceError) as caught:
        open_source(bundle_dir if use_bundle else None, store_dir if use_store else None, snapshot, strict=False)
    assert_bilingual(caught.value, zh, en)


def test_bundle_path_loads_the_bundle(bundle_dir: Path) -> None:
    source = open_source(bundle_dir, None, None, strict=False)
    assert source.snapshot is None and source.store is None
    assert source.bundle.root == bundle_dir
    assert "_loaded_at" not in source.bundle.table("subsidies").column_names


def test_store_gives_the_latest_snapshot_by_default(bundle_dir: Path, store_dir: Path) -> None:
    first, second = two_snapshots(bundle_dir, store_dir)
    source = open_source(None, store_dir, None, strict=False)
    assert source.snapshot == second
    assert source.store is not None and source.store.path == store_dir
    assert source.bundle.table("payroll").num_rows == 3
    older = open_source(None, store_dir, first, strict=False)
    assert older.snapshot == first and older.bundle.table("payroll").num_rows == 2


def test_unknown_snapshot_lists_the_known_ones(bundle_dir: Path, store_dir: Path) -> None:
    first, second = two_snapshots(bundle_dir, store_dir)
    with pytest.raises(SourceError) as caught:
        open_source(None, store_dir, "19990101", strict=False)
    assert_bilingual(caught.value, "没有快照「19990101」", "no snapshot '19990101'")
    assert first in caught.value.zh and second in caught.value.en


def test_prefix_resolution(bundle_dir: Path, store_dir: Path) -> None:
    first, second = two_snapshots(bundle_dir, store_dir)
    store = Store(store_dir)
    assert store.resolve(first) == first
    assert store.resolve(second[:17]) == second  # the time part differs between the two
    assert store.resolve(first.split("-")[0]) == first
    assert store.resolve(None) == second
    with pytest.raises(SourceError) as caught:
        store.resolve("20")
    assert_bilingual(caught.value, "不唯一", "ambiguous")
    assert first in caught.value.zh and second in caught.value.zh
    with pytest.raises(SourceError):
        store.resolve("")


def test_missing_or_empty_store(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        open_source(None, tmp_path / "nowhere", None, strict=False)
    assert_bilingual(caught.value, "不存在", "does not exist")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError) as caught:
        open_source(None, tmp_path / "empty", None, strict=False)
    assert_bilingual(caught.value, "还没有快照", "holds no snapshot")


def test_strict_refuses_a_snapshot_with_errors(bundle_dir: Path, store_dir: Path) -> None:
    add_row(bundle_dir / "persons.csv", "P-BAD,,,男,,,")
    ingest(bundle_dir, store_dir)
    assert open_source(None, store_dir, None, strict=False).bundle.errors
    with pytest.raises(BundleError):
        open_source(None, store_dir, None, strict=True)


def test_strict_bundle_path_fails_like_the_loader(bundle_dir: Path) -> None:
    add_row(bundle_dir / "persons.csv", "P-BAD,,,男,,,")
    with pytest.raises(BundleError):
        open_source(bundle_dir, None, None, strict=True)
