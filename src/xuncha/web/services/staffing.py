"""Staffing (巡察组组建): pins and bans, the seed commitment, the draw, publication and verification.

The engine does the work (``teams.command.run_assign``, ``teams.output``, ``teams.draw``); this module keeps
the office's side of it: ``StaffingConstraint`` rows, ``Round.commitment``/``Round.seed`` (the seed is never
shown before publication), ``Team``/``TeamMember`` rows, and each draw's files under
``<data>/rounds/<round>/teams`` — a folder ``xuncha draw verify`` accepts as it is.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import Round, StaffingConstraint, Team, TeamMember, User, utcnow
from xuncha.teams.model import Ban, Pin
from xuncha.web.deps import Forbidden, Invalid
from xuncha.web.scope import PUBLISHED, get_round, plan_visible, visible_team_ids
from xuncha.web.services.common import bundle_dir, round_dir
from xuncha.web.settings import Settings

if TYPE_CHECKING:
    from xuncha.teams.command import AssignOptions
    from xuncha.teams.model import Assignment

TEAMS_PART = "teams"
KEEP_REASON = "保持原组 / unchanged"
KINDS = frozenset({"pin", "ban"})
OPEN = frozenset({"draft", "screened", "staffed"})  # the plan may still change
DEFAULT_TARGETS_PER_TEAM = 3
MAX_TARGETS_PER_TEAM = 10
TIME_LIMIT = 120.0  # the CLI's default: the county solves in well under a second, so the draw stays exact


@dataclass(frozen=True)
class VerifyOutcome:
    ok: bool
    commitment: str
    message: str


# ------------------------------------------------------------------ reading


def plan_round(db: Session, user: User, round_id: str) -> Round:
    """The round, or 403 when its plan is not (yet) visible to ``user``."""
    rnd = get_round(db, round_id)
    if not plan_visible(user, rnd):
        raise Forbidden(
            "巡察组组成方案公布前仅办公室和领导小组可查看", "the plan is visible only to the office and leading group"
        )
    return rnd


def teams_of(db: Session, round_id: str) -> list[Team]:
    return list(db.execute(select(Team).where(Team.round_id == round_id).order_by(Team.number)).scalars())


def visible_teams(db: Session, user: User, rnd: Round) -> list[Team]:
    """The round's teams ``user`` may see (all, their own, or none)."""
    ids = visible_team_ids(db, user, rnd)
    return [t for t in teams_of(db, rnd.id) if t.id in ids]


def constraints_of(db: Session, round_id: str) -> list[StaffingConstraint]:
    query = select(StaffingConstraint).where(StaffingConstraint.round_id == round_id)
    return list(db.execute(query.order_by(StaffingConstraint.id)).scalars())


def is_staffed(team: Team) -> bool:
    return bool(team.explanation.get("status", "staffed") != "infeasible")


def team_label(team: Team) -> str:
    return "、".join(str(n) for n in team.target_names) or "、".join(str(u) for u in team.targets)


def seed_visible(rnd: Round) -> bool:
    """The seed is revealed only with the published plan."""
    return rnd.status in PUBLISHED


@lru_cache(maxsize=16)
def _target_names(bundle: str, round_id: str, stamp: float) -> tuple[tuple[str, str], ...]:
    from xuncha.bundle.load import load_bundle
    from xuncha.teams.from_bundle import rows

    loaded = load_bundle(Path(bundle))
    units = {str(u["unit_id"]): str(u.get("name") or u["unit_id"]) for u in rows(loaded, "units")}
    keys = sorted({str(r["unit"]) for r in rows(loaded, "round_targets") if r.get("round") == round_id})
    return tuple((k, units.get(k, k)) for k in keys)


def round_targets(db: Session, rnd: Round) -> list[tuple[str, str]]:
    """(unit key, name) of every target of the round: from its teams, else from its bundle."""
    teams = teams_of(db, rnd.id)
    if teams:
        pairs = {str(u): str(n) for t in teams for u, n in zip(t.targets, t.target_names, strict=False)}
        return sorted(pairs.items())
    folder = bundle_dir(db, rnd)
    try:
        return list(_target_names(str(folder), rnd.id, folder.stat().st_mtime))
    except OSError as exc:
        raise Invalid("无法读取该轮次的数据包", "cannot read the round's bundle") from exc


