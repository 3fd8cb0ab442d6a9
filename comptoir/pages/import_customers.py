"""Import customers (managers): a CSV or XLSX file from another POS, its columns mapped,
a dry run naming every row's outcome, then one batch that can be undone."""

from __future__ import annotations

import streamlit as st

from comptoir.i18n.errors import describe
from comptoir.logic.customer_import import NO_CHOICES, TARGETS, guess, read_file
from comptoir.logic.errors import ValidationFailed
from comptoir.services import customer_import
from comptoir.ui.actions import FAILED, attempt
from comptoir.ui.auth import require_page
from comptoir.ui.import_batches import undo_button, undone_note
from comptoir.ui.import_duplicates import duplicate_choices, forget_choices
from comptoir.ui.import_presets_panel import fitting, presets_panel
from comptoir.ui.notices import confirmed
from comptoir.ui.session import language, show_refusal, tr, tr_plain, when
from comptoir.ui.text import literal_table, md

actor = require_page("customers.import")


def _named(row: customer_import.RowPlan) -> str:
    """The existing customer a likely duplicate doubles: name (account number)."""
    twin = row.current
    name = " ".join(str(twin.get(k) or "") for k in ("first_name", "last_name")).strip()
    return f"{name} ({twin.get('account_number') or ''})"


def _report_line(row: customer_import.RowPlan) -> dict[str, object]:
    """A line of the dry run's report: its outcome, what is wrong or to check, the match."""
    detail = " ".join(describe(e, lang) for e in row.errors) or (
        tr_plain(f"import.match.{row.match}") if row.match else ""
    )
    if row.twin is not None and row.outcome in ("create", "update"):
        detail = f"{detail}; {tr_plain(f'import.chosen.{row.outcome}')}"
    if (row.outcome == "duplicate" or row.twin is not None) and row.current:
        detail = f"{tr_plain('import.duplicate_of', name=_named(row))} {detail}"
    if row.to_check:
        checked = " ".join(describe(e, lang) for e in row.to_check)
        detail = " ".join(p for p in (detail, tr_plain("import.checked"), checked) if p)
    return {
        tr_plain("import.line"): row.line,
        tr_plain("import.outcome"): tr_plain(f"import.outcome.{row.outcome}"),
        tr_plain("import.detail"): detail,
    }


ss = st.session_state
lang = language()
SHOWN = 1000  # rows of the dry run's report shown (the counts cover them all)

st.title(tr("import.title"))
st.caption(tr("import.intro"))
confirmed("import.flash")
nonce = ss.setdefault("import.nonce", 0)
upload = st.file_uploader(
    tr("import.file"), type=["csv", "txt", "xlsx"], key=f"import.upload.{nonce}"
)
if upload is None:
    if ss.pop("import.source", None) is not None:  # the file was taken away
        for key in ("table", "report", "twins", "for_all", "preset_used"):
            ss.pop(f"import.{key}", None)
elif ss.get("import.source") != upload.file_id:
    ss["import.source"] = upload.file_id
    for key in ("import.report", "import.twins", "import.for_all"):
        ss.pop(key, None)
    forget_choices()
    try:
        ss["import.table"] = read_file(upload.getvalue(), upload.name)
    except ValidationFailed as exc:
        ss.pop("import.table", None)
        show_refusal(exc)
    else:
        headers = ss["import.table"].headers
        guessed = guess(headers)
        ss["import.format"] = guessed.format.name if guessed.format else None
        ss["import.preset_used"] = fitting(actor, headers, guessed.mapping)

