"""The signed-in staff member of this browser session, expiry and page guards."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from comptoir.logic.auth import Actor, PermissionDenied, can
from comptoir.logic.errors import Busy
from comptoir.operations import clock
from comptoir.services import auth, browser_sessions, shop
from comptoir.session_cookie import COOKIE, handing_script
from comptoir.ui.session import LANGUAGE_KEY, tr

_LOG = logging.getLogger(__name__)
ACTOR_KEY = "auth.actor"
SEEN_KEY = "auth.last_seen"
NOTICE_KEY = "auth.notice"
BROWSER_KEY = "auth.browser_session"  # the remembered sign-in's id (not a secret)
HANDOFF_KEY = "auth.handoff"  # the one-time code to hand the browser, once
TOUCHED_KEY = "auth.touched"
NOTED_LANGUAGE_KEY = "auth.noted_language"
TOUCH_EVERY = 60  # seconds between two notes of "seen now" on the remembered sign-in


def current_actor() -> Actor | None:
    """The signed-in actor, or None."""
    return st.session_state.get(ACTOR_KEY)


def sign_in_as(actor: Actor) -> None:
    """Remember the actor for this session, and in the browser: a reload within the idle
    time keeps them signed in (the cookie is handed over by hand_cookie)."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SEEN_KEY] = clock.now()
    if actor.staff_id is not None:
        chosen = st.session_state.get(LANGUAGE_KEY)
        try:
            session_id, code = browser_sessions.start(actor, chosen)
        except Busy:  # signed in all the same; only a reload will ask again
            _LOG.warning("sign-in not remembered by the browser: database busy")
            return
        st.session_state[BROWSER_KEY] = session_id
        st.session_state[HANDOFF_KEY] = code
        st.session_state[TOUCHED_KEY], st.session_state[NOTED_LANGUAGE_KEY] = clock.now(), chosen


def hand_cookie() -> None:
    """Once after a sign-in: the browser trades the code for its HttpOnly cookie."""
    code = st.session_state.pop(HANDOFF_KEY, None)
    if code:
        st.sidebar.html(handing_script(code), unsafe_allow_javascript=True)


def resume_from_cookie() -> None:
    """A reload: the browser's cookie brings back who was signed in, in their language,
    unless they signed out, stayed idle too long, or their account changed since."""
    if current_actor() is not None:
        return
    try:
        found = browser_sessions.resume(st.context.cookies.get(COOKIE))
    except Busy:  # the sign-in form, rather than no page at all
        _LOG.warning("remembered sign-in not checked: database busy")
        return
    if found is None:
        return
    actor, session_id, chosen = found
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SEEN_KEY] = clock.now()
    st.session_state[BROWSER_KEY] = session_id
    st.session_state[TOUCHED_KEY] = clock.now()
    if chosen:
        st.session_state[LANGUAGE_KEY] = chosen
    st.session_state[NOTED_LANGUAGE_KEY] = chosen


def sweep_downloads(sweeps: int = 1) -> None:
    """Let Streamlit forget generated download files no session shows.

    One sweep marks such a file, the next deletes it.
    """
    if runtime.exists():
        for _ in range(sweeps):
            runtime.get_instance().media_file_mgr.remove_orphaned_files()


def sign_out(notice: str | None = None) -> None:
    """Forget the actor and everything the session held."""

    language = st.session_state.get("ui_language")
    remembered = st.session_state.get(BROWSER_KEY)
    if remembered is not None:  # the browser's cookie opens nothing any more
        browser_sessions.end(remembered)
    for key in list(st.session_state):
        del st.session_state[key]
    # Files this session generated for download go now, not at a later sweep.
    sweep_downloads(2)
    if language:
        st.session_state["ui_language"] = language
    if notice:
        st.session_state[NOTICE_KEY] = notice


def refresh_session() -> Actor | None:
    """Expire an idle session, apply role changes made meanwhile; the actor or None."""
    actor = current_actor()
    if actor is None:
        return None
    if auth.is_expired(st.session_state.get(SEEN_KEY)):
        sign_out(tr("auth.expired", minutes=auth.policy().timeout_minutes))
        return None
    fresh = auth.current_actor(actor.staff_id) if actor.staff_id is not None else None
    if fresh is None:
        sign_out(tr("auth.account_closed"))
        return None
    if fresh.session_epoch != actor.session_epoch:
        sign_out(tr("auth.account_changed"))
        return None
    if not _still_remembered():
        sign_out(tr("auth.ended_elsewhere"))
        return None
    st.session_state[ACTOR_KEY] = fresh
    st.session_state[SEEN_KEY] = clock.now()
    return fresh


def _still_remembered() -> bool:
    """Notes the remembered sign-in as seen (once a minute, and at once when the language
    changed); False when it was ended meanwhile (signed out in another tab)."""
    ss = st.session_state
    remembered, touched, now = ss.get(BROWSER_KEY), ss.get(TOUCHED_KEY), clock.now()
    chosen = ss.get(LANGUAGE_KEY)
    recent = touched is not None and (now - touched).total_seconds() < TOUCH_EVERY
    if remembered is None or (recent and ss.get(NOTED_LANGUAGE_KEY) == chosen):
        return True
    ss[TOUCHED_KEY], ss[NOTED_LANGUAGE_KEY] = now, chosen
    return browser_sessions.touch(remembered, chosen)


def require_page(permission: str) -> Actor:
    """Stop the page with a clear refusal unless the actor may use it."""
    actor = current_actor()
    if actor is None or not can(actor.role, permission):
        needed = PermissionDenied(permission, actor.role if actor else None).needed
        st.error(tr("auth.page_refused", role=tr(f"role.{needed}")))
        st.stop()
    return actor


def guard_fragment(permission: str) -> Actor:
    """First thing in a fragment or a callback: the checks app.py makes before every
    full run.

    A fragment reruns alone, and a callback runs before any page code; an expired
    session, a changed account or a lost permission sends the whole app round again
    (sign-in page or refusal).
    """
    actor = refresh_session()
    if actor is None or not can(actor.role, permission):
        st.rerun(scope="app")
    assert actor is not None  # st.rerun does not return
    return actor


def rerun_part() -> None:
    """Rerun the fragment being rerun alone, else the whole page (a full run draws it)."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        st.rerun(scope="fragment")
    st.rerun()


def sidebar_identity(actor: Actor) -> None:
    """Which shop this is, who is signed in, and the sign-out button."""
    here = shop.current()
    st.sidebar.caption(tr("shop.here", name=here.values.get("shop_name", ""), code=here.code))
    st.sidebar.caption(
        tr("auth.signed_in_as", name=actor.display_name, role=tr(f"role.{actor.role}"))
    )
    if st.sidebar.button(tr("auth.sign_out"), key="auth.sign_out"):
        sign_out(tr("auth.signed_out"))
        st.rerun()
