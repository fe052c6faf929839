"""``open_source``: the one way commands get a ``Bundle``, from a bundle path or a store snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xuncha.bundle.load import load_bundle
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError
from xuncha.exchange.errors import SourceError
from xuncha.exchange.store import Store


@dataclass
class Source:
    """The data a command runs on; ``snapshot`` and ``store`` are None for a bundle path."""

    bundle: Bundle
    snapshot: str | None = None
    store: Store | None = None


def open_source(bundle: Path | None, store: Path | None, snapshot: str | None, *, strict: bool) -> Source:
    """Exactly one of ``bundle`` and ``store``; ``snapshot`` (an id or a unique prefix, the latest
    when None) only with ``store``. ``SourceError`` for a wrong choice; ``BundleError`` for bad data
    (with ``strict``, a snapshot holding any error fails too)."""
    _check_choice(bundle, store, snapshot)
    if bundle is not None:
        return Source(load_bundle(bundle, strict=strict))
    assert store is not None
    return _from_store(Store(store), snapshot, strict=strict)


def _check_choice(bundle: Path | None, store: Path | None, snapshot: str | None) -> None:
    if bundle is None and store is None:
        raise SourceError("请给出数据包路径或 --store 数据交换库", "give a bundle path or --store DIR")
    if bundle is not None and store is not None:
        raise SourceError("数据包路径与 --store 只能二选一", "give either a bundle path or --store DIR, not both")
    if snapshot is not None and store is None:
        raise SourceError("--snapshot 只能与 --store 一起使用", "--snapshot needs --store DIR")


def _from_store(store: Store, snapshot: str | None, *, strict: bool) -> Source:
    if not store.path.is_dir():
        raise SourceError(f"数据交换库 {store.path} 不存在", f"the store {store.path} does not exist")
    snapshot_id = store.resolve(snapshot)
    bundle = store.read(snapshot_id)
    if strict and bundle.errors:
        raise BundleError(bundle.errors[0])
    return Source(bundle, snapshot_id, store)
