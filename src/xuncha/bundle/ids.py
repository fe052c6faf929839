"""ID number columns, vectorised: well-formed 18-digit numbers are checked with Arrow
compute (check character and birth date); every other value goes through
:func:`xuncha.identity.idcard.parse_id`, once per distinct value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.identity.idcard import IdParse, parse_id

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = pa.array(list("10X98765432"), pa.string())
_EARLIEST = date(1880, 1, 1)
_ODD = pa.array(list("13579"), pa.string())


@dataclass
class IdColumn:
    """Per row: canonical ``number`` when usable (else null), ``status``, and the birth date
    and gender the number carries; ``reasons`` per distinct raw value that is not valid."""

    number: pa.Array
    status: pa.Array
    birth_date: pa.Array
    gender: pa.Array
    parses: dict[str, IdParse]


def _digit(array: pa.Array, i: int) -> pa.Array:
    return pc.cast(pc.utf8_slice_codeunits(array, i, i + 1), pa.int64())


def _fast_valid(ids: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Which rows are valid 18-digit numbers, and their birth dates."""
    shaped = pc.fill_null(pc.match_substring_regex(ids, r"^\d{17}[\dX]$"), False)
    safe = pc.if_else(shaped, ids, pa.scalar("000000000000000000"))
    total = pc.multiply(_digit(safe, 0), _WEIGHTS[0])
    for i, weight in enumerate(_WEIGHTS[1:], start=1):
        total = pc.add(total, pc.multiply(_digit(safe, i), weight))
    remainder = pc.subtract(total, pc.multiply(pc.divide(total, 11), 11))
    check_ok = pc.equal(_CHECK.take(remainder), pc.utf8_slice_codeunits(safe, 17, 18))
    birth = pc.strptime(pc.utf8_slice_codeunits(safe, 6, 14), format="%Y%m%d", unit="s", error_is_null=True)
    birth = pc.cast(birth, pa.date32())
    in_range = pc.and_(
        pc.greater_equal(birth, pa.scalar(_EARLIEST, pa.date32())),
        pc.less_equal(birth, pa.scalar(date.today(), pa.date32())),
    )
    valid = pc.fill_null(pc.and_(pc.and_(shaped, check_ok), in_range), False)
    return valid, birth


def id_column(array: pa.Array) -> IdColumn:
    """``array``: clean strings (trimmed, empty as null)."""
    upper = pc.utf8_upper(array)
    valid, birth = _fast_valid(upper)
    rest = pc.filter(array, pc.and_(pc.invert(valid), pc.is_valid(array)))
    uniques = pc.unique(rest)
    parses = {value: parse_id(value) for value in uniques.to_pylist()}
    index = pc.index_in(array, value_set=uniques)

    def slow(values: list[object], kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind).take(index)

    items = list(parses.values())
    null_status = pc.if_else(pc.is_null(array), pa.scalar("empty"), pa.scalar(None, pa.string()))
    slow_status = pc.coalesce(slow([p.status for p in items], pa.string()), null_status)
    gender_fast = pc.if_else(pc.is_in(pc.utf8_slice_codeunits(upper, 16, 17), _ODD), "男", "女")
    return IdColumn(
        number=pc.if_else(valid, upper, slow([p.number for p in items], pa.string())),
        status=pc.if_else(valid, pa.scalar("valid"), slow_status),
        birth_date=pc.if_else(valid, birth, slow([p.birth_date for p in items], pa.date32())),
        gender=pc.if_else(valid, gender_fast, slow([p.gender for p in items], pa.string())),
        parses=parses,
    )
