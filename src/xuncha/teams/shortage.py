"""Round-wide shortages found by counting, before any search.

When the whole round needs more people for a role than there are people eligible for it
in any team (e.g. 25 teams, 11 eligible 联络员), at least the difference of teams cannot
be staffed, whatever the search does. Dropping them here, each with the counted reason,
spares the solver one infeasibility proof per dropped team (minutes on a real round);
the search then handles what counting cannot see.
"""

from __future__ import annotations

from xuncha.teams.context import Context
from xuncha.teams.groups import Group
from xuncha.teams.joint import pick_dropped
from xuncha.teams.model import MEMBER
from xuncha.teams.options import Options
from xuncha.teams.reasons import contention_sentence, names

SHOWN_TEAMS = 5
FULL_TIME_LABEL = "专职巡察干部"


def first_shortage(ctx: Context, groups: list[Group], options: Options) -> str | None:
    """The first role (or all full-time roles) the round as a whole cannot fill, as a sentence part."""
    demands: list[tuple[tuple[str, ...], str, int]] = [((role,), role, n) for role, n in ctx.core.items()]
    demands.append((tuple(ctx.core), FULL_TIME_LABEL, sum(ctx.core.values())))
    demands.append(((MEMBER,), MEMBER, ctx.round.members_min))
    for roles, label, per_team in demands:
        people = sorted({c.name + "\0" + c.person for g in groups for c, r in options[g.key] if r in roles})
        if per_team and len(people) < per_team * len(groups):
            shown = [p.split("\0")[0] for p in people]
            return f"共需{label}{per_team * len(groups)}名，符合条件的仅{len(people)}人：{names(shown) or '无'}"
    return None


def drop_shortages(ctx: Context, groups: list[Group], options: Options) -> tuple[list[Group], list[tuple[Group, str]]]:
    """Drop teams (fewest eligible placements first) until no round-wide count fails."""
    active = list(groups)
    dropped: list[tuple[Group, str]] = []
    while len(active) > 1 and (detail := first_shortage(ctx, active, options)) is not None:
        group = pick_dropped(active, options)
        active = [g for g in active if g is not group]
        dropped.append((group, _sentence(ctx, group, active, detail)))
    return active, dropped


def _sentence(ctx: Context, group: Group, others: list[Group], detail: str) -> str:
    if len(others) <= SHOWN_TEAMS:
        return contention_sentence(ctx, group, others, detail)
    labels = "、".join(g.label for g in others[:SHOWN_TEAMS])
    return f"与{labels}等{len(others)}个巡察组争用同一批人员，无法同时组建：{detail}"
