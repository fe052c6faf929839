"""User administration for the office: list and create logins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import User
from xuncha.store.passwords import WeakPassword
from xuncha.store.users import ROLES, UserError, add_user
from xuncha.web.deps import Audit, Invalid, get_audit, get_db, require
from xuncha.web.templating import render

router = APIRouter(tags=["users"])


@router.get("/users", include_in_schema=False)
def users_page(
    request: Request, _user: User = Depends(require("user.manage")), db: Session = Depends(get_db)
) -> Response:
    users = list(db.execute(select(User).order_by(User.name)).scalars())
    return render(request, "users.html", {"users": users, "roles": ROLES})


@router.post("/users", include_in_schema=False)
def create_user(
    name: Annotated[str, Form(min_length=1, max_length=64)],
    role: Annotated[str, Form(max_length=32)],
    password: Annotated[str, Form(max_length=256)],
    display_name: Annotated[str, Form(max_length=64)] = "",
    person_key: Annotated[str, Form(max_length=64)] = "",
    unit: Annotated[str, Form(max_length=64)] = "",
    _user: User = Depends(require("user.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    try:
        created = add_user(
            db, name, role, password, display_name=display_name, person_key=person_key or None, unit=unit or None
        )
    except (UserError, WeakPassword) as exc:
        zh, _, en = str(exc).partition(" / ")
        raise Invalid(zh, en) from exc
    audit(db, "create", f"user:{created.name}", {"role": role})
    return RedirectResponse("/users", status_code=303)
