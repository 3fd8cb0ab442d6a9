"""Send one e-mail through SMTP with yagmail: plain and HTML bodies, one attachment."""

from __future__ import annotations

import html
import mimetypes
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

import yagmail

from comptoir.messaging.config import SmtpSettings


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message; its id when it gave one."""

    provider_id: str


class SendFailed(Exception):
    """The provider refused or could not be reached; reason is safe to show and store."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def html_body(text: str) -> str:
    """The plain text as HTML: escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def build_message(
    settings: SmtpSettings,
    to: str,
    subject: str,
    text: str,
    attachment: tuple[str, bytes] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Plain text with its HTML alternative (escaped), and the attachment."""
    message = EmailMessage()
    message["From"] = formataddr((settings.sender_name, settings.sender_address))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid()
    message.set_content(text)
    message.add_alternative(f"<html><body>{html_body(text)}</body></html>", subtype="html")
    if attachment is not None:
        name, data = attachment
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message


# Inside connection(): the block's sends share one open SMTP connection.
_shared: ContextVar[dict[str, Any] | None] = ContextVar("smtp_shared", default=None)


def _open(settings: SmtpSettings, timeout: float) -> yagmail.SMTP:
    client = yagmail.SMTP(
        user=settings.user or settings.sender_address,
        password=settings.password or None,
        host=settings.host,
        port=settings.port,
        smtp_ssl=settings.security == "ssl",
        smtp_starttls=settings.security == "starttls",
        smtp_skip_login=not settings.user,
        soft_email_validation=False,
        timeout=timeout,
    )
    client.login()
    return client


def _close(client: yagmail.SMTP | None) -> None:
    if client is not None:
        with suppress(Exception):  # a connection the server already dropped
            client.close()


@contextmanager
def connection() -> Iterator[None]:
    """Sends inside the block share one SMTP connection (opened by the first send, closed
    at the end, opened again after a failure): a batch of reminders pays one login."""
    holder: dict[str, Any] = {}
    token = _shared.set(holder)
    try:
        yield
    finally:
        _shared.reset(token)
        _close(holder.get("client"))


def send_email(
    settings: SmtpSettings,
    to: str,
    subject: str,
    text: str,
    attachment: tuple[str, bytes] | None = None,
    message_id: str | None = None,
    timeout: float = 20.0,
) -> Sent:
    """Send it; SendFailed with the server's reason when it is refused or unreachable.

    yagmail holds the connection (SSL, STARTTLS, login); the message itself is
    built with the standard library so the plain and HTML bodies stay apart.
    """
    message = build_message(settings, to, subject, text, attachment, message_id)
    holder = _shared.get()
    try:
        if holder is None:
            client = _open(settings, timeout)
            try:
                client.smtp.send_message(message, settings.sender_address, [to])
            finally:
                _close(client)
        else:
            if holder.get("settings") != settings:
                _close(holder.pop("client", None))
            if holder.get("client") is None:
                holder["client"], holder["settings"] = _open(settings, timeout), settings
            try:
                holder["client"].smtp.send_message(message, settings.sender_address, [to])
            except Exception:
                _close(holder.pop("client", None))  # the next send starts afresh
                raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [f"{code} {_text(msg)}" for code, msg in exc.recipients.values()]
        raise SendFailed("SMTP " + "; ".join(codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    return Sent(provider_id=str(message["Message-ID"]))


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
