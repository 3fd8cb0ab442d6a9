"""Demo shop activity on top of the demo customers: products, accounts and sales.

Everything goes through the real services (rules, numbering, ledger, audit),
dated over the last months, deterministic for a given seed.
"""

from __future__ import annotations

import heapq
import random
from datetime import datetime, timedelta
from decimal import Decimal

from comptoir.logic.accounts import CreditLimitExceeded
from comptoir.logic.auth import Actor
from comptoir.operations import clock
from comptoir.services import (
    accounts,
    customers,
    products,
    receipts,
    returns,
    till,
    workshop,
    workshop_lines,
)
from comptoir.services.accounts import EntryRequest
from comptoir.services.till import LineRequest

PRODUCTS: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    # sku, name, price, tax rate, level prices
    ("TUBE-700-25", "Chambre à air 700×25c", "6.50", "20", {"A": "5.50", "B": "5.00"}),
    ("TUBE-26-2", "Chambre à air 26×2.0", "7.90", "20", {"B": "6.00"}),
    ("TYRE-GP5000", "Pneu route 700×28c", "64.90", "20", {"A": "58.00", "B": "52.00"}),
    ("TYRE-MTB-29", "Pneu VTT 29×2.4", "49.90", "20", {"B": "42.00"}),
    ("CHAIN-11S", "Chaîne 11 vitesses", "39.90", "20", {"B": "33.00"}),
    ("CASSETTE-11-32", "Cassette 11-32", "79.00", "20", {}),
    ("PADS-DISC", "Plaquettes de frein disque", "24.90", "20", {"B": "19.90"}),
    ("CABLE-KIT", "Kit câbles et gaines", "29.90", "20", {}),
    ("LIGHT-FRONT", "Éclairage avant USB", "34.90", "20", {"A": "31.00"}),
    ("LIGHT-REAR", "Éclairage arrière USB", "24.90", "20", {}),
    ("LOCK-U", "Antivol en U", "59.00", "20", {}),
    ("HELMET-CITY", "Casque urbain", "69.00", "20", {}),
    ("BOTTLE-750", "Bidon 750 ml", "9.90", "20", {}),
    ("MAP-ALPS", "Carte vélo des Alpes", "12.50", "5.5", {}),
    ("BOOK-REPAIR", "Guide de l'entretien vélo", "19.90", "5.5", {}),
    ("SERVICE-BASIC", "Révision simple", "45.00", "20", {"B": "40.00"}),
    ("SERVICE-FULL", "Révision complète", "89.00", "20", {"B": "80.00"}),
    ("LABOUR-30", "Main-d'œuvre 30 min", "25.00", "20", {}),
)


def create(owner: Actor, seed: int = 7, today: datetime | None = None) -> dict[str, int]:
    """Products, ~60 credit accounts with their ledger, ~150 sales with a few returns."""
    rng = random.Random(seed)
    now = clock.utc(today)
    product_ids = []
    for sku, name, price, rate, levels in PRODUCTS:
        raw = {"sku": sku, "name": name, "price": price, "tax_rate": rate}
        raw.update({f"price_{level}": value for level, value in levels.items()})
        product_ids.append(products.save_product(owner, None, None, raw, now=now))
    rows = customers.search_customers("", page_size=100).rows
    types = {t["name"]: t["id"] for t in accounts.account_types()}
    on_account = []
    for row in rows[:60]:
        kind = "Trade 30 days" if row["company"] else "Club members"
        accounts.assign_account_type(owner, row["id"], types[kind], now=now - timedelta(days=200))
        on_account.append(row["id"])
    made = returned = 0
    # Sales are recorded in time order, returns slotted in when they happen, so
    # receipt and invoice numbers increase with time as at a real till.
    times = sorted(
        now - timedelta(days=rng.randint(0, 150), minutes=rng.randint(0, 600)) for _ in range(150)
    )
    due_returns: list[tuple[datetime, int, int, str]] = []

    def return_items_until(moment: datetime) -> int:
        nonlocal returned
        done = 0
        while due_returns and due_returns[0][0] <= moment:
            when, number, sale_id, method = heapq.heappop(due_returns)
            returns.refund_sale(
                owner, sale_id, {1: "1"}, method, f"demo-return-{seed}-{number}", now=when
            )
            done += 1
        returned += done
        return done

    # Workshop jobs are checked in first; each collection (a sale) is slotted in at its
    # time like the returns.
    collections = _check_in(owner, rng, rows, product_ids, now, seed)

    def collect_until(moment: datetime) -> None:
        while collections and collections[0][0] <= moment:
            # A return due before this collection goes first: numbers follow time.
            return_items_until(collections[0][0])
            when, number, order_id = heapq.heappop(collections)
            due = workshop_lines.order_totals(workshop.order_detail(owner, order_id)).due
            key = f"demo-collect-{seed}-{number}"
            workshop_lines.collect(owner, order_id, [("card", str(due))], key, when)

    for number, when in enumerate(times):
        collect_until(when)
        return_items_until(when)
        customer_id = rng.choice(rows)["id"] if rng.random() < 0.8 else None
        lines = [
            LineRequest(rng.choice(product_ids), str(rng.randint(1, 2)))
            for _ in range(rng.randint(1, 3))
        ]
        _, basket = till.preview(customer_id, lines)
        method = (
            "account"
            if customer_id in on_account and rng.random() < 0.6
            else rng.choice(["card", "card", "cash"])
        )
        try:
            sale_id = till.record_sale(
                owner,
                customer_id,
                lines,
                [(method, str(basket.total))],
                f"demo-sale-{seed}-{number}",
                now=when,
            )
        except CreditLimitExceeded:
            continue
        made += 1
        if rng.random() < 0.2:
            receipts.issue_invoice(owner, sale_id, now=when)
        if rng.random() < 0.04 and method != "account":
            back = min(now, when + timedelta(days=3))
            heapq.heappush(due_returns, (back, number, sale_id, method))
    collect_until(now)
    return_items_until(now)
    for number, customer_id in enumerate(on_account):
        balance = accounts.overview(owner, customer_id).balance
        if balance > 0 and rng.random() < 0.6:
            part = (balance * Decimal(rng.choice(["1", "0.5"]))).quantize(Decimal("0.01"))
            accounts.record_entry(
                owner,
                customer_id,
                EntryRequest(
                    "payment",
                    str(part),
                    method=rng.choice(["transfer", "cheque"]),
                    on=clock.local_day(now - timedelta(days=rng.randint(0, 20))),
                ),
                f"demo-payment-{seed}-{number}",
                now=now,
            )
    return {
        "products": len(product_ids),
        "accounts": len(on_account),
        "sales": made,
        "returns": returned,
        "jobs": JOBS,
    }


