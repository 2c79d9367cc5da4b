"""The management app: the page and its files, the JSON API, behind the Guard (security.py)."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from localnet.core.store import Store
from localnet.manage import catalog, views
from localnet.manage.security import CsrfTokens, Guard, problem

STATIC = Path(__file__).parent / "static"
# The page's files, read once: nothing else on disk can be served.
FILES = {
    "manage.js": "text/javascript; charset=utf-8",
    "manage.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def _load() -> dict[str, tuple[bytes, str]]:
    files = {name: ((STATIC / name).read_bytes(), media) for name, media in FILES.items()}
    files["index.html"] = ((STATIC / "index.html").read_bytes(), "text/html; charset=utf-8")
    return files


def make_app(store: Store, tokens: CsrfTokens | None = None) -> Guard:
    """The ASGI app. `tokens` (for tests) defaults to a new random CSRF key for this process."""
    files = _load()

    async def page(request: Request) -> Response:
        body, media = files["index.html"]
        return Response(body, media_type=media)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in FILES:
            raise views.Problem(404, "not_found", "no such file")
        body, media = files[name]
        return Response(body, media_type=media)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        words = {404: ("not_found", "no such page or API endpoint"),
                 405: ("method_not_allowed", f"{request.method} is not allowed here")}
        error, message = words.get(exc.status_code, ("http_error", str(exc.detail)))
        response = problem(exc.status_code, error, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return problem(500, "internal_error", "something went wrong inside localnet")

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/api/session", views.session, methods=["GET"]),
        Route("/api/exchanges", views.exchange_list, methods=["GET"]),
        Route("/api/keys", views.key_list, methods=["GET"]),
        Route("/api/keys", views.key_create, methods=["POST"]),
        Route("/api/keys/{key_id}/revoke", views.key_revoke, methods=["POST"]),
        Route("/api/keys/{key_id}/rotate", views.key_rotate, methods=["POST"]),
        Route("/api/activity", views.activity_list, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={
        views.Problem: views.problem_response,
        HTTPException: http_error,
        Exception: internal_error,
    })
    app.state.store = store
    app.state.tokens = tokens or CsrfTokens()
    app.state.exchanges = catalog.describe_all()
    return Guard(app, app.state.tokens)
