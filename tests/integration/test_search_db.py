"""Search, paging and sorting on a real DuckDB file."""

from __future__ import annotations

from comptoir.services import customers
from tests.conftest import STAFF


def _ids(term: str, **kw) -> set[int]:
    return {r["id"] for r in customers.search_customers(term, page_size=100, **kw).rows}


def test_find_by_each_kind_of_term(database):
    lea = customers.create_customer(
        {
            "last_name": "Le Gall",
            "first_name": "Léa",
            "company": "Vélos d'Annecy",
            "email": "lea.legall@exemple.fr",
            "mobile": "06 12 34 56 78",
            "postcode": "74000",
        },
        STAFF,
    )
    ava = customers.create_customer(
        {
            "last_name": "Smith",
            "first_name": "Ava",
            "country_code": "GB",
            "phone": "020 7946 0018",
            "postcode": "SW1A 2AA",
            "account_number": "LDN-7",
        },
        STAFF,
    )
    for term, expected in [
        ("gal", {lea}),
        ("LÉA", {lea}),
        ("lea gall", {lea}),
        ("velos", {lea}),
        ("lea.leg", {lea}),
        ("06 12 34", {lea}),
        ("+33 6 12 34 56 78", {lea}),
        ("0612-34", {lea}),
        ("74000", {lea}),
        ("+44 20 7946", {ava}),
        ("020 7946 0018", {ava}),
        ("sw1a 2aa", {ava}),
        ("SW1A2AA", {ava}),
        ("ldn-7", {ava}),
        ("ldn", {ava}),
        ("smith ava", {ava}),
        ("smith lea", set()),
        ("nobody", set()),
    ]:
        assert _ids(term) == expected, term


def test_edits_update_what_a_customer_is_found_by(database):
    customer_id = customers.create_customer({"last_name": "Avant"}, STAFF)
    customers.update_customer(customer_id, 1, {"last_name": "Après"}, STAFF)
    assert _ids("avant") == set()
    assert _ids("apres") == {customer_id}


def test_paging_sorting_and_total(demo_db):
    first = customers.search_customers("", page=0, page_size=25)
    second = customers.search_customers("", page=1, page_size=25)
    assert first.total == second.total == 300 and first.pages == 12
    assert len(first.rows) == 25
    assert not {r["id"] for r in first.rows} & {r["id"] for r in second.rows}
    names = [r["last_name"] for r in first.rows]
    assert names == sorted(names)
    down = customers.search_customers("", page_size=25, sort="account_number", descending=True)
    assert down.rows[0]["account_number"] == "C000300"


def test_rebuilding_the_sorted_index_keeps_results(demo_db):
    before = customers.search_customers("mar", page_size=100)
    assert before.total > 0
    assert customers.maintain_search_index(threshold=0)
    after = customers.search_customers("mar", page_size=100)
    assert [r["id"] for r in after.rows] == [r["id"] for r in before.rows]


def test_name_order_archiving_and_repeated_prefixes_on_either_engine(database):
    """What the PostgreSQL index-only page must agree on with the customers table."""
    made = {
        name: customers.create_customer(
            {"last_name": name, "first_name": "Jo", "email": f"{name.lower()}.dupond@x.fr"},
            STAFF,
        )
        for name in ("Dupuis", "Dupont", "Durand", "Dubreuil")
    }

    def names(term: str, **kw) -> list[str]:
        found = customers.search_customers(term, page_size=2, **kw)
        rows = list(found.rows)
        page = 1
        while len(rows) < found.total:
            rows += customers.search_customers(term, page=page, page_size=2, **kw).rows
            page += 1
        return [f"{r['last_name']}/{found.total}" for r in rows]

    # "du" matches each customer by name and by e-mail: each once, by name.
    assert names("du") == ["Dubreuil/4", "Dupont/4", "Dupuis/4", "Durand/4"]
    assert names("du jo") == ["Dubreuil/4", "Dupont/4", "Dupuis/4", "Durand/4"]
    assert names("dupu") == ["Dupuis/1"]
    assert names("dupo") == ["Dubreuil/4", "Dupont/4", "Dupuis/4", "Durand/4"]  # …dupond@
    customers.set_archived(made["Dupont"], 1, True, STAFF)
    assert names("du") == ["Dubreuil/3", "Dupuis/3", "Durand/3"]
    assert names("du", include_archived=True) == [
        "Dubreuil/4",
        "Dupont/4",
        "Dupuis/4",
        "Durand/4",
    ]
    current = customers.get_customer(made["Dupont"])
    customers.set_archived(made["Dupont"], current["version"], False, STAFF)
    current = customers.get_customer(made["Durand"])
    customers.update_customer(made["Durand"], current["version"], {"last_name": "Aduran"}, STAFF)
    # Still found by the e-mail (durand.dupond@…), now sorted by the new name.
    assert names("du") == ["Aduran/4", "Dubreuil/4", "Dupont/4", "Dupuis/4"]


def test_the_browse_count_follows_adds_archives_and_restores(database, monkeypatch):
    reads = []
    original = customers.repo.search_page
    monkeypatch.setattr(
        customers.repo,
        "search_page",
        lambda cur, words, **kw: reads.append(kw["total"]) or original(cur, words, **kw),
    )
    first = customers.create_customer({"last_name": "Un"}, STAFF)
    assert customers.search_customers("").total == 1
    assert customers.search_customers("").total == 1
    assert reads == [None, 1]  # counted once, then kept
    customers.create_customer({"last_name": "Deux"}, STAFF)
    assert customers.search_customers("").total == 2
    customers.set_archived(first, 1, True, STAFF)
    assert customers.search_customers("").total == 1
    assert customers.search_customers("", include_archived=True).total == 2
    customers.set_archived(first, 2, False, STAFF)
    assert customers.search_customers("").total == 2
