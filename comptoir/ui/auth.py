"""The signed-in staff member of this browser session, expiry and page guards."""

from __future__ import annotations

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from comptoir.logic.auth import Actor, PermissionDenied, can
from comptoir.operations import clock
from comptoir.services import auth, shop
from comptoir.ui.session import tr

ACTOR_KEY = "auth.actor"
SEEN_KEY = "auth.last_seen"
NOTICE_KEY = "auth.notice"


def current_actor() -> Actor | None:
    """The signed-in actor, or None."""
    return st.session_state.get(ACTOR_KEY)


def sign_in_as(actor: Actor) -> None:
    """Remember the actor for this session."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[SEEN_KEY] = clock.now()


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
    st.session_state[ACTOR_KEY] = fresh
    st.session_state[SEEN_KEY] = clock.now()
    return fresh


def require_page(permission: str) -> Actor:
    """Stop the page with a clear refusal unless the actor may use it."""
    actor = current_actor()
    if actor is None or not can(actor.role, permission):
        needed = PermissionDenied(permission, actor.role if actor else None).needed
        st.error(tr("auth.page_refused", role=tr(f"role.{needed}")))
        st.stop()
    return actor


def guard_fragment(permission: str) -> Actor:
    """First thing in a fragment: the checks app.py makes before every full run.

    A fragment reruns alone; an expired session, a changed account or a lost
    permission sends the whole app round again (sign-in page or refusal).
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
