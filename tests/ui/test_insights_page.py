"""The Insights page in AppTest: figures for the chosen filters, the list behind a bar or a
segment, its address labels and its export."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.data import db
from comptoir.services import audit
from comptoir.startup import create_demo_accounts
from tests.conftest import ADMIN
from tests.insights_samples import make_insights_shop
from tests.ui.conftest import open_app, texts


@pytest.fixture
def insights_app(db_path):
    create_demo_accounts()
    made = make_insights_shop()
    app = open_app("manager")
    app.switch_page("pages/insights.py").run()
    app.date_input(key="insights.period").set_value((date(2026, 11, 1), date(2026, 11, 30))).run()
    assert not app.exception, app.exception
    yield app, made
    db.close(db_path)


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_figures_follow_the_filters(insights_app):
    app, _ = insights_app
    shown = _metrics(app)
    # 1 bike (1,000.00) and 3 tubes (10.00 each, prices with tax) in November's Paris days.
    assert shown["Revenue (net of returns)"] == "€1,030.00"
    assert (shown["Baskets"], shown["Customers"], shown["Lapsed for 12 months"]) == ("3", "2", "1")
    assert shown["Average basket"] == "€343.33"
    app.selectbox(key="insights.group").set_value("Tyres").run()
    assert (_metrics(app)["Baskets"], _metrics(app)["Revenue (net of returns)"]) == ("2", "€30.00")
    app.selectbox(key="insights.exempt").set_value("yes").run()
    assert _metrics(app)["Baskets"] == "0"
    assert not app.exception


def test_a_segment_lists_its_customers_with_labels_and_export(insights_app):
    app, _ = insights_app
    app.selectbox(key="insights.show").set_value("lapsed").run()
    [frame] = [d.value for d in app.dataframe]
    assert list(frame["Name"]) == ["Chloe"]
    assert "1 shown of 1; the export holds them all." in texts(app, "caption")
    app.button(key="insights.labels").click().run()
    assert app.get("download_button")  # the label sheet's PDF
    app.button(key="insights.export.prepare").click().run()
    [entry] = audit.search_audit(ADMIN, entity="insights")[0]
    assert {c.field: c.after for c in entry.changes}["months"] == "12"


def test_a_clicked_bar_lists_its_sales(insights_app):
    app, made = insights_app
    app.session_state["insights.grain"] = "week"
    app.run()
    # What a click on the week of 2 November's bar leaves in the session.
    app.session_state["insights.list"] = ("bucket", "2026-11-02")
    app.run()
    [frame] = [d.value for d in app.dataframe]
    assert sorted(frame["Receipt"]) == ["R000002", "R000004"]
    assert "Sales of the week of Nov 2, 2026" in [s.value for s in app.subheader]
    # Picking a segment below replaces the clicked list.
    app.selectbox(key="insights.show").set_value("segment:champions").run()
    assert "Sales of the week of Nov 2, 2026" not in [s.value for s in app.subheader]


def test_the_page_in_french(insights_app):
    app, _ = insights_app
    app.session_state["ui_language"] = "fr"
    app.run()
    assert not app.exception
    assert "Analyses" in [t.value for t in app.title]


def test_a_clicked_month_is_named_in_words(insights_app):
    app, _ = insights_app
    app.session_state["insights.grain"] = "month"
    app.session_state["insights.list"] = ("bucket", "2026-11-01")
    app.run()
    assert "Sales of November 2026" in [s.value for s in app.subheader]


def test_a_tag_narrows_the_figures_to_its_customers(db_path):
    from comptoir.services import customers
    from tests.conftest import STAFF

    create_demo_accounts()
    made = make_insights_shop()
    bruno = made["people"]["Bruno"]
    customers.update_customer(
        bruno, customers.get_customer(bruno)["version"], {"tags": "club"}, STAFF
    )
    app = open_app("manager")
    app.switch_page("pages/insights.py").run()
    app.date_input(key="insights.period").set_value((date(2026, 11, 1), date(2026, 11, 30))).run()
    assert app.selectbox(key="insights.tag").options == ["All", "club"]
    app.selectbox(key="insights.tag").set_value("club").run()
    assert (_metrics(app)["Baskets"], _metrics(app)["Revenue (net of returns)"]) == (
        "1",
        "€1,000.00",
    )
    db.close(db_path)
