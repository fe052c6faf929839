"""``xuncha web-demo``: a web database seeded with a synthetic county, as ``make demo`` serves it.

The bundle goes through the same services the pages use: uploaded as a zip, accepted, screened,
staffed with a committed seed and published; one login per role (inspectors tied to a published
team, the unit contact to one of its targets) and one inquiry in the register. Passwords are
random for each seeding and printed once; nothing secret is stored in the repository.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from xuncha.store import audit
from xuncha.store.db import make_engine, session_factory, session_scope
from xuncha.store.migrate import upgrade
from xuncha.store.models import Round, Team, User
from xuncha.store.users import ROLES, add_user
from xuncha.web.settings import Settings

BUNDLE_SUFFIXES = (".csv", ".xlsx", ".parquet")


@dataclass(frozen=True)
class Login:
    name: str
    role: str
    password: str
    note: str


def zipped(bundle: Path) -> io.BytesIO:
    """The bundle's tables as a zip, as an office would upload them (truth files left out)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle.iterdir()):
            if path.suffix in BUNDLE_SUFFIXES:
                archive.write(path, path.name)
    buffer.seek(0)
    return buffer


def seed_demo(bundle: Path, db_url: str, data_dir: Path, round_id: str, targets_per_team: int = 3) -> list[Login]:
    """Seed a fresh database; return the logins (name, role, password, what the login is for)."""
    from xuncha.web.services import imports, screening, staffing

    upgrade(db_url)
    engine = make_engine(db_url)
    settings = Settings(db_url=db_url, data_dir=data_dir)
    factory = session_factory(engine)
    with session_scope(factory) as db:
        office, admin = _user(db, "admin", "admin", "巡察办")
        imp = imports.receive(db, settings, "demo-county.zip", zipped(bundle), office.id)
        imports.accept(db, imp)
        rnd = _round(db, round_id)
        screening.run(db, settings, rnd)
        staffing.commit_seed(db, rnd, None)
        staffing.run_staffing(db, settings, rnd, targets_per_team)
        staffing.publish(db, rnd)
        logins = [admin, *_logins(db, rnd)]
        _inquiry(db, rnd)
        audit.append(db, actor="web-demo", role="-", action="seed", object=f"round:{rnd.id}")
    engine.dispose()
    return logins


def _round(db: Session, round_id: str) -> Round:
    rnd = db.get(Round, round_id)
    if rnd is None:
        raise ValueError(f"数据包中没有轮次 {round_id} / the bundle has no round {round_id}")
    return rnd


def _user(db: Session, name: str, role: str, note: str, **keys: str | None) -> tuple[User, Login]:
    """A login with a fresh random password, returned once with it (the only time it is shown)."""
    password = secrets.token_urlsafe(9)
    user = add_user(db, name, role, password, display_name=note, **keys)
    return user, Login(name, role, password, f"{ROLES[role]}：{note}" if note != ROLES[role] else ROLES[role])


def _logins(db: Session, rnd: Round) -> list[Login]:
    team = next(t for t in _teams(db, rnd) if t.members)
    leader = next((m for m in team.members if m.role == "组长"), team.members[0])
    member = next((m for m in team.members if m.person_key != leader.person_key), leader)
    plan = [
        ("leading", "leading_group", "领导小组成员", {}),
        ("leader", "team_leader", f"{leader.name}（第{team.number}组组长）", {"person_key": leader.person_key}),
        ("member", "member", f"{member.name}（第{team.number}组组员）", {"person_key": member.person_key}),
        ("supervisor", "supervisor", "督导员", {}),
        ("auditor", "auditor", "审计", {}),
        ("contact", "unit_contact", f"{team.target_names[0]}联系人", {"unit": team.targets[0]}),
    ]
    return [_user(db, name, role, note, **keys)[1] for name, role, note, keys in plan]


def _teams(db: Session, rnd: Round) -> list[Team]:
    from xuncha.web.services.staffing import teams_of

    return teams_of(db, rnd.id)


def _inquiry(db: Session, rnd: Round) -> None:
    """One record in the register, made by the team's member, about the team's first target."""
    from sqlalchemy import select

    from xuncha.web.services.inquiries import InquiryForm, file_inquiry

    member = db.execute(select(User).where(User.name == "member")).scalar_one()
    team = next(t for t in _teams(db, rnd) if t.members)
    form = InquiryForm(
        asker_name="王建国",
        asker_unit="县某局",
        asker_title="副局长",
        channel="电话",
        content=f"询问巡察组何时进驻{team.target_names[0]}，能否提前告知重点",
        occurred_at=datetime.now(UTC),
        about_unit=team.targets[0],
        handling="当即拒绝，告知按规定登记",
    )
    file_inquiry(db, rnd, member, form)


def print_logins(url: str, logins: list[Login]) -> None:
    print(f"\n巡察工作平台 / xuncha web: {url}")
    print("演示账号（密码每次生成，仅显示一次）/ demo logins (fresh passwords, shown once):")
    for login in logins:
        print(f"  {login.name:<11} {login.password:<14} {login.role:<14} {login.note}")
