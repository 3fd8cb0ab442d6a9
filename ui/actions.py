"""Running a user's action on a tab: refusals shown in words, nothing else happens."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from logic.errors import Busy, NotFound, StaleRecord, ValidationFailed
from ui.session import show_refusal, tr


def refused(action: Callable[[], object]) -> bool:
    """Run a service; True (and the reason on screen) when it was refused."""
    try:
        action()
    except ValidationFailed as exc:
        show_refusal(exc)
    except (StaleRecord, NotFound):
        st.warning(tr("workshop.changed_meanwhile"))
    except Busy:
        st.warning(tr("error.busy"))
    else:
        return False
    return True
