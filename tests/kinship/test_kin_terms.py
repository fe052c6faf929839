"""The term parser: standard terms, variants, ordinals, 的-compositions, ambiguity."""

from __future__ import annotations

import pytest

from xuncha.kinship.chains import parse_chain
from xuncha.kinship.terms import TermParse, known_terms, parse_term, table

# term, expected category, one chain that must be among the readings
TERMS = """
父亲 lineal f
爸爸 lineal f
父 lineal f
爹 lineal f
阿爸 lineal f
母亲 lineal m
妈妈 lineal m
母 lineal m
娘 lineal m
配偶 spouse sp
爱人 spouse sp
妻子 spouse w
妻 spouse w
老婆 spouse w
丈夫 spouse h
夫 spouse h
老公 spouse h
儿子 lineal s
长子 lineal s
次子 lineal s
三子 lineal s
独子 lineal s
幼子 lineal s
小儿子 lineal s
养子 lineal s
继子 lineal s
女儿 lineal d
长女 lineal d
次女 lineal d
三女 lineal d
大女儿 lineal d
养女 lineal d
继女 lineal d
哥哥 collateral3 ob
兄 collateral3 ob
长兄 collateral3 ob
大哥 collateral3 ob
二哥 collateral3 ob
弟弟 collateral3 lb
弟 collateral3 lb
三弟 collateral3 lb
幼弟 collateral3 lb
姐姐 collateral3 os
姐 collateral3 os
大姐 collateral3 os
二姐 collateral3 os
妹妹 collateral3 ls
妹 collateral3 ls
小妹 collateral3 ls
兄弟 collateral3 xb
姐妹 collateral3 xs
祖父 lineal f,f
爷爷 lineal f,f
祖母 lineal f,m
奶奶 lineal f,m
外祖父 lineal m,f
外公 lineal m,f
姥爷 lineal m,f
外祖母 lineal m,m
外婆 lineal m,m
姥姥 lineal m,m
曾祖父 lineal f,f,f
曾祖母 lineal f,f,m
外曾祖父 lineal m,f,f
孙子 lineal s,s
长孙 lineal s,s
孙女 lineal s,d
外孙 lineal d,s
外孙女 lineal d,d
曾孙 lineal s,s,s
曾孙女 lineal s,s,d
岳父 in_law w,f
岳母 in_law w,m
丈人 in_law w,f
老丈人 in_law w,f
丈母娘 in_law w,m
公公 in_law h,f
公爹 in_law h,f
婆婆 in_law h,m
儿媳 in_law s,w
儿媳妇 in_law s,w
大儿媳 in_law s,w
女婿 in_law d,h
二女婿 in_law d,h
姐夫 in_law os,h
大姐夫 in_law os,h
妹夫 in_law ls,h
嫂子 in_law ob,w
嫂 in_law ob,w
大嫂 in_law ob,w
弟媳 in_law lb,w
弟媳妇 in_law lb,w
大伯子 in_law h,ob
小叔子 in_law h,lb
大姑子 in_law h,os
小姑子 in_law h,ls
大舅子 in_law w,ob
小舅子 in_law w,lb
大姨子 in_law w,os
小姨子 in_law w,ls
内兄 in_law w,ob
妻弟 in_law w,lb
伯父 collateral3 f,ob
伯伯 collateral3 f,ob
二伯 collateral3 f,ob
伯母 in_law f,ob,w
大娘 in_law f,ob,w
叔叔 collateral3 f,lb
叔父 collateral3 f,lb
三叔 collateral3 f,lb
婶婶 in_law f,lb,w
婶母 in_law f,lb,w
二婶 in_law f,lb,w
姑妈 collateral3 f,xs
姑姑 collateral3 f,xs
姑母 collateral3 f,xs
二姑 collateral3 f,xs
姑父 in_law f,xs,h
姑丈 in_law f,xs,h
舅舅 collateral3 m,xb
舅父 collateral3 m,xb
二舅 collateral3 m,xb
老舅 collateral3 m,xb
舅妈 in_law m,xb,w
舅母 in_law m,xb,w
姨妈 collateral3 m,xs
姨母 collateral3 m,xs
三姨 collateral3 m,xs
姨父 in_law m,xs,h
姨夫 in_law m,xs,h
堂兄 collateral3 f,xb,s
堂哥 collateral3 f,xb,s
堂弟 collateral3 f,xb,s
堂姐 collateral3 f,xb,d
堂妹 collateral3 f,xb,d
堂兄弟 collateral3 f,xb,s
堂姐妹 collateral3 f,xb,d
表兄 collateral3 f,xs,s
表哥 collateral3 m,xb,s
表弟 collateral3 m,xs,s
表姐 collateral3 f,xs,d
表妹 collateral3 m,xb,d
表兄弟 collateral3 f,xs,s
表姐妹 collateral3 m,xs,d
侄子 collateral3 xb,s
侄儿 collateral3 xb,s
侄女 collateral3 xb,d
外甥 collateral3 xs,s
外甥女 collateral3 xs,d
甥女 collateral3 xs,d
侄媳 in_law xb,s,w
侄媳妇 in_law xb,s,w
侄女婿 in_law xb,d,h
外甥媳妇 in_law xs,s,w
外甥女婿 in_law xs,d,h
内侄 in_law w,xb,s
亲家公 in_law s,w,f
亲家母 in_law d,h,m
连襟 in_law w,xs,h
襟兄 in_law w,os,h
襟弟 in_law w,ls,h
妯娌 in_law h,xb,w
表嫂 in_law f,xs,s,w
堂嫂 in_law f,xb,s,w
叔公 other_kin f,f,lb
伯公 other_kin f,f,ob
叔祖父 other_kin f,f,lb
伯祖父 other_kin f,f,ob
姑婆 other_kin f,f,xs
舅公 other_kin m,m,xb
姨婆 other_kin f,m,xs
堂侄 other_kin f,xb,s,s
表侄 other_kin m,xs,s,s
侄孙 other_kin xb,s,s
侄孙女 other_kin xb,s,d
外孙媳 other_kin d,s,w
孙媳妇 other_kin s,s,w
孙女婿 other_kin s,d,h
堂叔 other_kin f,f,xb,s
表舅 other_kin m,m,xs,s
养父 lineal f
养母 lineal m
继父 lineal f
继母 lineal m
前妻 spouse w
前夫 spouse h
"""

