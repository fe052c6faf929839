"""Places of the synthetic county: the prefecture of 南充市 and a few places outside it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class County:
    """A county-level division: its code, short name, full prefix and some towns."""

    code: str
    name: str
    prefix: str
    towns: tuple[str, ...]
    weight: float


_NC = "四川省南充市"

COUNTIES: tuple[County, ...] = (
    County(
        "511324",
        "仪陇县",
        _NC + "仪陇县",
        (
            "新政镇", "金城镇", "马鞍镇", "永乐镇", "立山镇", "日兴镇", "度门镇", "双胜镇",
            "观紫镇", "土门镇", "丁字桥镇", "赛金镇", "大寅镇", "三蛟镇", "复兴镇", "柳垭镇",
            "二道镇", "张公镇", "五福镇", "大仪镇", "铜鼓镇", "芭蕉镇", "杨桥镇", "武棚乡",
        ),
        0.62,
    ),
    County("511302", "顺庆区", _NC + "顺庆区",
           ("中城街道", "北城街道", "西城街道", "舞凤街道", "潆溪街道", "共兴镇", "芦溪镇"), 0.05),
    County("511303", "高坪区", _NC + "高坪区",
           ("白塔街道", "小龙街道", "清溪街道", "江陵镇", "东观镇", "胜观镇", "长乐镇"), 0.04),
    County("511304", "嘉陵区", _NC + "嘉陵区",
           ("火花街道", "文峰街道", "龙蟠镇", "大通镇", "李渡镇", "河西镇", "安平镇"), 0.03),
    County("511321", "南部县", _NC + "南部县",
           ("南隆街道", "河东街道", "王家镇", "升钟镇", "定水镇", "大桥镇", "建兴镇", "伏虎镇"),
           0.05),
    County("511322", "营山县", _NC + "营山县",
           ("朗池镇", "绿水镇", "城南镇", "木顶镇", "回龙镇", "双河镇", "骆市镇", "蓼叶镇",
            "小桥镇", "安固镇"), 0.10),
    County("511323", "蓬安县", _NC + "蓬安县",
           ("相如镇", "锦屏镇", "巨龙镇", "周口镇", "利溪镇", "河舒镇", "罗家镇"), 0.04),
    County("511325", "西充县", _NC + "西充县",
           ("晋城街道", "莲池镇", "多扶镇", "仁和镇", "凤鸣镇", "义兴镇", "古楼镇"), 0.03),
    County("511381", "阆中市", _NC + "阆中市",
           ("保宁街道", "七里街道", "江南街道", "思依镇", "老观镇", "洪山镇", "天宫镇"), 0.04),
)  # fmt: skip

# Places outside the prefecture: native places and birthplaces of people who moved in.
OUTSIDE: tuple[County, ...] = (
    County("511621", "岳池县", "四川省广安市岳池县", ("九龙街道", "顾县镇"), 0.3),
    County("511923", "平昌县", "四川省巴中市平昌县", ("江口街道", "驷马镇"), 0.25),
    County("511725", "渠县", "四川省达州市渠县", ("渠江街道", "三汇镇"), 0.2),
    County("500117", "合川区", "重庆市合川区", ("合阳城街道", "太和镇"), 0.15),
    County("510106", "金牛区", "四川省成都市金牛区", ("荷花池街道", "茶店子街道"), 0.1),
)

ALL_PLACES: tuple[County, ...] = COUNTIES + OUTSIDE
MAIN = 0  # index of 仪陇县, the county under inspection
CROSS = 5  # index of 营山县, inspected in the cross-county (交叉) round
NATIVE_OTHER = 4  # index of 南部县, used for natives of a neighbouring county

# Words for village and community names (…村 / …社区).
VILLAGE_WORDS: tuple[str, ...] = (
    "桂花", "石桥", "龙井", "新华", "红星", "青龙", "白鹤", "双河", "金鸡", "柏林", "观音",
    "凤凰", "红岩", "松林", "高峰", "大河", "黄桷", "团结", "光明", "和平", "永兴", "长岭",
    "印盒", "向阳", "太平", "马鞍", "天池", "灯塔", "三合", "五星", "油房", "碑垭", "水井",
    "杨家", "李家", "何家", "王家", "岩口", "柳树", "荷花", "桥亭", "梨园", "复兴", "友谊",
)  # fmt: skip


def town_table() -> tuple[list[int], list[str]]:
    """Every town of every place, flattened: (place index per town, town name)."""
    owners: list[int] = []
    names: list[str] = []
    for i, place in enumerate(ALL_PLACES):
        owners.extend([i] * len(place.towns))
        names.extend(place.towns)
    return owners, names
