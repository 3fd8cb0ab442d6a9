"""AppTest: the Duplicates page and the new-customer dialog's hints."""

from __future__ import annotations

from comptoir.services import customers, duplicates
from tests.conftest import MANAGER, STAFF
from tests.ui.conftest import open_app, table, texts


def test_the_page_lists_pairs_and_opens_a_card(shop_db):
    first = customers.create_customer({"last_name": "Double", "email": "d@example.org"}, STAFF)
    second = customers.create_customer({"last_name": "Doublet", "email": "D@example.org"}, STAFF)
    app = open_app("manager")
    app.switch_page("pages/duplicates.py").run()
    assert not app.exception, app.exception
    total = duplicates.pairs(MANAGER)[1]
    assert f"{total:,} {'pair' if total == 1 else 'pairs'}." in texts(app, "caption")
    shown = table(app, 0)
    row = shown[shown["Why"] == "same e-mail, similar name"]
    assert list(row["Score"]) == ["95"]
    assert list(row["Customer"])[0].endswith("Double")
    app.selectbox(key="duplicates.pick.0").set_value((first, second)).run()
    app.button(key=f"duplicates.open.b.{second}").click().run()
    assert app.title[0].value == "Doublet"
    assert first != second


def test_the_new_customer_dialog_names_a_likely_duplicate(shop_db):
    existing = customers.create_customer(
        {"last_name": "Existant", "email": "existe@example.org"}, STAFF
    )
    app = open_app("staff")
    next(b for b in app.button if b.label == "New customer").click().run()
    app.text_input(key="new.last_name").input("Autre").run()
    app.text_input(key="new.email").input("EXISTE@example.org").run()
    assert "This may be a customer you already have:" in texts(app, "warning")
    assert "C000061 — Existant (same e-mail)" in texts(app, "caption")
    app.button(key=f"new.open_existing.{existing}").click().run()
    assert app.title[0].value == "Existant"


def _pair():
    from comptoir.services import accounts
    from comptoir.services.accounts import EntryRequest

    trade = next(t["id"] for t in accounts.account_types() if t["name"] == "Trade 30 days")
    kept = customers.create_customer(
        {"last_name": "Fusion", "first_name": "Léa", "city": "Lyon", "postcode": "69001"}, STAFF
    )
    other = customers.create_customer(
        {"last_name": "Fusion", "first_name": "Lea", "email": "lea@example.org"}, STAFF
    )
    for who, amount in ((kept, "10"), (other, "15")):
        accounts.assign_account_type(MANAGER, who, trade, "500")
        accounts.record_entry(STAFF, who, EntryRequest("charge", amount), f"k-{who}")
    return kept, other


def test_an_administrator_previews_merges_and_undoes(shop_db):
    kept, other = _pair()
    kept_number = customers.get_customer(kept)["account_number"]
    other_number = customers.get_customer(other)["account_number"]
    app = open_app("admin")
    app.switch_page("pages/duplicates.py").run()
    app.text_input(key="merge.first_number").input(kept_number)
    app.text_input(key="merge.second_number").input(other_number)
    app.button(key="merge.find").click().run()
    assert not app.exception, app.exception
    base = f"merge.{kept}.{other}"
    # The choices: only what differs; blanks filled from the other record by default.
    assert app.radio(key=f"{base}.first_name").value == "survivor"
    assert app.radio(key=f"{base}.email").value == "other"
    assert "Account balance after the merge: €25.00" in texts(app, "caption")
    assert "Sales: 0" not in " ".join(texts(app, "caption"))
    assert "Account entries: 1" in " ".join(texts(app, "caption"))
    app.radio(key=f"{base}.first_name").set_value("other").run()
    after = table(app, len(app.table) - 1)  # the record kept after the merge
    values = dict(zip(after["Field"], after["Value"], strict=True))
    assert (values["First name"], values["E-mail"]) == ("Lea", "lea@example.org")
    app.button(key="merge.confirm").click().run()
    assert not app.exception, app.exception
    assert f"{other_number} — Lea Fusion was merged into {kept_number} — Léa Fusion." in texts(
        app, "toast"
    )
    card = customers.get_customer(kept)
    assert (card["first_name"], card["email"]) == ("Lea", "lea@example.org")
    assert customers.get_customer(other)["merged_into"] == kept
    [undo] = [b for b in app.button if b.key and b.key.startswith("merge.undo.")]
    undo.click().run()
    assert not app.exception, app.exception
    assert customers.get_customer(other)["merged_into"] is None
    assert customers.get_customer(kept)["first_name"] == "Léa"
    assert any(t.startswith("Undone ") for t in texts(app, "caption"))


def test_a_refused_merge_says_why_and_cannot_be_confirmed(shop_db):
    kept = customers.create_customer({"last_name": "Seul"}, STAFF)
    kept_number = customers.get_customer(kept)["account_number"]
    app = open_app("admin")
    app.switch_page("pages/duplicates.py").run()
    app.text_input(key="merge.first_number").input(kept_number)
    app.text_input(key="merge.second_number").input("NOPE-1")
    app.button(key="merge.find").click().run()
    assert "- Record merged into it: no customer has the account number NOPE-1." in texts(
        app, "error"
    )
    app.text_input(key="merge.second_number").input(kept_number)
    app.button(key="merge.find").click().run()
    assert "- Merge: pick two different customers." in texts(app, "error")
    assert app.button(key="merge.confirm").disabled


def test_a_manager_sees_no_merge(shop_db):
    app = open_app("manager")
    app.switch_page("pages/duplicates.py").run()
    assert not [t for t in app.text_input if t.key == "merge.first_number"]
