"""A sign-in remembered by its browser across reloads, within the idle time: a one-time
code handed to the browser, traded once for an HttpOnly cookie's token (by the server's
own route, comptoir/session_cookie.py); the token brings the staff member back after a
reload, until sign-out, the idle time, or a change to their account."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from comptoir.data import browser_sessions as repo
from comptoir.data import db
from comptoir.logic.auth import SYSTEM, Actor, session_expired, token_digest
from comptoir.operations import clock, unit_of_work
from comptoir.operations.sign_ins import current_actor, policy
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "login"
HANDOFF = timedelta(minutes=1)  # how long the browser has to trade the code
KEPT = timedelta(days=30)  # ended or idle sessions are forgotten after this


def _digest(value: str) -> str:
    found = token_digest(value)
    assert found is not None  # our own token_urlsafe(32)
    return found


def start(actor: Actor, language: str | None, now: datetime | None = None) -> tuple[int, str]:
    """A new browser session for a staff member just signed in: its id and the one-time
    code the browser trades for its cookie."""
    moment = clock.utc(now)
    code = secrets.token_urlsafe(32)

    def work(uow: UnitOfWork) -> int:
        repo.prune(uow.cur, moment - KEPT)
        assert actor.staff_id is not None
        return repo.insert(
            uow.cur,
            actor.staff_id,
            actor.session_epoch,
            language,
            _digest(code),
            moment + HANDOFF,
            moment,
        )

    return unit_of_work.run(actor, None, SCREEN, work, moment), code


def trade(code: object, now: datetime | None = None) -> str | None:
    """The cookie's token for a code given within the minute, once; None otherwise."""
    handoff = token_digest(code)
    if handoff is None:
        return None
    token = secrets.token_urlsafe(32)
    moment = clock.utc(now)
    traded = unit_of_work.run(
        SYSTEM, None, SCREEN, lambda uow: repo.trade(uow.cur, handoff, _digest(token), moment)
    )
    return token if traded else None


def resume(token: object, now: datetime | None = None) -> tuple[Actor, int, str | None] | None:
    """Who a browser's token signs in again (the actor, the session's id, its language),
    or None: unknown or ended, idle too long, or the account changed or closed since."""
    digest = token_digest(token)
    if digest is None:
        return None
    moment = clock.utc(now)
    with db.cursor() as cur:
        found = repo.by_token(cur, digest)
    if found is None:
        return None
    seen = clock.utc(found["last_seen_at"])
    actor = current_actor(int(found["staff_id"]))
    if (
        session_expired(seen, moment, policy().timeout_minutes)
        or actor is None
        or actor.session_epoch != found["session_epoch"]
    ):
        end(int(found["id"]), moment)
        return None
    touch(int(found["id"]), found["language"], moment)
    return actor, int(found["id"]), found["language"]


def touch(session_id: int, language: str | None, now: datetime | None = None) -> bool:
    """The session seen now (in this language); False when it was ended meanwhile (signed
    out in another tab, or expired)."""
    moment = clock.utc(now)

    def work(uow: UnitOfWork) -> bool:
        found = repo.get(uow.cur, session_id)
        if found is None or found["ended_at"] is not None:
            return False
        repo.touch(uow.cur, session_id, language, moment)
        return True

    return unit_of_work.run(SYSTEM, None, SCREEN, work, moment)


def end(session_id: int, now: datetime | None = None) -> None:
    """The session ended (sign-out, idle time): its cookie opens nothing any more."""
    moment = clock.utc(now)
    unit_of_work.run(SYSTEM, None, SCREEN, lambda uow: repo.end(uow.cur, session_id, moment))
