"""What managers must know about the install: the stale-backup banner."""

from __future__ import annotations

import streamlit as st

from comptoir.logic.auth import Actor, can
from comptoir.services import backup_schedule, shop
from comptoir.ui.session import tr, when


def backup_banner(actor: Actor) -> None:
    """Managers and administrators see a warning when the last good backup is older than
    36 hours (not on the demo shop, whose data is made up)."""
    if not can(actor.role, "backup.status") or shop.is_demo():
        return
    if not backup_schedule.needs_attention():
        return
    last = backup_schedule.last_good()
    at = backup_schedule.backup_time()
    if last is None:
        st.warning(tr("backup.banner.none", time=at), icon=":material/backup:")
    else:
        st.warning(tr("backup.banner.stale", last=when(last), time=at), icon=":material/backup:")