TERM_ROWS = [tuple(line.split()) for line in TERMS.strip().splitlines()]


def test_the_table_is_large_and_distinct() -> None:
    terms = [row[0] for row in TERM_ROWS]
    assert len(set(terms)) == len(terms) >= 150
    assert len(known_terms()) >= 170


@pytest.mark.parametrize(("term", "category", "chain"), TERM_ROWS)
def test_term_category_and_chain(term: str, category: str, chain: str) -> None:
    parsed = parse_term(term)
    assert parsed.known and not parsed.ambiguous, parsed
    assert parsed.category == category
    assert parse_chain(chain) in parsed.chains
    assert parsed.statutory == (category != "other_kin")


def test_every_declared_chain_is_valid_and_every_spelling_parses() -> None:
    for entry in table().terms:
        assert entry.readings(), entry.term
        for spelling in (entry.term, *entry.aliases):
            assert parse_term(spelling).chains == entry.readings(), spelling


@pytest.mark.parametrize(
    ("term", "chains"),
    [
        ("妻子的弟弟", ["w,lb"]),
        ("母亲的姐姐的儿子", ["m,os,s"]),
        ("配偶的父亲的兄弟", ["sp,f,xb"]),
        ("丈夫的表哥", ["h,f,xs,s", "h,m,xb,s", "h,m,xs,s"]),
        ("儿子的配偶", ["s,w"]),
        ("女儿的爱人的父亲", ["d,h,f"]),
        ("妻之父", ["w,f"]),
        ("公婆的女儿", ["h,f,d", "h,m,d"]),
    ],
)
def test_compositions_with_de(term: str, chains: list[str]) -> None:
    parsed = parse_term(term)
    assert parsed.known
    assert parsed.chains == [parse_chain(c) for c in chains]


def test_composition_categories() -> None:
    assert parse_term("配偶的父亲的兄弟").category == "in_law"
    assert parse_term("母亲的姐姐的儿子").category == "collateral3"
    assert parse_term("表哥的儿子").category == "other_kin"
    assert parse_term("妻子的表姐的丈夫").category == "other_kin"
    child_parent = parse_term("儿子的母亲")  # spouse or a former partner: not certain
    assert not child_parent.known and child_parent.chains == []
    assert "non-canonical" in (child_parent.note or "")
    assert not parse_term("丈夫的妻子").known
    assert parse_term("媳妇的父亲").chains == [("w", "f"), ("s", "w", "f")]
    assert not parse_term("妻子的的弟弟").known
    assert not parse_term("妻子的某人").known


