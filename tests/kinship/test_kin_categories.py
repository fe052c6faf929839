"""Legal categories of kin ties: 第五条 examples, the either-side rule, and the shape table."""

from __future__ import annotations

from itertools import product

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from xuncha.kinship.categories import (
    STATUTORY,
    all_shapes,
    categories_in_order,
    classify_chain,
    classify_shape,
    rules,
    segments_of,
    stronger,
)
from xuncha.kinship.chains import (
    canonical,
    is_canonical,
    parse_chain,
    reverse_chain,
    reverse_shape,
    shape_of,
    steps,
)

# Every relative 第五条 names, as a chain from the person's side.
ARTICLE_5: dict[str, list[tuple[str, str]]] = {
    "spouse": [("妻子", "w"), ("丈夫", "h"), ("配偶", "sp")],
    "lineal": [
        ("祖父", "f,f"),
        ("祖母", "f,m"),
        ("外祖父", "m,f"),
        ("外祖母", "m,m"),
        ("父亲", "f"),
        ("母亲", "m"),
        ("儿子", "s"),
        ("女儿", "d"),
        ("孙子", "s,s"),
        ("孙女", "s,d"),
        ("外孙子", "d,s"),
        ("外孙女", "d,d"),
    ],
    "collateral3": [
        ("伯", "f,ob"),
        ("叔", "f,lb"),
        ("姑", "f,xs"),
        ("舅", "m,xb"),
        ("姨", "m,xs"),
        ("哥哥", "ob"),
        ("弟弟", "lb"),
        ("姐姐", "os"),
        ("妹妹", "ls"),
        ("堂兄弟", "f,xb,s"),
        ("堂姐妹", "f,xb,d"),
        ("表兄弟(姑表)", "f,xs,s"),
        ("表姐妹(舅表)", "m,xb,d"),
        ("表兄弟(姨表)", "m,xs,s"),
        ("侄子", "xb,s"),
        ("侄女", "xb,d"),
        ("外甥", "xs,s"),
        ("外甥女", "xs,d"),
    ],
    "in_law": [
        ("配偶的父亲", "w,f"),
        ("配偶的母亲", "h,m"),
        ("配偶的兄弟", "w,ob"),
        ("配偶的姐妹", "h,ls"),
        ("配偶的姐妹的配偶", "w,xs,h"),
        ("配偶的兄弟的配偶", "h,xb,w"),
        ("儿子的配偶", "s,w"),
        ("女儿的配偶", "d,h"),
        ("儿子配偶的父亲", "s,w,f"),
        ("女儿配偶的母亲", "d,h,m"),
        ("兄弟的配偶", "ob,w"),
        ("姐妹的配偶", "ls,h"),
        ("叔叔的配偶", "f,lb,w"),
        ("舅舅的配偶", "m,xb,w"),
        ("姑姑的配偶", "f,xs,h"),
        ("姨妈的配偶", "m,xs,h"),
        ("堂兄的配偶", "f,xb,s,w"),
        ("表姐的配偶", "m,xs,d,h"),
        ("侄子的配偶", "xb,s,w"),
        ("外甥女的配偶", "xs,d,h"),
        ("丈夫的表兄(表嫂的另一侧)", "h,f,xs,s"),
        ("妻子的伯父", "w,f,ob"),
        ("配偶的侄子", "sp,xb,s"),
    ],
}

# Ties that are kin but not statutory (其他亲属).
OTHER_KIN = [
    ("叔祖父 great-uncle", "f,f,lb"),
    ("表兄的儿子 cousin's child", "f,xs,s,s"),
    ("配偶的祖父 spouse's grandparent", "w,f,f"),
    ("再从兄弟 second cousin", "f,f,xb,s,s"),
    ("继母 as father's wife", "f,w"),
    ("配偶的堂姐的丈夫 spouse's cousin's spouse", "w,f,xb,d,h"),
    ("孙媳 grandchild's spouse", "s,s,w"),
    ("侄孙", "xb,s,s"),
    ("表侄", "m,xb,s,d"),
    ("丈夫的侄子的妻子 spouse's nephew's wife", "h,xb,s,w"),
    ("继子 as wife's son", "w,s"),
    ("亲家的兄弟 child's spouse's uncle", "s,w,f,xb"),
    ("曾祖父的兄弟", "f,f,f,xb"),
    ("连襟的父亲", "w,xs,h,f"),
]


def _both_sides(chain_text: str) -> list[str]:
    """The category seen from the person, and from the relative (for either gender)."""
    chain = parse_chain(chain_text)
    shape = shape_of(chain)
    seen = [classify_chain(chain), classify_shape(reverse_shape(shape))]
    seen += [classify_chain(reverse_chain(chain, gender)) for gender in ("男", "女")]
    return seen


@pytest.mark.parametrize(
    ("category", "label", "chain"),
    [(category, label, chain) for category, ties in ARTICLE_5.items() for label, chain in ties],
)
def test_article_5_examples_from_both_sides(category: str, label: str, chain: str) -> None:
    assert _both_sides(chain) == [category] * 4, label


