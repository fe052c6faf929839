"""The planted conflicts (every category, several each) and planted non-conflicts."""

from __future__ import annotations

from collections.abc import Callable

from xuncha.synth.inspection import CROSS_ROUND, MAIN_ROUND
from xuncha.synth.places import CROSS, MAIN, NATIVE_OTHER
from xuncha.synth.planter import Planter, y
from xuncha.synth.positions import HEAD, ROUND_DAY, STAFF, title_for


def _spouse(p: Planter) -> None:
    t = p.target(head=True)
    k = p.key_person(t, male=False, born=y(1975), head=True)
    i = p.inspector(male=True, born=y(1973))
    p.kin(i, k, "妻子", start=y(2001, 10, 1))
    p.form(i, k, "妻子")
    p.record("spouse", i, t, k, "巡察干部之妻为被巡察单位一把手(亲属表「妻子」)")
    t = p.target(head=True)
    k = p.key_person(t, male=True, born=y(1970), head=True)
    i = p.inspector(male=False, born=y(1972))
    p.kin(k, i, "配偶", start=y(1998, 5, 1))
    p.record("spouse", i, t, k, "被巡察单位一把手登记巡察干部为「配偶」(由对方一侧登记)")


def _lineal(p: Planter) -> None:
    t = p.target()
    k = p.key_person(t, male=True, born=y(1968))
    i = p.inspector(male=True, born=y(1993), surname_of=k)
    p.kin(i, k, "父亲")
    p.form(i, k, "父亲")
    p.record("lineal", i, t, k, "巡察干部之父为被巡察单位班子成员")
    t = p.target()
    k = p.key_person(t, male=True, born=y(1966))
    i = p.inspector(male=True, born=y(1990), surname_of=k)
    p.kin(k, i, "长子")
    p.record("lineal", i, t, k, "班子成员登记巡察干部为「长子」(由父亲一侧登记)")
    t = p.target()
    k = p.key_person(t, male=False, born=y(1970))
    i = p.inspector(male=False, born=y(1995))
    p.kin(i, k, "母亲", kind="收养")
    p.record("lineal", i, t, k, "巡察干部系班子成员收养的女儿(拟制血亲)")
    t = p.target()
    k = p.key_person(t, male=True, born=y(1969))
    i = p.inspector(male=True, born=y(1996))
    p.kin(i, k, "父亲", kind="继")
    p.record("lineal", i, t, k, "班子成员系巡察干部有抚养关系的继父(拟制血亲)")


def _collateral(p: Planter) -> None:
    t = p.target()
    k = p.key_person(t, male=True, born=y(1983))
    i = p.inspector(male=True, born=y(1980))
    p.kin(i, k, "表弟")
    p.record("collateral3", i, t, k, "班子成员系巡察干部的表弟(直接登记「表弟」，无中间人)")
    t = p.target()
    g = p.person(True, y(1934), died=y(2010, 4, 2))
    f = p.person(True, y(1958), surname_of=g)
    k = p.key_person(t, male=True, born=y(1964))
    i = p.inspector(male=True, born=y(1986), surname_of=g)
    p.kin(i, f, "父亲")
    p.kin(f, g, "父亲")
    p.kin(k, g, "父亲")
    p.record("collateral3", i, t, k, "班子成员系巡察干部的叔叔(经已故祖父推出)")
    t = p.target()
    s = p.person(False, y(1972))
    k = p.key_person(t, male=True, born=y(1994))
    i = p.inspector(male=True, born=y(1976))
    p.kin(i, s, "姐姐")
    p.kin(k, s, "母亲")
    p.record("collateral3", i, t, k, "班子成员系巡察干部的外甥(姐姐之子)")
    t = p.target()
    f = p.person(True, y(1950))
    m1, m2 = p.person(False, y(1952)), p.person(False, y(1958))
    i = p.inspector(male=True, born=y(1978), surname_of=f)
    k = p.key_person(t, male=True, born=y(1989))
    p.kin(f, m1, "妻子", start=y(1975, 2, 1), end=y(1985, 6, 1))
    p.kin(f, m2, "妻子", start=y(1987, 3, 1))
    for child, mother in ((i, m1), (k, m2)):
        p.kin(child, f, "父亲")
        p.kin(child, mother, "母亲")
    p.record("collateral3", i, t, k, "班子成员系巡察干部同父异母的弟弟(父亲再婚所生)")


