from __future__ import annotations

import time

import pytest

from xuncha.identity.names import name_pinyin, normalize_name, normalize_text

UYGHUR = "阿依古丽·买买提"


def test_traditional_to_simplified() -> None:
    assert normalize_name("劉德華") == "刘德华"
    assert normalize_name("阿依古麗·買買提") == UYGHUR


@pytest.mark.parametrize("dot", ["·", "•", "・", "‧", "･", "⋅", "∙", ".", "．", "··"])
def test_middle_dot_variants(dot: str) -> None:
    assert normalize_name(f"阿依古丽{dot}买买提") == UYGHUR


def test_middle_dot_with_spaces_around() -> None:
    assert normalize_name("阿依古丽 · 买买提") == UYGHUR


def test_period_between_latin_letters_is_kept() -> None:
    assert normalize_name("J.Smith") == "J.Smith"


@pytest.mark.parametrize("raw", ["刘 德 华", " 刘德华\u3000", "刘\t德华\n", "劉德華"])
def test_spaces_removed(raw: str) -> None:
    assert normalize_name(raw) == "刘德华"


def test_full_width_to_half_width() -> None:
    assert normalize_name("ＡＢＣ１２３") == "ABC123"


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan")])
def test_empty_never_raises(raw: object) -> None:
    assert normalize_name(raw) == ""  # type: ignore[arg-type]
    assert name_pinyin(raw) == ""  # type: ignore[arg-type]
    assert normalize_text(raw) == ""  # type: ignore[arg-type]


def test_pinyin_homophones() -> None:
    assert name_pinyin("刘德华") == "liudehua"
    assert name_pinyin("劉德華") == name_pinyin("刘德化")
    assert name_pinyin("张三") != name_pinyin("李四")


def test_pinyin_drops_dots_and_keeps_latin() -> None:
    assert name_pinyin(UYGHUR) == "ayigulimaimaiti"
    assert name_pinyin("王ＡＢ") == "wangab"


def test_pinyin_is_context_free() -> None:
    # the same character reads the same wherever it stands
    assert name_pinyin("曾") in name_pinyin("曾国藩")


def test_normalize_text() -> None:
    assert normalize_text("  四川省  南充市\u3000儀隴縣 ") == "四川省 南充市 仪陇县"
    assert normalize_text("ＡＢＣ公司") == "ABC公司"


def test_fast_enough() -> None:
    names = [f"劉德華{i % 50_000}" for i in range(200_000)]
    start = time.perf_counter()
    for n in names:
        normalize_name(n)
        name_pinyin(n)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, f"{elapsed:.1f}s for 200k names"
