"""Why a person is, or is not, on a team: plain Chinese sentences."""

from __future__ import annotations

from xuncha.teams.eligibility import tie_label
from xuncha.teams.model import Assignment, Team


def explain(assignment: Assignment, person: str) -> list[str]:
    """Sentences explaining ``person``'s place (or absence) in the round's staffing."""
    c = assignment.candidates.get(person)
    if c is None:
        return [f"{person}不在本轮巡察干部库中"]
    lines = [f"{c.name}（{person}），{c.pool}，可任：{'、'.join(sorted(c.roles)) or '组员'}"]
    lines += [f"办公室排除：{b.reason}" for b in assignment.bans if b.person == person]
    lines += [f"办公室指定到{p.target}：{p.reason}" for p in assignment.pins if p.person == person]
    team = assignment.team_of(person)
    if team is not None:
        return lines + _on_team(assignment, team, person)
    if not c.available:
        return [*lines, "本轮不可用，未参加任何巡察组"]
    return lines + _off_teams(assignment, person)


def _label(assignment: Assignment, key: str) -> str:
    return assignment.group_labels.get(key, key.replace("|", "、"))


def _on_team(assignment: Assignment, team: Team, person: str) -> list[str]:
    member = next(m for m in team.members if m.person == person)
    key = "|".join(team.targets)
    lines = [f"入选{_label(assignment, key)}巡察组，任{member.role}"]
    for tie in team.accepted_ties:
        if tie.get("inspector") == person:
            level = {"should": "建议回避", "notice": "提示"}.get(str(tie.get("severity")), "")
            kind = tie_label(str(tie.get("category")), tie)
            where = tie.get("target_name") or tie.get("target")
            lines.append(f"与{where}存在{level}关系（{kind}），已计入目标函数后保留")
    lines.append("在满足全部硬性规则的人选中，综合得分（回避关系、工作量、特长）与随机抽取决定其入选")
    return lines


def _off_teams(assignment: Assignment, person: str) -> list[str]:
    lines: list[str] = []
    open_teams: list[str] = []
    for team in assignment.teams:
        key = "|".join(team.targets)
        blocks = assignment.blocks.get((person, key), ())
        roles = assignment.eligible_roles.get((person, key), ())
        if not roles:
            why = "；".join(b.detail for b in blocks) or "不具备所需任职资格"
            lines.append(f"不能参加{_label(assignment, key)}巡察组：{why}")
        else:
            open_teams.append(_label(assignment, key))
    if open_teams:
        grouped = any("、" in label for label in open_teams)
        labels = [f"「{label}」" for label in open_teams] if grouped else open_teams
        shown = "、".join(labels[:5]) + ("等" if len(open_teams) > 5 else "")
        lines.append(
            f"可参加{shown}{len(open_teams)}个巡察组，但未入选：其他人选综合得分更优，或在同等条件下未被随机抽中"
        )
    return lines or ["本轮没有可参加的巡察组"]