def _form_only(p: Planter) -> None:
    t = p.target()
    k = p.key_person(t, male=True, born=y(1975))
    i = p.inspector(male=True, born=y(1979), surname_of=k)
    p.form(i, k, "哥哥")
    p.record(
        "collateral3",
        i,
        t,
        k,
        "仅见于干部任免审批表家庭成员栏「哥哥」(无身份证号，须按姓名+出生年月+工作单位关联)",
    )
    t = p.target()
    k = p.key_person(t, male=True, born=y(1962, 6))
    i = p.inspector(male=True, born=y(1988))
    p.form(i, k, "岳父")
    p.record("in_law", i, t, k, "仅见于干部任免审批表家庭成员栏「岳父」(无身份证号，须关联)")


def _in_law(p: Planter) -> None:
    t = p.target()
    k = p.key_person(t, male=True, born=y(1963))
    i = p.inspector(male=True, born=y(1988))
    p.kin(i, k, "岳父")
    p.record("in_law", i, t, k, "班子成员系巡察干部的岳父")
    t = p.target()
    q = p.person(True, y(1930), died=y(2005, 1, 9))
    pa, r = p.person(True, y(1955), surname_of=q), p.person(True, y(1957), surname_of=q)
    h = p.person(True, y(1982), surname_of=q)
    k = p.key_person(t, male=False, born=y(1984))
    i = p.inspector(male=True, born=y(1985), surname_of=q)
    for child, father in ((pa, q), (r, q), (h, pa), (i, r)):
        p.kin(child, father, "父亲")
    p.kin(k, h, "丈夫", start=y(2008, 10, 1))
    p.record("in_law", i, t, k, "班子成员系巡察干部堂兄之妻(三代以内旁系血亲的配偶)")
    t = p.target()
    q = p.person(True, y(1932), died=y(2012, 3, 3))
    pa, r = p.person(True, y(1956), surname_of=q), p.person(True, y(1959), surname_of=q)
    k = p.key_person(t, male=True, born=y(1981), since=ROUND_DAY - 700)
    h = p.person(True, y(1983))
    i = p.inspector(male=False, born=y(1986))
    p.kin(k, pa, "父亲")
    p.kin(pa, q, "父亲")
    p.kin(h, r, "父亲")
    p.kin(r, q, "父亲")
    p.kin(i, h, "丈夫", start=y(2010, 5, 1))
    p.record(
        "in_law",
        i,
        t,
        k,
        "巡察干部系班子成员堂弟之妻：从巡察干部一侧为「丈夫的堂兄」(法条未列)，须双向认定",
    )
    t = p.target()
    k = p.key_person(t, male=True, born=y(1985))
    i = p.inspector(male=True, born=y(1980))
    p.kin(i, k, "妻子的弟弟")
    p.record("in_law", i, t, k, "班子成员系巡察干部妻子的弟弟(复合称谓)")


def _other_kin(p: Planter) -> None:
    t = p.target()
    c = p.person(True, y(1965))
    k = p.key_person(t, male=True, born=y(1990), surname_of=c)
    i = p.inspector(male=True, born=y(1968))
    p.kin(i, c, "表哥")
    p.kin(k, c, "父亲")
    p.record("other_kin", i, t, k, "班子成员系巡察干部表哥之子")
    t = p.target()
    g = p.person(True, y(1942), died=y(2019, 8, 8))
    f = p.person(True, y(1966, 2), surname_of=g)
    k = p.key_person(t, male=True, born=y(1992), surname_of=g)
    i = p.inspector(male=True, born=y(1966, 10), full_time=True, surname_of=g)
    p.kin(k, f, "父亲")
    p.kin(f, g, "父亲")
    p.kin(g, i, "弟弟")
    p.record("other_kin", i, t, k, "巡察干部系班子成员祖父的弟弟(叔祖父)")
    t = p.target()
    f = p.person(True, y(1962))
    k = p.key_person(t, male=True, born=y(1968))
    i = p.inspector(male=True, born=y(1990), surname_of=f)
    p.kin(i, f, "父亲")
    p.kin(f, k, "表弟")
    p.record("other_kin", i, t, k, "班子成员系巡察干部父亲的表弟(表叔)")


