"""Staff accounts (administrators): add, change role, deactivate, reset a password."""

import pandas as pd
import streamlit as st

from comptoir.i18n import t
from comptoir.logic.auth import ROLES
from comptoir.logic.errors import StaleRecord, ValidationFailed
from comptoir.logic.records import Edit
from comptoir.services import auth
from comptoir.ui.auth import require_page
from comptoir.ui.grid_state import rows_as_loaded, stale_row_message
from comptoir.ui.notices import confirmed
from comptoir.ui.session import language, show_refusal, show_row_refusals, tr, when

actor = require_page("staff.manage")
ss = st.session_state
lang = language()
nonce = ss.setdefault("staff.nonce", 0)

st.title(tr("staff.title"))
confirmed("staff.flash")

editor_key = f"staff.grid.{nonce}"
# Edits belong to the accounts the grid was drawn with (id, version), never to positions.
accounts = rows_as_loaded(
    ss.setdefault("staff.loaded", {}), editor_key, auth.list_staff(actor), ss.get(editor_key)
)
frame = pd.DataFrame(
    [
        {
            "id": a["id"],
            "username": a["username"],
            "display_name": a["display_name"],
            "role": a["role"],
            "active": a["active"],
            "last_login_at": when(a["last_login_at"]),
            "locked_until": when(a["locked_until"]),
        }
        for a in accounts
    ]
)
st.data_editor(
    frame,
    key=editor_key,
    hide_index=True,
    disabled=["id", "username", "last_login_at", "locked_until"],
    column_config={
        "id": None,
        "username": st.column_config.TextColumn(tr("field.username")),
        "display_name": st.column_config.TextColumn(tr("field.display_name")),
        "role": st.column_config.SelectboxColumn(
            tr("field.role"), options=list(ROLES), format_func=lambda r: t(f"role.{r}", lang)
        ),
        "active": st.column_config.CheckboxColumn(tr("field.active")),
        "last_login_at": st.column_config.TextColumn(tr("field.last_login_at")),
        "locked_until": st.column_config.TextColumn(tr("field.locked_until")),
    },
)
if st.button(tr("staff.save"), key="staff.save", type="primary"):
    problems = []
    for position, change in (ss[editor_key].get("edited_rows") or {}).items():
        account = accounts[int(position)]
        try:
            auth.update_staff(actor, Edit(account["id"], account["version"], change))
        except ValidationFailed as exc:
            problems.append((account["username"], exc))
        except StaleRecord:
            now = {a["id"]: a for a in auth.list_staff(actor)}.get(account["id"])
            problems.append(
                (account["username"], stale_row_message(account["username"], now, change, lang))
            )
    if problems:
        show_row_refusals(problems)
    else:
        ss["staff.nonce"] = nonce + 1
        ss["staff.flash"] = tr("staff.saved")
        st.rerun()

left, right = st.columns(2)
with left, st.form(f"staff.add.{nonce}"):
    st.subheader(tr("staff.add"))
    username = st.text_input(tr("field.username"), key="staff.new.username")
    display_name = st.text_input(tr("field.display_name"), key="staff.new.display_name")
    role = st.selectbox(
        tr("field.role"), ROLES, format_func=lambda r: t(f"role.{r}", lang), key="staff.new.role"
    )
    password = st.text_input(tr("field.password"), type="password", key="staff.new.password")
    confirm = st.text_input(tr("field.password_confirm"), type="password", key="staff.new.confirm")
    if st.form_submit_button(tr("staff.create"), type="primary"):
        try:
            auth.create_staff(actor, username, display_name, role, password, confirm)
        except ValidationFailed as exc:
            show_refusal(exc)
        else:
            ss["staff.nonce"] = nonce + 1
            ss["staff.flash"] = tr("staff.created", name=display_name)
            st.rerun()
with right, st.form(f"staff.reset.{nonce}"):
    st.subheader(tr("staff.reset"))
    names = {a["id"]: f"{a['display_name']} ({a['username']})" for a in accounts}
    target = st.selectbox(
        tr("field.username"), list(names), format_func=names.get, key="staff.reset.who"
    )
    password = st.text_input(tr("field.password"), type="password", key="staff.reset.password")
    confirm = st.text_input(
        tr("field.password_confirm"), type="password", key="staff.reset.confirm"
    )
    if st.form_submit_button(tr("staff.reset_button")):
        try:
            auth.reset_password(actor, target, password, confirm)
        except ValidationFailed as exc:
            show_refusal(exc)
        else:
            ss["staff.nonce"] = nonce + 1
            ss["staff.flash"] = tr("staff.password_set", name=names[target])
            st.rerun()
