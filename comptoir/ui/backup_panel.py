"""The Export page's backup section (administrators): make and download a backup, check one."""

import streamlit as st

from comptoir.logic.auth import Actor
from comptoir.services import backup
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.downloads import offer_file
from comptoir.ui.session import tr


def backup_panel(actor: Actor) -> None:
    """Make a backup, offer its download, and check an uploaded one."""
    st.subheader(tr("backup.title"))
    st.caption(tr("backup.help"))
    if st.button(tr("backup.make"), key="backup.make", icon=":material/backup:"):
        bar = st.progress(0.0)
        writing = tr("export.writing")
        made = attempt(
            lambda: backup.make_backup(
                actor, lambda share, step: bar.progress(min(share, 1.0), text=writing)
            )
        )
        bar.empty()
        if made is not FAILED:
            st.session_state["backup.file"] = made
    ready = st.session_state.get("backup.file")
    if ready is not None and ready.path.exists():
        st.caption(tr("backup.ready", name=ready.filename, rows=f"{ready.rows:,}"))
    offer_file("backup.file", "backup.download", tr("export.download"))
    with st.expander(tr("backup.check")):
        checked = st.file_uploader(tr("backup.check"), type=["zip"], key="backup.upload")
        if checked is not None and st.button(tr("backup.check_go"), key="backup.check_go"):
            result = attempt(lambda: backup.check_file(actor, checked.getvalue()))
            if result is not FAILED:
                st.success(
                    tr(
                        "backup.checked",
                        tables=result.tables,
                        rows=f"{result.rows:,}",
                        version=result.schema_version,
                    )
                )
