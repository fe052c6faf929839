"""Ordinary departmental rows: benefits, payroll, firms, payments, cars, homes, deaths.

Kept clear of the planted leads: 低保/特困 recipients hold no post, car, home or company
role; officials and their close kin run no companies; nobody is paid twice a month or
after death (the month of death is paid, as in life)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from xuncha.synth.codes import credit_code
from xuncha.synth.deptfacts import (
    FIRST_MONTH,
    LAST_MONTH,
    WINDOW_END,
    WINDOW_START,
    Chunks,
    Facts,
    month_of,
)
from xuncha.synth.people import NA, day, years
from xuncha.synth.places import ALL_PLACES, COUNTIES, VILLAGE_WORDS
from xuncha.synth.positions import HEAD, TEAM

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MONTHS = LAST_MONTH - FIRST_MONTH + 1
PROGRAM_SOURCE = {"低保": "民政局", "特困": "民政局", "养老金": "人社局", "惠农补贴": "财政局", "危房改造": "住建局"}
TRADES = (
    "建筑工程", "农业开发", "商贸", "劳务", "建材", "运输", "餐饮管理", "科技", "物业管理",
    "养殖", "机械租赁", "园林绿化", "电子商务", "装饰工程", "医药",
)  # fmt: skip
PURPOSES = ("工程款", "采购款", "劳务费", "服务费", "租赁费", "设备款", "维修费", "咨询费")
COMPANY_ROLES = ("法定代表人", "股东", "董事", "监事", "高管")


@dataclass
class Sizes:
    subsidies: int
    payroll: int
    roles: int
    payments: int
    vehicles: int
    estate: int

    @classmethod
    def for_persons(cls, persons: int) -> Sizes:
        f = persons / 1_000_000

        def size(at_million: int, least: int = 40) -> int:
            return max(least, round(at_million * f))

        return cls(size(200_000, 60), size(100_000), size(50_000), size(20_000, 30), size(30_000), size(40_000))


@dataclass
class Accs:
    """Every departmental table as column chunks; person -1 is someone not in ``persons``."""

    subsidies: Chunks = field(default_factory=lambda: Chunks("program", "person", "amount", "month", "unit", "clean"))
    payroll: Chunks = field(default_factory=lambda: Chunks("unit", "person", "month", "amount", "clean"))
    companies: Chunks = field(default_factory=lambda: Chunks("name", "status", "reg", "county", "address"))
    roles: Chunks = field(default_factory=lambda: Chunks("company", "person", "role", "share", "start", "end", "clean"))
    payments: Chunks = field(
        default_factory=lambda: Chunks("payer", "company", "person", "amount", "date", "purpose", "contract")
    )
    vehicles: Chunks = field(default_factory=lambda: Chunks("person", "reg", "clean"))
    estate: Chunks = field(default_factory=lambda: Chunks("person", "address", "area", "reg", "clean"))
    deaths: Chunks = field(default_factory=lambda: Chunks("person", "death", "clean"))
    company_count: int = 0

    def company(self, rng: np.random.Generator, county: IntArray, reg: IntArray, status: list[str] | str) -> IntArray:
        """New companies; their indices."""
        n = len(county)
        trade = rng.integers(0, len(TRADES), n)
        word = rng.integers(0, len(VILLAGE_WORDS), n)
        names = [
            f"{COUNTIES[c].name[:2]}{VILLAGE_WORDS[w]}{TRADES[t]}有限公司"
            for c, w, t in zip(county.tolist(), word.tolist(), trade.tolist(), strict=True)
        ]
        addresses = [
            f"{COUNTIES[c].prefix}{COUNTIES[c].towns[int(h) % len(COUNTIES[c].towns)]}{VILLAGE_WORDS[w]}路{h}号"
            for c, w, h in zip(county.tolist(), word.tolist(), rng.integers(1, 300, n).tolist(), strict=True)
        ]
        self.companies.add(name=names, status=status if isinstance(status, list) else [status] * n,
                           reg=reg, county=county, address=addresses)  # fmt: skip
        first = self.company_count
        self.company_count += n
        return np.arange(first, self.company_count, dtype=np.int64)


def company_ids(acc: Accs) -> list[str]:
    county = acc.companies.column("county").astype(np.int64)
    return [credit_code("91", ALL_PLACES[c].code, 500_000_000 + i * 13) for i, c in enumerate(county.tolist())]


def fill(f: Facts, rng: np.random.Generator, acc: Accs, sizes: Sizes) -> None:
    low = _subsidies(f, rng, acc, sizes.subsidies)
    _payroll(f, rng, acc, sizes.payroll)
    assets = f.adults() & ~low & ~f.reserved & f.alive_on(WINDOW_START)
    _companies(f, rng, acc, sizes.roles, assets & ~_official_kin(f))
    _payments(f, rng, acc, sizes.payments, assets)
    _vehicles(f, rng, acc, sizes.vehicles, assets)
    _estate(f, rng, acc, sizes.estate, assets)
    _deaths(f, rng, acc)


def _sample(rng: np.random.Generator, mask: BoolArray, n: int, replace: bool = False) -> IntArray:
    pool = np.flatnonzero(mask)
    if len(pool) == 0:
        return np.zeros(0, dtype=np.int64)
    if not replace:
        n = min(n, len(pool))
    return np.asarray(rng.choice(pool, size=n, replace=replace), dtype=np.int64)


def _outsiders(rng: np.random.Generator, person: IntArray, share: float) -> IntArray:
    return np.where(rng.random(len(person)) < share, -1, person)


def _subsidies(f: Facts, rng: np.random.Generator, acc: Accs, target: int) -> BoolArray:
    """Monthly runs of 低保/特困/养老金 and one-off 惠农补贴/危房改造; returns the 低保/特困 set."""
    base = f.adults() & ~f.reserved & ~f.holder & f.alive_on(WINDOW_START)
    recipients = max(10, round(target / 6.6))
    low = _sample(rng, base, round(recipients * 0.43))
    is_low = np.zeros(f.n, dtype=bool)
    is_low[low] = True
    old = base & ~is_low & (f.birth < day(1965))
    pension = _sample(rng, old, round(recipients * 0.42))
    farm = _sample(rng, base & ~is_low, round(recipients * 0.15))
    low_program = np.where(rng.random(len(low)) < 0.82, "低保", "特困")
    farm_program = np.where(rng.random(len(farm)) < 0.8, "惠农补贴", "危房改造")
    _monthly(f, rng, acc, _outsiders(rng, low, 0.015), low_program)
    _monthly(f, rng, acc, _outsiders(rng, pension, 0.015), np.full(len(pension), "养老金"))
    _one_off(f, rng, acc, _outsiders(rng, farm, 0.015), farm_program)
    return is_low


def subsidy_amounts(rng: np.random.Generator, program: npt.NDArray[np.str_]) -> npt.NDArray[np.float64]:
    lo = np.select([program == "低保", program == "特困", program == "养老金", program == "惠农补贴"],
                   [300, 700, 130, 200], 10_000)  # fmt: skip
    hi = np.select([program == "低保", program == "特困", program == "养老金", program == "惠农补贴"],
                   [800, 1100, 260, 3000], 40_000)  # fmt: skip
    amount: npt.NDArray[np.float64] = np.round(lo + rng.random(len(program)) * (hi - lo), -1).astype(np.float64)
    return amount


def _monthly(f: Facts, rng: np.random.Generator, acc: Accs, person: IntArray, program: npt.NDArray[np.str_]) -> None:
    length = rng.integers(3, MONTHS + 1, len(person))
    start = FIRST_MONTH + (rng.random(len(person)) * (MONTHS - length + 1)).astype(np.int64)
    row = np.repeat(np.arange(len(person)), length)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    month = start[row] + offset
    who = person[row]
    last = np.where(who >= 0, _death_month(f, who), LAST_MONTH)
    keep = month <= last
    amount = np.repeat(subsidy_amounts(rng, program), length)
    _add_subsidies(f, acc, who[keep], program[row][keep], amount[keep], month[keep])


def _death_month(f: Facts, person: IntArray) -> IntArray:
    d = f.death[person]
    return np.where(d == NA, LAST_MONTH, month_of(np.where(d == NA, 0, d)))


def _one_off(f: Facts, rng: np.random.Generator, acc: Accs, person: IntArray, program: npt.NDArray[np.str_]) -> None:
    month = FIRST_MONTH + rng.integers(0, MONTHS, len(person))
    last = np.where(person >= 0, _death_month(f, person), LAST_MONTH)
    keep = month <= last
    _add_subsidies(f, acc, person[keep], program[keep], subsidy_amounts(rng, program[keep]), month[keep])


def _add_subsidies(
    f: Facts,
    acc: Accs,
    person: IntArray,
    program: npt.NDArray[np.str_],
    amount: npt.NDArray[np.float64],
    month: IntArray,
) -> None:
    unit = f.village_of(np.maximum(person, 0))
    farm = program == "惠农补贴"
    parent = f.unit_parent[unit]
    unit = np.where(farm & (parent >= 0), parent, unit)
    acc.subsidies.add(program=program, person=person, amount=amount, month=month, unit=unit, clean=False)


def payroll_amount(rng: np.random.Generator, role: npt.NDArray[np.object_]) -> npt.NDArray[np.float64]:
    lo = np.where(role == HEAD, 7000, np.where(role == TEAM, 6000, 3500))
    return np.round(lo + rng.random(len(role)) * 2500, 0).astype(np.float64)


def _payroll(f: Facts, rng: np.random.Generator, acc: Accs, target: int) -> None:
    """One unit per current post holder at a public-payroll unit, from the month the post began."""
    ok = f.payroll_unit[f.post_unit] & ~f.reserved[f.post_person] & f.alive_on(WINDOW_END)[f.post_person]
    idx = np.flatnonzero(ok)
    _, first = np.unique(f.post_person[idx], return_index=True)
    idx = rng.permutation(idx[first])
    begin = np.maximum(month_of(f.post_start[idx]) + 1, FIRST_MONTH)
    length = np.maximum(LAST_MONTH - begin + 1, 0)
    take = np.searchsorted(np.cumsum(length), target, side="right") + 1
    idx, begin, length = idx[:take], begin[:take], length[:take]
    row = np.repeat(np.arange(len(idx)), length)
    month = begin[row] + np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    amount = np.repeat(payroll_amount(rng, f.post_role[idx]), length)
    person = _outsiders(rng, f.post_person[idx][row], 0.004)
    acc.payroll.add(unit=f.post_unit[idx][row], person=person, month=month, amount=amount, clean=False)


def _official_kin(f: Facts) -> BoolArray:
    """Post holders, their spouses, parents, children and siblings."""
    h = f.holder
    kin = h.copy()
    sp = f.kin.spouse
    kin |= (sp >= 0) & h[np.maximum(sp, 0)]
    fa, mo = f.kin.father, f.kin.mother
    kin |= ((fa >= 0) & h[np.maximum(fa, 0)]) | ((mo >= 0) & h[np.maximum(mo, 0)])
    parent_of_holder = np.zeros(f.n, dtype=bool)
    parent_of_holder[fa[h & (fa >= 0)]] = True
    parent_of_holder[mo[h & (mo >= 0)]] = True
    kin |= parent_of_holder
    kin |= ((fa >= 0) & parent_of_holder[np.maximum(fa, 0)]) | ((mo >= 0) & parent_of_holder[np.maximum(mo, 0)])
    return kin


def _companies(f: Facts, rng: np.random.Generator, acc: Accs, target: int, pool: BoolArray) -> None:
    n_comp = max(10, round(target / 2.6))
    county = np.asarray(rng.choice(len(COUNTIES), size=n_comp, p=_county_weights()), dtype=np.int64)
    reg = rng.integers(day(2000), day(2026, 5, 1), n_comp)
    u = rng.random(n_comp)
    status = np.where(u < 0.78, "存续", np.where(u < 0.93, "注销", "吊销")).tolist()
    comp = acc.company(rng, county, reg, status)
    extra = rng.poisson(1.6, n_comp)
    per = 1 + extra
    comp_row = np.repeat(comp, per)
    rank = np.arange(len(comp_row)) - np.repeat(np.cumsum(per) - per, per)
    role = np.where(rank == 0, "法定代表人", np.array(COMPANY_ROLES)[rng.integers(1, 5, len(comp_row))])
    role = np.where((rank == 1) | ((rank == 2) & (rng.random(len(rank)) < 0.5)), "股东", role)
    person = _outsiders(rng, _sample(rng, pool, len(comp_row), replace=True), 0.03)
    if len(person) < len(comp_row):
        return
    share = np.where(role == "股东", np.round(rng.uniform(5, 90, len(role)), 1), np.nan)
    start = np.repeat(reg, per) + rng.integers(0, 900, len(role))
    start = np.minimum(start, WINDOW_END - 30)
    ended = rng.random(len(role)) < 0.12
    end = np.where(ended, np.minimum(start + rng.integers(60, 3000, len(role)), WINDOW_END - 1), NA)
    acc.roles.add(company=comp_row, person=person, role=role, share=share, start=start, end=end, clean=False)


def _county_weights() -> npt.NDArray[np.float64]:
    w = np.array([c.weight for c in COUNTIES])
    return np.asarray(w / w.sum(), dtype=np.float64)


def _payments(f: Facts, rng: np.random.Generator, acc: Accs, target: int, pool: BoolArray) -> None:
    payer = rng.integers(0, len(f.unit_type), target)
    to_person = rng.random(target) < 0.12
    company = np.where(to_person, -1, rng.integers(0, max(acc.company_count, 1), target))
    person = np.where(to_person, _sample(rng, pool, target, replace=True), -1)
    amount = np.round(np.exp(rng.uniform(np.log(3000), np.log(800_000), target)), 2)
    amount = np.where(to_person, np.round(amount / 50, 2), amount)
    when = rng.integers(WINDOW_START, WINDOW_END + 1, target)
    purpose = np.array(PURPOSES, dtype=object)[rng.integers(0, len(PURPOSES), target)]
    contract = np.where(to_person, "", [f"HT{2025 + (i % 2)}-{i:06d}" for i in range(target)])
    acc.payments.add(payer=payer, company=company, person=person, amount=amount, date=when, purpose=purpose,
                     contract=contract)  # fmt: skip


def _registered(f: Facts, rng: np.random.Generator, person: IntArray, start: int) -> IntArray:
    reg = rng.integers(start, WINDOW_END + 1, len(person))
    adult = f.birth[np.maximum(person, 0)] + years(18)
    return np.asarray(np.minimum(np.maximum(reg, adult), WINDOW_END), dtype=np.int64)


def _vehicles(f: Facts, rng: np.random.Generator, acc: Accs, target: int, pool: BoolArray) -> None:
    person = _outsiders(rng, _sample(rng, pool, target, replace=True), 0.02)
    acc.vehicles.add(person=person, reg=_registered(f, rng, person, day(2006)), clean=False)


def _estate(f: Facts, rng: np.random.Generator, acc: Accs, target: int, pool: BoolArray) -> None:
    person = _outsiders(rng, _sample(rng, pool, target, replace=True), 0.02)
    home = f.hukou()[np.maximum(person, 0)]
    flat = np.array([_flat(i) for i in rng.integers(0, 100_000, len(person)).tolist()], dtype=object)
    address = np.where(rng.random(len(person)) < 0.6, home, flat)
    area = np.round(rng.uniform(45, 180, len(person)), 2)
    acc.estate.add(person=person, address=address, area=area, reg=_registered(f, rng, person, day(2000)), clean=False)


def _flat(i: int) -> str:
    estate = VILLAGE_WORDS[i % len(VILLAGE_WORDS)]
    return f"{COUNTIES[0].prefix}新政镇{estate}小区{i % 30 + 1}栋{i % 6 + 1}单元{i % 900 + 101}号"


def _deaths(f: Facts, rng: np.random.Generator, acc: Accs) -> None:
    dead = np.flatnonzero((f.death != NA) & (f.death >= day(2016)))
    acc.deaths.add(person=dead, death=f.death[dead], clean=False)
    extra = max(3, round(len(dead) * 0.03))
    acc.deaths.add(person=np.full(extra, -1), death=rng.integers(day(2016), WINDOW_END + 1, extra), clean=False)
