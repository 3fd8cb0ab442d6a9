"""The one route Comptoir adds to Streamlit's server: a browser trades the one-time code
it was handed at sign-in for its session cookie (HttpOnly, SameSite=Strict, Secure behind
HTTPS), so a reload keeps the staff member signed in. Nothing secret travels in a URL: the
code goes in a POST body, the token only in the cookie."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from comptoir.services import browser_sessions

COOKIE = "comptoir_session"
PATH = "/_comptoir/session"
MAX_BODY = 200  # a code is 43 characters


async def _bounded_body(request: Request) -> bytes | None:
    """The request's body, read only up to MAX_BODY bytes (None: longer, not read on)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


async def _trade(request: Request) -> Response:
    body = await _bounded_body(request)
    code = body.decode("ascii", "replace").strip() if body is not None else ""
    token = await run_in_threadpool(browser_sessions.trade, code)
    if token is None:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(COOKIE, token, path="/", httponly=True, samesite="strict", secure=secure)
    return response


def routes() -> list[Route]:
    """Our route, to mount beside Streamlit's."""
    return [Route(PATH, _trade, methods=["POST"])]


def install() -> None:
    """Add our route to the server Streamlit builds when it starts (its route list is the
    seam: `streamlit run` builds the Starlette app itself)."""
    from streamlit.web.server.starlette import starlette_app

    made = starlette_app.create_streamlit_routes
    if getattr(made, "comptoir", False):
        return

    def with_ours(runtime: Any) -> list[Any]:
        return [*routes(), *made(runtime)]

    with_ours.comptoir = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_routes = with_ours


def handing_script(code: str) -> str:
    """The script that hands the code to our route (the browser keeps the cookie)."""
    if not code.replace("-", "").replace("_", "").isalnum():
        raise ValueError("not a code of ours")
    return (
        f"<script>fetch({PATH!r}, {{method: 'POST', body: {code!r},"
        " credentials: 'same-origin', cache: 'no-store'});</script>"
    )
