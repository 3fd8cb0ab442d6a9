"""The configured secrets (SMTP password, Twilio token, the suppression key, the database
URL's password) never reach the database, exports, subject-access files, backups, error
messages or logs — whatever is sent, fails, exported or erased."""

from __future__ import annotations

import logging
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from comptoir.data import db
from comptoir.operations import suppression
from comptoir.services import audit, backup, customers, export_views, exports, gdpr, messaging
from devkit.messaging_servers import ACCOUNT, free_port, smtp_server, twilio_server
from tests.conftest import ADMIN, MANAGER, STAFF

SMTP_PASSWORD = "SMTP-PASSWORD-7f3a9e"
TWILIO_TOKEN = "TWILIO-TOKEN-91bd2c"
SUPPRESSION_KEY = "SUPPRESSION-KEY-c81e44"


def _secrets(path: Path, smtp_port: int, twilio_port: int) -> Path:
    path.write_text(
        "\n".join(
            [
                "[smtp]",
                'host = "127.0.0.1"',
                f"port = {smtp_port}",
                'security = "none"',
                'user = "mailer"',
                f'password = "{SMTP_PASSWORD}"',
                'sender_name = "Cycles du Comptoir"',
                'sender_address = "atelier@comptoir.example"',
                "[twilio]",
                f'account_sid = "{ACCOUNT}"',
                f'auth_token = "{TWILIO_TOKEN}"',
                'from_number = "+33600000000"',
                f'api_base = "http://127.0.0.1:{twilio_port}"',
                "[privacy]",
                f'suppression_key = "{SUPPRESSION_KEY}"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def _every_table_as_text(path: Path | None = None) -> str:
    with db.cursor(path) as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema IN ('main', 'public') AND table_type = 'BASE TABLE'"
        )
        names = [row[0] for row in cur.fetchall()]
        return "\n".join(str(cur.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names)


def _zip_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_no_secret_anywhere(database, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.delenv(suppression.KEY_ENV, raising=False)
    secrets = [SMTP_PASSWORD, TWILIO_TOKEN, SUPPRESSION_KEY]
    url = db.current_url()
    if url:
        secrets.append(urlsplit(url).password or "")
    seen: list[str] = []
    with smtp_server() as (_, smtp_port), twilio_server() as (_, twilio_port):
        monkeypatch.setenv(
            "COMPTOIR_SECRETS", str(_secrets(tmp_path / "s.toml", smtp_port, twilio_port))
        )
        customer = customers.create_customer(
            {"last_name": "Secret", "email": "s@example.org", "mobile": "06 12 34 56 78"}, STAFF
        )
        # The local SMTP server offers no AUTH: the send fails with a stored reason.
        failed = messaging.send_message(
            STAFF, customer, "email", "Hello", uuid.uuid4().hex, subject="Hi"
        )
        messaging.send_message(STAFF, customer, "sms", "Your bike is ready", uuid.uuid4().hex)
        # A server that does not answer at all.
        monkeypatch.setenv(
            "COMPTOIR_SECRETS", str(_secrets(tmp_path / "down.toml", free_port(), free_port()))
        )
        messaging.send_message(STAFF, customer, "email", "Again", uuid.uuid4().hex, subject="Hi")
        messaging.send_message(STAFF, customer, "sms", "Again", uuid.uuid4().hex)
        monkeypatch.setenv(
            "COMPTOIR_SECRETS", str(_secrets(tmp_path / "s.toml", smtp_port, twilio_port))
        )
        access = gdpr.subject_access(MANAGER, customer)
        seen.append(_zip_text(access.path))
        for view in (
            exports.customers_view("", True),
            export_views.audit_trail(ADMIN),
        ):
            made = exports.export(ADMIN, view, "csv")
            seen.append(made.read().decode("utf-8-sig"))
        gdpr.erase(ADMIN, customer, customers.get_customer(customer)["version"])
    # The failure was recorded, in words (the scan below reads it too).
    assert "AUTH" in messaging.status_of(failed)["error"]
    seen.append(_every_table_as_text())
    if not url:  # on the DuckDB file: the backup and the file restored from it
        made = backup.make_backup(ADMIN)
        restored = backup.restore(made.path, tmp_path / "restored.duckdb")
        seen.append(_every_table_as_text(restored.path))
    seen.append(caplog.text)
    seen.append(str(audit.search_audit(ADMIN, page_size=500)))
    found = [(secret, i) for secret in secrets for i, text in enumerate(seen) if secret in text]
    assert found == []
