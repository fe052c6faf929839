"""Manual changes: a pin that breaks a hard rule is refused, with the rule named."""

from __future__ import annotations

from collections.abc import Iterable

from xuncha.teams.context import Context
from xuncha.teams.eligibility import all_blocks
from xuncha.teams.model import Ban, Pin


class PinError(ValueError):
    """A pin or ban the office asked for cannot be honoured; the message is Chinese / English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def check_reasons(pins: Iterable[Pin], bans: Iterable[Ban]) -> None:
    for pin in pins:
        if not pin.reason.strip():
            raise PinError(f"指定{pin.person}到{pin.target}必须写明理由", "a pin needs a reason")
    for ban in bans:
        if not ban.reason.strip():
            raise PinError(f"排除{ban.person}必须写明理由", "a ban needs a reason")


def check_pins(ctx: Context) -> None:
    """Refuse pins that break a hard rule; raise :class:`PinError` naming the rule."""
    seen: dict[str, str] = {}
    people = {c.person: c for c in ctx.candidates}
    groups = {unit: g for g in ctx.groups for unit in g.units}
    for pin in ctx.pins:
        if pin.person in seen and seen[pin.person] != pin.target:
            raise PinError(
                f"{pin.person}不能同时指定到{seen[pin.person]}和{pin.target}：一人只能参加一个巡察组",
                f"{pin.person} is pinned to two teams",
            )
        seen[pin.person] = pin.target
        if pin.target not in groups:
            raise PinError(f"{pin.target}不是本轮巡察对象", f"{pin.target} is not a target of the round")
        if pin.person not in people:
            raise PinError(f"{pin.person}不在巡察干部库中", f"{pin.person} is not in the pool")
        blocks = all_blocks(ctx, people[pin.person], groups[pin.target])
        if all(blocks.values()):
            details = sorted({b.detail for bs in blocks.values() for b in bs})
            raise PinError(
                f"不能指定{people[pin.person].name}到{groups[pin.target].label}：" + "；".join(details),
                f"pin {pin.person}={pin.target} breaks a hard rule: "
                + ", ".join(sorted({b.rule for bs in blocks.values() for b in bs})),
            )
    _check_pinned_kin(ctx, seen)


def _check_pinned_kin(ctx: Context, seen: dict[str, str]) -> None:
    group_of = {unit: g.key for g in ctx.groups for unit in g.units}
    for p, q in ctx.kin_pairs:
        if p in seen and q in seen and group_of[seen[p]] == group_of[seen[q]]:
            raise PinError(
                f"不能把{p}和{q}指定到同一巡察组：二人存在近亲属关系",
                f"pins put kin {p} and {q} on one team",
            )
