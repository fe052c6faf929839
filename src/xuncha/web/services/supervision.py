"""Supervision (督导): fixed picks and a verifiably random sample of teams to spot-check, and results.

Commit-reveal, as in team formation (:mod:`xuncha.teams.draw`):

1. **Commit.** The supervisor chooses the fixed picks (team numbers, with the reason) and the sample
   size ``k``; the seed they typed (or the one the page suggested) is committed with
   :func:`xuncha.teams.draw.commit`. The commitment, the fixed picks, ``k`` and the *pool* — the numbers
   of the round's teams not picked on purpose, sorted — are stored; the seed is not.
2. **Reveal.** The seed is entered; it must give the stored commitment. The sample is then
   :func:`draw_sample`: ``random.Random(teams.draw.seed_int(seed))`` shuffles the sorted pool and the
   first ``k`` numbers, sorted, are the sample. Nothing else goes in, so anyone can recompute it.
3. **Verify.** :func:`verify_draw` recomputes commitment and sample from the stored seed and compares.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from xuncha.store.models import Round, SpotCheck, SupervisionDraw, Team, User
from xuncha.teams import draw
from xuncha.web.deps import Invalid, NotFound
from xuncha.web.scope import PUBLISHED

RATINGS = ("好", "较好", "一般", "差")


@dataclass(frozen=True)
class DrawCheck:
    """The outcome of recomputing a revealed draw."""

    ok: bool
    commitment_ok: bool
    recomputed: list[int]
    zh: str
    en: str


def suggest_seed() -> str:
    """A fresh random seed for the form (shown once, never stored before the reveal)."""
    return secrets.token_hex(12)


def parse_numbers(value: str) -> list[int]:
    """Team numbers typed as ``1, 3 5`` or ``1，3、5`` (sorted, unique)."""
    parts = [p for p in re.split(r"[\s,，、;；]+", value.strip()) if p]
    if not all(p.isdigit() and len(p) <= 4 for p in parts):
        raise Invalid("指定抽查的组号应为数字，用逗号分隔", "fixed picks must be team numbers separated by commas")
    return sorted({int(p) for p in parts})


def teams_of(db: Session, round_id: str) -> list[Team]:
    query = select(Team).where(Team.round_id == round_id).options(selectinload(Team.members)).order_by(Team.number)
    return list(db.execute(query).scalars())


def draws_of(db: Session, round_id: str) -> list[SupervisionDraw]:
    query = select(SupervisionDraw).where(SupervisionDraw.round_id == round_id).order_by(SupervisionDraw.id.desc())
    return list(db.execute(query).scalars())


def get_draw(db: Session, round_id: str, draw_id: int) -> SupervisionDraw:
    found = db.get(SupervisionDraw, draw_id)
    if found is None or found.round_id != round_id:
        raise NotFound("抽查记录不存在", "no such draw")
    return found


def draw_sample(pool: Sequence[int], k: int, seed: str) -> list[int]:
    """The documented algorithm: shuffle the sorted pool with the seed's integer, take ``k``, sort."""
    order = sorted(int(n) for n in pool)
    random.Random(draw.seed_int(seed)).shuffle(order)
    return sorted(order[:k])


def commit_draw(
    db: Session, rnd: Round, user: User, *, fixed: list[int], reason: str, sample_size: int, seed: str
) -> SupervisionDraw:
    """Store the commitment with the fixed picks, the sample size and the pool (the seed stays secret)."""
    if rnd.status not in PUBLISHED:
        raise Invalid("巡察组组成方案公布后才能抽查", "spot checks start once the plan is published")
    if any(d.seed is None for d in draws_of(db, rnd.id)):
        raise Invalid("上一次抽查尚未揭示种子", "the previous draw has not been revealed yet")
    numbers = [t.number for t in teams_of(db, rnd.id)]
    unknown = sorted(set(fixed) - set(numbers))
    if unknown:
        raise Invalid(f"没有这些组号：{unknown}", f"no such team numbers: {unknown}")
    if fixed and not reason.strip():
        raise Invalid("指定抽查须说明理由", "fixed picks need a reason")
    pool = [n for n in numbers if n not in fixed]
    if not 0 <= sample_size <= len(pool) or (sample_size == 0 and not fixed):
        raise Invalid(f"随机抽查数应在1至{len(pool)}之间", f"the sample size must be between 1 and {len(pool)}")
    try:
        commitment = draw.commit(seed)
    except ValueError as exc:
        raise Invalid("种子不能为空", "the seed must not be empty") from exc
    row = SupervisionDraw(
        round_id=rnd.id,
        commitment=commitment,
        fixed=fixed,
        reason=reason.strip(),
        pool=pool,
        sample_size=sample_size,
        created_by=user.id,
    )
    db.add(row)
    db.flush()
    return row


def reveal_draw(db: Session, row: SupervisionDraw, seed: str) -> SupervisionDraw:
    """Check the seed against the commitment, then draw the sample from it."""
    if row.seed is not None:
        raise Invalid("该次抽查已经揭示", "this draw has already been revealed")
    if not draw.canonical_seed(seed) or draw.commit(seed) != row.commitment:
        raise Invalid("种子与公布的承诺值不符，不能揭示", "the seed does not match the commitment")
    row.seed = draw.canonical_seed(seed)
    row.sampled = draw_sample(row.pool, row.sample_size, row.seed)
    row.revealed_at = datetime.now(UTC)
    db.flush()
    return row


def verify_draw(row: SupervisionDraw) -> DrawCheck:
    """Recompute the commitment and the sample from the revealed seed."""
    if row.seed is None:
        return DrawCheck(False, False, [], "尚未揭示种子，无法验证", "not revealed yet; nothing to verify")
    commitment_ok = draw.commit(row.seed) == row.commitment
    recomputed = draw_sample(row.pool, row.sample_size, row.seed)
    if commitment_ok and recomputed == list(row.sampled):
        return DrawCheck(
            True, True, recomputed, "一致：承诺值与抽查名单均可由种子复算", "verified: commitment and sample"
        )
    return DrawCheck(False, commitment_ok, recomputed, "不一致：请报告巡察办", "mismatch: report to the office")


def record_check(db: Session, rnd: Round, user: User, team_id: int, rating: str, result: str) -> SpotCheck:
    team = db.get(Team, team_id)
    if team is None or team.round_id != rnd.id:
        raise NotFound("巡察组不存在", "no such team")
    if rating not in RATINGS:
        raise Invalid(f"评价应为：{'、'.join(RATINGS)}", f"the rating must be one of {', '.join(RATINGS)}")
    if not result.strip():
        raise Invalid("请填写抽查情况", "describe what the spot check found")
    row = SpotCheck(team_id=team.id, supervisor_id=user.id, rating=rating, result=result.strip())
    db.add(row)
    db.flush()
    return row


def checks_by_team(db: Session, round_id: str) -> dict[int, list[SpotCheck]]:
    query = (
        select(SpotCheck)
        .join(Team, Team.id == SpotCheck.team_id)
        .where(Team.round_id == round_id)
        .order_by(SpotCheck.id)
    )
    out: dict[int, list[SpotCheck]] = {}
    for row in db.execute(query).scalars():
        out.setdefault(row.team_id, []).append(row)
    return out


def picked(db: Session, round_id: str) -> dict[int, str]:
    """Team number -> why it is checked (指定 or 随机抽取), over every revealed draw."""
    out: dict[int, str] = {}
    for row in draws_of(db, round_id):
        for n in row.fixed:
            out.setdefault(int(n), "指定")
        for n in row.sampled:
            out.setdefault(int(n), "随机抽取")
    return out
