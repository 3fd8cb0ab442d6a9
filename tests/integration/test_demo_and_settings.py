"""Demo data is valid by our own rules; settings are checked and stored."""

from __future__ import annotations

import pytest

from comptoir.data import db, demo
from comptoir.logic.customers import validate_customer
from comptoir.logic.errors import ValidationFailed
from comptoir.logic.search import customer_tokens
from comptoir.operations import settings
from comptoir.services import customers, shop
from comptoir.services.shop import card_rules
from tests.conftest import ADMIN, STAFF, TODAY


def test_demo_customers_pass_every_rule(demo_db):
    with db.cursor() as cur:
        rules = card_rules(cur, TODAY)
        ids = [r[0] for r in cur.execute("SELECT id FROM customers").fetchall()]
    assert len(ids) == 300
    for customer_id in ids:
        stored = customers.get_customer(customer_id)
        clean = validate_customer(stored, rules)
        assert clean.mobile == stored["mobile"] and clean.phone == stored["phone"]
        assert clean.postcode == stored["postcode"]


def test_bulk_index_matches_the_rules_tokens(demo_db):
    with db.cursor() as cur:
        rows = cur.execute("SELECT customer_id, token FROM customer_search").fetchall()
    bulk: dict[int, set[str]] = {}
    for customer_id, token in rows:
        bulk.setdefault(customer_id, set()).add(token)
    for customer_id, tokens in bulk.items():
        assert tokens == customer_tokens(customers.get_customer(customer_id)), customer_id


def test_demo_is_deterministic():
    one, two = demo.build_frame(50, seed=3), demo.build_frame(50, seed=3)
    assert one.equals(two)
    assert not one.equals(demo.build_frame(50, seed=4))


def test_demo_refuses_a_database_with_customers(demo_db):
    with pytest.raises(RuntimeError, match="already holds customers"):
        demo.generate(5, path=demo_db)


def test_settings_are_checked_then_stored(database):
    with pytest.raises(ValidationFailed) as info:
        shop.save_settings(
            {
                "currency": "EURO",
                "locale": "zz",
                "default_country": "XX",
                "account_prefix": "A B",
                "shop_name": "",
            },
            [("A", "x")],
            ADMIN,
        )
    assert {e.field for e in info.value.errors} == {
        "currency",
        "locale",
        "default_country",
        "account_prefix",
        "shop_name",
    }
    shop.save_settings(
        {
            "currency": "gbp",
            "locale": "en_GB",
            "default_country": "GB",
            "account_prefix": "LDN-",
            "shop_name": "Cycles",
        },
        [("A", "Trade"), ("D", "")],
        ADMIN,
    )
    stored = shop.get_settings()
    assert (stored["currency"], stored["locale"], stored["default_country"]) == (
        "GBP",
        "en_GB",
        "GB",
    )
    assert [p["code"] for p in shop.get_lists().price_levels] == ["A", "D"]
    assert customers.preview_account_number() == "LDN-000001"


def test_a_price_level_in_use_cannot_be_removed(database):
    customers.create_customer({"last_name": "B-level", "price_level": "B"}, STAFF)
    with pytest.raises(ValidationFailed) as info:
        shop.save_settings({"shop_name": "Cycles"}, [("A", "Level A")], ADMIN)
    (error,) = info.value.errors
    assert error.code == "price_level_in_use" and error.params["code"] == "B"
    assert [p["code"] for p in shop.get_lists().price_levels] == ["A", "B", "C"]


def test_settings_are_read_once_and_fresh_after_a_save(database, monkeypatch):
    reads = []
    original = shop.settings_repo.get_all
    monkeypatch.setattr(
        shop.settings_repo, "get_all", lambda cur, code: reads.append(1) or original(cur, code)
    )
    shop.forget_settings()
    first = shop.current()
    for _ in range(20):  # every widget of a page asks
        assert shop.current() is first
        shop.get_settings()
        shop.get_lists()
    assert len(reads) == 1
    # Another process's write shows after the cache's lifetime.
    with db.transaction() as cur:
        cur.execute("UPDATE shop_settings SET value = 'Elsewhere' WHERE key = 'shop_name'")
    assert shop.current().values["shop_name"] != "Elsewhere"
    monkeypatch.setattr(settings._kept(), "seconds", 0.0)  # its lifetime is over
    assert shop.current().values["shop_name"] == "Elsewhere"
    monkeypatch.setattr(settings._kept(), "seconds", 60.0)
    # A save in this process is seen at once.
    shop.save_settings({"shop_name": "Cycles Neufs"}, [("A", "Public")], ADMIN)
    assert shop.current().values["shop_name"] == "Cycles Neufs"
    assert shop.get_lists().price_levels == [{"code": "A", "name": "Public"}]


def test_a_price_level_in_use_names_how_many_customers_in_the_right_form(database):
    from comptoir.i18n.errors import describe_all

    shop.save_settings({}, [("A", "Public"), ("B", "Trade")], ADMIN)
    customers.create_customer({"last_name": "Seul", "price_level": "B"}, STAFF)
    with pytest.raises(ValidationFailed) as info:
        shop.save_settings({}, [("A", "Public")], ADMIN)
    assert "level B is used by 1 customer; move it first." in describe_all(info.value, "en")
    customers.create_customer({"last_name": "Second", "price_level": "B"}, STAFF)
    with pytest.raises(ValidationFailed) as info:
        shop.save_settings({}, [("A", "Public")], ADMIN)
    assert "utilisé par 2 clients ; changez-les d'abord." in describe_all(info.value, "fr")
