"""Units of each county: departments, institutions, state firms, schools, hospitals,
townships and the villages under them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from xuncha.synth.codes import credit_code
from xuncha.synth.places import ALL_PLACES, COUNTIES, CROSS, MAIN, VILLAGE_WORDS

# (name suffix after the county name, system, title family)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("委巡察工作领导小组办公室", "巡察", "办"), ("纪委监委", "纪检监察", "委"),
    ("委组织部", "组织", "部"), ("财政局", "财政", "局"), ("教育科技局", "教育", "局"),
    ("卫生健康局", "卫健", "局"), ("农业农村局", "农业农村", "局"), ("委办公室", "党委", "办"),
    ("人民政府办公室", "政府", "办"), ("住房和城乡建设局", "住建", "局"),
    ("自然资源和规划局", "自然资源", "局"), ("民政局", "民政", "局"),
    ("人力资源和社会保障局", "人社", "局"), ("市场监督管理局", "市场监管", "局"),
    ("审计局", "审计", "局"), ("委宣传部", "宣传", "部"), ("委统战部", "统战", "部"),
    ("发展和改革局", "发改", "局"), ("交通运输局", "交通", "局"), ("水利局", "水利", "局"),
    ("公安局", "政法", "局"), ("司法局", "政法", "局"), ("商务局", "商务", "局"),
    ("文化广播电视和旅游局", "文旅", "局"), ("退役军人事务局", "退役军人", "局"),
    ("应急管理局", "应急", "局"), ("统计局", "统计", "局"), ("医疗保障局", "医保", "局"),
    ("林业局", "林业", "局"), ("经济和信息化局", "经信", "局"), ("行政审批局", "政务", "局"),
    ("信访局", "信访", "局"), ("乡村振兴局", "农业农村", "局"), ("委政法委员会", "政法", "委"),
)  # fmt: skip
INSTITUTIONS = (
    ("疾病预防控制中心", "卫健"), ("不动产登记中心", "自然资源"), ("融媒体中心", "宣传"),
    ("档案馆", "党委"), ("机关事务服务中心", "政府"), ("农业技术推广中心", "农业农村"),
    ("社会保险事务中心", "人社"), ("公共资源交易中心", "政务"), ("水利工程管理站", "水利"),
    ("城乡规划编制研究中心", "住建"), ("就业服务中心", "人社"), ("国库集中支付中心", "财政"),
)  # fmt: skip
ENTERPRISES = (
    "城市建设投资有限公司", "交通投资集团有限公司", "水务有限责任公司",
    "国有资产经营管理有限公司", "农业发展投资有限公司", "文化旅游发展有限公司",
    "粮食购销有限公司", "供销合作社联合社",
)  # fmt: skip
COUNTY_SCHOOLS = ("中学", "第二中学", "职业高级中学", "实验小学", "城区第一小学")
COUNTY_HOSPITALS = ("人民医院", "中医医院", "妇幼保健院")


@dataclass
class Units:
    """Units as parallel Python lists (a county has thousands, not millions)."""

    unit_id: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    county: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    system: list[str] = field(default_factory=list)
    family: list[str] = field(default_factory=list)  # title family: 局, 办, town, village…

    def add(self, name: str, type_: str, county: int, system: str, family: str, parent: int = -1) -> int:
        prefix = {"党政机关": "11", "乡镇(街道)": "11", "村(社区)": "N2", "国有企业": "91"}
        serial = len(self.unit_id) * 7919 + 10_000_000
        code = credit_code(prefix.get(type_, "12"), ALL_PLACES[county].code, serial)
        self.unit_id.append(code)
        self.name.append(name)
        self.type.append(type_)
        self.county.append(county)
        self.parent.append(parent)
        self.system.append(system)
        self.family.append(family)
        return len(self.unit_id) - 1

    def region(self, index: int) -> str:
        return ALL_PLACES[self.county[index]].code

    def __len__(self) -> int:
        return len(self.unit_id)


def unit_budget(persons: int) -> int:
    return int(min(max(persons // 100, 24), 4000))


def _county_budgets(total: int) -> list[int]:
    main = round(total * 0.7)
    cross = max(4, round(total * 0.12))
    rest = max(0, total - main - cross)
    others = [i for i in range(len(COUNTIES)) if i not in (MAIN, CROSS)]
    budgets = [0] * len(COUNTIES)
    budgets[MAIN], budgets[CROSS] = main, cross
    for k in range(rest):
        budgets[others[k % len(others)]] += 1
    return budgets


def build_units(rng: np.random.Generator, persons: int) -> Units:
    units = Units()
    for county, budget in enumerate(_county_budgets(unit_budget(persons))):
        if budget:
            _county_units(rng, units, county, budget)
    return units


def _town_names(county: int, n: int) -> list[str]:
    real = list(COUNTIES[county].towns)
    extra = [w + "镇" for w in VILLAGE_WORDS if w + "镇" not in real]
    return (real + extra)[:n]


def _county_units(rng: np.random.Generator, units: Units, county: int, budget: int) -> None:
    cname = COUNTIES[county].name
    n_dept = min(len(DEPARTMENTS), max(min(6, budget - 2), round(budget * 0.1)))
    if county != MAIN:
        n_dept = min(n_dept, len(DEPARTMENTS) - 1)
    depts = DEPARTMENTS if county == MAIN else DEPARTMENTS[1:]
    for suffix, system, fam in depts[:n_dept]:
        units.add(cname + suffix, "党政机关", county, system, fam)
    left = budget - n_dept
    small = [
        (max(1, round(budget * 0.04)), _institutions),
        (max(1, round(budget * 0.015)), _enterprises),
        (max(1, round(budget * 0.02)), _county_schools),
        (max(1, round(budget * 0.01)), _county_hospitals),
    ]
    for count, make in small:
        take = min(count, max(0, left - 4))
        make(units, county, take)
        left -= take
    _towns_and_villages(rng, units, county, max(left, 0))


def _institutions(units: Units, county: int, n: int) -> None:
    cname = COUNTIES[county].name
    for k in range(n):
        name, system = INSTITUTIONS[k % len(INSTITUTIONS)]
        suffix = "" if k < len(INSTITUTIONS) else f"第{k // len(INSTITUTIONS) + 1}分中心"
        units.add(cname + name + suffix, "事业单位", county, system, "inst")


def _enterprises(units: Units, county: int, n: int) -> None:
    cname = COUNTIES[county].name
    for k in range(n):
        name = ENTERPRISES[k % len(ENTERPRISES)]
        prefix = "" if k < len(ENTERPRISES) else f"第{k // len(ENTERPRISES) + 1}"
        units.add(cname + prefix + name, "国有企业", county, "国资", "soe")


def _county_schools(units: Units, county: int, n: int) -> None:
    cname = COUNTIES[county].name
    for k in range(n):
        name = COUNTY_SCHOOLS[k] if k < len(COUNTY_SCHOOLS) else f"第{k + 1}中学"
        units.add(cname + name, "学校", county, "教育", "school")


def _county_hospitals(units: Units, county: int, n: int) -> None:
    cname = COUNTIES[county].name
    for k in range(n):
        name = COUNTY_HOSPITALS[k] if k < len(COUNTY_HOSPITALS) else f"第{k + 1}人民医院"
        units.add(cname + name, "医院", county, "卫健", "hospital")


def _towns_and_villages(rng: np.random.Generator, units: Units, county: int, n: int) -> None:
    if n <= 0:
        return
    cname = COUNTIES[county].name
    n_town = max(1, min(60, n // 6 if n >= 12 else n // 3 or 1))
    towns: list[int] = []
    for tname in _town_names(county, n_town):
        fam = "street" if tname.endswith("街道") else "town"
        towns.append(units.add(cname + tname, "乡镇(街道)", county, "乡镇", fam))
    left = n - len(towns)
    per_town = np.bincount(np.arange(left) % len(towns), minlength=len(towns))
    for town, count in zip(towns, per_town, strict=True):
        _villages(rng, units, town, int(count))


def _villages(rng: np.random.Generator, units: Units, town: int, count: int) -> None:
    street = units.family[town] == "street"
    words = rng.permutation(len(VILLAGE_WORDS))
    for k in range(count):
        word = VILLAGE_WORDS[int(words[k % len(words)])]
        word = word if k < len(words) else word + "新"
        name = units.name[town] + word + ("社区" if street else "村")
        units.add(name, "村(社区)", units.county[town], "村社", "village", parent=town)