BIKES = (
    ("Trek Domane SL6", "Trek", "Domane SL6", "Red"),
    ("Specialized Rockhopper", "Specialized", "Rockhopper", "Green"),
    ("Brompton C Line", "Brompton", "C Line", "Black"),
    ("Giant Talon 29", "Giant", "Talon 29", "Blue"),
    ("Cannondale Topstone", "Cannondale", "Topstone", "Grey"),
    ("Moustache Samedi 28", "Moustache", "Samedi 28", "White"),
)
FAULTS = (
    "Gears skip under load",
    "Rear brake rubs",
    "Puncture, tyre worn",
    "Annual service",
    "Creak from the bottom bracket",
    "Front light does not charge",
)


JOBS = 24


def _check_in(
    owner: Actor, rng: random.Random, rows: list, product_ids: list[int], now: datetime, seed: int
) -> list[tuple[datetime, int, int]]:
    """Workshop jobs: a third done weeks ago (to collect, then their reminders fall due),
    the others open in every status, promised around today, booked over the next days.
    Returns the collections to make: (when, number, order id), soonest first."""
    collections: list[tuple[datetime, int, int]] = []
    starts = sorted(
        (now - timedelta(days=rng.randint(45, 120) if n < 8 else rng.randint(0, 6)), n)
        for n in range(JOBS)
    )
    for start, number in starts:
        customer_id = rows[(number * 7) % len(rows)]["id"]
        name, make, model, colour = BIKES[number % len(BIKES)]
        today = clock.local_day(start)
        order_id = workshop.create_order(
            owner,
            customer_id,
            {
                "kind": "job",
                "reported": FAULTS[number % len(FAULTS)],
                "agreed": "Quote before parts over 50 €" if number % 3 else "",
                "estimate_limit": "150" if number % 2 else "",
                "promised_on": today + timedelta(days=rng.randint(1, 8)),
                "booked_on": today + timedelta(days=rng.randint(0, 13)),
                "booked_hours": rng.choice(["1", "1.5", "2", "3"]),
                "mechanic": rng.choice(["Léa", "Marc", ""]),
            },
            f"demo-job-{seed}-{number}",
            new_item={
                "name": name,
                "make": make,
                "model": model,
                "serial": f"WTU{seed:02d}{number:04d}",
                "colour": colour,
            },
            now=start,
        )
        workshop_lines.add_labour(owner, order_id, rng.choice(["0.5", "1", "1.5"]), now=start)
        workshop_lines.add_part(owner, order_id, rng.choice(product_ids[:8]), "1", now=start)
        if number < 8:
            for status in ("in_progress", "ready"):
                workshop.move(owner, order_id, status, now=start)
            collections.append((start + timedelta(days=2), number, order_id))
            continue
        for status in ("in_progress", "waiting_parts", "ready")[: number % 4]:
            workshop.move(owner, order_id, status, now=start)
    heapq.heapify(collections)
    return collections
