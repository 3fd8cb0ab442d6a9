"""The grid's write-back as a pure function of (page rows, editor state, pending)."""

from __future__ import annotations

from comptoir.ui.grid_state import (
    collect_edits,
    conflict_entry,
    fold_into_pending,
    page_frame,
    rows_as_loaded,
)

ROWS = [
    {
        "id": 7,
        "version": 3,
        "account_number": "C7",
        "last_name": "Martin",
        "first_name": "Léa",
        "mobile": "+33612345678",
        "phone": None,
        "title": None,
        "company": None,
        "email": None,
        "postcode": None,
        "city": None,
        "country_code": "FR",
    },
    {
        "id": 9,
        "version": 1,
        "account_number": "C9",
        "last_name": "Smith",
        "first_name": "Ava",
        "mobile": "+447700900123",
        "phone": None,
        "title": None,
        "company": None,
        "email": None,
        "postcode": None,
        "city": None,
        "country_code": "GB",
    },
]


def test_frame_keeps_id_and_shows_phones_for_the_shop_country():
    frame = page_frame(ROWS, {}, "FR")
    assert list(frame["id"]) == [7, 9]
    assert frame.loc[0, "mobile"] == "06 12 34 56 78"
    assert frame.loc[1, "mobile"] == "+44 7700 900123"
    assert not frame["open"].any()


def test_pending_edits_are_laid_over_with_their_problem():
    pending = {9: {"version": 1, "changes": {"email": "bad@"}, "message": "E-mail is not valid"}}
    frame = page_frame(ROWS, pending, "FR")
    assert frame.loc[1, "email"] == "bad@"
    assert frame.loc[1, "problem"] == "E-mail is not valid"
    assert frame.loc[0, "problem"] == ""


def test_positions_map_to_ids_and_versions():
    edits, opened = collect_edits(
        ROWS, {"1": {"city": "Leeds"}, 0: {"last_name": "Martin-Roux"}}, {}
    )
    assert edits == {9: (1, {"city": "Leeds"}), 7: (3, {"last_name": "Martin-Roux"})}
    assert opened is None


def test_open_tick_is_not_an_edit():
    edits, opened = collect_edits(ROWS, {0: {"open": True}}, {})
    assert edits == {} and opened == 7


def test_new_edits_add_to_pending_ones_keeping_the_original_version():
    pending = {9: {"version": 1, "changes": {"email": "bad@"}, "message": "x"}}
    edits, _ = collect_edits(ROWS, {1: {"email": "ava@example.com", "city": "York"}}, pending)
    assert edits == {9: (1, {"email": "ava@example.com", "city": "York"})}


def test_pending_rows_off_this_page_are_still_saved():
    pending = {42: {"version": 5, "changes": {"city": "Lyon"}}}
    edits, _ = collect_edits(ROWS, {}, pending)
    assert edits == {42: (5, {"city": "Lyon"})}


def test_fold_keeps_edits_when_the_page_changes():
    merged = fold_into_pending(ROWS, {0: {"city": "Nantes"}}, {})
    assert merged == {7: {"version": 3, "changes": {"city": "Nantes"}}}


def test_stale_positions_are_ignored():
    edits, _ = collect_edits(ROWS, {5: {"city": "Nowhere"}}, {})
    assert edits == {}


def test_an_edit_stays_on_its_customer_when_a_rerun_reads_another_order():
    store: dict = {}
    drawn = rows_as_loaded(store, "grid.editor.0", ROWS, None)
    assert [r["id"] for r in drawn] == [7, 9]
    # Someone renamed Martin to Zola: the next read puts Smith first, at version 1→2 for 7.
    reread = [ROWS[1], {**ROWS[0], "last_name": "Zola", "version": 4}]
    state = {"edited_rows": {0: {"city": "Lyon"}}}
    kept = rows_as_loaded(store, "grid.editor.0", reread, state)
    edits, _ = collect_edits(kept, state["edited_rows"], {})
    assert edits == {7: (3, {"city": "Lyon"})}  # Martin, at the version the user saw


