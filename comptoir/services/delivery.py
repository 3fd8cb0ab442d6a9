"""Delivery addresses: the card's list, the billing address copied, web-shop imports,
the courier label to a chosen address."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import delivery as repo
from comptoir.logic.account_numbers import account_key
from comptoir.logic.audit import FieldChange, diff
from comptoir.logic.auth import Actor, require
from comptoir.logic.csv_files import read_table
from comptoir.logic.delivery import FIELDS, billing_as_delivery, check_address, place_key
from comptoir.logic.errors import FieldError, NotFound, StaleRecord, ValidationFailed, present
from comptoir.logic.records import Edit
from comptoir.operations import printouts, unit_of_work
from comptoir.operations import settings as shop_settings
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.addresses import postal_lines
from comptoir.printing.model import Label

SCREEN = "delivery_addresses"
IMPORT_SCREEN = "web_import"


def one_line(address_id: int) -> str:
    """An address on one line (a sale's delivery address, even one since removed)."""
    with db.cursor() as cur:
        found = repo.address(cur, address_id)
    if found is None:
        return ""
    parts = ("name", "address1", "address2", "postcode", "city", "country_code")
    return ", ".join(str(found[p]) for p in parts if found[p])


def addresses(actor: Actor, customer_id: int) -> list[dict[str, Any]]:
    """The customer's delivery addresses, default first."""
    require(actor, "customers.view")
    with db.cursor() as cur:
        return repo.of_customer(cur, customer_id)


def _clean(raw: Mapping[str, object]) -> dict[str, Any]:
    country = shop_settings.get_settings().get("default_country", "FR")
    clean, errors = check_address(raw, country)
    if errors:
        raise ValidationFailed(errors)
    return clean


def _add(uow: UnitOfWork, customer_id: int, clean: dict[str, Any], source: str) -> int:
    key = place_key(clean)
    if repo.same_place(uow.cur, customer_id, key) is not None:
        raise ValidationFailed([FieldError("address1", "address_exists")])
    first = not repo.of_customer(uow.cur, customer_id)
    address_id = repo.insert(
        uow.cur,
        {
            "customer_id": customer_id,
            **clean,
            "source": source,
            "is_default": first,
            "place_key": key,
            "created_at": uow.now,
            "updated_at": uow.now,
        },
    )
    changes = [FieldChange(f"delivery.{k}", None, str(v)) for k, v in clean.items() if v]
    uow.audit("create", "customer", customer_id, changes)
    return address_id


def add(
    actor: Actor, customer_id: int, raw: Mapping[str, object], now: datetime | None = None
) -> int:
    """A delivery address typed by staff; refused when the customer has it already."""

    def work(uow: UnitOfWork) -> int:
        clean = _clean(raw)
        if customers_repo.get(uow.cur, customer_id) is None:
            raise NotFound(customer_id)
        return _add(uow, customer_id, clean, "manual")

    return unit_of_work.run(actor, "customers.edit", SCREEN, work, now)


def add_billing(actor: Actor, customer_id: int, now: datetime | None = None) -> int:
    """The billing address copied as a delivery address (unless it is there already)."""

    def work(uow: UnitOfWork) -> int:
        customer = present(customers_repo.get(uow.cur, customer_id), customer_id)
        return _add(uow, customer_id, _clean(billing_as_delivery(customer)), "billing")

    return unit_of_work.run(actor, "customers.edit", SCREEN, work, now)


def edit(actor: Actor, change: Edit, now: datetime | None = None) -> None:
    """Change an address (old values in the audit trail); the default flag too."""
    address_id, version, raw = change.record_id, change.version, change.changes
    make_default = bool(raw.get("is_default"))

    def work(uow: UnitOfWork) -> None:
        clean = _clean(raw)
        before = _present(uow, address_id)
        key = place_key(clean)
        if repo.same_place(uow.cur, before["customer_id"], key, exclude_id=address_id):
            raise ValidationFailed([FieldError("address1", "address_exists")])
        fields = {**clean, "place_key": key, "is_default": make_default or before["is_default"]}
        if not repo.update(uow.cur, address_id, version, fields, uow.now):
            raise StaleRecord(address_id, before["version"])
        if make_default:
            repo.clear_default(uow.cur, before["customer_id"], address_id)
        changes = [
            FieldChange(f"delivery.{c.field}", c.before, c.after)
            for c in diff(before, clean, list(FIELDS))
        ]
        if changes:
            uow.audit("update", "customer", before["customer_id"], changes)

    unit_of_work.run(actor, "customers.edit", SCREEN, work, now)


def _present(uow: UnitOfWork, address_id: int) -> dict[str, Any]:
    """The address as it is, or NotFound when it is gone (removed meanwhile too)."""
    before = repo.address(uow.cur, address_id)
    if before is None or before["removed_at"] is not None:
        raise NotFound(address_id)
    return before


def remove(actor: Actor, address_id: int, version: int, now: datetime | None = None) -> None:
    """Take an address off the list (kept for the sales that used it, and audited)."""

    def work(uow: UnitOfWork) -> None:
        before = _present(uow, address_id)
        gone = {"removed_at": uow.now, "is_default": False}
        if not repo.update(uow.cur, address_id, version, gone, uow.now):
            raise StaleRecord(address_id, before["version"])
        text = ", ".join(str(before[k]) for k in ("address1", "postcode", "city") if before[k])
        changes = [FieldChange("delivery.removed", text, None)]
        uow.audit("update", "customer", before["customer_id"], changes)

    unit_of_work.run(actor, "customers.edit", SCREEN, work, now)


# ---- web-shop orders ----------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: added, duplicates skipped, rows with no customer, bad rows."""

    added: int = 0
    duplicates: list[int] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)
    invalid: list[tuple[int, str, str]] = field(default_factory=list)  # line, field, code


