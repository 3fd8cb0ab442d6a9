"""Downloads that do not outlive their purpose.

The file is made when the button is clicked (Streamlit's deferred download),
so no export or PDF sits in session state; the maker refuses once the offer is
older than OFFER_MINUTES or the account was signed out, closed or changed. Files
Streamlit generated are swept from its media store at least every SWEEP_SECONDS,
and at once on sign-out, so a download URL is not fetchable for long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st

from comptoir.logic.auth import Actor
from comptoir.services import auth, exports
from comptoir.ui.auth import current_actor, sweep_downloads

OFFER_MINUTES = 5
SWEEP_SECONDS = 60
Maker = Callable[[], bytes]


class DownloadExpired(Exception):
    """The offer is too old or its session is no longer signed in."""


@st.cache_resource
def start_sweeper() -> threading.Thread:
    """A daemon thread sweeping the media store, so an idle app keeps no file long."""

    def loop() -> None:
        while True:
            time.sleep(SWEEP_SECONDS)
            sweep_downloads()
            exports.sweep()  # export files nobody downloaded

    thread = threading.Thread(target=loop, name="comptoir-download-sweeper", daemon=True)
    thread.start()
    return thread


def check_offer(
    offered: float, now: float, epoch: int | None, current: Actor | None, signed_in: bool
) -> None:
    """Refuse a download offered more than OFFER_MINUTES ago, or for an account that was
    signed out, closed or changed (password, role, access) since."""
    if now - offered > OFFER_MINUTES * 60:
        raise DownloadExpired("offer expired")
    if signed_in and (current is None or current.session_epoch != epoch):
        raise DownloadExpired("account changed")


def download_button(
    label: str,
    make: Maker,
    file_name: str,
    mime: str,
    key: str,
    container: object = st,
    **options: object,
) -> None:
    """A download whose file is made on click, for a still signed-in account, within minutes.

    The click starts no rerun (on_click="ignore"): a rerun that no longer drew the button
    would let Streamlit drop the file's maker before the browser asked for it, and the
    download would silently not happen. The offer stays until the page changes it.
    """
    actor = current_actor()
    offered = time.monotonic()
    staff_id = actor.staff_id if actor else None
    epoch = actor.session_epoch if actor else None

    def made() -> bytes:
        current = auth.current_actor(staff_id) if staff_id is not None else None
        check_offer(offered, time.monotonic(), epoch, current, staff_id is not None)
        return make()

    container.download_button(
        label, made, file_name=file_name, mime=mime, key=key, on_click="ignore", **options
    )


def offer_file(state_key: str, key: str, label: str) -> exports.ExportFile | None:
    """The download of a file prepared earlier and kept (by its path, never its bytes) in
    state_key, while it still exists; the file offered, or None."""
    ready = st.session_state.get(state_key)
    if ready is None or not ready.path.exists():
        return None
    download_button(
        label,
        ready.read,
        file_name=ready.filename,
        mime=ready.mime,
        key=key,
        type="primary",
    )
    return ready
