"""Users and roles. Role ids are fixed by the issue; labels are what the office reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import User
from xuncha.store.passwords import hash_password

ROLES: dict[str, str] = {
    "admin": "巡察办",
    "leading_group": "领导小组",
    "team_leader": "组长",
    "member": "组员",
    "supervisor": "督导员",
    "auditor": "审计",
    "unit_contact": "被巡察单位联系人",
}


class UserError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


def add_user(
    db: Session,
    name: str,
    role: str,
    password: str,
    *,
    display_name: str = "",
    person_key: str | None = None,
    unit: str | None = None,
) -> User:
    """Create a login; refuses an unknown role, a taken name or a short password."""
    if role not in ROLES:
        raise UserError(
            f"未知角色 {role}（可选：{'、'.join(ROLES)}）", f"unknown role {role}; one of {', '.join(ROLES)}"
        )
    if db.execute(select(User).where(User.name == name)).scalar() is not None:
        raise UserError(f"用户名 {name} 已存在", f"user {name} already exists")
    user = User(
        name=name,
        role=role,
        password_hash=hash_password(password),
        display_name=display_name or name,
        person_key=person_key,
        unit=unit,
    )
    db.add(user)
    db.flush()
    return user


def by_name(db: Session, name: str) -> User | None:
    return db.execute(select(User).where(User.name == name)).scalar()