def test_without_edits_or_with_a_new_editor_the_fresh_rows_are_drawn():
    store: dict = {}
    rows_as_loaded(store, "grid.editor.0", ROWS, None)
    reread = [ROWS[1], ROWS[0]]
    assert [r["id"] for r in rows_as_loaded(store, "grid.editor.0", reread, {})] == [9, 7]
    state = {"edited_rows": {0: {"city": "Lyon"}}}
    assert [r["id"] for r in rows_as_loaded(store, "grid.editor.1", ROWS, state)] == [7, 9]


def test_a_conflict_shows_their_value_beside_the_users():
    current = {**ROWS[0], "version": 5, "city": "Paris", "mobile": "+33612345679"}
    entry = conflict_entry(current, {"city": "Lyon", "mobile": "06 12 34 56 79"}, "FR", "en")
    assert entry == {
        "version": 5,
        "changes": {"city": "Lyon", "mobile": "06 12 34 56 79"},
        "theirs": [("city", "Paris", "Lyon")],
        "message": "Changed by someone else meanwhile. City: theirs “Paris”, yours “Lyon”."
        " Save again to keep yours, or discard.",
    }


def test_a_clicked_cell_opens_its_customer_and_ticked_rows_are_ids():
    from comptoir.ui.grid_state import picked_by_selection

    shown = [41, 42, 43]
    clicked, ticked = picked_by_selection(
        {"selection": {"rows": [2, 0], "columns": [], "cells": [(1, "last_name")]}}, shown
    )
    assert clicked == 42
    assert ticked == [43, 41]
    # A selection from a grid drawn with more rows than now: positions past the end are ignored.
    assert picked_by_selection({"selection": {"rows": [5], "cells": [(7, "city")]}}, shown) == (
        None,
        [],
    )
    assert picked_by_selection(None, shown) == (None, [])


def test_a_stale_row_of_any_grid_names_both_values():
    from comptoir.ui.grid_state import stale_row_message

    current = {"sku": "PUMP-1", "price": "25.00", "name": "Pompe"}
    message = stale_row_message("SKU PUMP-1", current, {"price": "27.50", "name": "Pompe"}, "en")
    assert message == (
        "SKU PUMP-1 was changed by someone else meanwhile — Price: theirs “25.00”, "
        "yours “27.50”. Discard your edits to load their version, then change it again."
    )
    assert stale_row_message("SKU PUMP-1", None, {"price": "1"}, "fr") == (
        "SKU PUMP-1 n'existe plus : quelqu'un d'autre l'a supprimé entre-temps."
    )


def test_a_stale_row_names_what_the_other_person_changed_not_what_was_typed():
    from comptoir.ui.grid_state import stale_row_message

    loaded = {"sku": "BELL-9", "name": "Brass bell", "price": "12.00"}
    current = {"sku": "BELL-9", "name": "Bell, brass", "price": "12.00"}
    message = stale_row_message("SKU BELL-9", current, {"price": "14.00"}, "en", loaded=loaded)
    assert message == (
        "SKU BELL-9 was changed by someone else meanwhile — Name: theirs “Bell, brass”, "
        "yours “Brass bell”. Discard your edits to load their version, then change it again."
    )


def test_chart_labels_show_quotes_as_typed_and_no_markup():
    from comptoir.ui.insights_charts import ranking_figure

    figure = ranking_figure(
        [{"id": 1, "name": 'Les "Vélos" <b>& co</b>', "total": 10}],
        lambda r: r["name"],
        "total",
        "id",
        "Top",
        "#333",
    )
    assert list(figure.data[0].y) == ['Les "Vélos" &lt;b&gt;&amp; co&lt;/b&gt;']


def test_duplicate_choices_follow_the_line_drawn_at_each_position():
    from comptoir.logic.customer_import import DuplicateChoices
    from comptoir.ui.import_duplicates import chosen_lines

    lines = [7, 12, 40]
    state = {"edited_rows": {"1": {"choice": "update"}, 2: {"choice": "skip"}, 9: {"choice": "x"}}}
    chosen = chosen_lines(lines, state)
    assert chosen == {12: "update", 40: "skip"}  # position 9 was never drawn: ignored
    choices = DuplicateChoices.of_lines("create", chosen)
    assert [choices.of(line) for line in (7, 12, 40, 99)] == ["create", "update", "skip", "create"]
    assert chosen_lines(lines, None) == {}
