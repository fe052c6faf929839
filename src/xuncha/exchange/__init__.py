"""数据交换: a store of dated, immutable snapshots of a bundle, and the source opener
every command that reads departmental data goes through."""

from xuncha.exchange.errors import SourceError
from xuncha.exchange.intake import IngestReport, ingest
from xuncha.exchange.snapshot import SnapshotInfo, TableCounts
from xuncha.exchange.source import Source, open_source
from xuncha.exchange.store import Store

__all__ = [
    "IngestReport",
    "SnapshotInfo",
    "Source",
    "SourceError",
    "Store",
    "TableCounts",
    "ingest",
    "open_source",
]
