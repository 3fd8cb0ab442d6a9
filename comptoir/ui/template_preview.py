"""A message template as it would go out: the shop's real details and a sample customer,
shown as plain text, with the fields that would come out empty."""

import streamlit as st

from comptoir.logic.errors import ValidationFailed
from comptoir.services import templates
from comptoir.ui.session import tr


def template_preview(subject: str, body: str, language: str) -> None:
    """The filled subject and body under the editor (nothing while the text is refused:
    saving names the problem)."""
    try:
        preview = templates.preview_template(subject, body, language)
    except ValidationFailed:
        return
    with st.container(border=True, key="settings.template.preview"):
        st.caption(tr("settings.template_preview"))
        st.text(preview.subject)
        st.text(preview.body)
        if preview.empty:
            fields = ", ".join(f"{{{f}}}" for f in preview.empty)
            st.warning(tr("settings.template_empty", fields=fields), icon=":material/warning:")
