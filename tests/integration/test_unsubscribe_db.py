"""The unsubscribe link, on both engines through a real SMTP server on loopback: every
marketing e-mail carries a signed link; following it withdraws consent once, recorded in
the consent history with the link as its source; a changed link is refused."""

from __future__ import annotations

import re
import uuid

import pytest

from comptoir.logic.errors import ValidationFailed
from comptoir.operations import suppression
from comptoir.services import customers, merges, messaging, unsubscribe
from devkit.messaging_servers import smtp_server, twilio_server, write_secrets
from tests.conftest import ADMIN, MANAGER, STAFF

LINK = re.compile(r"https://shop\.example/unsubscribe\?t=(\d+\.[A-Za-z0-9_-]+)")


@pytest.fixture
def mailbox(database, tmp_path, monkeypatch):
    monkeypatch.setenv(suppression.KEY_ENV, "test-suppression-key")
    monkeypatch.setenv(suppression.URL_ENV, "https://shop.example/")
    with smtp_server() as (box, smtp_port), twilio_server() as (_, twilio_port):
        monkeypatch.setenv(
            "COMPTOIR_SECRETS",
            str(write_secrets(tmp_path / "secrets.toml", smtp_port, twilio_port)),
        )
        yield box


def _customer(**fields: object) -> int:
    return customers.create_customer(
        {"last_name": "Roux", "email": "lea.roux@exemple.fr", "marketing_opt_in": True, **fields},
        STAFF,
    )


def _text(mail) -> str:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    return part.get_content().replace("\r\n", "\n")


def test_a_marketing_email_links_to_a_one_click_withdrawal(mailbox):
    lea = _customer(language="fr", mobile="06 12 34 56 78", sms_opt_in=True)
    messaging.send_message(
        MANAGER, lea, "email", "Soldes de printemps", uuid.uuid4().hex, "Soldes", "marketing"
    )
    text = _text(mailbox.wait_for(1)[0][2])
    assert text.startswith("Soldes de printemps\n\nPour ne plus recevoir ces messages")
    [token] = LINK.findall(text)
    assert token.startswith(f"{lea}.")
    assert unsubscribe.link_language(token) == "fr"

    assert unsubscribe.unsubscribe(token) is True
    card = customers.get_customer(lea)
    # The e-mail's link withdraws consent to e-mails; texts are another channel.
    assert (card["marketing_opt_in"], card["sms_opt_in"]) == (False, True)
    latest = customers.consent_history(lea)[0]
    assert (latest["marketing_opt_in"], latest["screen"], latest["changed_by"]) == (
        False,
        "unsubscribe_link",
        "Customer (link)",
    )
    assert latest["channel"] == "email"
    assert unsubscribe.unsubscribe(token) is False  # once
    assert len(customers.consent_history(lea)) == 3  # e-mail and SMS given, e-mail withdrawn
    with pytest.raises(ValidationFailed) as refused:
        messaging.send_message(MANAGER, lea, "email", "Encore", uuid.uuid4().hex, "S", "marketing")
    assert [e.code for e in refused.value.errors] == ["no_marketing_consent"]


def test_a_transactional_email_has_no_link(mailbox):
    lea = _customer()
    messaging.send_message(STAFF, lea, "email", "Your bike is ready", uuid.uuid4().hex, "Ready")
    assert _text(mailbox.wait_for(1)[0][2]) == "Your bike is ready\n"


def test_a_changed_or_foreign_link_is_refused(mailbox):
    lea, other = _customer(), _customer(email="autre@exemple.fr")
    token = suppression.link(lea).split("t=")[1]
    signature = token.split(".")[1]
    for bad in (f"{other}.{signature}", f"{lea}.{signature[:-1]}A", "", "12", "x.y", "١.x"):
        with pytest.raises(ValidationFailed) as refused:
            unsubscribe.unsubscribe(bad)
        assert [(e.field, e.code) for e in refused.value.errors] == [
            ("link", "unsubscribe_invalid")
        ]
        assert unsubscribe.link_language(bad) is None
    assert customers.get_customer(other)["marketing_opt_in"] is True


def test_a_merged_records_link_withdraws_the_record_kept(mailbox):
    kept, gone = _customer(), _customer(email="double@exemple.fr")
    token = suppression.link(gone).split("t=")[1]
    a, b = customers.get_customer(kept), customers.get_customer(gone)
    merges.merge(ADMIN, kept, a["version"], gone, b["version"], {})
    assert unsubscribe.unsubscribe(token) is True
    assert customers.get_customer(kept)["marketing_opt_in"] is False
