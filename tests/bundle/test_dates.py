from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xuncha.bundle.dates import DateError, month_str, parse_date, parse_month

MARCH_1 = date(2024, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.03.01",
        "20240301",
        "2024年3月1日",
        "2024年03月01日",
        "２０２４－０３－０１",
        "２０２４年３月１日",
        " 2024-3-1 ",
        "2024-03-01 00:00:00",
        "2024-03-01T08:30:00",
        date(2024, 3, 1),
        datetime(2024, 3, 1, 23, 59),
        45352,  # Excel serial
        45352.5,  # Excel serial with a time of day
        20240301,  # an integer column read from CSV
        20240301.0,  # the same with gaps, read by pandas as float
        pd.Timestamp("2024-03-01 10:00"),
        pa.scalar(MARCH_1),
        pa.scalar(datetime(2024, 3, 1), pa.timestamp("us")),
        np.datetime64("2024-03-01T00:00:00.000000000"),
        np.int64(45352),
    ],
)
def test_parse_date_forms(value: object) -> None:
    assert parse_date(value) == MARCH_1


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", float("nan"), pd.NaT, pa.scalar(None, pa.date32())])
def test_parse_date_empty(value: object) -> None:
    assert parse_date(value) is None


def test_excel_serial_edges() -> None:
    assert parse_date(1) == date(1900, 1, 1)
    assert parse_date(59) == date(1900, 2, 28)
    assert parse_date(61) == date(1900, 3, 1)
    with pytest.raises(DateError):
        parse_date(60)  # Excel's 1900-02-29 never existed
    with pytest.raises(DateError):
        parse_date(0)


@pytest.mark.parametrize(
    "value",
    ["2024-02-30", "2024-13-01", "2023/2/29", "20240230", "abc", "45352", "2024", True, [2024]],
)
def test_parse_date_invalid(value: object) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value)
    assert info.value.reason_zh and info.value.reason_en
    assert isinstance(info.value, ValueError)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2200, 12, 31)))
def test_text_round_trip(day: date) -> None:
    for text in (day.isoformat(), f"{day:%Y%m%d}", f"{day.year}年{day.month}月{day.day}日"):
        assert parse_date(text) == day
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == day


@pytest.mark.parametrize(
    "value",
    [
        "1962.05",
        1962.05,
        "1962.5",
        1962.5,
        "1962年5月",
        "1962年05月",
        "1962-05",
        "196205",
        196205,
        "1962/5",
        "1962-05-20",
        "1962年5月20日",
        date(1962, 5, 20),
        datetime(1962, 5, 20, 8),
        "１９６２．０５",
        np.float64(1962.05),
    ],
)
def test_parse_month_forms(value: object) -> None:
    assert parse_month(value) == (1962, 5)


def test_month_float_one_decimal_is_october() -> None:
    # Excel stores the cadre form's 1962.10 as 1962.1; cadre forms write January as 1962.01
    assert parse_month(1962.1) == (1962, 10)
    assert parse_month(1962.10) == (1962, 10)
    assert parse_month("1962.1") == (1962, 10)
    assert parse_month("1962.01") == (1962, 1)
    assert parse_month(1962.01) == (1962, 1)
    assert parse_month("1962/1") == (1962, 1)
    assert parse_month("1962年1月") == (1962, 1)
    assert parse_month(1962.11) == (1962, 11)
    assert parse_month(1962.12) == (1962, 12)
    assert parse_month(1962.2) == (1962, 2)


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_month_float_round_trip(year: int, month: int) -> None:
    typed = f"{year}.{month:02d}"  # as the cadre form writes it
    assert parse_month(float(typed)) == (year, month)  # as Excel stores it
    assert parse_month(typed) == (year, month)


@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), pd.NaT])
def test_parse_month_empty(value: object) -> None:
    assert parse_month(value) is None


@pytest.mark.parametrize("value", ["1962", 1962, 1962.0, "1962.13", "1962.00", "1962-13", "abc", "1962.123", True])
def test_parse_month_invalid(value: object) -> None:
    with pytest.raises(DateError) as info:
        parse_month(value)
    assert info.value.reason_zh and info.value.reason_en


def test_month_str() -> None:
    assert month_str((1962, 5)) == "1962-05"
    assert month_str((2024, 12)) == "2024-12"
