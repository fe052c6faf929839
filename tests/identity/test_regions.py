from __future__ import annotations

import time

import pytest

from xuncha.identity.regions import (
    Region,
    county_codes,
    region_by_code,
    regions_in_text,
    resolve_region,
    same_region,
)

YILONG = Region("511324", "仪陇县", "南充市", "四川省", True)


def codes(text: str) -> list[str]:
    return [r.code for r in regions_in_text(text)]


def test_table_size_and_shape() -> None:
    current = county_codes()
    assert len(current) >= 2800
    assert all(len(r.code) == 6 and r.code.isdigit() and r.name and r.province for r in current)
    assert len({r.code for r in current}) == len(current)


def test_code_lookup() -> None:
    assert region_by_code("511324") == YILONG
    assert region_by_code("999999") is None
    assert region_by_code("5113") is None


def test_former_codes_are_kept() -> None:
    old = region_by_code("512927")  # 仪陇县 under the former 南充地区
    assert old is not None and old.name == "仪陇县" and not old.current
    chongwen = region_by_code("110103")
    assert chongwen is not None and chongwen.name == "崇文区" and not chongwen.current


def test_county_codes_prefix() -> None:
    nanchong = county_codes("5113")
    assert [r.code for r in nanchong] == sorted(r.code for r in nanchong)
    assert YILONG in nanchong and len(nanchong) == 9
    assert all(r.current for r in county_codes("51"))


def test_city_without_counties_is_its_own_county() -> None:
    dongguan = region_by_code("441900")
    assert dongguan is not None and dongguan.name == "东莞市"


@pytest.mark.parametrize(
    "text",
    [
        "四川省南充市仪陇县",
        "四川南充仪陇",
        "南充仪陇",
        "南充市仪陇县",
        "仪陇县",
        "仪陇",
        "仪陇县金城镇",
        "四川省 南充市 仪陇县 金城镇新政路1号",
        "四川省南充市儀隴縣",
        "仪陇金城镇",
    ],
)
def test_text_names_yilong(text: str) -> None:
    assert codes(text) == ["511324"]


def test_autonomous_county_short_name() -> None:
    assert codes("重庆石柱") == ["500240"]
    assert codes("重庆市石柱土家族自治县") == ["500240"]
    assert codes("凉山州西昌") == ["513401"]
    assert codes("四川省凉山彝族自治州西昌市") == ["513401"]


def test_ambiguous_full_name_gives_every_candidate() -> None:
    assert set(codes("朝阳区")) >= {"110105", "220104"}


def test_context_narrows_full_name() -> None:
    assert codes("北京市朝阳区建国路") == ["110105"]
    assert codes("吉林省长春市朝阳区") == ["220104"]
    assert codes("天津和平") == ["120101"]


def test_ambiguous_short_name_gives_nothing() -> None:
    assert codes("朝阳") == []
    assert codes("长安") == []
    assert codes("陕西西安长安区") == ["610116"]


def test_short_name_not_matched_inside_other_words() -> None:
    assert codes("我在东方电气集团") == []  # 东方 (东方市) counts at the start or after a city
    assert codes("四川东方电气集团") == []  # ... and only if it lies in that province
    assert codes("仪陇县金城镇") == ["511324"]


def test_city_alone_is_not_a_county() -> None:
    assert codes("南充市") == []
    assert codes("四川省") == []
    assert codes("") == []
    assert codes("不知道") == []


def test_former_name_is_found() -> None:
    assert codes("北京市宣武区") == ["110104"]


def test_resolve_region() -> None:
    assert resolve_region("511324") == YILONG
    assert resolve_region("四川省南充市仪陇县") == YILONG
    assert resolve_region("仪陇县") == YILONG
    assert resolve_region("朝阳区") is None  # ambiguous
    assert resolve_region("") is None
    assert resolve_region("000000") is None


def test_same_region() -> None:
    assert same_region("四川省南充市仪陇县", "511324")
    assert same_region("南充仪陇", "仪陇县")
    assert same_region("仪陇县金城镇", "四川省南充市仪陇县")
    assert same_region("四川省南充市仪陇县", "512927")  # a former code of the same county
    assert same_region("石柱", "512325")  # 石柱 moved from 四川 to 重庆
    assert not same_region("四川省南充市南部县", "511324")
    assert not same_region("长春市朝阳区", "北京市朝阳区")
    assert same_region("北京市朝阳区", "朝阳区")  # ambiguous region: any candidate matches
    assert not same_region(None, "511324")
    assert not same_region("仪陇", None)
    assert not same_region("仪陇", "999999")


def test_fast() -> None:
    texts = [f"四川省南充市仪陇县金城镇{i}号" for i in range(20_000)]
    start = time.perf_counter()
    for t in texts:
        regions_in_text(t)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, f"{elapsed:.1f}s for 20k distinct texts"
