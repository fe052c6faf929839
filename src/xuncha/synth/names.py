"""Chinese names drawn with numpy from Faker's zh_CN lists (taken once, never per person)."""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@cache
def _faker_lists() -> tuple[list[str], list[float], list[str], list[str]]:
    from faker.providers.person.zh_CN import Provider

    surnames = list(Provider.last_names.keys())
    weights = [float(w) for w in Provider.last_names.values()]
    return surnames, weights, list(Provider.first_names_male), list(Provider.first_names_female)


def surnames() -> list[str]:
    return _faker_lists()[0]


def given_parts() -> list[str]:
    """Given-name parts: index 0 is the empty string, then male parts, then female parts."""
    _, _, male, female = _faker_lists()
    return ["", *male, *female]


def draw_surnames(rng: np.random.Generator, n: int) -> IntArray:
    weights = np.array(_faker_lists()[1])
    return rng.choice(len(weights), size=n, p=weights / weights.sum()).astype(np.int64)


def draw_given(rng: np.random.Generator, male: npt.NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """Two given-name part indices per person (second is 0 = none) matching the gender."""
    _, _, male_parts, female_parts = _faker_lists()
    n_m, n_f = len(male_parts), len(female_parts)
    parts = given_parts()
    single = np.array([len(p) == 1 for p in parts])
    n = len(male)
    lo = np.where(male, 1, 1 + n_m)
    size = np.where(male, n_m, n_f)
    first = lo + (rng.random(n) * size).astype(np.int64)
    second = lo + (rng.random(n) * size).astype(np.int64)
    keep = single[first] & single[second] & (rng.random(n) < 0.7)
    return first, np.where(keep, second, 0)
