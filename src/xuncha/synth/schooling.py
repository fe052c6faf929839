"""Education of everyone who ever held a post: county high school, then often college."""

from __future__ import annotations

import numpy as np

from xuncha.synth.people import People, day
from xuncha.synth.places import ALL_PLACES
from xuncha.synth.rows import Rows

HIGH_SCHOOL = {
    "顺庆区": "南充高级中学",
    "高坪区": "南充市第一中学",
    "嘉陵区": "南充市第一中学",
    "金牛区": "成都市第七中学",
}
COLLEGES = (
    ("西华师范大学", ("汉语言文学", "数学与应用数学", "思想政治教育"), 4),
    ("川北医学院", ("临床医学", "护理学"), 5),
    ("西南石油大学", ("会计学", "土木工程"), 4),
    ("四川大学", ("法学", "行政管理"), 4),
    ("西南财经大学", ("会计学", "金融学", "财政学"), 4),
    ("四川农业大学", ("农学", "林学"), 4),
    ("南充职业技术学院", ("财务管理", "建筑工程技术"), 3),
)


def high_school(place: int, second: bool) -> str:
    name = ALL_PLACES[place].name
    if name in HIGH_SCHOOL:
        return HIGH_SCHOOL[name]
    short = name[:-1] if len(name) > 2 else name
    return short + ("第二中学" if second else "中学")


def add_schooling(rng: np.random.Generator, people: People, positions: Rows, rows: Rows, skip: range) -> None:
    """High school for everyone with a post (born 1950 or later), college for 70%; planted
    people (``skip``) keep only their planted schooling."""
    who = np.unique(np.asarray(positions.column("person"), dtype=np.int64))
    who = who[(who < skip.start) | (who >= skip.stop)]
    birth = people["birth"][who]
    who = who[birth >= day(1950)]
    year = 1970 + people["birth"][who] // 365
    hs_start = year + 15 + rng.integers(0, 2, len(who))
    second = rng.random(len(who)) < 0.3
    place = people["born_place"][who]
    classes = rng.integers(1, 13, len(who))
    rows.add(
        person=who,
        school=[high_school(int(p), bool(s)) for p, s in zip(place, second, strict=True)],
        klass=[f"高{int(s) + 3}级{int(k)}班" for s, k in zip(hs_start, classes, strict=True)],
        start_date=[day(int(s), 9, 1) for s in hs_start],
        end_date=[day(int(s) + 3, 7, 1) for s in hs_start],
    )
    college = rng.random(len(who)) < 0.7
    pick = rng.integers(0, len(COLLEGES), len(who))
    major = rng.integers(0, 3, len(who))
    k = rng.integers(1, 4, len(who))
    idx = np.flatnonzero(college)
    schools, klasses, starts, ends = [], [], [], []
    for i in idx.tolist():
        name, majors, length = COLLEGES[int(pick[i])]
        start = int(hs_start[i]) + 3
        schools.append(name)
        klasses.append(f"{start}级{majors[int(major[i]) % len(majors)]}{int(k[i])}班")
        starts.append(day(start, 9, 1))
        ends.append(day(start + length, 6, 30))
    rows.add(person=who[idx], school=schools, klass=klasses, start_date=starts, end_date=ends)
