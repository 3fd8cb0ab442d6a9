"""Rules for messages: channels, consent, SMS segments, templates, retries."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import datetime, timedelta

from comptoir.logic.errors import FieldProblem
from comptoir.logic.text import one_line, without_controls

CHANNELS = ("email", "sms")
KINDS = ("transactional", "service", "marketing")
MAX_ATTEMPTS = 8
# Retries wait longer each time: 1, 2, 4 … minutes, at most an hour.
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# A message claimed by a sender that then died is sent again after this lease.
SENDING_LEASE = timedelta(minutes=5)
MAX_SMS_SEGMENTS = 6
# What a template may use; every one is filled for any customer (item_name and
# order_number empty outside workshop messages).
TEMPLATE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "shop_name",
        "shop_phone",
        "account_number",
        "balance",
        "item_name",
        "order_number",
    }
)
MAX_SUBJECT = 200
MAX_BODY = 20_000

# The GSM 03.38 basic set and its extension (each extension character takes two).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


class ConsentRefused(Exception):
    """A marketing message to a customer whose marketing consent does not hold."""


def sms_encoding(text: str) -> str:
    """GSM-7 when every character is in the GSM set, else UCS-2 (accents like ç, emoji)."""
    return "GSM-7" if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text) else "UCS-2"


def sms_length(text: str) -> int:
    """Length as the network counts it: GSM extension characters take two, UCS-2 counts
    UTF-16 code units (an emoji takes two)."""
    if sms_encoding(text) == "GSM-7":
        return sum(2 if c in _GSM_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS the text costs: 160/153 per part in GSM-7, 70/67 in UCS-2."""
    length = sms_length(text)
    single, part = (160, 153) if sms_encoding(text) == "GSM-7" else (70, 67)
    if length <= single:
        return 1 if length else 0
    return -(-length // part)


def pick_channel(
    chosen: str | None, preference: str | None, email: str | None, mobile: str | None
) -> str | None:
    """The channel the user picked, else the customer's preference, else what exists."""
    available = [c for c, v in (("email", email), ("sms", mobile)) if v]
    if chosen:
        return chosen if chosen in available else None
    if preference in available:
        return preference
    return available[0] if available else None


def check_consent(kind: str, marketing_opt_in: bool) -> None:
    """Marketing only with consent at sending time; other kinds need none."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "marketing" and not marketing_opt_in:
        raise ConsentRefused()


def clean_subject(raw: object) -> str:
    """One line, required, bounded."""
    return one_line(raw, MAX_SUBJECT)


def clean_body(raw: object, channel: str) -> str:
    """Required text, bounded; an SMS of at most MAX_SMS_SEGMENTS parts."""
    # Printable characters and line breaks only: a printer or a phone shows nothing else.
    text = without_controls(str(raw or "").replace("\r\n", "\n"), keep_newlines=True).strip()
    if not text:
        raise FieldProblem("required")
    if len(text) > MAX_BODY:
        raise FieldProblem("too_long", max=str(MAX_BODY))
    if channel == "sms" and sms_segments(text) > MAX_SMS_SEGMENTS:
        raise FieldProblem("sms_too_long", max=str(MAX_SMS_SEGMENTS))
    return text


# A template's field: a plain name, nothing else (no attribute, index, spec or conversion).
_FIELD_NAME = re.compile(r"[a-z_]{1,40}")


# Twilio's own limit on one message's text; what arrives beyond it is not kept.
MAX_INBOUND = 1600


def inbound_text(raw: object) -> str:
    """A received SMS as kept: printable characters and line breaks, at most MAX_INBOUND."""
    text = without_controls(str(raw or "").replace("\r\n", "\n"), keep_newlines=True)
    return text[:MAX_INBOUND]


def inbound_sender(raw: object) -> str:
    """The sender's number as kept: printable, no longer than any phone number."""
    return without_controls(str(raw or "")).strip()[:32]


def template_pieces(template: str) -> list[tuple[str, str | None]]:
    """The template as (text, field) pieces; anything but plain {name} fields is refused
    naming it (a format spec could pad to megabytes, an attribute reach Python objects)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise FieldProblem("template_invalid") from exc
    pieces: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None))
            continue
        if spec or conversion or not _FIELD_NAME.fullmatch(name):
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise FieldProblem("template_not_plain", field_name=shown[:60])
        pieces.append((literal, name))
    return pieces


def template_fields(template: str) -> set[str]:
    """The {fields} a template uses (a malformed brace is refused)."""
    return {name for _, name in template_pieces(template) if name}


def check_template(template: str, allowed: set[str]) -> None:
    """Refused when saved, not when sent: an unknown or not plain field is named."""
    unknown = sorted(template_fields(template) - allowed)
    if unknown:
        raise FieldProblem("template_unknown_field", field_name=unknown[0])


def render(template: str, values: Mapping[str, object]) -> str:
    """The template with its fields filled: plain substitution of each value as text (no
    formatting ever runs, so no value or template can call into Python)."""
    out: list[str] = []
    for literal, name in template_pieces(template):
        out.append(literal)
        if name is not None:
            if name not in values:
                raise FieldProblem("template_unknown_field", field_name=name)
            out.append(str(values[name]))
    return "".join(out)


def empty_fields(templates: list[str], values: Mapping[str, object]) -> list[str]:
    """The fields these templates use that would come out empty with these values."""
    used = set().union(*(template_fields(t) for t in templates)) if templates else set()
    return sorted(name for name in used if not str(values.get(name, "")).strip())


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after attempts failures; None when it is time to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait = min(LONGEST_WAIT, FIRST_WAIT * 2 ** max(0, attempts - 1))
    return now + wait


_STOP_WORDS = {"STOP", "ARRET", "ARRÊT", "STOPALL", "UNSUBSCRIBE", "DESABONNER", "DÉSABONNER"}


def is_stop(body: str) -> bool:
    """A reply asking to stop (STOP, ARRÊT…), alone or first on the message."""
    words = body.strip().split()
    return bool(words) and words[0].strip(".!").upper() in _STOP_WORDS
