"""Rules for messages: SMS segments, channels, consent, templates, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.logic.errors import FieldProblem
from comptoir.logic.messages import (
    MAX_ATTEMPTS,
    TEMPLATE_FIELDS,
    ConsentRefused,
    check_consent,
    check_template,
    clean_body,
    empty_fields,
    is_stop,
    next_attempt,
    pick_channel,
    render,
    sms_encoding,
    sms_length,
    sms_segments,
)


@pytest.mark.parametrize(
    ("text", "encoding", "length", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("Votre vélo est réparé", "GSM-7", 21, 1),  # é and è are in the GSM set
        ("Votre vélo est prêt", "UCS-2", 19, 1),  # ê is not
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # € is an extension character: two each
        ("Garçon", "UCS-2", 6, 1),  # ç is not in the GSM set
        ("ç" * 70, "UCS-2", 70, 1),
        ("ç" * 71, "UCS-2", 71, 2),
        ("🚲" * 35, "UCS-2", 70, 1),  # an emoji is two UTF-16 units
        ("🚲" * 36, "UCS-2", 72, 2),
    ],
)
def test_sms_encoding_length_and_segments(text, encoding, length, segments):
    assert (sms_encoding(text), sms_length(text), sms_segments(text)) == (
        encoding,
        length,
        segments,
    )


@given(st.text(max_size=600))
def test_segments_hold_the_whole_text_and_no_spare_part(text):
    length, segments = sms_length(text), sms_segments(text)
    single, part = (160, 153) if sms_encoding(text) == "GSM-7" else (70, 67)
    if length <= single:
        assert segments == (1 if length else 0)
    else:
        assert (segments - 1) * part < length <= segments * part


def test_channel_follows_the_choice_then_the_preference_then_what_exists():
    assert pick_channel("sms", "email", "a@b.fr", "+33611223344") == "sms"
    assert pick_channel(None, "sms", "a@b.fr", "+33611223344") == "sms"
    assert pick_channel(None, None, "a@b.fr", "+33611223344") == "email"
    assert pick_channel(None, "sms", "a@b.fr", None) == "email"
    assert pick_channel("sms", None, "a@b.fr", None) is None
    assert pick_channel(None, None, None, None) is None


def test_marketing_needs_consent_and_nothing_else_does():
    check_consent("transactional", False)
    check_consent("service", False)
    check_consent("marketing", True)
    with pytest.raises(ConsentRefused):
        check_consent("marketing", False)
    with pytest.raises(ValueError):
        check_consent("spam", True)


def test_templates_refuse_unknown_fields_when_saved():
    allowed = {"first_name", "shop_name"}
    check_template("Bonjour {first_name}, {shop_name}", allowed)
    with pytest.raises(FieldProblem) as unknown:
        check_template("Bonjour {prenom}", allowed)
    assert (unknown.value.code, unknown.value.params["field_name"]) == (
        "template_unknown_field",
        "prenom",
    )
    with pytest.raises(FieldProblem) as broken:
        check_template("Bonjour {first_name", allowed)
    assert broken.value.code == "template_invalid"
    assert render("Bonjour {first_name}", {"first_name": "{shop_name}"}) == "Bonjour {shop_name}"


def test_bodies_are_required_and_sms_bounded():
    assert clean_body("  Bonjour\r\nLéa  ", "email") == "Bonjour\nLéa"
    for raw, code in (("   ", "required"), ("ç" * 500, "sms_too_long")):
        with pytest.raises(FieldProblem) as refused:
            clean_body(raw, "sms")
        assert refused.value.code == code


def test_retries_back_off_then_give_up():
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    waits = [next_attempt(n, now) - now for n in range(1, 8)]
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert next_attempt(MAX_ATTEMPTS, now) is None


@pytest.mark.parametrize(
    ("body", "stop"),
    [
        ("STOP", True),
        (" stop ", True),
        ("Arrêt", True),
        ("ARRET.", True),
        ("stop!", True),
        ("STOP merci", True),
        ("Please don't stop", False),
        ("", False),
        ("Stopper le vélo ?", False),
    ],
)
def test_stop_replies(body, stop):
    assert is_stop(body) is stop


@pytest.mark.parametrize(
    "template",
    [
        "{first_name:{first_name.__class__.__name__[2]}^9}",
        "{balance:>1000000}",
        "{balance:.2f}",
        "{first_name.__class__}",
        "{first_name[0]}",
        "{first_name!r}",
        "{}",
        "{0}",
    ],
)
def test_templates_take_plain_named_fields_only(template):
    with pytest.raises(FieldProblem) as refused:
        check_template(f"Bonjour {template}", set(TEMPLATE_FIELDS))
    assert refused.value.code in {"template_not_plain"}
    with pytest.raises(FieldProblem):
        render(template, {"first_name": "Anna", "balance": "12,00 €"})


def test_render_substitutes_values_as_text_and_names_what_is_empty():
    assert render("{{x}} {first_name}", {"first_name": "{balance:>99}"}) == "{x} {balance:>99}"
    assert empty_fields(
        ["{first_name} {shop_phone}", "{shop_name}"],
        {
            "first_name": "Anna",
            "shop_phone": " ",
            "shop_name": "Cycles",
        },
    ) == ["shop_phone"]
