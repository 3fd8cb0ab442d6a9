"""Erasure rules and the suppression list's keyed hashes."""

from __future__ import annotations

from decimal import Decimal

from comptoir.logic.gdpr import Holdings, contact_digests, erase_refusals


def test_nothing_held_means_erasure_may_go_ahead():
    assert erase_refusals(Holdings()) == []


def test_every_reason_is_named():
    held = Holdings(Decimal("-5.00"), active_vouchers=1, points=40, open_orders=2, erased=False)
    assert [(e.field, e.code, e.params) for e in erase_refusals(held)] == [
        ("customer", "erase_balance", {"balance": "-5.00"}),
        ("customer", "erase_vouchers", {"vouchers": "1"}),
        ("customer", "erase_points", {"points": "40"}),
        ("customer", "erase_orders", {"orders": "2"}),
    ]
    assert [e.code for e in erase_refusals(Holdings(erased=True))] == ["already_erased"]


def test_digests_are_keyed_normalised_and_never_the_contact():
    one = contact_digests(b"k1", {"email": " Zoe@Example.org ", "mobile": "+33612345678"})
    assert one == contact_digests(b"k1", {"email": "zoe@example.org", "mobile": "+33612345678"})
    assert one["email"] != contact_digests(b"k2", {"email": "zoe@example.org"})["email"]
    assert "zoe" not in one["email"] and len(one["email"]) == 64
    assert contact_digests(b"k1", {"email": None, "mobile": "  "}) == {}
    # An e-mail and a mobile with the same text are different entries.
    assert (
        contact_digests(b"k", {"email": "x"})["email"]
        != contact_digests(b"k", {"mobile": "x"})["mobile"]
    )