def _work(p: Planter) -> None:
    t = p.target()
    i = p.inspector(male=True, born=y(1987))
    _post(p, i, t, y(2020, 3, 1), ROUND_DAY - 2 * 365)
    p.record("work", i, t, t, "巡察干部两年前仍在被巡察单位任职(三年内)", on_unit=True)
    t = p.target()
    i = p.inspector(male=False, born=y(1980))
    _post(p, i, t, y(2008, 7, 1), y(2012, 8, 1))
    p.record("work", i, t, t, "巡察干部2008—2012年在被巡察单位工作满四年(三年以上)", on_unit=True)
    towns = [u for u in p.ins.main_targets if u in set(p.units.parent)]
    if towns:
        t = towns[0]
        village = p.units.parent.index(t)
        i = p.inspector(male=True, born=y(1985))
        _post(p, i, village, y(2021, 1, 1), y(2025, 1, 10))
        p.record("work", i, t, t, "巡察干部三年内曾在被巡察乡镇下属村任职", on_unit=True)


def _post(p: Planter, person: int, unit: int, start: int, end: int, role: str = STAFF) -> None:
    title = title_for(p.rng, p.units.family[unit], role)
    p.positions.add(person=person, unit=unit, title=title, role=role, start_date=start, end_date=end)


def _superior(p: Planter) -> None:
    t = p.target()
    u = p.home_unit()
    i = p.inspector(male=True, born=y(1984), home=u)
    k = p.key_person(t, male=True, born=y(1972), since=y(2024, 12, 1))
    _post(p, k, u, y(2019, 3, 1), y(2024, 11, 30), HEAD)
    p.record("superior", i, t, k, "班子成员2019—2024年任巡察干部所在单位一把手(三年内上下级)")
    t = p.target()
    u = p.home_unit()
    i = p.inspector(male=True, born=y(1974), full_time=True)
    k = p.key_person(t, male=False, born=y(1980), since=y(2025, 3, 1))
    _post(p, i, u, y(2017, 5, 1), y(2024, 6, 30), HEAD)
    _post(p, k, u, y(2015, 9, 1), y(2025, 2, 28), "中层")
    p.record("superior", i, t, k, "巡察干部2017—2024年任一把手时，班子成员系其下属(三年内共事)")


def _study(p: Planter) -> None:
    t = p.target()
    k = p.key_person(t, male=True, born=y(1985))
    i = p.inspector(male=True, born=y(1984))
    p.education.add(
        person=[i, k],
        school="仪陇中学",
        klass=["高2003级4班", "高2004级2班"],
        start_date=[y(2000, 9, 1), y(2001, 9, 1)],
        end_date=[y(2003, 7, 1), y(2004, 7, 1)],
    )
    p.record("study", i, t, k, "同校(仪陇中学)在校时间重叠，不同班")
    t = p.target()
    k = p.key_person(t, male=False, born=y(1986))
    i = p.inspector(male=False, born=y(1986))
    p.education.add(
        person=[i, k],
        school="西华师范大学",
        klass="2004级汉语言文学2班",
        start_date=y(2004, 9, 1),
        end_date=y(2008, 6, 30),
    )
    p.record("study", i, t, k, "大学同班同学(西华师范大学2004级汉语言文学2班)")


def _region(p: Planter) -> None:
    t = p.target()
    i = p.inspector(male=True, born=y(1982), native=MAIN)
    p.record("region", i, t, t, "巡察干部籍贯在被巡察单位所在县", on_unit=True)
    t = p.target()
    i = p.inspector(male=False, born=y(1988), native=NATIVE_OTHER, born_place=MAIN)
    p.record("region", i, t, t, "巡察干部出生地在被巡察单位所在县(籍贯在外县)", on_unit=True)
    if p.ins.cross_targets:
        t = p.ins.cross_targets[0]
        home = next(u for u in range(len(p.units)) if p.units.county[u] == CROSS and u not in p.ins.cross_targets)
        i = p.inspector(male=True, born=y(1979), home=home)
        p.record(
            "region",
            i,
            t,
            t,
            "交叉巡察：巡察干部所属地区即被巡察单位所在县(营山县)",
            on_unit=True,
            round_id=CROSS_ROUND,
        )


