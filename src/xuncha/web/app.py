"""The FastAPI application: routes discovered from ``xuncha.web.routes``, one module per area."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from xuncha.store.db import make_engine, session_factory
from xuncha.web import routes
from xuncha.web.deps import Forbidden, Invalid, LoginRequired, NotFound
from xuncha.web.security import Throttle, add_security_headers, security_headers
from xuncha.web.settings import Settings
from xuncha.web.templating import render

log = logging.getLogger("xuncha.web")
STATIC = Path(__file__).parent / "static"
DENIED_HEADER = "X-Xuncha-Denied"  # the permission a role lacked (set only by deps.require's refusal)


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="xuncha 巡察",
        version="0.1.0",
        description="巡察办工作平台 API：与网页相同的操作与权限 / the office's API, same operations and access rules",
        docs_url=None,
        redoc_url=None,
    )
    engine = make_engine(settings.db_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.throttle = Throttle(settings.throttle_per_minute)
    app.middleware("http")(security_headers)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in area_modules():
        app.include_router(module.router)
    _handlers(app)
    return app


def area_modules() -> list[ModuleType]:
    """Every module in ``xuncha.web.routes`` that defines ``router``, in name order."""
    found: list[ModuleType] = []
    for info in sorted(pkgutil.iter_modules(routes.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        if hasattr(module, "router"):
            found.append(module)
    return found


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, zh: str, en: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": {"zh": zh, "en": en}}, status_code=status)
    # a form sent with a mistake: back to the form, where the browser keeps what was typed
    # (not for htmx, whose answer lands inside the page that still holds the form)
    back = status == 422 and request.method == "POST" and not request.headers.get("hx-request")
    context = {"status": status, "zh": zh, "en": en, "back": back}
    return render(request, "error.html", context, status_code=status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if is_api(request):
            return JSONResponse({"error": {"zh": "请先登录", "en": "login required"}}, status_code=401)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        response = _error(request, 403, exc.zh, exc.en)
        if exc.permission:
            response.headers[DENIED_HEADER] = exc.permission
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, exc.zh, exc.en)

    @app.exception_handler(Invalid)
    async def invalid(request: Request, exc: Invalid) -> Response:
        return _error(request, 422, exc.zh, exc.en)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = "; ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        return _error(request, 422, f"提交的内容不完整或格式不对：{fields}", f"invalid input: {fields}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error(request, 404, "页面不存在", "not found")
        if exc.status_code == 405:
            return _error(request, 405, "不支持此操作", "method not allowed")
        return _error(request, exc.status_code, "请求有误", "bad request")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        response = _error(request, 500, "系统内部错误，已记录，请联系管理员", "internal error; it was logged")
        return add_security_headers(response, request.url.path)  # raised past the headers middleware
