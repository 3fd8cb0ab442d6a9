"""System (administrators): is the install healthy? Version, data, backups, queues, jobs."""

import streamlit as st

from comptoir.i18n import format_size
from comptoir.services import backup_schedule, health
from comptoir.ui.actions import attempt
from comptoir.ui.auth import require_page
from comptoir.ui.session import language, tr, tr_plain, when
from comptoir.ui.text import literal_table

actor = require_page("system.view")
lang = language()
st.title(tr("system.title"))
made = st.session_state.pop("system.made", None)
if made:
    st.success(tr("system.backup_done", file=made))
status = health.status(actor)

st.subheader(tr("system.install"))
literal_table(
    [
        {
            tr_plain("system.part"): tr_plain("system.version"),
            tr_plain("system.value"): status.version,
        },
        {
            tr_plain("system.part"): tr_plain("system.database"),
            tr_plain("system.value"): status.database,
        },
        {
            tr_plain("system.part"): tr_plain("system.data_folder"),
            tr_plain("system.value"): str(status.data_folder),
        },
        {
            tr_plain("system.part"): tr_plain("system.database_size"),
            tr_plain("system.value"): format_size(status.database_bytes, lang)
            if status.database_bytes is not None
            else "",
        },
        {
            tr_plain("system.part"): tr_plain("system.free_disk"),
            tr_plain("system.value"): format_size(status.free_bytes, lang),
        },
        {
            tr_plain("system.part"): tr_plain("system.log_file"),
            tr_plain("system.value"): str(status.log_file),
        },
    ]
)

st.subheader(tr("system.backups"))
newest = status.backups[0] if status.backups else None
if newest is None:
    st.warning(tr("system.no_backup", time=status.backup_time))
else:
    st.write(tr("system.last_backup", last=when(newest.made_at), time=status.backup_time))
st.caption(tr("system.rotation", folder=status.data_folder / "backups"))
if status.second_folder is not None:
    st.caption(tr("system.second_folder", folder=status.second_folder))
if status.backups:
    literal_table(
        [
            {
                tr_plain("system.backup_file"): f.name,
                tr_plain("system.backup_made"): when(f.made_at),
                tr_plain("system.backup_kind"): tr_plain(f"backup.kind.{f.kind}"),
            }
            for f in status.backups
        ]
    )
if st.button(tr("system.back_up_now"), key="system.back_up_now", icon=":material/backup:"):
    with st.spinner(tr("system.backing_up")):
        outcome = attempt(lambda: backup_schedule.back_up_now(actor))
    if isinstance(outcome, backup_schedule.Outcome) and outcome.ok and outcome.path:
        st.session_state["system.made"] = outcome.path.name
        st.rerun()  # the list above shows the new backup
    elif isinstance(outcome, backup_schedule.Outcome):
        st.error(tr("system.backup_failed", error=outcome.error))

st.subheader(tr("system.queues"))
st.write(tr("system.outbox", queued=status.queued, failing=status.failing))
jobs = ("sender", "reminders", "backup")
literal_table(
    [
        {
            tr_plain("system.job"): tr_plain(f"system.job.{job}"),
            tr_plain("system.last_run"): when(status.heartbeats[job])
            if job in status.heartbeats
            else tr_plain("system.not_running"),
        }
        for job in jobs
    ]
)

st.subheader(tr("system.incidents"))
if not status.incidents:
    st.caption(tr("system.no_incidents"))
else:
    literal_table(
        [
            {
                tr_plain("system.incident"): i.incident,
                tr_plain("system.incident_at"): when(i.at),
                tr_plain("system.incident_page"): i.page,
                tr_plain("system.incident_kind"): i.message,
            }
            for i in status.incidents
        ]
    )
    st.caption(tr("system.incidents_help", log=status.log_file))
