"""Near numbers, checked against a brute-force reference on random numbers (seed logged)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pyarrow as pa

from xuncha.identity.idcard import make_id
from xuncha.link.exact import near_numbers, number_of

SEED = 4242


def _brute(query: str, keys: list[str]) -> set[str]:
    found = set()
    for key in keys:
        diff = [i for i in range(18) if key[i] != query[i]]
        swap = (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and key[diff[0]] == query[diff[1]]
            and key[diff[1]] == query[diff[0]]
        )
        if len(diff) == 1 or swap:
            found.add(key)
    return found


def test_near_numbers_match_brute_force() -> None:
    print(f"seed={SEED}")
    rng = random.Random(SEED)
    keys = [
        make_id("511324", date(1950, 1, 1) + timedelta(days=rng.randrange(20_000)), rng.randrange(1000))
        for _ in range(300)
    ]
    keys = sorted(set(keys))
    queries = []
    for k in rng.sample(keys, 60):
        i = rng.randrange(17)
        if rng.random() < 0.5:
            q = k[:i] + str((int(k[i]) + rng.randrange(1, 10)) % 10) + k[i + 1 :]
        else:
            q = k[:i] + k[i + 1] + k[i] + k[i + 2 :]
        queries.append(q)
    names = pa.array(["张三"] * len(keys))
    known = pa.table({"key": keys, "name_norm": names, "name_py": pa.array(["zhangsan"] * len(keys))})
    q = pa.table(
        {
            "uid": pa.array(range(len(queries)), pa.int64()),
            "number": queries,
            "name_norm": ["张三"] * len(queries),
            "name_py": ["zhangsan"] * len(queries),
        }
    )
    near = near_numbers(q, known)
    got: dict[int, set[str]] = {}
    for uid, person in zip(near["uid"].to_pylist(), near["person"].to_pylist(), strict=True):
        got.setdefault(uid, set()).add(person)
    for uid, query in enumerate(queries):
        assert got.get(uid, set()) == _brute(query, keys) - {query}, (uid, query)
    assert set(near["name_level"].to_pylist()) == {"name_exact"}


def test_fifteen_digits_are_upgraded() -> None:
    full = make_id("511324", date(1971, 4, 18), 13)
    old = full[:6] + full[8:17]
    number, upgraded = number_of(pa.array([old, full.lower(), "张三", None]))
    assert number.to_pylist() == [full, full.upper(), None, None]
    assert upgraded.to_pylist() == [True, False, False, False]
