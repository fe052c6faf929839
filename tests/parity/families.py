"""Random families around inspectors and key persons, as one screening bundle.

Each family is drawn from its own seed (logged by the test), so a failing family can be
replayed alone: ``family_tables(seed)``."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from tests.screening.util import bundle
from xuncha.bundle.model import Bundle

PARENT = {"男": "父亲", "女": "母亲"}
CHILD = {"男": "儿子", "女": "女儿"}
SIBLING = {"男": "兄弟", "女": "姐妹"}
SPOUSE = {"男": "丈夫", "女": "妻子"}
ROUND_START = date(2026, 9, 1)


def family_tables(seed: int) -> dict[str, list[dict[str, Any]]]:
    """One family of 4–12 people: parents, children, siblings and marriages (some ended);
    one member is an inspector, two others hold key or staff positions in the family's unit."""
    rng = random.Random(seed)
    n = rng.randint(4, 12)
    genders = [rng.choice("男女") for _ in range(n)]
    key = [f"F{seed}-{i}" for i in range(n)]
    persons = [
        {"person_key": k, "name": f"人{seed}_{i}", "gender": g, "birth_date": date(1940 + 3 * i, 1 + i % 12, 1)}
        for i, (k, g) in enumerate(zip(key, genders, strict=True))
    ]
    kinship = _ties(rng, key, genders)
    unit = f"U{seed}"
    inspector, *others = rng.sample(key, 3)
    positions = [
        {"person": others[0], "unit": unit, "title": "局长", "role": "一把手", "start_date": date(2020, 1, 1)},
        {"person": others[1], "unit": unit, "title": "科员", "role": "一般", "start_date": date(2019, 1, 1)},
    ]
    inspectors = [{"person": inspector, "roles": [rng.choice(["组长", "组员"])], "available": True}]
    units = [{"unit_id": unit, "name": f"第{seed}局", "type": "党政机关", "region": "511324"}]
    return {"persons": persons, "kinship": kinship, "positions": positions, "inspectors": inspectors, "units": units}


def _ties(rng: random.Random, key: list[str], genders: list[str]) -> list[dict[str, Any]]:
    ties: list[dict[str, Any]] = []
    for child in range(1, len(key)):
        for parent in rng.sample(range(child), k=min(child, rng.randint(0, 2))):
            if rng.random() < 0.5:
                ties.append({"person": key[child], "relative": key[parent], "relation": PARENT[genders[parent]]})
            else:
                ties.append({"person": key[parent], "relative": key[child], "relation": CHILD[genders[child]]})
    for _ in range(rng.randint(0, 2)):
        a, b = rng.sample(range(len(key)), 2)
        ties.append({"person": key[a], "relative": key[b], "relation": SIBLING[genders[b]]})
    for _ in range(rng.randint(0, len(key) // 2)):
        a, b = rng.sample(range(len(key)), 2)
        ended = rng.choice([None, None, date(2000, 1, 1), date(2030, 1, 1)])
        ties.append({"person": key[a], "relative": key[b], "relation": SPOUSE[genders[b]], "end_date": ended})
    return ties


def families_bundle(seeds: list[int]) -> Bundle:
    """Every family in one bundle, every family's unit a target of round ``RF``."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for seed in seeds:
        for name, rows in family_tables(seed).items():
            tables.setdefault(name, []).extend(rows)
    round_row = {"round_id": "RF", "name": "随机家庭", "mode": "常规", "level": "县", "start_date": ROUND_START}
    tables["rounds"] = [round_row]
    tables["round_targets"] = [{"round": "RF", "unit": u["unit_id"]} for u in tables["units"]]
    return bundle(**tables)
