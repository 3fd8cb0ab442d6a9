"""Send one SMS through the Twilio client (and, in tests, a local fake of its API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from comptoir.messaging.config import TwilioSettings
from comptoir.messaging.email import SendFailed, Sent

API = "https://api.twilio.com"


class _Redirected(TwilioHttpClient):
    """The real client's requests, sent to another base URL (a local fake in tests)."""

    def __init__(self, base: str, timeout: float):
        super().__init__(timeout=timeout)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(API):
            url = self.base + url[len(API) :]
        return super().request(method, url, *args, **kwargs)


def client(settings: TwilioSettings, timeout: float = 20.0) -> Client:
    """A Twilio client for the account (pointed at api_base when set)."""
    http = (
        _Redirected(settings.api_base, timeout)
        if settings.api_base
        else TwilioHttpClient(timeout=timeout)
    )
    return Client(settings.account_sid, settings.auth_token, http_client=http)


def send_sms(settings: TwilioSettings, to: str, body: str) -> Sent:
    """Send it; SendFailed with Twilio's code and message when refused or unreachable."""
    sender = (
        {"messaging_service_sid": settings.messaging_service_sid}
        if settings.messaging_service_sid
        else {"from_": settings.from_number}
    )
    try:
        message = client(settings).messages.create(to=to, body=body, **sender)
    except TwilioRestException as exc:
        raise SendFailed(f"Twilio {exc.code or exc.status}: {exc.msg}"[:300]) from exc
    except (TwilioException, OSError) as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    return Sent(provider_id=str(message.sid or ""))


@dataclass(frozen=True)
class Received:
    """One SMS sent to the shop's number."""

    sid: str
    sender: str
    body: str
    sent_at: datetime | None


def received_since(
    settings: TwilioSettings, since: date | None, limit: int = 500
) -> list[Received]:
    """SMS received by the shop's number (since a day, when given), oldest first."""
    filters: dict[str, object] = {"to": settings.from_number, "limit": limit}
    if since is not None:
        filters["date_sent_after"] = datetime.combine(since, datetime.min.time())
    try:
        found = client(settings).messages.list(**filters)
    except TwilioRestException as exc:
        raise SendFailed(f"Twilio {exc.code or exc.status}: {exc.msg}"[:300]) from exc
    except (TwilioException, OSError) as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    inbound = [m for m in found if str(m.direction or "").startswith("inbound")]
    # Twilio lists the newest first.
    return [
        Received(str(m.sid), str(m.from_ or ""), str(m.body or ""), m.date_sent)
        for m in reversed(inbound)
    ]
