"""Opening positions (managers): account balances with limits and points, outstanding gift
vouchers or past sales from the system the shop leaves; a dry run with totals, one batch,
an undo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import PurePath

import streamlit as st

from comptoir.i18n import format_count, format_date, format_money
from comptoir.i18n.errors import describe
from comptoir.logic.customer_import import read_file
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.opening_import import KINDS, MAX_ROWS, TARGETS, guess, recognise
from comptoir.services import opening_import, shop
from comptoir.services.opening_import import OUTCOMES, Options
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.auth import require_page
from comptoir.ui.import_batches import undo_button, undone_note
from comptoir.ui.notices import confirmed
from comptoir.ui.session import date_format, language, show_refusal, tr, tr_plain, when, worded
from comptoir.ui.text import literal_table, md

actor = require_page("customers.import")
ss = st.session_state
lang = language()
SHOWN = 1000  # lines of the report shown (the counts cover them all)
TOTALS = {
    "balances": ("owed", "credit", "net", "accounts", "points"),
    "vouchers": ("vouchers", "liability", "expired"),
    "sales": ("sales", "lines", "total", "tax"),
}
MONEY = ("owed", "credit", "net", "liability", "total", "tax")
currency = shop.get_settings().get("currency", "EUR")


def _total(name: str, value: str) -> str:
    """A total as the UI's language writes it: money, a date or a count."""
    if not value:
        return "—"
    if name in MONEY:
        return format_money(Decimal(value), currency, lang)
    if name in ("first", "last"):
        return format_date(date.fromisoformat(value), lang)
    return format_count(int(value), lang)


def _detail(line: opening_import.LinePlan) -> str:
    """Why a line is refused, or what to check on a line imported all the same."""
    if line.errors:
        return " ".join(describe(e, lang) for e in line.errors)
    checks = " ".join(describe(e, lang) for e in line.to_check)
    return f"{tr_plain('import.checked')} {checks}" if checks else ""


def _forget() -> None:
    """The file's state (mapping, dry run) forgotten; the kind, the uploader, the flash kept."""
    for key in [k for k in ss if str(k).startswith("openings.") and not _kept(str(k))]:
        del ss[key]


def _kept(key: str) -> bool:
    return key in ("openings.nonce", "openings.kind", "openings.flash") or key.startswith(
        ("openings.upload.", "openings.undo.")
    )


st.title(tr("openings.title"))
st.caption(tr("openings.intro"))
confirmed("openings.flash")
kind = st.segmented_control(
    tr("openings.kind"),
    KINDS,
    format_func=worded("openings.kind"),
    default=KINDS[0],
    key="openings.kind",
    on_change=_forget,
)
kind = kind or KINDS[0]
st.caption(tr(f"openings.kind_help.{kind}"))
nonce = ss.setdefault("openings.nonce", 0)
upload = st.file_uploader(
    tr("import.file"), type=["csv", "txt", "xlsx"], key=f"openings.upload.{kind}.{nonce}"
)
if upload is None:
    if ss.pop("openings.source_file", None) is not None:
        _forget()
elif ss.get("openings.source_file") != upload.file_id:
    _forget()
    ss["openings.source_file"] = upload.file_id
    try:
        ss["openings.table"] = read_file(upload.getvalue(), upload.name, MAX_ROWS[kind])
    except ValidationFailed as exc:
        show_refusal(exc)
    else:
        headers = ss["openings.table"].headers
        known = recognise(kind, headers)
        ss["openings.format"] = known.name if known else None
        for index, field in enumerate(guess(kind, headers)):
            ss[f"openings.map.{index}"] = field or ""
        ss["openings.system"] = known.name if known else PurePath(upload.name).stem[:60]

