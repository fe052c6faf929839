"""Plain-Chinese sentences for blocking rules."""

from __future__ import annotations

from collections.abc import Sequence

from xuncha.teams.context import Context
from xuncha.teams.cpmodel import required_groups
from xuncha.teams.groups import Group
from xuncha.teams.model import MEMBER, Block, Candidate

SHOWN = 10

PHRASES = {
    "must_tie": "与该单位存在必须回避关系",
    "rotation": "近期巡察过该单位（轮换规定）",
    "unavailable": "本轮不可用",
    "banned": "被办公室排除",
    "level": "不是上级（提级巡察）人员",
    "cross": "所属地区与该单位相同（交叉巡察）",
    "cross_local": "不是被巡察地区人员（交叉巡察）",
    "leader_system": "上一轮在同一系统任组长",
    "revisit": "是原巡察组成员（回访督查换人换组）",
}


def names(items: Sequence[str]) -> str:
    shown = "、".join(items[:SHOWN])
    return shown + (f"等{len(items)}人" if len(items) > SHOWN else "")


def _label(c: Candidate, blocks: list[Block], exclusions: set[str]) -> str:
    hits = [b for b in blocks if b.rule in exclusions]
    if len({b.rule for b in hits}) == 1:
        shorts = sorted({b.short for b in hits if b.short})
        return f"{c.name}（{'、'.join(shorts)}）" if shorts else c.name
    return f"{c.name}（{'；'.join(sorted({b.detail for b in hits}))}）"


def pool_sentence(
    what: str,
    need: int,
    pool: list[tuple[Candidate, list[Block]]],
    exclusions: set[str],
    who: str = "",
) -> str:
    """What is needed, who could fill it, and which rule keeps them out."""
    who = who or f"可任{what}"
    if len(pool) < need:
        return f"需要{what}{need}名，符合任职资格的只有{len(pool)}人"
    blocked = [(c, bs) for c, bs in pool if any(b.rule in exclusions for b in bs)]
    if not blocked:
        listed = names([c.name for c, _ in pool])
        return f"需要{what}{need}名，{who}的只有{len(pool)}人（{listed}），不能同时满足其他要求"
    labels = [_label(c, bs, exclusions) for c, bs in blocked]
    rules = {b.rule for _, bs in blocked for b in bs if b.rule in exclusions}
    if len(blocked) == len(pool):
        phrase = PHRASES.get(next(iter(rules)), "不能入选") if len(rules) == 1 else "不能入选"
        return f"{who}的{len(pool)}人均{phrase}：{names(labels)}"
    free = len(pool) - len(blocked)
    return (
        f"需要{what}{need}名，{who}的{len(pool)}人中{len(blocked)}人不能入选"
        f"（{names(labels)}），余下{free}人不能同时满足其他要求"
    )


def requirement_sentence(
    ctx: Context,
    group: Group,
    rule: str,
    options: Sequence[tuple[Candidate, str, list[Block]]],
    exclusions: set[str],
) -> str:
    kind, _, arg = rule.removeprefix("need:").partition(":")
    if kind == "role":
        pool = [(c, bs) for c, r, bs in options if r == arg]
        return pool_sentence(arg, ctx.core[arg], pool, exclusions)
    if kind == "members":
        pool = [(c, bs) for c, r, bs in options if r == MEMBER]
        return pool_sentence("人才库组员", ctx.round.members_min, pool, exclusions)
    if kind == "skill":
        skills = required_groups(ctx)[int(arg)]
        pool = _people_with(options, set(skills))
        having = f"具备{'或'.join(skills)}特长"
        return pool_sentence(f"{having}的成员", 1, pool, exclusions, having)
    if kind == "pin":
        pin = next(p for p in ctx.pins if p.person == arg)
        name = next((c.name for c in ctx.candidates if c.person == arg), arg)
        return f"办公室指定{name}参加该组（{pin.reason}），与其他要求冲突"
    return _kin_sentence(ctx, options)


def _people_with(
    options: Sequence[tuple[Candidate, str, list[Block]]], skills: set[str]
) -> list[tuple[Candidate, list[Block]]]:
    best: dict[str, tuple[Candidate, list[Block]]] = {}
    for c, _, bs in options:
        if c.skills & skills and (c.person not in best or len(bs) < len(best[c.person][1])):
            best[c.person] = (c, bs)
    return [best[p] for p in sorted(best)]


def _kin_sentence(ctx: Context, options: Sequence[tuple[Candidate, str, list[Block]]]) -> str:
    people = {c.person: c.name for c, _, _ in options}
    pairs = [f"{people[p]}与{people[q]}" for p, q in ctx.kin_pairs if p in people and q in people]
    return f"可选人员之间存在近亲属关系，不能同组：{names(pairs)}"


def contention_sentence(ctx: Context, group: Group, others: list[Group], detail: str) -> str:
    labels = "、".join(g.label for g in others)
    return f"与{labels}的巡察组争用同一批人员，无法同时组建：{detail}"