def _declared(p: Planter) -> None:
    t = p.target()
    k = p.key_person(t, male=True, born=y(1979))
    i = p.inspector(male=True, born=y(1978))
    p.ins.declarations.add(
        round=MAIN_ROUND,
        inspector=i,
        counterpart=k,
        relation="战友关系，曾在同一部队服役三年",
        date=ROUND_DAY - 10,
    )
    p.record("declared", i, t, k, "巡察干部自报：与班子成员系战友")
    t = p.target()
    i = p.inspector(male=False, born=y(1983))
    p.ins.declarations.add(
        round=MAIN_ROUND,
        inspector=i,
        counterpart_unit=t,
        relation="本人曾受该单位资助完成学业",
        date=ROUND_DAY - 12,
    )
    p.record("declared", i, t, t, "巡察干部自报回避，关系人为单位(单位编码)", on_unit=True)


def _objection(p: Planter) -> None:
    for reason in (
        "该同志与我单位主要负责人系多年好友，申请回避",
        "该同志曾参与我单位项目评审，存在利害关系",
    ):
        t = p.target()
        i = p.inspector(male=True, born=y(1981))
        p.ins.objections.add(round=MAIN_ROUND, unit=t, inspector=i, reason=reason, date=ROUND_DAY - 5)
        p.record("objection", i, t, t, f"被巡察单位提出回避异议：{reason}", on_unit=True)


def _negatives(p: Planter) -> None:
    t = p.target(head=True)
    k = p.key_person(t, male=False, born=y(1976), head=True)
    i = p.inspector(male=True, born=y(1974))
    p.kin(i, k, "妻子", start=y(2003, 5, 1), end=y(2014, 9, 1))
    p.record_negative(
        "spouse",
        i,
        t,
        k,
        "巡察干部前妻为被巡察单位一把手",
        "2014年已离婚，不再是夫妻关系；若报告为other_kin可以接受，但不得为spouse",
    )
    t = p.target()
    i = p.inspector(male=True, born=y(1985))
    _post(p, i, t, y(2019, 6, 1), y(2021, 6, 1))
    p.record_negative(
        "work",
        i,
        t,
        t,
        "巡察干部曾在被巡察单位任职两年",
        "任职结束于巡察开始前五年，且任职不满三年",
        on_unit=True,
    )
    t = p.target()
    u = p.home_unit()
    i = p.inspector(male=True, born=y(1983))
    k = p.key_person(t, male=True, born=y(1970), since=y(2019, 7, 1))
    _post(p, i, u, y(2010, 3, 1), y(2021, 12, 31))
    _post(p, k, u, y(2012, 1, 1), y(2019, 6, 30), HEAD)
    p.record_negative(
        "superior",
        i,
        t,
        k,
        "班子成员曾任巡察干部原单位一把手",
        "共事结束于2019年6月，早于巡察开始前三年",
    )
    t = p.target()
    k = p.key_person(t, male=True, born=y(1990))
    i = p.inspector(male=True, born=y(1980))
    p.education.add(
        person=[i, k],
        school="南充高级中学",
        klass=["高1998级1班", "高2008级1班"],
        start_date=[y(1995, 9, 1), y(2005, 9, 1)],
        end_date=[y(1998, 7, 1), y(2008, 7, 1)],
    )
    p.record_negative("study", i, t, k, "同校不同时期", "在校时间不重叠")
    if p.ins.cross_targets:
        t = p.ins.cross_targets[-1]
        i = p.inspector(male=True, born=y(1982), native=NATIVE_OTHER)
        p.record_negative(
            "region",
            i,
            t,
            t,
            "交叉巡察：巡察干部属仪陇县，籍贯南部县",
            "所属地区、籍贯、出生地均不在营山县",
            on_unit=True,
            round_id=CROSS_ROUND,
        )


CATALOGUE: tuple[Callable[[Planter], None], ...] = (
    _spouse, _lineal, _collateral, _form_only, _in_law, _other_kin, _work, _superior, _study,
    _region, _declared, _objection,
)  # fmt: skip


FRESH_PER_REPEAT = 80
FRESH_NEGATIVE = 10


def plant_all(p: Planter, repeats: int) -> None:
    for _ in range(repeats):
        for make in CATALOGUE:
            make(p)
    _negatives(p)
