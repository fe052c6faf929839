from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from xuncha.identity.idcard import (
    IdParse,
    check_char,
    cross_check,
    make_id,
    normalize_gender,
    parse_id,
)

# 11010519491231002X is the standard's own worked example (GB 11643-1999, annex).
STANDARD_EXAMPLE = "11010519491231002X"
MALE = make_id("511324", date(1970, 1, 1), 123)  # odd sequence
FEMALE = make_id("511324", date(1985, 6, 30), 124)


def test_check_char_matches_the_standard_example() -> None:
    assert check_char(STANDARD_EXAMPLE[:17]) == "X"
    assert parse_id(STANDARD_EXAMPLE).status == "valid"


def test_check_char_rejects_bad_bodies() -> None:
    with pytest.raises(ValueError):
        check_char("123")
    with pytest.raises(ValueError):
        check_char("1101051949123100X")


def test_valid_number_fields() -> None:
    p = parse_id(MALE)
    assert p.status == "valid" and p.usable
    assert p.number == MALE
    assert p.birth_date == date(1970, 1, 1)
    assert p.gender == "男"
    assert p.region_code == "511324"
    assert p.reason_zh is None and p.reason_en is None
    assert parse_id(FEMALE).gender == "女"


def test_fifteen_digit_upgrade() -> None:
    # 15-digit 511324 700101 123 -> 18-digit 511324 19700101 123 + check char
    p = parse_id("511324700101123")
    assert p.status == "upgraded" and p.usable
    assert p.number == MALE
    assert p.birth_date == date(1970, 1, 1)
    assert p.gender == "男"


def test_fifteen_digit_upgrade_of_the_standard_example() -> None:
    assert parse_id("110105491231002").number == STANDARD_EXAMPLE


def test_bad_check_is_kept_as_given() -> None:
    wrong = "0" if MALE[-1] != "0" else "1"
    p = parse_id(MALE[:17] + wrong)
    assert p.status == "bad_check" and p.usable
    assert p.number == MALE[:17] + wrong  # never corrected
    assert p.birth_date == date(1970, 1, 1) and p.gender == "男"
    assert p.reason_zh and "校验" in p.reason_zh
    assert p.reason_en and "check" in p.reason_en


def test_bad_check_with_lowercase_x_is_uppercased() -> None:
    body = STANDARD_EXAMPLE[:16] + "1"  # sequence changed, so X is no longer right
    assert check_char(body) != "X"
    p = parse_id(body + "x")
    assert p.status == "bad_check" and p.number == body + "X"


@pytest.mark.parametrize(
    "body",
    [
        "51132419700230123",  # 30 February
        "51132419701301123",  # month 13
        "51132418790101123",  # before 1880
        f"511324{date.today() + timedelta(days=1):%Y%m%d}123",  # tomorrow
    ],
)
def test_bad_date(body: str) -> None:
    p = parse_id(body + check_char(body))
    assert p.status == "bad_date" and not p.usable
    assert p.number is None and p.reason_zh and p.reason_en


def test_bad_date_in_fifteen_digits() -> None:
    assert parse_id("511324700230123").status == "bad_date"


@pytest.mark.parametrize(
    "raw",
    ["12345", "5113241970010112", "51132419700101123Y", "51132419700101A234", "abc", True],
)
def test_bad_format(raw: object) -> None:
    p = parse_id(raw)
    assert p.status == "bad_format" and not p.usable
    assert p.number is None and p.reason_zh and p.reason_en


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", float("nan"), "'"])
def test_empty(raw: object) -> None:
    p = parse_id(raw)
    assert p.status == "empty" and not p.usable and p.number is None


@pytest.mark.parametrize("raw", [float(MALE[:17] + "0"), 5.11324197001011e17, "5.11324E+17"])
def test_excel_float_lost_digits(raw: object) -> None:
    p = parse_id(raw)
    assert p.status == "bad_format"
    assert p.reason_zh and "Excel" in p.reason_zh and "丢失" in p.reason_zh
    assert p.reason_en and "digits lost" in p.reason_en


