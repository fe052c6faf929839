"""Blocking: every kind of noisy row meets its person, and the large blocks (a surname in a
village, a name in a county) are joined only for rows that give no birth date."""

from __future__ import annotations

import pyarrow as pa

from xuncha.link.probabilistic import blocked_pairs
from xuncha.link.rows import _feature_table

PERSONS = [  # name, birth date, hukou address
    ("张建国", "1962-05-14", "四川省南充市仪陇县马鞍镇灯塔村5组84号"),
    ("张建华", "1962-05-20", "四川省南充市仪陇县马鞍镇灯塔村6组12号"),
    ("张丽", "1970-01-02", "四川省南充市仪陇县新政镇观音村1组42号"),
    ("李渡", "1980-03-03", "四川省南充市嘉陵区李渡镇团结村1组43号"),
    ("王芳", "1955-07-07", "四川省南充市营山县绿水镇金鸡村2组7号"),
]
ROWS = [  # row id, name, birth, address, the person it must meet (index), a person it must not
    (1, "张建国", "1962-05-14", None, 0, 4),  # clean name and date
    (2, "张建囯", "1962-05-14", None, 0, 1),  # a wrong character, full date
    (3, "张建果", "1962.05", "仪陇马鞍镇灯塔村", 0, 2),  # wrong character, month only: surname + month + town
    (4, "张莉", None, "仪陇新政镇观音村1组42号", 2, 0),  # homophone, no date, county abbreviated: name + town
    (5, "张建果", None, "马鞍镇灯塔村5组", 0, 2),  # wrong character, no date: surname + village
    (6, "王芳", None, "营山县", 4, 2),  # no date, no town: name + county
    (7, "李渡", None, "嘉陵李渡镇团结村", 3, 0),  # a town named like a county (李渡区) keeps its name
]


def _features(items: list[tuple[str, str | None, str | None]], side: str, regions: list[str | None]) -> pa.Table:
    from xuncha.link import features as f

    name, pinyin, surname = f.names(pa.array([i[0] for i in items]))
    births = pa.array([i[1].replace(".", "-") if i[1] else None for i in items], pa.string())
    region = pa.array(regions, pa.string())
    return _feature_table(
        uid=pa.array([str(k) for k in range(len(items))]),
        name=(name, pinyin, surname),
        birth=f.birth_parts(births),
        gender=pa.nulls(len(items), pa.string()),
        regions=(region, region),
        address=pa.array([i[2] for i in items], pa.string()),
        employer=pa.nulls(len(items), pa.string()),
        side=side,
    )


def _pairs() -> set[tuple[int, int]]:
    from xuncha.link.features import text_region

    persons = _features(PERSONS, "person", text_region(pa.array([p[2] for p in PERSONS])).to_pylist())
    rows = _features([(r[1], r[2], r[3]) for r in ROWS], "row", text_region(pa.array([r[3] for r in ROWS])).to_pylist())
    found = blocked_pairs(rows, persons)
    return {
        (ROWS[int(r.split(":")[1])][0], int(p.split(":")[1]))
        for r, p in zip(found["row_uid"].to_pylist(), found["person_uid"].to_pylist(), strict=True)
    }


def test_each_kind_of_noisy_row_meets_its_person() -> None:
    pairs = _pairs()
    for row, *_, person, _other in ROWS:
        assert (row, person) in pairs, row


def test_large_blocks_are_not_joined_for_dated_rows() -> None:
    pairs = _pairs()
    for row, *_, _person, other in ROWS:
        assert (row, other) not in pairs, row