# ------------------------------------------------------------------ constraints and the commitment


def _require_open(rnd: Round) -> None:
    if rnd.status not in OPEN:
        raise Invalid("巡察组组成方案已公布，不能再更改", "the plan is published and can no longer change")


def add_constraint(
    db: Session, rnd: Round, kind: str, person_key: str, target: str | None, reason: str, actor_id: int
) -> StaffingConstraint:
    """A pin (指定 person→target) or ban (排除 person from the round), refused without a reason."""
    _require_open(rnd)
    if kind not in KINDS:
        raise Invalid("约束类型只能是指定或排除", "kind must be pin or ban")
    if not person_key.strip():
        raise Invalid("请填写人员编号", "the person key is required")
    if not reason.strip():
        raise Invalid("指定或排除必须写明理由", "a pin or ban needs a reason")
    if kind == "pin" and not (target or "").strip():
        raise Invalid("指定须写明巡察对象", "a pin needs a target")
    row = StaffingConstraint(
        round_id=rnd.id,
        kind=kind,
        person_key=person_key.strip(),
        target=(target or "").strip() if kind == "pin" else None,
        reason=reason.strip(),
        created_by=actor_id,
    )
    db.add(row)
    db.flush()
    return row


def remove_constraint(db: Session, rnd: Round, constraint_id: int) -> StaffingConstraint:
    _require_open(rnd)
    row = db.get(StaffingConstraint, constraint_id)
    if row is None or row.round_id != rnd.id:
        raise Invalid("该约束不存在", "no such constraint")
    db.delete(row)
    db.flush()
    return row


def commit_seed(db: Session, rnd: Round, seed: str | None) -> str:
    """Keep ``seed`` (or a fresh random one) server-side and store its SHA-256 commitment."""
    from xuncha.teams.draw import commit

    _require_open(rnd)
    if teams_of(db, rnd.id):
        raise Invalid("已按承诺值抽取，承诺值不能再更改", "the draw was made; the commitment can no longer change")
    text = (seed or "").strip() or secrets.token_hex(12)
    try:
        digest = commit(text)
    except ValueError as exc:
        raise Invalid("种子不能为空", "the seed must not be empty") from exc
    rnd.seed, rnd.commitment = text, digest
    return digest


# ------------------------------------------------------------------ the draw


def pins_and_bans(rows: Iterable[StaffingConstraint]) -> tuple[tuple[Pin, ...], tuple[Ban, ...]]:
    """The engine's pins and bans. A ban kept for one target (a recusal) is round-wide in the engine:
    it has no per-target exclusion, so the person is kept off every team of a fresh draw."""
    pins = tuple(Pin(r.person_key, r.target or "", r.reason) for r in rows if r.kind == "pin")
    bans: dict[str, Ban] = {}
    for r in rows:
        if r.kind == "ban":
            bans.setdefault(r.person_key, Ban(r.person_key, r.reason))
    return pins, tuple(bans.values())


def assign_options(
    db: Session, rnd: Round, targets_per_team: int, pins: Sequence[Pin], bans: Sequence[Ban]
) -> AssignOptions:
    """The engine's options as ``assign_command`` builds them (bundle resolved, file digests)."""
    from xuncha.teams.command import AssignOptions, file_digests

    folder = bundle_dir(db, rnd).resolve()
    return AssignOptions(
        bundle=str(folder),
        round_id=rnd.id,
        targets_per_team=targets_per_team,
        pins=tuple(pins),
        bans=tuple(bans),
        time_limit=TIME_LIMIT,
        digests=file_digests(folder, None),
    )


def _assign(options: AssignOptions, seed: str) -> Assignment:
    from xuncha.teams import command
    from xuncha.teams.pins import PinError

    try:
        return command.run_assign(options, seed)
    except PinError as exc:
        raise Invalid(exc.zh, exc.en) from exc
    except command.errors() as exc:
        raise Invalid(f"巡察组组建失败：{exc}", f"staffing failed: {exc}") from exc


