"""Per-person hard rules: may this candidate take this role on this team?"""

from __future__ import annotations

from xuncha.teams.context import Context
from xuncha.teams.groups import Group
from xuncha.teams.model import (
    FULL_TIME,
    LEADER,
    LIAISON,
    MEMBER,
    TALENT_POOL,
    Block,
    Candidate,
    Tie,
)

CATEGORY_ZH = {
    "spouse": "配偶",
    "lineal": "直系血亲",
    "collateral3": "三代以内旁系血亲",
    "in_law": "近姻亲",
    "other_kin": "其他亲属",
    "work": "任职经历",
    "superior": "上下级或共事",
    "study": "同学",
    "region": "地域",
    "declared": "自报回避",
    "objection": "回避异议",
}


def tie_label(category: str, record: dict[str, object]) -> str:
    term = record.get("kin_term")
    return str(term) if term else CATEGORY_ZH.get(category, category)


def person_blocks(ctx: Context, c: Candidate, group: Group) -> list[Block]:
    """Rules that keep ``c`` off this team whatever the role."""
    blocks: list[Block] = []
    if not c.available:
        blocks.append(Block("unavailable", "本轮不可用"))
    if c.person in ctx.banned:
        reason = ctx.banned[c.person].reason
        blocks.append(Block("banned", f"被办公室排除：{reason}", reason))
    for target in group.targets:
        visited = ctx.visits.get((c.person, target.unit))
        if visited:
            k = ctx.policy.rotation_rounds
            blocks.append(Block("rotation", f"近{k}轮内（{visited}）巡察过{target.name}", visited))
    for target in group.targets:
        if c.person in ctx.revisit_teams.get(target.unit, ()):
            detail = f"曾是{target.name}原巡察组成员，回访督查须换人换组"
            blocks.append(Block("revisit", detail))
    if ctx.round.mode == "提级" and c.level != ctx.policy.escalated_level:
        blocks.append(Block("level", f"提级巡察只选{ctx.policy.escalated_level}级人员"))
    return blocks


def _leader_blocks(ctx: Context, c: Candidate, group: Group) -> list[Block]:
    led = ctx.led.get(c.person)
    if led and led in group.systems:
        detail = f"上一轮任组长巡察{led}系统，不得连续在同一系统任组长"
        return [Block("leader_system", detail, led)]
    return []


def _pool_blocks(c: Candidate, role: str) -> list[Block]:
    if role == MEMBER:
        if c.pool != TALENT_POOL:
            return [Block("role", "组员从人才库抽调")]
        ok = MEMBER in c.roles or not c.roles
    else:
        if c.pool != FULL_TIME:
            return [Block("role", f"{role}须由专职巡察干部担任")]
        ok = role in c.roles
    return [] if ok else [Block("role", f"不具备{role}任职资格")]


def _local_roles(ctx: Context) -> frozenset[str]:
    """Roles that come from the target's own county in the 组长联络员本地 cross variant."""
    if ctx.round.mode == "交叉" and ctx.policy.cross_variant == "组长联络员本地":
        return frozenset({LEADER, LIAISON})
    return frozenset()


def _tie_blocks(group: Group, must: list[Tie], skip_region: bool) -> list[Block]:
    names = {t.unit: t.name for t in group.targets}
    return [
        Block(
            "must_tie",
            f"与{names[t.target]}存在必须回避关系（{tie_label(t.category, t.record)}）",
            tie_label(t.category, t.record),
        )
        for t in must
        if not (skip_region and t.category == "region")
    ]


def _cross_blocks(ctx: Context, c: Candidate, group: Group, role: str, local_roles: frozenset[str]) -> list[Block]:
    if ctx.round.mode != "交叉":
        return []
    local = c.home_region is not None and c.home_region in group.regions
    if role in local_roles:
        return [] if local else [Block("cross_local", f"交叉巡察中{role}须来自被巡察地区")]
    return [Block("cross", "所属地区与被巡察单位相同（交叉巡察）")] if local else []


def all_blocks(ctx: Context, c: Candidate, group: Group) -> dict[str, list[Block]]:
    """role -> blocks, for every role of a team (an empty list means eligible)."""
    common = person_blocks(ctx, c, group)
    must = [t for t in ctx.group_ties(c.person, group) if t.severity == "must"]
    local_roles = _local_roles(ctx)
    out: dict[str, list[Block]] = {}
    for role in ctx.member_roles:
        blocks = common + _pool_blocks(c, role) + _cross_blocks(ctx, c, group, role, local_roles)
        blocks += _tie_blocks(group, must, role in local_roles) if must else []
        blocks += _leader_blocks(ctx, c, group) if role == LEADER else []
        out[role] = blocks
    return out
