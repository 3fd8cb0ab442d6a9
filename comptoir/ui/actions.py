"""Running a user's action: refusals shown in words, nothing else happens; idempotency
keys that last while their form is on screen."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import streamlit as st

from comptoir.logic.errors import Busy, NotFound, StaleRecord, ValidationFailed
from comptoir.ui.session import show_refusal, tr

FAILED = object()


def attempt(
    action: Callable[[], object],
    gone: str = "error.gone_meanwhile",
    changed: str = "error.changed_meanwhile",
) -> object:
    """Run a service: its result, or FAILED with the reason on screen (gone, changed: what
    to say when the record no longer exists, or changed since it was shown)."""
    try:
        return action()
    except ValidationFailed as exc:
        show_refusal(exc)
    except StaleRecord:
        st.warning(tr(changed))
    except NotFound:
        st.warning(tr(gone))
    except Busy:
        st.warning(tr("error.busy"))
    return FAILED


def refused(
    action: Callable[[], object],
    gone: str = "error.gone_meanwhile",
    changed: str = "error.changed_meanwhile",
) -> bool:
    """Run a service; True (and the reason on screen, naming the record through gone and
    changed) when it was refused."""
    return attempt(action, gone, changed) is FAILED


def once(name: str) -> str:
    """An idempotency key kept while its form is on screen (a rerun or a double click
    acts once); drop it from the session once the action succeeded."""
    return st.session_state.setdefault(name, uuid.uuid4().hex)
