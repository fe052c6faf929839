"""Jinja2 pages: autoescaped, Chinese first with English switchable (``lang`` cookie), and the
navigation a role may use (links are a convenience; the server checks every route anyway)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from xuncha.store.users import ROLES
from xuncha.web.authz import allowed

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.autoescape = True

# (permission, path, Chinese, English): the menu, in the order the office works
NAV: tuple[tuple[str, str, str, str], ...] = (
    ("home.view", "/", "首页", "Home"),
    ("import.manage", "/imports", "数据导入", "Import"),
    ("screening.read", "/screening", "回避审查", "Screening"),
    ("recusal.read", "/recusals", "回避申请", "Recusal"),
    ("objection.read", "/objections", "回避异议", "Objections"),
    ("plan.read", "/staffing", "巡察组组建", "Staffing"),
    ("inquiry.read", "/inquiries", "过问登记", "Inquiries"),
    ("supervision.read", "/supervision", "督导", "Supervision"),
    ("finding.read", "/findings", "问题与整改", "Findings"),
    ("evaluation.read", "/evaluation", "考核评价", "Evaluation"),
    ("revisit.read", "/revisits", "回访督查", "Revisits"),
    ("coverage.read", "/coverage", "全覆盖", "Coverage"),
    ("report.download", "/reports", "报告", "Reports"),
    ("audit.read", "/audit", "审计日志", "Audit log"),
    ("user.manage", "/users", "用户", "Users"),
)


ROUND_STATUS: dict[str, tuple[str, str]] = {
    "draft": ("待审查", "draft"),
    "screened": ("已审查", "screened"),
    "staffed": ("已组建", "staffed"),
    "published": ("已公布", "published"),
    "closed": ("已结束", "closed"),
}


def lang_of(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render ``template`` with the user, CSRF token, language and menu in the context."""
    lang = lang_of(request)
    user = getattr(request.state, "viewer", None)
    nav = [(path, zh if lang == "zh" else en) for perm, path, zh, en in NAV if user and allowed(user.role, perm)]
    base: dict[str, Any] = {
        "user": user,
        "role_label": ROLES.get(user.role, "") if user else "",
        "csrf_token": user.csrf_token if user else "",
        "lang": lang,
        "nav": nav,
        "t": (lambda zh, en: zh) if lang == "zh" else (lambda zh, en: en),
        "round_status": lambda status: ROUND_STATUS.get(status, (status, status))[0 if lang == "zh" else 1],
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status_code)