def test_ego_gender_settles_the_spouse() -> None:
    assert parse_term("配偶").chains == [("sp",)]
    assert parse_term("配偶", ego_gender="男").chains == [("w",)]
    assert parse_term("爱人", ego_gender="女").chains == [("h",)]
    assert parse_term("配偶的弟弟", ego_gender="女").chains == [("h", "lb")]


@pytest.mark.parametrize(
    ("term", "categories"),
    [
        ("大伯", ["in_law", "collateral3"]),
        ("大姨", ["in_law", "collateral3"]),
        ("小姑", ["in_law", "collateral3"]),
        ("媳妇", ["spouse", "in_law"]),
        ("弟妹", ["in_law", "collateral3"]),
        ("阿姨", ["collateral3"]),
    ],
)
def test_ambiguous_terms_keep_every_reading(term: str, categories: list[str]) -> None:
    parsed = parse_term(term)
    assert parsed.ambiguous and parsed.known
    assert parsed.category == "ambiguous"
    assert parsed.categories == categories
    assert len(parsed.chains) >= len(categories)
    assert parsed.note


def test_same_category_readings_are_not_ambiguous() -> None:
    parsed = parse_term("表哥")
    assert len(parsed.chains) == 3 and not parsed.ambiguous
    assert parse_term("大伯").chains == [("h", "ob"), ("f", "ob")]
    assert not parse_term("阿姨").statutory  # may be an unrelated woman
    assert parse_term("大伯").statutory  # both readings are statutory


@pytest.mark.parametrize(
    ("term", "chains"),
    [
        ("公婆", ["h,f", "h,m"]),
        ("岳父母", ["w,f", "w,m"]),
        ("父母", ["f", "m"]),
        ("子女", ["s", "d"]),
        ("兄弟姐妹", ["xb", "xs"]),
        ("祖父母", ["f,f", "f,m"]),
        ("孙子女", ["s,s", "s,d"]),
        ("侄子女", ["xb,s", "xb,d"]),
        ("甥子女", ["xs,s", "xs,d"]),
        ("亲家", ["s,w,f", "s,w,m", "d,h,f", "d,h,m"]),
    ],
)
def test_groups_give_several_chains_and_are_not_ambiguous(term: str, chains: list[str]) -> None:
    parsed = parse_term(term)
    assert parsed.group and not parsed.ambiguous
    assert parsed.chains == [parse_chain(c) for c in chains]


def test_group_compositions() -> None:
    parsed = parse_term("父母的兄弟姐妹的子女")
    assert parsed.group and parsed.category == "collateral3" and len(parsed.chains) == 8
    assert parse_term("子女的子女的配偶的父母").category == "other_kin"
    assert parse_term("兄弟姐妹的子女的配偶").category == "in_law"


def test_a_group_of_several_categories_is_mixed() -> None:
    parsed = TermParse("x", "x", [("f",), ("w", "f")], False, True, group=True, categories=["lineal", "in_law"])
    assert parsed.category == "mixed"
    assert parsed.statutory


def test_fictive_and_former_ties() -> None:
    assert parse_term("养父").kind == "收养"
    assert parse_term("继母").kind == "继"
    assert parse_term("继母").chains == [("m",)]
    assert parse_term("继母的父亲").kind == "继"
    assert parse_term("父亲").kind is None
    former = parse_term("前妻")
    assert former.former and former.category == "spouse" and "former" in (former.note or "")
    assert not parse_term("妻子").former


def test_unknown_terms() -> None:
    for term in ("同事", "老二", "xyz", "", "干爹", "邻居"):
        parsed = parse_term(term)
        assert not parsed.known and parsed.chains == [] and parsed.category == "unknown"
        assert not parsed.statutory


def test_normalisation_of_spaces_brackets_and_traditional_script() -> None:
    parsed = parse_term(" 父 亲（已故）")
    assert parsed.normalized == "父亲" and parsed.chains == [("f",)]
    assert parsed.note == "已故"
    assert parse_term("孫女").chains == [("s", "d")]
    assert parse_term("岳母(退休)").category == "in_law"
    assert parse_term("表哥").term == "表哥"


def test_ordinals_only_where_allowed() -> None:
    assert parse_term("二爷爷").known is False  # 二爷爷 is a great-uncle, not a grandfather
    assert parse_term("十一弟").chains == [("lb",)]
    assert parse_term("老三").known is False