@pytest.mark.parametrize(("label", "chain"), OTHER_KIN)
def test_non_statutory_ties_from_both_sides(label: str, chain: str) -> None:
    assert _both_sides(chain) == ["other_kin"] * 4, label


@pytest.mark.parametrize(
    ("chain", "shape"),
    [("f,xs,s", "uudd"), ("w,f", "su"), ("xb,w", "uds"), ("sp,p,sib,c", "suudd"), ("", "")],
)
def test_shape_of(chain: str, shape: str) -> None:
    assert shape_of(parse_chain(chain)) == shape


def test_unknown_step_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown chain step"):
        parse_chain("w,zz")


def test_canonical_shapes_and_the_child_parent_reduction() -> None:
    assert canonical("suds") == "suds"
    assert canonical("du") is None
    assert canonical("ss") is None
    assert canonical("") is None
    assert canonical("du", child_parent_is_spouse=True) == "s"
    assert canonical("dduu", child_parent_is_spouse=True) == "dsu"
    with pytest.raises(ValueError, match="canonical"):
        classify_shape("udu")


def test_segments_and_strength_order() -> None:
    assert segments_of("suud") == [(0, 0), (2, 1)]
    assert categories_in_order() == ["spouse", "lineal", "collateral3", "in_law", "other_kin"]
    assert stronger("in_law", "lineal") == "lineal"
    assert stronger("other_kin", "collateral3") == "collateral3"
    assert frozenset(c.code for c in rules().categories if c.statutory) == STATUTORY


def _canonical_by_grammar(max_steps: int, max_spouse: int) -> set[str]:
    """Independent enumeration: blood segments u^a d^b joined by s, inner ones non-empty."""
    found: set[str] = set()
    for count in range(1, max_spouse + 2):
        pairs = [(a, b) for a in range(max_steps + 1) for b in range(max_steps + 1)]
        for segs in product(pairs, repeat=count):
            if any(a + b == 0 for a, b in segs[1:-1]):
                continue
            shape = "s".join("u" * a + "d" * b for a, b in segs)
            if 0 < len(shape) <= max_steps:
                found.add(shape)
    return found


def test_all_shapes_is_every_canonical_shape() -> None:
    table = all_shapes()
    assert set(table) == _canonical_by_grammar(5, 2)
    assert len(table) == 139
    assert set(all_shapes(3, 1)) == _canonical_by_grammar(3, 1)
    assert all(s.count("s") <= 2 and len(s) <= 5 for s in table)


def test_all_shapes_categories_survive_reversal() -> None:
    table = all_shapes(max_steps=7, max_spouse_steps=3)
    for shape, category in table.items():
        assert table[reverse_shape(shape)] == category, shape
    assert table["s"] == "spouse"
    assert table["suds"] == "in_law"
    assert table["uuud"] == "other_kin"
    in_law = sorted(s for s, c in table.items() if c == "in_law")
    assert in_law == sorted(
        ["su", "ds", "suds", "dsu"]
        + [f"s{'u' * u}{'d' * d}" for u in (1, 2) for d in (1, 2)]
        + [f"{'u' * u}{'d' * d}s" for u in (1, 2) for d in (1, 2)]
    )


shape_strategy = st.lists(st.sampled_from("uds"), min_size=1, max_size=10).map("".join)


@settings(max_examples=400, print_blob=True)
@given(shape_strategy)
def test_category_set_is_closed_under_reversal(shape: str) -> None:
    note(f"shape={shape}")
    if not is_canonical(shape):
        assert not is_canonical(reverse_shape(shape))
        return
    assert classify_shape(reverse_shape(shape)) == classify_shape(shape)
    assert reverse_shape(reverse_shape(shape)) == shape


chain_strategy = st.lists(st.sampled_from(sorted(steps())), min_size=1, max_size=6).map(tuple)


@settings(max_examples=300, print_blob=True)
@given(chain_strategy, st.sampled_from(["男", "女", None]))
def test_reverse_chain_reverses_the_shape(chain: tuple[str, ...], gender: str | None) -> None:
    note(f"chain={chain} gender={gender}")
    assert shape_of(reverse_chain(chain, gender)) == reverse_shape(shape_of(chain))


gendered = sorted(code for code, spec in steps().items() if spec.gender is not None)


@settings(max_examples=300, print_blob=True)
@given(st.lists(st.sampled_from(gendered), min_size=1, max_size=6).map(tuple))
def test_reverse_chain_twice_is_the_chain(chain: tuple[str, ...]) -> None:
    note(f"chain={chain}")
    for gender in ("男", "女"):
        back = reverse_chain(chain, gender)
        assert reverse_chain(back, steps()[chain[-1]].gender) == chain


def test_reverse_chain_examples() -> None:
    assert reverse_chain(("w", "f"), "男") == ("d", "h")
    assert reverse_chain(("f", "xs", "s"), "女") == ("m", "xb", "d")
    assert reverse_chain(("ob",), "女") == ("ls",)
    assert reverse_chain(("sp",), None) == ("sp",)
