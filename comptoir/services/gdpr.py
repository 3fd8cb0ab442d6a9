"""Data protection: a customer's subject-access file (managers), erasure (administrators)
and the suppression list that keeps an erased contact from marketing."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comptoir.data import customers as customers_repo
from comptoir.data import db
from comptoir.data import gdpr as repo
from comptoir.i18n import t
from comptoir.i18n.catalog import describe_changes, field_label
from comptoir.logic.audit import FieldChange, from_json
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import NotFound, StaleRecord, ValidationFailed, present
from comptoir.logic.gdpr import (
    CLEARED_FIELDS,
    ERASED,
    contact_digests,
    erase_refusals,
    erased_changes,
    erased_snapshot,
)
from comptoir.logic.search import customer_tokens, tokens_rows
from comptoir.operations import clock, export_files, suppression, unit_of_work
from comptoir.operations.printouts import shop_header
from comptoir.operations.unit_of_work import UnitOfWork
from comptoir.printing.pdf_a4 import subject_access_pdf

SCREEN = "gdpr"
MERGE_SCREEN = "merge"  # services.merges.SCREEN (a use case never imports another)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return value


def _readable(changes: object, language: str) -> object:
    """An audit entry's changes as the History tab words them (as stored if unreadable)."""
    try:
        return describe_changes(from_json(str(changes)), language)
    except (ValueError, TypeError, KeyError):
        return changes