def write_draw(out: Path, assignment: Assignment, options: AssignOptions, commitment: str) -> None:
    """The files ``xuncha assign`` writes, so ``xuncha draw verify <out> --seed S`` works on the folder."""
    from xuncha.teams.command import COMMITMENT, EXPLAINED, INPUTS, explanations
    from xuncha.teams.output import write_teams

    write_teams(assignment, out)
    _write_json(out / INPUTS, options.to_json())
    _write_json(out / EXPLAINED, explanations(assignment))
    (out / COMMITMENT).write_text(commitment + "\n", encoding="utf-8")


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def run_staffing(db: Session, settings: Settings, rnd: Round, targets_per_team: int) -> Assignment:
    """Draw the round's teams with the committed seed and the office's constraints; replace the teams."""
    _require_open(rnd)
    if not rnd.seed or not rnd.commitment:
        raise Invalid("请先生成随机种子并公布承诺值，再抽取", "commit to a seed before the draw")
    if not 1 <= targets_per_team <= MAX_TARGETS_PER_TEAM:
        raise Invalid(f"每组巡察对象数应为1至{MAX_TARGETS_PER_TEAM}", "targets per team out of range")
    pins, bans = pins_and_bans(constraints_of(db, rnd.id))
    options = assign_options(db, rnd, targets_per_team, pins, bans)
    assignment = _assign(options, rnd.seed)
    write_draw(round_dir(settings.data_dir, rnd.id, TEAMS_PART), assignment, options, rnd.commitment)
    names = dict(round_targets_of_bundle(options.bundle, rnd.id))
    replace_teams(db, rnd.id, assignment, names)
    rnd.status = "staffed"
    return assignment


def round_targets_of_bundle(bundle: str, round_id: str) -> tuple[tuple[str, str], ...]:
    return _target_names(bundle, round_id, Path(bundle).stat().st_mtime)


def replace_teams(db: Session, round_id: str, assignment: Assignment, names: dict[str, str]) -> list[Team]:
    """Team rows = the records of teams.jsonl, in its order (infeasible targets kept, with no members)."""
    from xuncha.teams.output import records

    for old in teams_of(db, round_id):
        db.delete(old)
    db.flush()
    rows = [team_row(round_id, n, rec, assignment, names) for n, rec in enumerate(records(assignment), 1)]
    db.add_all(rows)
    db.flush()
    return rows


def team_row(round_id: str, number: int, record: dict[str, Any], assignment: Assignment, names: dict[str, str]) -> Team:
    targets = [str(u) for u in record["target"]]
    return Team(
        round_id=round_id,
        number=number,
        targets=targets,
        target_names=[names.get(u, u) for u in targets],
        explanation=explanation_of(record, assignment),
        members=members_of(record),
    )


def members_of(record: dict[str, Any]) -> list[TeamMember]:
    return [TeamMember(person_key=m["person"], name=m["name"], role=m["role"]) for m in record.get("members", [])]


def explanation_of(record: dict[str, Any], assignment: Assignment, changes: Sequence[Any] = ()) -> dict[str, Any]:
    """What the team page shows: the engine's record, why each member was chosen, later changes."""
    from xuncha.teams.explain import explain

    people = [m["person"] for m in record.get("members", [])]
    return {
        "status": record.get("status", "staffed"),
        "record": record,
        "why": {p: explain(assignment, p) for p in people},
        "changes": list(changes),
    }


# ------------------------------------------------------------------ publication and verification


def publish(db: Session, rnd: Round) -> None:
    if rnd.status != "staffed" or not any(is_staffed(t) for t in teams_of(db, rnd.id)):
        raise Invalid("只有已组建巡察组的轮次才能公布", "only a staffed round can be published")
    rnd.status, rnd.published_at = "published", utcnow()