table = ss.get("import.table")
if table is not None:
    separators = {",": "comma", ";": "semicolon", "\t": "tab", "": "sheet"}
    st.caption(
        tr(
            "import.read",
            rows=f"{len(table.rows):,}",
            encoding=table.encoding,
            separator=tr_plain(f"import.separator.{separators[table.separator]}"),
        )
    )
    known = ss.get("import.format")
    st.caption(tr("import.format", name=known) if known else tr("import.format_unknown"))
    if ss.get("import.preset_used"):
        st.caption(tr("import.preset_applied", name=ss["import.preset_used"]))
    st.subheader(tr("import.mapping"))
    words = {"": tr_plain("import.skip"), **{f: tr_plain(f"field.{f}") for f in TARGETS}}
    columns = st.columns(4)
    for index, header in enumerate(table.headers):
        columns[index % 4].selectbox(
            md(header) or f"#{index + 1}",  # the file's header, shown as typed
            ["", *TARGETS],
            format_func=words.__getitem__,
            key=f"import.map.{index}",
        )
    mapping = [ss.get(f"import.map.{i}") or None for i in range(len(table.headers))]
    presets_panel(actor, table.headers, mapping)
    literal_table(
        [
            {
                header or f"#{i + 1}": str(cell)
                for i, (header, cell) in enumerate(zip(table.headers, cells, strict=True))
            }
            for _, cells in table.rows[:5]
        ]
    )

    report = ss.get("import.report")
    # Likely duplicates of the last dry run, while it was made with these columns.
    twins = (ss.get("import.twins") or []) if report and report[0] == tuple(mapping) else []
    choices = duplicate_choices(twins) if twins else NO_CHOICES
    if st.button(tr("import.dry_run"), key="import.dry_run", icon=":material/rule:"):
        checking = tr("import.checking")
        bar = st.progress(0.0, text=checking)
        plan = attempt(
            lambda: customer_import.dry_run(
                actor,
                table,
                mapping,
                lambda share, step: bar.progress(share, text=checking),
                choices,
            )
        )
        bar.empty()
        if plan is not FAILED:
            rows = [r for r in plan.rows if r.outcome != "create" or r.to_check or r.twin][:SHOWN]
            checks = sum(1 for r in plan.rows if r.to_check and r.outcome in ("create", "update"))
            ss["import.report"] = (tuple(mapping), choices.key(), plan.counts(), rows, checks)
            ss["import.plan"] = plan  # reused by the import while no customer changed
            found = [
                {"line": r.line, "customer": _named(r), "match": r.match}
                for r in plan.rows
                if r.outcome == "duplicate" or r.twin is not None
            ][:SHOWN]
            if found != twins:  # a new list of likely duplicates: drawn with its choices
                forget_choices()  # made for the rows of the list before
                ss["import.twins"] = found
                st.rerun()

    report = ss.get("import.report")
    if report is not None and report[0] != tuple(mapping):
        report = None  # the columns changed: the dry run no longer says what would happen
        st.info(tr("import.dry_run_again"))
    elif report is not None and report[1] != choices.key():
        report = None
        st.info(tr("import.choices_changed"))
    if report is not None:
        _, _, counts, rows, checks = report
        shown = st.columns(len(customer_import.OUTCOMES) + 1)
        for column, outcome in zip(shown, customer_import.OUTCOMES, strict=False):
            column.metric(tr(f"import.outcome.{outcome}"), f"{counts[outcome]:,}")
        shown[-1].metric(tr("import.to_check"), f"{checks:,}")
        if rows:
            literal_table([_report_line(r) for r in rows])
        writes = counts["create"] + counts["update"]
        if st.button(
            tr("import.go", count=writes),
            key="import.go",
            type="primary",
            disabled=writes == 0,
            icon=":material/upload:",
        ):
            writing = tr("import.writing")
            bar = st.progress(0.0, text=writing)
            done = attempt(
                lambda: customer_import.run_import(
                    actor,
                    table,
                    mapping,
                    upload.name if upload else "",
                    lambda share, step: bar.progress(share, text=writing),
                    checked=ss.get("import.plan"),
                    choices=choices,
                )
            )
            bar.empty()
            if done is not FAILED:
                for key in [k for k in ss if str(k).startswith("import.") and k != "import.nonce"]:
                    del ss[key]
                ss["import.flash"] = tr_plain(
                    "import.done", created=done.created, updated=done.updated, skipped=done.skipped
                )
                ss["import.nonce"] = nonce + 1
                st.rerun()

st.divider()
st.subheader(tr("import.batches"))
batches = customer_import.recent_batches(actor)
if not batches:
    st.caption(tr("import.no_batches"))
for batch in batches:
    line = st.columns([5, 1])
    line[0].write(
        tr(
            "import.batch",
            id=batch["id"],
            when=when(batch["imported_at"]),
            staff=batch["staff_name"],
            file=batch["file_name"],
            created=batch["created_count"],
            updated=batch["updated_count"],
        )
        + undone_note(batch)
    )
    undo_button(line[1], "import", batch, lambda batch_id: customer_import.undo(actor, batch_id))
