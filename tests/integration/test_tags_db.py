"""Tags on both engines: kept tidy on the card, found by search, offered as a filter, and
filtering the customers export and Insights (a tag is matched whole, case aside)."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.logic.errors import ValidationFailed
from comptoir.logic.insights import Filters
from comptoir.operations import export_files
from comptoir.services import audit, customers, exports, insights
from tests.conftest import ADMIN, MANAGER, STAFF
from tests.insights_samples import make_insights_shop


@pytest.fixture(autouse=True)
def _folder(tmp_path, monkeypatch):
    monkeypatch.setattr(export_files, "FOLDER", tmp_path / "exports")


def _tag(customer_id: int, tags: str) -> None:
    version = customers.get_customer(customer_id)["version"]
    customers.update_customer(customer_id, version, {"tags": tags}, STAFF)


def test_tags_are_stored_tidy_found_by_search_and_named_when_wrong(database):
    rider = customers.create_customer({"last_name": "Roue", "tags": " Club ;gravel,club "}, STAFF)
    assert customers.get_customer(rider)["tags"] == "Club, gravel"
    assert [r["id"] for r in customers.search_customers("grav").rows] == [rider]
    with pytest.raises(ValidationFailed) as refused:
        customers.create_customer(
            {"last_name": "Trop", "tags": ",".join("abcdefghijklmnopqrstu")}, STAFF
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("tags", "too_many_tags")]
    archived = customers.create_customer({"last_name": "Vieux", "tags": "old shop"}, STAFF)
    customers.set_archived(archived, customers.get_customer(archived)["version"], True, STAFF)
    assert customers.known_tags() == ["Club", "gravel"]  # archived customers' tags left out


def test_the_export_keeps_only_the_customers_carrying_the_tag(database):
    customers.create_customer({"last_name": "Membre", "tags": "trade, Club"}, STAFF)
    customers.create_customer({"last_name": "Voisin", "tags": "club house"}, STAFF)  # not "club"
    customers.create_customer({"last_name": "Autre"}, STAFF)
    view = exports.customers_view("", False, tag="club")
    assert exports.count(MANAGER, view) == 1
    made = exports.export(MANAGER, view, "csv")
    text = made.read().decode("utf-8-sig")
    assert "Membre" in text and "Voisin" not in text and "Autre" not in text
    [entry] = audit.search_audit(ADMIN, entity="customer_list")[0]
    assert {c.field: c.after for c in entry.changes}["tags"] == "club"


def test_insights_count_only_the_sales_of_customers_with_the_tag(database):
    made = make_insights_shop()
    _tag(made["people"]["Bruno"], "club")
    november = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))
    every = insights.overview(MANAGER, november, "month", 12).summary
    tagged = insights.overview(
        MANAGER, Filters(**{**november.__dict__, "tag": "CLUB"}), "month", 12
    )
    assert (int(every["baskets"]), int(tagged.summary["baskets"])) == (3, 1)
    assert str(tagged.summary["revenue"]) == "1000.00"