WEB_COLUMNS = ("email", "account_number", *FIELDS)


def _rows(data: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    if name.lower().endswith(".json"):
        try:
            items = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValidationFailed([FieldError("file", "json_invalid")]) from None
        if not isinstance(items, list):
            raise ValidationFailed([FieldError("file", "json_invalid")])
        return [
            (number, {k: str(v) for k, v in item.items() if v is not None})
            if isinstance(item, dict)
            else (number, {})
            for number, item in enumerate(items, start=1)
        ]
    table = read_table(data, ("address1",))
    return list(table.rows)


def import_web_orders(
    actor: Actor, data: bytes, name: str, now: datetime | None = None
) -> ImportReport:
    """Delivery addresses of web-shop orders (CSV or JSON: the customer's e-mail or account
    number, then the address). New ones are added with source "web"; the same place
    again is skipped; rows with no customer or a bad field are reported by line."""
    require(actor, "customers.edit")  # before reading the file (run() checks it again)
    rows = _rows(data, name)
    country = shop_settings.get_settings().get("default_country", "FR")
    report = ImportReport()
    checked: list[tuple[int, str, str | None, dict[str, Any]]] = []
    for line, row in rows:
        clean, errors = check_address(row, country)
        if errors:
            report.invalid.append((line, errors[0].field, errors[0].code))
            continue
        email = (row.get("email") or "").strip().lower()
        account = (
            account_key(row.get("account_number") or "") if row.get("account_number") else None
        )
        if not email and not account:
            report.invalid.append((line, "email", "required"))
            continue
        checked.append((line, email, account, clean))

    def work(uow: UnitOfWork) -> None:
        # A write conflict runs this again: what the failed attempt counted goes.
        report.added = 0
        report.duplicates.clear()
        report.unmatched.clear()
        cur = uow.cur
        by_email, by_account = repo.customer_ids_by_contact(
            cur,
            sorted({e for _, e, _, _ in checked if e}),
            sorted({a for _, _, a, _ in checked if a}),
        )
        owners = [by_account.get(a or "") or by_email.get(e) for _, e, a, _ in checked]
        seen = repo.place_keys(cur, sorted({o for o in owners if o}))
        for (line, _, _, clean), owner in zip(checked, owners, strict=True):
            if owner is None:
                report.unmatched.append(line)
                continue
            key = place_key(clean)
            if (owner, key) in seen:
                report.duplicates.append(line)
                continue
            first = not any(c == owner for c, _ in seen)
            seen.add((owner, key))
            repo.insert(
                cur,
                {
                    "customer_id": owner,
                    **clean,
                    "source": "web",
                    "is_default": first,
                    "place_key": key,
                    "created_at": uow.now,
                    "updated_at": uow.now,
                },
            )
            report.added += 1
        if report.added:
            changes = [FieldChange("delivery_addresses", None, f"{report.added} ({name})")]
            uow.audit("import", "customer_list", None, changes)

    unit_of_work.run(actor, "customers.edit", IMPORT_SCREEN, work, now)
    return report


# ---- the courier label ---------------------------------------------------------------


def label(customer_id: int, address_id: int | None) -> Label:
    """The courier label to the billing address (None) or one delivery address."""
    if address_id is None:
        return printouts.customer_label(customer_id)
    header = printouts.shop_header()
    with db.cursor() as cur:
        customer = customers_repo.get(cur, customer_id)
        found = repo.address(cur, address_id)
    if customer is None or found is None or found["customer_id"] != customer_id:
        raise NotFound(address_id)
    recipient = {**found, "first_name": found["name"] or "", "last_name": ""}
    return Label(
        recipient=postal_lines(recipient, header.country, header.language),
        sender=(header.name, *header.address_lines),
        reference=str(customer["account_number"]),
    )


def print_label(actor: Actor, customer_id: int, address_id: int | None) -> printouts.PrintOutcome:
    """Print the courier label to the chosen address (label printer, else PDF)."""
    require(actor, "print.documents")
    return printouts.courier_label_job(actor, customer_id, label(customer_id, address_id))