def subject_access(
    actor: Actor, customer_id: int, now: datetime | None = None
) -> export_files.ExportFile:
    """Everything held on the customer as a zip of a JSON file and a readable PDF; audited."""
    require(actor, "gdpr.access")
    moment = clock.utc(now)
    with db.cursor() as cur:
        found = repo.held(cur, customer_id)
        undone = repo.undone_merge_moments(cur, customer_id)
    if not found["card"]:
        raise NotFound("customer", customer_id)
    card = found["card"][0]
    language = shop_header(card).language
    # A merge that was undone wrote the other record's values into this one's trail (and
    # took them out again): those are someone else's data, withheld here.
    withheld = t("gdpr.withheld", language)
    for row in found["audit_trail"]:
        if row["screen"] == MERGE_SCREEN and row["occurred_at"] in undone:
            row["changes"] = json.dumps(erased_changes(json.loads(row["changes"]), withheld))
    plain = {
        name: [{k: _plain(v) for k, v in row.items()} for row in rows]
        for name, rows in found.items()
    }
    header = shop_header(card)
    name = f"subject-access-{card['account_number']}-{clock.local(moment):%Y%m%d-%H%M}"
    pdf = subject_access_pdf(
        header,
        t("gdpr.file_title", language),
        t(
            "gdpr.file_subtitle",
            language,
            number=card["account_number"],
            when=clock.local(moment).strftime("%Y-%m-%d %H:%M"),
        ),
        [
            (
                t(f"gdpr.section.{section}", language),
                [
                    {
                        field_label(k, language): _readable(v, language) if k == "changes" else v
                        for k, v in row.items()
                    }
                    for row in rows
                ],
            )
            for section, rows in plain.items()
        ],
        t("gdpr.section_empty", language),
        language,
    )
    document = {
        "customer_id": customer_id,
        "account_number": card["account_number"],
        "made_at": moment.isoformat(),
        "shop": header.name,
        "sections": plain,
    }
    folder = export_files.new_folder()
    target = folder / f"{name}.zip"
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{name}.json", json.dumps(document, indent=1, ensure_ascii=False))
            archive.writestr(f"{name}.pdf", pdf)
        rows = sum(len(rows) for rows in found.values())
        unit_of_work.run(
            actor,
            "gdpr.access",
            SCREEN,
            lambda uow: uow.audit(
                "subject_access", "customer", customer_id, [FieldChange("rows", None, rows)]
            ),
            moment,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return export_files.ExportFile(target, target.name, "application/zip", rows)


def is_suppressed(email: str | None, mobile: str | None) -> bool:
    """True when this e-mail or mobile belonged to an erased customer."""
    return suppression.is_suppressed(email, mobile)


def _anonymise_card(
    cur: Any, card: dict[str, Any], version: int, key: bytes, moment: datetime
) -> dict[str, str]:
    """One record of the person anonymised at version, out of search, its contacts on
    the suppression list; their digests."""
    customer_id = int(card["id"])
    digests = contact_digests(key, {"email": card["email"], "mobile": card["mobile"]})
    if not repo.anonymise(cur, customer_id, version, dict.fromkeys(CLEARED_FIELDS), moment):
        raise StaleRecord(customer_id, customers_repo.current_version(cur, customer_id))
    remaining = {"account_number": card["account_number"], "last_name": ERASED}
    customers_repo.replace_tokens(
        cur, customer_id, tokens_rows(customer_id, customer_tokens(remaining)), ERASED, False
    )
    repo.suppress(cur, digests, moment)
    return digests


def _scrub_history(cur: Any, customer_ids: list[int], key: bytes, moment: datetime) -> None:
    """The person's values out of the audit trail, merge snapshots and import undo data;
    every e-mail and mobile they had there goes on the suppression list first."""
    former: list[dict[str, Any]] = []
    rewritten: list[tuple[str, int]] = []
    for entry_id, changes in repo.audit_entries(cur, customer_ids):
        recorded = json.loads(changes)
        for change in recorded:
            if change.get("field") in ("email", "mobile"):
                for value in (change.get("before"), change.get("after")):
                    former.append({str(change["field"]): value})
        rewritten.append((json.dumps(erased_changes(recorded), default=str), entry_id))
    repo.rewrite_audit_changes(cur, rewritten)
    for merge in repo.merges_of(cur, customer_ids):
        snapshot = json.loads(merge["survivor_before"])
        former.append({"email": snapshot.get("email"), "mobile": snapshot.get("mobile")})
        survivor = json.dumps(erased_snapshot(snapshot))
        repo.rewrite_merge_snapshots(cur, merge["id"], survivor, merge["merged_before"])
    repo.forget_import_values(cur, customer_ids)
    distinct = {(kind, value) for contacts in former for kind, value in contacts.items() if value}
    for kind, value in sorted(distinct):
        repo.suppress(cur, contact_digests(key, {kind: value}), moment)


def erase(actor: Actor, customer_id: int, version: int, now: datetime | None = None) -> None:
    """Anonymise a customer, keeping the financial records (sales, invoices, ledger amounts
    and dates); refused, naming each reason, while something is still owed either way or
    an order is open. The e-mail and mobile go to the suppression list as keyed hashes."""
    require(actor, "gdpr.erase")
    moment = clock.utc(now)
    key = suppression.suppression_key()

    def work(uow: UnitOfWork) -> None:
        cur = uow.cur
        card = present(customers_repo.get(cur, customer_id), "customer", customer_id)
        refusals = erase_refusals(repo.holdings(cur, customer_id, clock.local_day(moment)))
        if refusals:
            raise ValidationFailed(refusals)
        if card["version"] != version:
            raise StaleRecord(customer_id, card["version"])
        digests = _anonymise_card(cur, card, version, key, moment)
        # Records merged into this one are the same person: erased with it.
        others = repo.merged_away(cur, customer_id)
        for other in others:
            merged = customers_repo.get(cur, other)
            if merged is not None:
                _anonymise_card(cur, merged, merged["version"], key, moment)
        _scrub_history(cur, [customer_id, *others], key, moment)
        # The trail says what was erased, never the values (they are gone on purpose).
        uow.audit(
            "erase",
            "customer",
            customer_id,
            [
                FieldChange("fields", None, ", ".join(CLEARED_FIELDS)),
                FieldChange("suppressed", None, ", ".join(sorted(digests))),
                FieldChange("merged_records", None, len(others)),
            ],
        )

    unit_of_work.run(actor, "gdpr.erase", SCREEN, work, moment)