def verify_draw(settings: Settings, rnd: Round) -> VerifyOutcome:
    """Re-run the draw with the revealed seed and compare bytes with the stored teams.jsonl."""
    from xuncha.teams.command import INPUTS, AssignOptions
    from xuncha.teams.draw import verify
    from xuncha.teams.output import teams_jsonl

    if not seed_visible(rnd) or not rnd.seed:
        raise Invalid("公布后才能复核抽取结果", "the draw can be verified once the plan is published")
    out = round_dir(settings.data_dir, rnd.id, TEAMS_PART)
    try:
        options = AssignOptions.from_json(json.loads((out / INPUTS).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise Invalid("找不到本轮抽取记录（inputs.json）", "the draw's inputs.json is missing") from exc
    try:
        result = verify(out, rnd.seed, lambda s: teams_jsonl(_assign(options, s)), rnd.commitment)
    except OSError as exc:
        raise Invalid("找不到本轮抽取结果（teams.jsonl）", "the draw's teams.jsonl is missing") from exc
    return VerifyOutcome(result.ok, result.commitment, result.message)


# ------------------------------------------------------------------ re-staffing after a recusal


def restaff_after_recusal(
    db: Session, settings: Settings, rnd: Round, person_key: str, target_unit: str, reason: str, actor_id: int
) -> str:
    """Keep ``person_key`` off ``target_unit``'s team; when teams exist, re-staff only that team.

    Every member of every other team is pinned where they are ("保持原组 / unchanged"), as are the
    affected team's other members (dropped again if that leaves the team unstaffable). The engine's
    ban is round-wide, so the person is banned for the re-run; only the affected team's rows change.
    The draw's seed is kept, and the re-run's files go to ``<data>/rounds/<round>/restaff-<n>``.
    """
    row = StaffingConstraint(
        round_id=rnd.id,
        kind="ban",
        person_key=person_key,
        target=target_unit,
        reason=reason.strip() or "回避 / recusal",
        created_by=actor_id,
    )
    db.add(row)
    db.flush()
    teams = teams_of(db, rnd.id)
    affected = next((t for t in teams if target_unit in t.targets), None)
    if affected is None:
        return (
            f"已记录回避约束：{person_key}不参加{target_unit}的巡察组（尚未组建，组建时生效）"
            f" / constraint recorded: {person_key} stays off {target_unit}'s team (applies when teams are formed)"
        )
    if person_key not in {m.person_key for m in affected.members}:
        return (
            f"已记录回避约束；{person_key}不在{team_label(affected)}巡察组，组成不变"
            f" / constraint recorded; {person_key} is not on that team, nothing changed"
        )
    return _restaff(db, settings, rnd, teams, affected, row)


def _restaff(
    db: Session, settings: Settings, rnd: Round, teams: list[Team], affected: Team, row: StaffingConstraint
) -> str:
    gone = next(m for m in affected.members if m.person_key == row.person_key)
    others = [p for t in teams if t is not affected and is_staffed(t) for p in _keep(t, None)]
    options = replace(_stored_options(db, settings, rnd), bans=_bans_for(db, rnd.id, affected))
    attempts = (
        replace(options, pins=(*others, *_keep(affected, row.person_key))),
        replace(options, pins=tuple(others)),
    )
    problem = "无法组建"
    for attempt in attempts:
        drawn, record, problem = _redraw(attempt, str(rnd.seed), affected.targets)
        if drawn is not None and record is not None:
            out = round_dir(settings.data_dir, rnd.id, f"restaff-{row.id}")
            write_draw(out, drawn, attempt, str(rnd.commitment))
            return _apply(affected, record, drawn, gone.name or gone.person_key, row)
    return _remove_only(affected, gone, row, problem)


def _redraw(
    options: AssignOptions, seed: str, targets: Sequence[Any]
) -> tuple[Assignment | None, dict[str, Any] | None, str]:
    """One re-run: the assignment and the affected team's record, or why that team came out unstaffed."""
    try:
        drawn = _assign(options, seed)
    except Invalid as exc:
        return None, None, exc.zh
    record = _record_for(drawn, targets)
    if record is None or record.get("status") == "infeasible":
        return None, None, "；".join(record.get("reasons", [])) if record else "无法组建"
    return drawn, record, ""


def _keep(team: Team, leaving: str | None) -> tuple[Pin, ...]:
    anchor = str(team.targets[0])
    return tuple(Pin(m.person_key, anchor, KEEP_REASON) for m in team.members if m.person_key != leaving)


def _bans_for(db: Session, round_id: str, affected: Team) -> tuple[Ban, ...]:
    """Office bans, and recusals from the affected team's targets (the new one included)."""
    rows = constraints_of(db, round_id)
    return pins_and_bans([r for r in rows if r.kind == "ban" and (r.target is None or r.target in affected.targets)])[1]


def _stored_options(db: Session, settings: Settings, rnd: Round) -> AssignOptions:
    from xuncha.teams.command import INPUTS, AssignOptions, file_digests

    path = round_dir(settings.data_dir, rnd.id, TEAMS_PART) / INPUTS
    try:
        options = AssignOptions.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        return assign_options(db, rnd, DEFAULT_TARGETS_PER_TEAM, (), ())
    return replace(options, digests=file_digests(Path(options.bundle), None))


def _record_for(assignment: Assignment, targets: Sequence[Any]) -> dict[str, Any] | None:
    from xuncha.teams.output import records

    wanted = [str(t) for t in targets]
    return next((r for r in records(assignment) if r["target"] == wanted), None)


def _apply(team: Team, record: dict[str, Any], assignment: Assignment, gone_name: str, row: StaffingConstraint) -> str:
    before = {m.person_key for m in team.members}
    added = [m for m in record.get("members", []) if m["person"] not in before]
    added_text = "、".join(f"{m['name']}（{m['role']}）" for m in added) or "无"
    summary = (
        f"{gone_name}已回避{team_label(team)}巡察组，补充：{added_text}；其他巡察组不变"
        f"（排除在引擎中对整轮有效，本次重新配备时{gone_name}不进入任何巡察组）"
        f" / {row.person_key} left the team of {', '.join(team.targets)}; added: "
        f"{', '.join(m['person'] for m in added) or 'none'}; other teams unchanged"
        " (the engine's ban is round-wide, so the person joins no team in this re-run)"
    )
    changes = [*team.explanation.get("changes", []), _change(row, summary)]
    team.members = members_of(record)
    team.explanation = explanation_of(record, assignment, changes)
    return summary


def _remove_only(team: Team, gone: TeamMember, row: StaffingConstraint, problem: str) -> str:
    name = gone.name or gone.person_key
    summary = (
        f"{name}已回避{team_label(team)}巡察组，但未能自动补充人员（{problem}），请办公室调整"
        f" / {row.person_key} left the team; no replacement could be drawn, the office must adjust"
    )
    team.members = [m for m in team.members if m.person_key != row.person_key]
    team.explanation = {**team.explanation, "changes": [*team.explanation.get("changes", []), _change(row, summary)]}
    return summary


def _change(row: StaffingConstraint, summary: str) -> dict[str, Any]:
    return {"constraint": row.id, "person": row.person_key, "reason": row.reason, "summary": summary}


# ------------------------------------------------------------------ views for pages, the API and charts


def member_views(team: Team) -> list[dict[str, Any]]:
    """Each member with pool, skills and the engine's sentences on why they were chosen."""
    record = team.explanation.get("record", {})
    details = {m["person"]: m for m in record.get("members", [])}
    why = team.explanation.get("why", {})
    return [
        {
            "person": m.person_key,
            "name": m.name,
            "role": m.role,
            "pool": details.get(m.person_key, {}).get("pool", ""),
            "skills": list(details.get(m.person_key, {}).get("skills", [])),
            "why": list(why.get(m.person_key, [])),
        }
        for m in team.members
    ]


def tie_views(team: Team) -> list[dict[str, str]]:
    """Accepted ties (should/notice) with the inspector's name and the relation in words."""
    from xuncha.teams.eligibility import tie_label

    names = {m.person_key: m.name for m in team.members}
    ties = team.explanation.get("record", {}).get("accepted_ties", [])
    return [
        {
            "inspector": names.get(str(t.get("inspector")), str(t.get("inspector"))),
            "target": str(t.get("target_name") or t.get("target") or ""),
            "severity": str(t.get("severity", "")),
            "relation": tie_label(str(t.get("category")), t),
        }
        for t in ties
    ]


def composition_chart(teams: Sequence[Team]) -> dict[str, Any]:
    """An ECharts option: full-time and talent-pool members per team (stacked bars)."""
    labels = [f"第{t.number}组" for t in teams]
    pools = [[v["pool"] for v in member_views(t)] for t in teams]
    series = [
        {"name": name, "type": "bar", "stack": "n", "data": [p.count(name) for p in pools]}
        for name in ("专职", "人才库")
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["专职", "人才库"]},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }
