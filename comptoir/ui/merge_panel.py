"""Merging two customers (administrators): pick the record kept, choose field by field,
see what moves, confirm; the recent merges with their undo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import streamlit as st

from comptoir.i18n.formats import format_money
from comptoir.logic.auth import Actor
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.merges import BOTH, BOTH_GROUPS, CHOICES, GROUPS, KEEP, NOTE_CHOICES, TAKE
from comptoir.services import merges
from comptoir.services.shop import get_settings
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.picks import now_shown, shown_version
from comptoir.ui.session import language, show_refusal, tr, tr_plain, when
from comptoir.ui.text import literal_table, md

TABLES = (
    "sales",
    "ledger_entries",
    "orders",
    "serviced_items",
    "service_reminders",
    "messages",
    "delivery_addresses",
    "gift_vouchers",
    "rewards_entries",
    "consent_history",
)


def who(person: dict[str, Any]) -> str:
    """Account number and name, as plain text."""
    name = " ".join(p for p in (person.get("first_name"), person.get("last_name")) if p)
    return f"{person['account_number']} — {name}"


def _shown(value: object, yes: str, no: str) -> str:
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _group_text(card: dict[str, Any], group: str, yes: str, no: str, empty: str) -> str:
    parts = [_shown(card.get(name), yes, no) for name in GROUPS[group]]
    text = ", ".join(p for p in parts if p.strip())
    return text or empty


def merge_panel(actor: Actor, first: dict[str, Any], second: dict[str, Any], key: str) -> None:
    """The merge of two customers: which record stays, the choices, the preview, confirm."""
    ss = st.session_state
    people = {first["id"]: first, second["id"]: second}
    labels = {i: who(p) for i, p in people.items()}
    st.subheader(tr("merge.title"))
    st.caption(tr("merge.intro"))
    survivor_id = st.radio(
        tr("merge.keep"),
        list(labels),
        format_func=lambda i: md(labels[i]),
        key=f"{key}.keep.{first['id']}.{second['id']}",
    )
    other_id = second["id"] if survivor_id == first["id"] else first["id"]
    base = f"{key}.{survivor_id}.{other_id}"
    asked = {g: ss[f"{base}.{g}"] for g in GROUPS if f"{base}.{g}" in ss}
    preview = merges.preview(actor, survivor_id, other_id, asked)
    if preview.refusals:
        show_refusal(ValidationFailed(preview.refusals))
    yes, no, empty = tr_plain("merge.yes"), tr_plain("merge.no"), tr_plain("merge.empty")
    words = {
        KEEP: tr_plain("merge.choice.survivor"),
        TAKE: tr_plain("merge.choice.other"),
        BOTH: tr_plain("merge.choice.both"),
    }
    if preview.groups:
        st.markdown(tr("merge.choose"))
    for group in preview.groups:
        options = NOTE_CHOICES if group in BOTH_GROUPS else CHOICES
        texts = {
            KEEP: _group_text(preview.survivor, group, yes, no, empty),
            TAKE: _group_text(preview.other, group, yes, no, empty),
            BOTH: tr_plain(f"merge.both_{group}"),
        }
        label = tr("merge.group.address") if group == "address" else tr(f"field.{group}")
        st.radio(
            label,
            options,
            index=options.index(preview.choices[group]),
            format_func=lambda code, texts=texts: f"{words[code]}: {md(texts[code])}",
            key=f"{base}.{group}",
            horizontal=True,
        )
    if preview.groups:
        st.markdown(tr("merge.after_title", survivor=labels[survivor_id]))
        literal_table(
            [
                {
                    tr_plain("merge.after_field"): tr_plain("merge.group.address")
                    if group == "address"
                    else tr_plain(f"field.{group}"),
                    tr_plain("merge.after_value"): _group_text(
                        preview.result, group, yes, no, empty
                    ),
                }
                for group in preview.groups
            ]
        )
    # The confirm acts on both cards as this comparison showed them (the previous run's
    # versions): one changed meanwhile is refused and the comparison drawn again.
    versions = shown_version(
        f"{base}.versions", (preview.survivor["version"], preview.other["version"])
    )
    _what_moves(preview, labels[other_id], labels[survivor_id])
    if preview.problems:
        show_refusal(ValidationFailed(preview.problems))
    if st.button(
        tr("merge.confirm", other=labels[other_id], survivor=labels[survivor_id]),
        key=f"{key}.confirm",
        type="primary",
        disabled=not preview.allowed,
    ):
        done = attempt(
            lambda: merges.merge(
                actor, survivor_id, versions[0], other_id, versions[1], preview.choices
            ),
            gone="merge.gone",
            changed="merge.changed",
        )
        if done is not FAILED:
            ss[f"{key}.flash"] = tr(
                "merge.done", other=labels[other_id], survivor=labels[survivor_id]
            )
            ss.pop(f"{key}.pair", None)
            st.rerun()


def _what_moves(preview: merges.MergePreview, other: str, survivor: str) -> None:
    lang = language()
    currency = get_settings().get("currency", "EUR")
    moving = [
        tr_plain(f"merge.table.{t}", n=str(preview.moves[t]))
        for t in TABLES
        if preview.moves.get(t)
    ]
    st.markdown(tr("merge.moves_title", other=other, survivor=survivor))
    st.caption(md(", ".join(moving)) if moving else tr("merge.moves_none"))
    after = preview.balance_after
    if after is not None:
        st.caption(tr("merge.balance_after", amount=format_money(Decimal(after), currency, lang)))
    points = [p for p in preview.points if p is not None]
    if points:
        st.caption(tr("merge.points_after", points=f"{sum(points):,}"))


def recent_merges(actor: Actor, key: str) -> None:
    """The latest merges: who into whom, when, by whom; undo while allowed."""
    done = merges.recent(actor)
    if not done:
        st.caption(tr("merge.none_yet"))
        return
    for row in done:
        other = who(
            {
                "account_number": row["merged_number"],
                "first_name": row["merged_first"],
                "last_name": row["merged_last"],
            }
        )
        survivor = who(
            {
                "account_number": row["survivor_number"],
                "first_name": row["survivor_first"],
                "last_name": row["survivor_last"],
            }
        )
        line = tr(
            "merge.recent_line",
            when=when(row["merged_at"]),
            other=other,
            survivor=survivor,
            staff=row["staff_name"],
        )
        left, right = st.columns([4, 1])
        left.markdown(line)
        # The button is drawn as the previous run showed it: a click on a merge someone
        # else undid meanwhile reaches the service and is refused in words, not dropped.
        offered = shown_version(f"{key}.undo.{row['id']}.offered", row["undone_at"] is None)
        if not offered:
            right.caption(tr("merge.undone_on", when=when(row["undone_at"])))
        elif (
            right.button(tr("merge.undo"), key=f"{key}.undo.{row['id']}")
            and attempt(lambda row=row: merges.undo(actor, row["id"])) is not FAILED
        ):
            now_shown(f"{key}.undo.{row['id']}.offered", False)
            st.session_state[f"{key}.flash"] = tr("merge.undo_done", other=other)
            st.rerun()
