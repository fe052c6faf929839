"""Planted leads for every comparison model, and near misses that must not be found.

Planted rows carry the subject's correct person key (no linking needed to find them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from xuncha.synth.background import Accs, payroll_amount, subsidy_amounts
from xuncha.synth.deptfacts import FIRST_MONTH, LAST_MONTH, WINDOW_END, WINDOW_START, Facts, first_day, month_of
from xuncha.synth.people import NA, day
from xuncha.synth.places import COUNTIES

IntArray = npt.NDArray[np.int64]
ADULT_BEFORE = day(2005)
MODELS = ("kin_benefit", "official_business", "kin_contract", "dead_payment", "double_payroll", "ineligible_benefit")


@dataclass
class Lead:
    model: str
    unit: int
    persons: list[int]
    note: str
    why: str = ""


@dataclass
class Planner:
    f: Facts
    rng: np.random.Generator
    acc: Accs
    leads: list[Lead] = field(default_factory=list)
    negatives: list[Lead] = field(default_factory=list)
    used: set[int] = field(default_factory=set)

    # ------------------------------------------------------------------ choosing people
    def free(self, p: int, *, holder_ok: bool = False) -> bool:
        f = self.f
        return (
            p >= 0
            and p not in self.used
            and (f.death[p] == NA or f.death[p] > WINDOW_END)
            and f.birth[p] < ADULT_BEFORE
            and (holder_ok or not f.holder[p])
        )

    def take(self, *people: int) -> None:
        for p in people:
            self.used.add(p)
            self.f.reserved[p] = True

    def first_free(self, candidates: Iterable[int], *, holder_ok: bool = False) -> int:
        for p in sorted(candidates):
            if self.free(p, holder_ok=holder_ok):
                return p
        return -1

    def posts(self, mask: npt.NDArray[np.bool_], *, key: bool = True) -> IntArray:
        f = self.f
        if key:
            idx = f.key_posts(mask, WINDOW_START)
        else:
            ok = mask[f.post_unit] & (f.post_start <= WINDOW_START) & f.alive_on(WINDOW_END)[f.post_person]
            idx = np.flatnonzero(ok)
        return np.asarray(self.rng.permutation(idx), dtype=np.int64)

    # ------------------------------------------------------------------ rows
    def subsidy(self, person: int, unit: int, months: range, program: str = "低保") -> None:
        n = len(months)
        prog = np.full(n, program)
        amount = np.full(n, subsidy_amounts(self.rng, prog[:1])[0])
        self.acc.subsidies.add(program=prog, person=np.full(n, person), amount=amount,
                               month=np.array(list(months), dtype=np.int64), unit=unit, clean=True)  # fmt: skip

    def payroll(self, person: int, unit: int, months: range, role: str = "一般") -> None:
        n = len(months)
        amount = payroll_amount(self.rng, np.array([role], dtype=object))[0]
        self.acc.payroll.add(unit=np.full(n, unit), person=np.full(n, person), month=np.array(list(months)),
                             amount=np.full(n, amount), clean=True)  # fmt: skip

    def company_role(self, person: int, role: str, *, status: str = "存续", start: int, end: int = NA) -> int:
        county = int(self.f.src.pop.people.cols["county"][person])
        county = county if county < len(COUNTIES) else 0
        comp = int(self.acc.company(self.rng, np.array([county]), np.array([start - 200]), status)[0])
        share = 51.0 if role == "股东" else np.nan
        self.acc.roles.add(company=[comp], person=[person], role=[role], share=[share], start=[start], end=[end],
                           clean=[True])  # fmt: skip
        return comp

    def name(self, p: int) -> str:
        return str(self.f.person_names[p])

    def unit_name(self, u: int) -> str:
        return str(self.f.unit_name[u])


def plant_leads(f: Facts, rng: np.random.Generator, acc: Accs, persons: int) -> Planner:
    k = max(2, -(-persons // 25_000))
    pl = Planner(f, rng, acc)
    for plant in (_kin_benefit, _official_business, _kin_contract, _dead_payment, _double_payroll, _ineligible):
        plant(pl, k)
    return pl


def _relatives(f: Facts, p: int) -> list[tuple[str, set[int]]]:
    kin = f.kin
    spouse = kin.spouse_of(p)
    return [
        ("父母", kin.parents(p)),
        ("兄弟姐妹", kin.siblings(p)),
        ("配偶的兄弟姐妹", kin.siblings(spouse) if spouse >= 0 else set()),
        ("子女", kin.children(p)),
    ]


def _each_relative(pl: Planner, posts: IntArray, k: int, plant: Callable[[int, int, str, int], None]) -> None:
    """Call ``plant(post, relative, term, n)`` for up to ``k`` posts with a free statutory relative."""
    f, done = pl.f, 0
    for i, post in enumerate(posts.tolist()):
        if done >= k:
            return
        holder = int(f.post_person[post])
        if holder in pl.used:
            continue
        terms = _relatives(f, holder)
        term, group = terms[(i + done) % len(terms)]
        rel = pl.first_free(group)
        if rel < 0:
            term, rel = next(((t, r) for t, g in terms if (r := pl.first_free(g)) >= 0), ("", -1))
        if rel >= 0:
            plant(post, rel, term, done)
            done += 1


def _village_mask(f: Facts) -> npt.NDArray[np.bool_]:
    mask = np.zeros(len(f.unit_type), dtype=bool)
    mask[f.village if len(f.village) else np.arange(len(mask))] = True
    return mask


def _kin_benefit(pl: Planner, k: int) -> None:
    f = pl.f
    mask = _village_mask(f)
    staff = pl.posts(mask, key=False)
    staff = staff[~np.isin(f.post_role[staff], ("一把手", "班子成员"))]
    posts = np.concatenate([pl.posts(mask)[: max(1, 4 * k)], staff[: 4 * k]])

    def plant(post: int, rel: int, term: str, n: int) -> None:
        holder, unit = int(f.post_person[post]), int(f.post_unit[post])
        program = "低保" if n % 3 else "特困"
        pl.take(rel)
        pl.subsidy(rel, unit, range(FIRST_MONTH + 1, FIRST_MONTH + 7), program)
        who = f"{pl.unit_name(unit)}{f.post_role[post]}{pl.name(holder)}"
        note = f"{pl.name(rel)}是{who}的{term}，领取{program}，审批单位即该单位"
        pl.leads.append(Lead("kin_benefit", unit, [rel, holder], note))

    _each_relative(pl, posts, k, plant)
    _kin_benefit_negative(pl, max(1, k // 2))


def _kin_benefit_negative(pl: Planner, k: int) -> None:
    f = pl.f
    done = 0
    mask = _village_mask(f)
    for post in np.concatenate([pl.posts(mask), pl.posts(mask, key=False)]).tolist():
        if done >= k:
            return
        holder, unit = int(f.post_person[post]), int(f.post_unit[post])
        staff = f.post_person[f.post_unit == unit].tolist()
        for term, group in f.kin.outside_kin(holder):
            cand = next((c for c in sorted(group) if pl.free(c) and not _statutory_in(f, c, staff)), -1)
            if cand < 0:
                continue
            pl.take(cand)
            pl.subsidy(cand, unit, range(FIRST_MONTH, FIRST_MONTH + 6))
            note = f"{pl.name(cand)}是{pl.unit_name(unit)}{pl.name(holder)}的{term}，领取低保"
            why = f"{term}不在法定亲属范围（配偶、直系、三代以内旁系、近姻亲）/ not a statutory relative"
            pl.negatives.append(Lead("kin_benefit", unit, [cand, holder], note, why))
            done += 1
            break


def _statutory_in(f: Facts, person: int, staff: list[int]) -> bool:
    return any(person == s or person in f.kin.statutory(s) for s in staff)


def _official_business(pl: Planner, k: int) -> None:
    f = pl.f
    posts = pl.posts(f.official_unit, key=False)
    roles = ("法定代表人", "股东", "监事", "董事", "高管")
    done = 0
    for post in posts.tolist():
        p = int(f.post_person[post])
        if done >= k or not pl.free(p, holder_ok=True):
            continue
        pl.take(p)
        role = roles[done % len(roles)]
        pl.company_role(p, role, start=day(2021, 3, 1) + done * 17)
        note = f"{pl.name(p)}任职于{pl.unit_name(int(f.post_unit[post]))}，同时为存续企业的{role}"
        pl.leads.append(Lead("official_business", int(f.post_unit[post]), [p], note))
        done += 1
    _official_family(pl, max(1, k // 2))
    _official_negatives(pl, posts, max(1, k // 2))


def _official_family(pl: Planner, k: int) -> None:
    f = pl.f
    done = 0
    for post in pl.posts(f.official_unit).tolist():
        holder = int(f.post_person[post])
        if done >= k or holder in pl.used:
            continue
        spouse = f.kin.spouse_of(holder)
        group = ({spouse} if spouse >= 0 else set()) if done % 2 == 0 else f.kin.children(holder)
        rel = pl.first_free(group, holder_ok=True) if group else -1
        if rel < 0:
            continue
        pl.take(rel)
        term = "配偶" if rel == spouse else "子女"
        pl.company_role(rel, "法定代表人", start=day(2022, 5, 1))
        who = f"{pl.unit_name(int(f.post_unit[post]))}{f.post_role[post]}{pl.name(holder)}"
        note = f"{who}的{term}{pl.name(rel)}为存续企业法定代表人"
        pl.leads.append(Lead("official_business", int(f.post_unit[post]), [holder, rel], note))
        done += 1


def _official_negatives(pl: Planner, posts: IntArray, k: int) -> None:
    f = pl.f
    done = 0
    for post in posts[::-1].tolist():
        p = int(f.post_person[post])
        if done >= 2 * k or not pl.free(p, holder_ok=True):
            continue
        pl.take(p)
        unit = int(f.post_unit[post])
        if done % 2 == 0:
            pl.company_role(p, "股东", start=day(2018, 4, 1), end=day(2024, 2, 1))
            why = "企业职务已于2024-02-01结束，早于比对期间 / the company role ended before the period"
        else:
            pl.company_role(p, "股东", status="注销", start=day(2017, 6, 1))
            why = "企业已注销 / the company is deregistered (注销)"
        pl.negatives.append(Lead("official_business", unit, [p], f"{pl.name(p)}曾为企业股东", why))
        done += 1


def _kin_contract(pl: Planner, k: int) -> None:
    f = pl.f
    posts = pl.posts(np.ones(len(f.unit_type), dtype=bool))

    def plant(post: int, rel: int, term: str, n: int) -> None:
        holder, unit = int(f.post_person[post]), int(f.post_unit[post])
        pl.take(rel)
        when = WINDOW_START + 20 + n * 3
        if n % 3 == 2:
            pl.acc.payments.add(payer=[unit], company=[-1], person=[rel], amount=[38_000.0], date=[when],
                                purpose=["劳务费"], contract=[""])  # fmt: skip
            what = "直接向其支付劳务费"
        else:
            role = "法定代表人" if n % 3 == 0 else "股东"
            comp = pl.company_role(rel, role, start=day(2020, 8, 1))
            pl.acc.payments.add(payer=[unit], company=[comp], person=[-1], amount=[286_500.0], date=[when],
                                purpose=["工程款"], contract=[f"HT2025-P{n:05d}"])  # fmt: skip
            what = f"向其任{role}的企业支付工程款"
        note = f"{pl.unit_name(unit)}{what}；收款方{pl.name(rel)}是该单位{f.post_role[post]}{pl.name(holder)}的{term}"
        pl.leads.append(Lead("kin_contract", unit, [holder, rel], note))

    _each_relative(pl, posts, k, plant)


def _dead_candidates(pl: Planner, lo: int, hi: int) -> list[int]:
    f = pl.f
    idx = np.flatnonzero((f.death != NA) & (f.death >= lo) & (f.death <= hi) & ~f.holder & ~f.reserved)
    return [int(p) for p in pl.rng.permutation(idx) if int(p) not in pl.used]


def _dead_payment(pl: Planner, k: int) -> None:
    f = pl.f
    dead = _dead_candidates(pl, first_day(FIRST_MONTH + 1), first_day(LAST_MONTH - 1) - 1)
    for n, p in enumerate(dead[:k]):
        pl.take(p)
        died = int(month_of(np.array([f.death[p]]))[0])
        months = range(max(FIRST_MONTH, died - 2), min(LAST_MONTH, died + 2) + 1)
        if n % 2 == 0:
            unit = int(f.village_of(np.array([p]))[0])
            pl.subsidy(p, unit, months, "养老金")
            what = "养老金"
        else:
            unit = int(np.flatnonzero(f.payroll_unit)[n % max(1, int(f.payroll_unit.sum()))])
            pl.payroll(p, unit, months)
            what = "工资"
        note = f"{pl.name(p)}于{_iso(f.death[p])}死亡，其后仍发放{what}"
        pl.leads.append(Lead("dead_payment", unit, [p], note))
    _death_registered_only(pl, max(1, k // 3))
    _dead_payment_negative(pl, dead[k:], max(1, k // 2))


def _death_registered_only(pl: Planner, k: int) -> None:
    """Death registered by the department, but not yet in persons (户籍未注销)."""
    f = pl.f
    old = np.flatnonzero((f.death == NA) & (f.birth < day(1950)) & ~f.holder & ~f.reserved)
    for n, p in enumerate(pl.rng.permutation(old)[:k].tolist()):
        pl.take(p)
        died = FIRST_MONTH + 3 + n % 6
        when = first_day(died) + 9
        pl.acc.deaths.add(person=[p], death=[when], clean=[True])
        unit = int(f.village_of(np.array([p]))[0])
        pl.subsidy(p, unit, range(FIRST_MONTH, LAST_MONTH + 1), "养老金")
        note = f"死亡登记显示{pl.name(p)}于{_iso(when)}死亡（人员表尚未注销），其后仍发放养老金"
        pl.leads.append(Lead("dead_payment", unit, [p], note))


def _dead_payment_negative(pl: Planner, dead: list[int], k: int) -> None:
    f = pl.f
    for p in dead[:k]:
        pl.take(p)
        died = int(month_of(np.array([f.death[p]]))[0])
        unit = int(f.village_of(np.array([p]))[0])
        pl.subsidy(p, unit, range(max(FIRST_MONTH, died - 3), died + 1), "养老金")
        why = "最后一笔发放在死亡当月，不在死亡之后 / the last payment is for the month of death, not after"
        pl.negatives.append(Lead("dead_payment", unit, [p], f"{pl.name(p)}死亡当月仍领取养老金", why))


def _iso(d: int) -> str:
    return str(np.datetime64(int(d), "D"))


def _payroll_posts(pl: Planner) -> list[tuple[int, int, str]]:
    f = pl.f
    posts = pl.posts(f.payroll_unit, key=False)
    return [(int(f.post_person[i]), int(f.post_unit[i]), str(f.post_role[i])) for i in posts.tolist()]


def _other_unit(pl: Planner, unit: int) -> int:
    f = pl.f
    pool = np.flatnonzero(f.payroll_unit & (f.unit_county == f.unit_county[unit]))
    pool = pool[pool != unit]
    if len(pool) == 0:
        pool = np.flatnonzero(f.payroll_unit)
        pool = pool[pool != unit]
    return int(pool[int(pl.rng.integers(len(pool)))])


def _double_payroll(pl: Planner, k: int) -> None:
    posts = [p for p in _payroll_posts(pl) if pl.free(p[0], holder_ok=True)]
    for n, (p, unit, role) in enumerate(posts[: k + max(1, k // 2)]):
        pl.take(p)
        other = _other_unit(pl, unit)
        if n < k:
            pl.payroll(p, unit, range(FIRST_MONTH, LAST_MONTH + 1), role)
            pl.payroll(p, other, range(FIRST_MONTH + 4, FIRST_MONTH + 7))
            note = f"{pl.name(p)}同月在{pl.unit_name(unit)}和{pl.unit_name(other)}领取工资"
            pl.leads.append(Lead("double_payroll", unit, [p], note))
        else:
            pl.payroll(p, unit, range(FIRST_MONTH, FIRST_MONTH + 6), role)
            pl.payroll(p, other, range(FIRST_MONTH + 6, LAST_MONTH + 1), role)
            why = "调动：先后在两单位领薪，月份不重叠 / a transfer: two units, never in the same month"
            pl.negatives.append(Lead("double_payroll", unit, [p], f"{pl.name(p)}调动后在新单位领薪", why))


def _ineligible(pl: Planner, k: int) -> None:
    f = pl.f
    posts = [p for p in _payroll_posts(pl) if pl.free(p[0], holder_ok=True)]
    pool = pl.rng.permutation(np.flatnonzero(f.adults() & ~f.holder & ~f.reserved)).tolist()
    fits = (p for p in pool if pl.free(p) and not _official_relative(f, p))
    people = [p for _, p in zip(range(2 * k + 2 * max(1, k // 2)), fits, strict=False)][::-1]
    months = range(FIRST_MONTH + 2, FIRST_MONTH + 8)
    start = first_day(months[0])
    for n in range(k):
        variant = n % 4
        if variant == 0 and posts:
            p, unit, role = posts.pop()
            pl.take(p)
            pl.payroll(p, unit, range(FIRST_MONTH, LAST_MONTH + 1), role)
            what = f"同期在{pl.unit_name(unit)}领取财政工资"
        elif people:
            p = people.pop()
            pl.take(p)
            what = _asset(pl, p, variant, start)
        else:
            break
        village = int(f.village_of(np.array([p]))[0])
        pl.subsidy(p, village, months, "低保" if n % 2 else "特困")
        pl.leads.append(Lead("ineligible_benefit", village, [p], f"{pl.name(p)}领取低保/特困，{what}"))
    _ineligible_negatives(pl, people, max(1, k // 2), months)


def _official_relative(f: Facts, p: int) -> bool:
    parents = f.kin.parents(p)
    spouse = f.kin.spouse_of(p)
    return bool((spouse >= 0 and f.holder[spouse]) or any(f.holder[q] for q in parents))


def _asset(pl: Planner, p: int, variant: int, start: int) -> str:
    if variant == 1:
        pl.acc.vehicles.add(person=[p], reg=[start - 400], clean=[True])
        return "名下有此前登记的车辆"
    if variant == 2:
        home = str(pl.f.hukou()[p])
        pl.acc.estate.add(person=[p], address=[home], area=[142.5], reg=[start - 700], clean=[True])
        return "名下有此前登记的不动产"
    pl.company_role(p, "股东", start=day(2023, 3, 1))
    return "同时为存续企业股东"


def _ineligible_negatives(pl: Planner, people: list[int], k: int, months: range) -> None:
    for n in range(2 * k):
        if not people:
            return
        p = people.pop()
        pl.take(p)
        village = int(pl.f.village_of(np.array([p]))[0])
        pl.subsidy(p, village, months, "低保")
        if n % 2 == 0:
            reg = first_day(months[-1] + 2) + 5
            pl.acc.vehicles.add(person=[p], reg=[reg], clean=[True])
            why = "车辆在领取低保的最后一个月之后才登记 / the vehicle was registered after the last benefit month"
        else:
            pl.company_role(p, "股东", start=day(2019, 3, 1), end=day(2024, 6, 30))
            why = "企业职务在领取期间之前已结束 / the company role ended before the benefit period"
        pl.negatives.append(Lead("ineligible_benefit", village, [p], f"{pl.name(p)}领取低保", why))
