"""CSV tables: encoding detection, delimiter sniffing, a fast Arrow path and an exact slow path.

The fast path hands the (UTF-8) bytes to ``pyarrow.csv`` with every column as a string. When
Arrow refuses the file (ragged rows) or the quotes do not pair up (a file cut inside a quoted
field), the file is read again with Python's ``csv`` module, which knows exact row numbers
and reports each bad row on its own.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from xuncha.bundle.headers import SCAN_ROWS, Header, find_header
from xuncha.bundle.raw import FileProblem, RawTable, header_problems
from xuncha.bundle.schema import Table

DELIMITERS = (",", "\t", ";", "|")
SNIFF_BYTES = 1 << 16


def decode(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes (no BOM) and the encoding it was in; ``FileProblem`` when the
    file is empty, binary, or not text in any encoding we can decode without loss."""
    if not data.strip():
        raise FileProblem("文件为空", "the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _transcode(data, "utf-16")
    if b"\x00" in data:
        raise FileProblem(
            "不是文本文件（可能是改了扩展名的二进制文件）",
            "not a text file (a binary file renamed?)",
        )
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return body, "utf-8-sig" if body is not data else "utf-8"
    try:
        return _transcode(data, "gb18030")
    except FileProblem:
        pass
    return _guess(data)


def _transcode(data: bytes, encoding: str) -> tuple[bytes, str]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"无法按 {encoding} 解码（第 {exc.start} 字节）",
            f"cannot decode as {encoding} (byte {exc.start})",
        ) from exc
    return text.lstrip("\ufeff").encode("utf-8"), encoding


def _guess(data: bytes) -> tuple[bytes, str]:
    best = from_bytes(data).best()
    if best is None or best.chaos > 0.1:
        raise FileProblem(
            "无法识别文件编码（不是 UTF-8 或 GB18030），为避免姓名乱码未读取",
            "unknown encoding (neither UTF-8 nor GB18030); not read, to avoid garbled names",
        )
    return _transcode(data, best.encoding)


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def head_records(text: str, delimiter: str) -> list[list[str | None]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[list[str | None]] = []
    try:
        for record in reader:
            records.append(list(record))
            if len(records) >= SCAN_ROWS:
                break
    except csv.Error:
        pass
    return records


def read_csv(path: Path, table: Table, label: str) -> RawTable:
    """Read one CSV table; ``FileProblem`` when the file as a whole cannot be used."""
    data, _ = decode(path.read_bytes())
    head = data[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    delimiter = sniff_delimiter(head.split("\n", 1)[0])
    header = find_header(head_records(head, delimiter), table)
    if header is None:
        raise FileProblem(
            "找不到表头（没有一列能对应到本表的列名）",
            "no header row found (no column name of this table)",
        )
    raw = fast_records(data, delimiter, header, header.width, table, label)
    if raw is None:
        raw = _slow(data.decode("utf-8"), delimiter, header, table, label)
    header_problems(raw, header)
    return raw


def _names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def fast_records(data: bytes, delimiter: str, header: Header, width: int, table: Table, label: str) -> RawTable | None:
    if data.count(b'"') % 2:
        return None
    names = _names(width)
    try:
        arrow = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=header.index + 1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                include_columns=[names[i] for i in header.columns],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    rows = pa.array(range(header.index + 2, header.index + 2 + arrow.num_rows), pa.int64())
    columns = {header.columns[i]: arrow.column(names[i]).combine_chunks() for i in header.columns}
    return RawTable(table, label, columns, rows, header.texts)


def _slow(text: str, delimiter: str, header: Header, table: Table, label: str) -> RawTable:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    cells: dict[int, list[str | None]] = {i: [] for i in header.columns}
    rows: list[int] = []
    raw = RawTable(table, label, {}, pa.array([], pa.int64()), header.texts)
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if number <= header.index + 1 or not record:
                continue
            if not _fits(record, header.width, raw, number):
                continue
            rows.append(number)
            for i in header.columns:
                cells[i].append(record[i] if i < len(record) else None)
    except csv.Error as exc:
        raise FileProblem(
            f"第 {number + 1} 行附近文件损坏或被截断（{exc}）",
            f"file damaged or truncated near row {number + 1} ({exc})",
        ) from exc
    raw.columns = {header.columns[i]: pa.array(v, pa.string()) for i, v in cells.items()}
    raw.rows = pa.array(rows, pa.int64())
    return raw


def _fits(record: list[str], width: int, raw: RawTable, number: int) -> bool:
    """A row longer than the header is accepted only when the surplus cells are empty."""
    if len(record) <= width or not any(c.strip() for c in record[width:]):
        return True
    raw.problem(
        ("该行的列数多于表头", "the row has more cells than the header"),
        row=number,
        value=",".join(record)[:200],
    )
    raw.rejected_at_read += 1
    return False
