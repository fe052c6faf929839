"""The content hash of a loaded bundle: the typed tables and their row counts, in order."""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa

from xuncha.bundle.model import Bundle, TableData

HASH_VERSION = b"xuncha-exchange-hash/1\n"


def content_hash(bundle: Bundle) -> str:
    """A sha256 hex digest of every table (name, file, counts, Arrow IPC bytes), by table name."""
    hasher = hashlib.sha256(HASH_VERSION)
    for name in sorted(bundle.tables):
        data = bundle.tables[name]
        hasher.update(_header(data))
        hasher.update(_ipc_bytes(data.table))
    return hasher.hexdigest()


def _header(data: TableData) -> bytes:
    head = {"table": data.name, "file": data.file, "read": data.read, "used": data.used, "rejected": data.rejected}
    return json.dumps(head, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def _ipc_bytes(table: pa.Table) -> memoryview:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return memoryview(sink.getvalue())
