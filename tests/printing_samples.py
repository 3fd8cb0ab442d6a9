"""Documents used by the printing tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from comptoir.printing.model import (
    Invoice,
    Label,
    Receipt,
    SaleLine,
    Shop,
    Statement,
    StatementEntry,
    TaxLine,
    Tender,
    Voucher,
)

D = Decimal
SHOP_FR = Shop(
    name="Cycles du Comptoir",
    address_lines=("12 rue du Moulin", "74000 Annecy"),
    phone="04 50 00 00 00",
    footer="Merci et bonne route !",
    currency="EUR",
    language="fr",
    country="FR",
)
SHOP_GB = Shop(
    name="Comptoir Cycles",
    address_lines=("1 High Street", "Oxford OX1 2JD"),
    currency="GBP",
    language="en",
    country="GB",
)


def receipt(shop: Shop = SHOP_FR, **changes) -> Receipt:
    lines = (
        SaleLine("Chambre à air 700×25c", D("2"), D("6.50"), D("13.00")),
        SaleLine(
            "Révision complète — vélo de ville avec un nom très long qui déborde",
            D("1"),
            D("89.00"),
            D("80.10"),
            D("8.90"),
        ),
    )
    values = dict(
        shop=shop,
        number="R000123",
        issued_at=datetime(2026, 11, 29, 10, 30),
        staff="Sam Vendeur",
        lines=lines,
        total=D("1234.56"),
        taxes=(TaxLine(D("20"), D("1028.80"), D("205.76")), TaxLine(D("5.5"), D("0"), D("0"))),
        tenders=(Tender("card", D("1000.00")), Tender("cash", D("250.00"))),
        change=D("15.44"),
        customer_name="Élodie Façade",
        customer_discount=D("4.50"),
        customer_discount_percent=D("5"),
    )
    values.update(changes)
    return Receipt(**values)


def invoice() -> Invoice:
    return Invoice(
        receipt(customer_tax_number="FR12345678901"),
        "F2026-000042",
        ("Cycles Façade SARL", "3 place de l'Église", "69003 LYON"),
    )


def statement() -> Statement:
    return Statement(
        shop=SHOP_FR,
        customer_name="Élodie Façade",
        account_number="C000042",
        address_lines=("3 place de l'Église", "69003 LYON"),
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        opening_balance=D("100.00"),
        entries=(
            StatementEntry(date(2026, 10, 3), "charge", "R000100", D("250.00"), D("350.00")),
            StatementEntry(date(2026, 10, 20), "payment", "P000007", D("-300.00"), D("50.00")),
        ),
        closing_balance=D("50.00"),
        aged=(D("50.00"), D("0"), D("0"), D("0"), D("0")),
    )


def voucher() -> Voucher:
    return Voucher(SHOP_FR, "GV-7Q2K9", D("50.00"), date(2027, 11, 29), date(2026, 11, 29))


def label() -> Label:
    return Label(
        recipient=("Cycles Martin", "Léa Martin", "12 rue du Moulin", "74000 ANNECY"),
        sender=("Cycles du Comptoir", "12 rue du Moulin", "74000 Annecy"),
        reference="C000042",
    )
