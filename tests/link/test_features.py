"""Place features and the posterior over a row's candidates."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from xuncha.link.decisions import Decisions
from xuncha.link.features import place_features, text_region
from xuncha.link.probabilistic import PRIOR_SHARE
from xuncha.link.run import _posteriors


def test_region_is_read_past_the_prefecture_head() -> None:
    texts = [
        "四川省南充市仪陇县马鞍镇灯塔村5组84号",
        "四川省南充市阆中市江南街道",
        "营山县绿水镇金鸡村",
        "马鞍镇灯塔村",
        None,
    ]
    assert text_region(pa.array(texts)).to_pylist() == ["511324", "511381", "511322", None, None]


def test_town_and_village_of_full_and_abbreviated_addresses() -> None:
    town, village, clean, grams = place_features(
        pa.array(["四川省南充市仪陇县马鞍镇灯塔村5组84号", "马鞍镇 灯塔村", None])
    )
    assert town.to_pylist() == ["马鞍镇", "马鞍镇", None]
    assert village.to_pylist() == ["马鞍镇灯塔村", "马鞍镇灯塔村", None]
    assert clean.to_pylist()[1] == "马鞍镇灯塔村"
    assert grams.to_pylist()[1] == sorted({"马鞍", "鞍镇", "镇灯", "灯塔", "塔村"})


def _pairs(weights: list[tuple[int, str, float]]) -> pa.Table:
    uid, person, weight = zip(*weights, strict=True)
    return pa.table({"uid": pa.array(uid, pa.int64()), "person": list(person), "weight": list(weight)})


def test_posterior_weighs_the_row_naming_nobody_known() -> None:
    prior = PRIOR_SHARE / 1000
    ranked = _posteriors(_pairs([(1, "a", 3.0), (2, "b", 3.0), (2, "c", 3.0)]), Decisions.none(), {}, prior)
    odds = (1 - prior) * 2**3.0
    got = dict(
        zip(
            zip(ranked["uid"].to_pylist(), ranked["person"].to_pylist(), strict=True),
            ranked["probability"].to_pylist(),
            strict=True,
        )
    )
    assert math.isclose(got[(1, "a")], odds / (1 - PRIOR_SHARE + odds))
    assert got[(2, "b")] == pytest.approx(got[(2, "c")]) and got[(2, "b")] < 0.5  # namesakes share
