"""Vectorised resident ID numbers (GB 11643-1999) and unified social credit codes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _digits(values: IntArray, width: int) -> npt.NDArray[np.int64]:
    """Decimal digits of ``values`` as an (n, width) matrix, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % 10


def id_numbers(region: IntArray, birth: npt.NDArray[np.datetime64], seq: IntArray) -> list[str]:
    """18-digit ID numbers for each (region code, birth date, 3-digit sequence)."""
    days = birth.astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    dom = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    date_num = years * 10000 + months * 100 + dom
    digits = np.concatenate([_digits(region, 6), _digits(date_num, 8), _digits(seq % 1000, 3)], axis=1)
    check = _CHECK[(digits @ _WEIGHTS) % 11]
    chars = np.empty((len(region), 18), dtype=np.uint8)
    chars[:, :17] = digits.astype(np.uint8) + ord("0")
    chars[:, 17] = check
    return [b.decode("ascii") for b in chars.view("S18").ravel()]


def unique_sequences(
    rng: np.random.Generator, region: IntArray, birth_day: IntArray, male: npt.NDArray[np.bool_]
) -> IntArray:
    """3-digit sequences, odd for men, unique within (region, birth date)."""
    n = len(region)
    start = rng.integers(0, 500, size=n)
    order = np.lexsort((start, male, birth_day, region))
    keys = np.stack([region[order], birth_day[order], male[order].astype(np.int64)], axis=1)
    new_group = np.ones(n, dtype=bool)
    if n > 1:
        new_group[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    rank = np.arange(n) - group_start
    half = (start[order][group_start] + rank) % 500
    seq = np.empty(n, dtype=np.int64)
    seq[order] = 2 * half + male[order].astype(np.int64)
    return seq


def credit_code(prefix: str, region: str, serial: int) -> str:
    """A unified social credit code (GB 32100-2015) with a valid check character."""
    body = f"{prefix}{region}{serial:09d}"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]
