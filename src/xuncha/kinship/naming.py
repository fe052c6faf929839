"""Naming a chain: the standard kinship term of the relative seen from the person.

The names come from ``terms.yaml`` (each entry's naming chains). A chain with no standard
term is named by a composition with 的 that keeps spouse steps at the joints where it can
("妻子的表姐的丈夫" rather than "岳父的外甥女婿").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from xuncha.kinship.chains import Chain, code_for, erase_ages, step
from xuncha.kinship.terms import table

NameKey = tuple[Chain, bool | None]
StepInput = tuple[str, str | None] | tuple[str, str | None, bool | None]

_PART_COST = 1.0
_MIXED_PART_COST = 0.6  # a part that crosses a marriage (岳父, 外甥女婿) reads worse
_DIRECTIONS = {"up", "down", "spouse"}
_GENDERS = {"男", "女", None}


@cache
def name_index() -> dict[NameKey, str]:
    """(chain, relative older?) → standard term; the first entry in the table wins."""
    index: dict[NameKey, str] = {}
    for entry in table().terms:
        for chain in entry.naming_chains():
            index.setdefault((chain, entry.older), entry.term)
    return index


def _lookup(chain: Chain, older: bool | None) -> str | None:
    index = name_index()
    ages = (older, None) if older is not None else (None,)
    for candidate in dict.fromkeys((chain, erase_ages(chain))):
        for age in ages:
            if (candidate, age) in index:
                return index[(candidate, age)]
    return None


def _specialize(chain: Chain, relative_gender: str | None) -> Chain:
    """Give the last step the relative's gender when the step leaves it open."""
    if relative_gender is None or not chain:
        return chain
    last = step(chain[-1])
    if last.gender is None:
        return (*chain[:-1], code_for(last.direction, relative_gender, last.age))
    if last.gender != relative_gender:
        raise ValueError(
            f"亲属链末步「{last.code}」与性别「{relative_gender}」矛盾 / "
            f"last step {last.code!r} contradicts gender {relative_gender!r}"
        )
    return chain


def _refine_age(chain: Chain, older: bool | None) -> Chain:
    """Apply the relative's age to a sibling step whose age is open.

    The relative is the sibling when the chain ends on the sibling step; for a sibling's
    spouse (嫂子/弟媳, 姐夫/妹夫) the age given is taken as the sibling's.
    """
    if older is None or not chain:
        return chain
    age = "older" if older else "younger"
    index = len(chain) - 1
    if len(chain) == 2 and step(chain[1]).direction == "spouse":
        index = 0
    spec = step(chain[index])
    if spec.direction != "sib" or spec.age is not None or spec.gender is None:
        return chain
    return (*chain[:index], code_for("sib", spec.gender, age), *chain[index + 1 :])


def _is_mixed(part: Chain) -> bool:
    directions = {step(code).direction for code in part}
    return "spouse" in directions and len(directions) > 1


def _compose(chain: Chain, older: bool | None) -> str:
    """The cheapest split of the chain into named parts, joined by 的."""
    n = len(chain)
    best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * n
    for start in range(n):
        done = best[start]
        if done is None:
            continue
        for end in range(n, start, -1):
            part = chain[start:end]
            name = _lookup(part, older if end == n else None)
            if name is None:
                continue
            cost = done[0] + _PART_COST + (_MIXED_PART_COST if _is_mixed(part) else 0.0)
            current = best[end]
            if current is None or cost < current[0]:
                best[end] = (cost, [*done[1], name])
    result = best[n]
    if result is None:  # pragma: no cover - every single step has a name in terms.yaml
        raise ValueError(f"无法命名亲属链 / cannot name chain {chain}")
    return "的".join(result[1])


def term_for_chain(
    chain: Sequence[str],
    *,
    relative_older: bool | None = None,
    relative_gender: str | None = None,
) -> str:
    """The standard term of the relative the chain reaches, seen from the person.

    ``relative_older``: whether the relative is older than the person (表兄 vs 表弟); for
    a sibling's spouse, whether the sibling is. ``relative_gender`` settles a generic last
    step (``c`` → 儿子/女儿). An empty chain is the person (本人).
    """
    steps_ = tuple(chain)
    for code in steps_:
        step(code)
    if not steps_:
        return "本人"
    refined = _refine_age(_specialize(steps_, relative_gender), relative_older)
    return _lookup(refined, relative_older) or _compose(refined, relative_older)


def _check_step(item: StepInput) -> tuple[str, str | None, bool | None]:
    direction, gender = item[0], item[1]
    older = item[2] if len(item) == 3 else None
    if direction not in _DIRECTIONS or gender not in _GENDERS:
        raise ValueError(f"无效的关系步骤 / invalid step {item!r}")
    return direction, gender, older


def chain_from_steps(steps: Sequence[StepInput]) -> Chain:
    """Fold graph steps into a chain: an up step followed by a down step is a sibling.

    Each step is ``(direction, gender of the person reached)`` with direction ``up``,
    ``down`` or ``spouse``, optionally a third element: on a down step that completes a
    sibling, whether that sibling is older than the one the path came up from.
    """
    codes: list[str] = []
    last_up = False
    for item in steps:
        direction, gender, older = _check_step(item)
        if direction == "down" and last_up:
            codes.pop()
            age = None if older is None else ("older" if older else "younger")
            codes.append(code_for("sib", gender, age))
        else:
            codes.append(code_for(direction, gender))
        last_up = direction == "up"
    return tuple(codes)


def term_for_steps(steps: Sequence[StepInput], *, relative_older: bool | None = None) -> str:
    """The standard term for a path of graph steps (see ``chain_from_steps``)."""
    return term_for_chain(chain_from_steps(steps), relative_older=relative_older)
