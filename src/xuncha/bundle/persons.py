"""The persons table: person keys, ID number checks, gender and birth date from the ID."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.build import Builder
from xuncha.bundle.convert import Reason
from xuncha.bundle.ids import IdColumn, id_column
from xuncha.bundle.refs import KeyIndex

NO_KEY: Reason = (
    "既没有可用的身份证号，也没有人员编号",
    "neither a usable ID number nor a person_id",
)
ID_REPLACED: Reason = (
    "身份证号无效，改用人员编号作为主键",
    "the ID number is not usable; the person_id is the key instead",
)


def _np(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _reason_of(ids: IdColumn, value: str | None) -> Reason:
    parsed = ids.parses.get(value or "")
    if parsed is None or parsed.reason_zh is None or parsed.reason_en is None:
        return ("身份证号无效", "the ID number is not valid")
    return parsed.reason_zh, parsed.reason_en


def check_ids(b: Builder, column: str, *, report_unusable: bool = True) -> IdColumn:
    """An ID number column of any table: canonical where usable (else empty); a failed check
    character is reported and the number kept unverified; an unusable number is reported
    (when ``report_unusable``) and left empty."""
    source = b.text.get(column, pa.nulls(b.raw.length, pa.string()))
    ids = id_column(source)
    unverified = _np(pc.equal(ids.status, "bad_check"))
    b.report(unverified, column, lambda _i, v: _reason_of(ids, v), "warning", source)
    if report_unusable:
        unusable = _np(pc.is_in(ids.status, pa.array(["bad_date", "bad_format"])))
        b.report(unusable, column, lambda _i, v: _reason_of(ids, v), "warning", source)
    if column in b.text:
        b.add(column, ids.number)
    return ids


def build_persons(b: Builder) -> KeyIndex:
    """Person keys, derived gender and birth date, duplicates; the index of every spelling
    by which other tables may name a person."""
    ids = check_ids(b, "id_number", report_unusable=False)
    person_id = b.text.get("person_id", pa.nulls(b.raw.length, pa.string()))
    source = b.text.get("id_number", pa.nulls(b.raw.length, pa.string()))
    unusable = _np(pc.is_in(ids.status, pa.array(["bad_date", "bad_format"])))
    has_pid = _np(pc.is_valid(person_id))
    b.report(unusable & has_pid, "id_number", _with(ids, ID_REPLACED), "warning", source)
    b.report(unusable & ~has_pid, "id_number", _with(ids, NO_KEY), "error", source)
    key = pc.coalesce(ids.number, person_id)
    b.report(_np(pc.is_null(key)) & ~unusable, "id_number", NO_KEY, "error", source)
    b.add("person_key", key)
    b.add("id_status", ids.status)
    _derive(b, "gender", ids.gender, ("性别与身份证号不符", "gender does not match the ID number"))
    _derive(
        b,
        "birth_date",
        ids.birth_date,
        ("出生日期与身份证号不符", "birth date does not match the ID number"),
    )
    b.unique(
        "person_key",
        label=("人员主键（身份证号或人员编号）", "the person key (ID or person_id)"),
        column="id_number" if "id_number" in b.text else "person_id",
    )
    b.unique("person_id", person_id, label=("人员编号", "the person_id"))
    return _index(b, key, person_id)


def _with(ids: IdColumn, then: Reason) -> Callable[[int, str | None], Reason]:
    def explain(_i: int, value: str | None) -> Reason:
        first = _reason_of(ids, value)
        return f"{first[0]}；{then[0]}", f"{first[1]}; {then[1]}"

    return explain


def _derive(b: Builder, name: str, derived: pa.Array, reason: Reason) -> None:
    given = b.columns.get(name)
    if given is None:
        b.add(name, derived)
        return
    differs = _np(pc.not_equal(given, derived))
    b.report(differs, name, _mismatch(reason, derived), "warning", given)
    b.add(name, pc.coalesce(given, derived))


def _mismatch(reason: Reason, derived: pa.Array) -> Callable[[int, str | None], Reason]:
    def explain(i: int, _value: str | None) -> Reason:
        from_id = derived[i].as_py()
        return f"{reason[0]}（身份证号为 {from_id}）", f"{reason[1]} ({from_id} by the ID)"

    return explain


def _index(b: Builder, key: pa.Array, person_id: pa.Array) -> KeyIndex:
    keep = pa.array(~b.reject)
    key = key.filter(keep)
    return KeyIndex.of([(key, key), (person_id.filter(keep), key)])
