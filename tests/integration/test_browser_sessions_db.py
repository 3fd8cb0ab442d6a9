"""A sign-in remembered by its browser (issue 26): the one-time code traded once and only
within its minute for a token; the token signs the staff member in again, in their
language, until sign-out, the idle time, or a change to their account; only digests are
stored. The route itself is called as the server calls it (an ASGI request)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from starlette.applications import Starlette

from comptoir import session_cookie
from comptoir.data import db
from comptoir.services import auth, browser_sessions
from tests.conftest import ADMIN

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def anna(database):
    auth.create_staff(ADMIN, "anna", "Anna", "staff", "correct horse 1", "correct horse 1")
    return auth.sign_in("anna", "correct horse 1")


def test_a_code_is_traded_once_within_its_minute_and_only_digests_are_kept(anna):
    _, code = browser_sessions.start(anna, "fr", NOW)
    assert browser_sessions.trade(code, NOW + timedelta(seconds=61)) is None  # too late
    _, code = browser_sessions.start(anna, "fr", NOW)
    token = browser_sessions.trade(code, NOW + timedelta(seconds=5))
    assert token and browser_sessions.trade(code, NOW + timedelta(seconds=6)) is None
    for bad in ("", "x" * 19, "not a code!", None, 42, "é" * 30):
        assert browser_sessions.trade(bad, NOW) is None
    with db.cursor() as cur:
        cur.execute("SELECT * FROM browser_sessions")
        stored = " ".join(str(v) for row in cur.fetchall() for v in row)
    assert code not in stored and token not in stored


def test_the_token_signs_in_again_until_sign_out_idle_time_or_an_account_change(anna):
    session_id, code = browser_sessions.start(anna, "fr", NOW)
    token = browser_sessions.trade(code, NOW)
    actor, found_id, language = browser_sessions.resume(token, NOW + timedelta(minutes=29))
    assert (actor.username, found_id, language) == ("anna", session_id, "fr")
    # Idle for longer than the setting (30 minutes) since it was last seen: ended.
    assert browser_sessions.resume(token, NOW + timedelta(minutes=60)) is None
    assert browser_sessions.resume(token, NOW + timedelta(minutes=61)) is None  # for good

    session_id, code = browser_sessions.start(anna, "en", NOW)
    token = browser_sessions.trade(code, NOW)
    assert browser_sessions.touch(session_id, "fr", NOW + timedelta(minutes=20))
    assert browser_sessions.resume(token, NOW + timedelta(minutes=45))[2] == "fr"
    browser_sessions.end(session_id, NOW + timedelta(minutes=46))
    assert browser_sessions.resume(token, NOW + timedelta(minutes=47)) is None
    assert not browser_sessions.touch(session_id, "fr", NOW + timedelta(minutes=47))

    _, code = browser_sessions.start(anna, "en", NOW)
    token = browser_sessions.trade(code, NOW)
    auth.reset_password(ADMIN, anna.staff_id, "battery staple 2", "battery staple 2")
    assert browser_sessions.resume(token, NOW) is None  # the password changed


def _call(method: str, body: str, scheme: str = "https") -> tuple[int, dict[str, str]]:
    """One request to the route, as the server hands it over: status and headers."""
    app = Starlette(routes=session_cookie.routes())
    sent: list[dict] = []
    scope = {
        "type": "http",
        "method": method,
        "path": session_cookie.PATH,
        "raw_path": session_cookie.PATH.encode(),
        "query_string": b"",
        "headers": [(b"host", b"shop.local")],
        "scheme": scheme,
        "server": ("shop.local", 443),
        "http_version": "1.1",
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": body.encode(), "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def test_the_route_sets_an_httponly_strict_cookie_for_a_good_code_only(anna):
    _, code = browser_sessions.start(anna, "en")
    status, headers = _call("POST", "not-the-code-at-all-000000")
    assert status == 403 and "set-cookie" not in headers
    assert _call("GET", "")[0] == 405
    assert _call("POST", code + "x" * 10_000)[0] == 403  # read no further than 200 bytes
    status, headers = _call("POST", code)
    assert status == 204
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"{session_cookie.COOKIE}=")
    for part in ("HttpOnly", "SameSite=strict", "Secure", "Path=/"):
        assert part.lower() in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert browser_sessions.resume(token)[0].username == "anna"
    assert _call("POST", code)[0] == 403  # once
    _, code = browser_sessions.start(anna, "en")
    assert "secure" not in _call("POST", code, scheme="http")[1]["set-cookie"].lower()