def test_fifteen_digits_survive_as_float_and_int() -> None:
    assert parse_id(511324700101123.0).number == MALE
    assert parse_id(511324700101123).number == MALE
    assert parse_id("511324700101123.0").number == MALE


def test_fraction_float_is_bad_format() -> None:
    assert parse_id(1.5).status == "bad_format"


@pytest.mark.parametrize(
    "raw",
    [
        f"  {MALE[:6]} {MALE[6:14]} {MALE[14:]} ",
        f"'{MALE}",
        "".join(chr(ord(c) + 0xFEE0) for c in MALE),  # full-width digits
        f"\u3000{MALE}\u3000",
    ],
)
def test_cleaning(raw: str) -> None:
    p = parse_id(raw)
    assert p.status == "valid" and p.number == MALE
    assert p.raw == raw


def test_lowercase_x_accepted() -> None:
    assert parse_id(STANDARD_EXAMPLE.lower()).number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("男", "男"),
        ("女", "女"),
        ("M", "男"),
        ("f", "女"),
        ("男性", "男"),
        ("女性", "女"),
        ("1", "男"),
        ("2", "女"),
        (1, "男"),
        (2.0, "女"),
        (" Ｍ ", "男"),
        ("Female", "女"),
        ("未知", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_normalize_gender(value: object, expected: str | None) -> None:
    assert normalize_gender(value) == expected


def test_cross_check_agreeing() -> None:
    p = parse_id(MALE)
    assert cross_check(p, "M", date(1970, 1, 1)) == []
    assert cross_check(p, None, None) == []
    assert cross_check(p, "男性", datetime(1970, 1, 1, 8)) == []


def test_cross_check_mismatches() -> None:
    found = cross_check(parse_id(MALE), "女", date(1970, 1, 2))
    assert [c for c, _, _ in found] == ["gender", "birth_date"]
    assert all(zh and en for _, zh, en in found)


def test_cross_check_nothing_to_compare_on_bad_number() -> None:
    assert cross_check(parse_id("abc"), "女", date(1970, 1, 2)) == []


def test_idparse_is_frozen() -> None:
    p = IdParse("x", None, "empty")
    with pytest.raises(AttributeError):
        p.status = "valid"  # type: ignore[misc]


_births = st.dates(min_value=date(1880, 1, 1), max_value=date.today())
_regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)


@settings(max_examples=300)
@given(region=_regions, birth=_births, seq=st.integers(0, 999))
def test_round_trip(region: str, birth: date, seq: int) -> None:
    number = make_id(region, birth, seq)
    note(f"number={number}")
    p = parse_id(number)
    assert p.status == "valid"
    assert (p.number, p.birth_date, p.region_code) == (number, birth, region)
    assert p.gender == ("男" if seq % 2 else "女")


_CHARS = "0123456789X"


@settings(max_examples=300)
@given(
    region=_regions,
    birth=_births,
    seq=st.integers(0, 999),
    pos=st.integers(0, 17),
    char=st.sampled_from(_CHARS),
)
def test_single_substitution_is_never_valid(region: str, birth: date, seq: int, pos: int, char: str) -> None:
    number = make_id(region, birth, seq)
    if number[pos] == char:
        return
    changed = number[:pos] + char + number[pos + 1 :]
    note(f"number={number} changed={changed}")
    assert parse_id(changed).status in ("bad_check", "bad_date", "bad_format")


def test_mod_11_2_detects_every_single_substitution_exhaustively() -> None:
    """Why the property above holds: each weight is a unit mod 11, so a change at one
    position moves the sum by a non-zero multiple of a unit, never by 0 mod 11."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for w in weights:
        assert all((w * d) % 11 for d in range(1, 10))
    body = MALE[:17]
    for pos in range(17):
        for digit in "0123456789":
            if digit != body[pos]:
                changed = body[:pos] + digit + body[pos + 1 :]
                assert check_char(changed) != check_char(body)