table = ss.get("openings.table")
if table is not None:
    st.caption(tr("openings.read", rows=format_count(len(table.rows), lang)))
    known = ss.get("openings.format")
    st.caption(tr("import.format", name=known) if known else tr("import.format_unknown"))
    st.subheader(tr("import.mapping"))
    words = {
        "": tr_plain("import.skip"),
        **{f: tr_plain(f"field.{f}") for f in TARGETS[kind]},
    }
    columns = st.columns(4)
    for index, header in enumerate(table.headers):
        columns[index % 4].selectbox(
            md(header) or f"#{index + 1}",
            ["", *TARGETS[kind]],
            format_func=words.__getitem__,
            key=f"openings.map.{index}",
        )
    mapping = [ss.get(f"openings.map.{i}") or None for i in range(len(table.headers))]
    literal_table(
        [
            {
                h or f"#{i + 1}": str(c)
                for i, (h, c) in enumerate(zip(table.headers, cells, strict=True))
            }
            for _, cells in table.rows[:5]
        ]
    )
    settings = st.columns(3)
    system = settings[0].text_input(tr("openings.source"), key="openings.system", max_chars=60)
    as_of = None
    account_type = None
    if kind == "balances":
        as_of = settings[1].date_input(
            tr("openings.as_of"), key="openings.as_of", format=date_format()
        )
        types = {t["id"]: t["name"] for t in opening_import.account_types(actor)}
        account_type = settings[2].selectbox(
            tr("openings.account_type"),
            list(types),
            format_func=lambda i: types[i],
            key="openings.account_type",
        )
    options = Options(system, as_of, account_type)
    made_with = (tuple(mapping), options)

    if st.button(tr("import.dry_run"), key="openings.dry_run", icon=":material/rule:"):
        plan = attempt(lambda: opening_import.dry_run(actor, kind, table, mapping, options))
        if plan is not FAILED:
            shown = [p for p in plan.lines if p.outcome != "ready" or p.to_check][:SHOWN]
            ss["openings.report"] = (made_with, plan.counts(), plan.totals, shown)
            ss["openings.plan"] = plan  # reused by the import while nothing it read changed

    report = ss.get("openings.report")
    if report is not None and report[0] != made_with:
        report = None  # the columns or choices changed: the dry run no longer holds
        st.info(tr("import.dry_run_again"))
    if report is not None:
        _, counts, totals, shown = report
        cells = st.columns(len(OUTCOMES))
        for cell, outcome in zip(cells, OUTCOMES, strict=True):
            cell.metric(tr(f"openings.outcome.{outcome}"), format_count(counts[outcome], lang))
        cells = st.columns(len(TOTALS[kind]))
        for cell, name in zip(cells, TOTALS[kind], strict=True):
            cell.metric(tr(f"openings.total.{name}"), _total(name, totals.get(name, "")))
        if totals.get("first"):
            st.caption(
                tr(
                    "openings.period",
                    first=_total("first", totals["first"]),
                    last=_total("last", totals["last"]),
                )
            )
        if shown:
            literal_table(
                [
                    {
                        tr_plain("import.line"): p.line,
                        tr_plain("import.outcome"): tr_plain(f"openings.outcome.{p.outcome}"),
                        tr_plain("openings.customer"): p.customer,
                        tr_plain("import.detail"): _detail(p),
                    }
                    for p in shown
                ]
            )
        if st.button(
            tr("openings.go", count=format_count(counts["ready"], lang)),
            key="openings.go",
            type="primary",
            disabled=counts["ready"] == 0,
            icon=":material/upload:",
        ):
            with st.spinner(tr("import.writing")):
                done = attempt(
                    lambda: opening_import.run_import(
                        actor,
                        kind,
                        table,
                        mapping,
                        upload.name if upload else "",
                        options,
                        checked=ss.get("openings.plan"),
                    )
                )
            if done is not FAILED:
                _forget()
                ss["openings.flash"] = tr_plain(
                    "openings.done", id=done.batch_id, count=format_count(done.written, lang)
                )
                ss["openings.nonce"] = nonce + 1
                st.rerun()

st.divider()
st.subheader(tr("import.batches"))
batches = opening_import.recent_batches(actor)
if not batches:
    st.caption(tr("import.no_batches"))
for batch in batches:
    line = st.columns([5, 1])
    sums = ", ".join(
        f"{tr_plain(f'openings.total.{k}')} {_total(k, v)}"
        for k, v in batch["totals"].items()
        if v and k in TOTALS[batch["kind"]]
    )
    line[0].write(
        tr(
            "openings.batch",
            id=batch["id"],
            kind=tr_plain(f"openings.kind.{batch['kind']}"),
            when=when(batch["imported_at"]),
            staff=batch["staff_name"],
            file=batch["file_name"],
            source=batch["source"],
            totals=sums,
        )
        + undone_note(batch)
    )
    undo_button(line[1], "openings", batch, lambda batch_id: opening_import.undo(actor, batch_id))
