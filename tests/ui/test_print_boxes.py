"""AppTest: a session's print box is one at a time, where it was made, and goes once left."""

from __future__ import annotations

from comptoir.services import customers
from tests.ui.conftest import texts


def _documents(app) -> list[str]:
    return [c for c in texts(app, "caption") if c.startswith("Document: ")]


def _card(app, customer_id: int) -> None:
    app.query_params["id"] = str(customer_id)
    app.switch_page("pages/customer_card.py").run()
    assert not app.exception, app.exception


def test_a_print_box_replaces_the_last_and_goes_when_the_card_is_left(app):
    rows = customers.search_customers("", page_size=60).rows
    first, second = [r for r in rows if customers.get_customer(r["id"])["city"]][:2]
    _card(app, first["id"])
    app.button(key="card.print_label").click().run()
    [shown] = _documents(app)
    assert shown == f"Document: label-{first['account_number']}.pdf"
    app.button(key="card.print_label").click().run()  # printed again: still one box
    assert _documents(app) == [shown]
    app.run()  # any other action on the card keeps it
    assert _documents(app) == [shown]
    _card(app, second["id"])  # another card: the box stays with the first, and goes
    assert _documents(app) == []
    _card(app, first["id"])
    assert _documents(app) == []
