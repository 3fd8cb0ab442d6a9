"""Search tokens, typed terms and consent changes."""

from __future__ import annotations

from datetime import datetime

from comptoir.logic.consent import ConsentChange, consent_after
from comptoir.logic.search import customer_tokens, fold, prefix_range, query_words

CUSTOMER = {
    "account_number": "C000042",
    "first_name": "Hélène",
    "last_name": "Le Gall-Durand",
    "company": "Cycles O'Brien",
    "email": "helene.legall@exemple.fr",
    "postcode": "SW1A 2AA",
    "mobile": "+33612345678",
    "phone": "+442079460018",
}


def test_fold_removes_case_and_accents():
    assert fold("Hélène LÉA ç") == "helene lea c"


def test_tokens_cover_names_company_email_postcode_and_phones():
    tokens = customer_tokens(CUSTOMER)
    for expected in [
        "c000042",
        "helene",
        "le",
        "gall-durand",
        "gall",
        "durand",
        "cycles",
        "o'brien",
        "brien",
        "helene.legall@exemple.fr",
        "legall",
        "sw1a",
        "2aa",
        "sw1a2aa",
        "33612345678",
        "0612345678",
        "442079460018",
        "02079460018",
    ]:
        assert expected in tokens, expected


def test_typed_phone_in_any_format_becomes_digits():
    assert query_words("06 12 34 56 78") == ["0612345678"]
    assert query_words("06-12-34") == ["061234"]
    assert query_words("+33 6 12 34") == ["33612 34".replace(" ", "")]
    assert query_words("0033 6 12") == ["33612"]
    assert query_words("(020) 7946") == ["0207946"]


def test_typed_words_are_folded_and_deduplicated():
    assert query_words("  Hélène  DUR  hélène ") == ["helene", "dur"]
    assert query_words("") == []
    assert query_words("ab") == ["ab"]


def test_prefix_range_bounds():
    low, high = prefix_range("dub")
    assert low <= "dubois" < high
    assert not (low <= "duc" < high)


def test_consent_given_records_date_and_change():
    now = datetime(2026, 11, 29, 10, 0)
    at, change = consent_after(False, None, True, now)
    assert at == now and change == ConsentChange(True, now)


def test_consent_withdrawn_clears_date_and_is_recorded():
    now = datetime(2026, 11, 29, 10, 0)
    at, change = consent_after(True, datetime(2025, 1, 1), False, now)
    assert at is None and change == ConsentChange(False, now)


def test_unchanged_consent_records_nothing():
    earlier = datetime(2025, 1, 1)
    assert consent_after(True, earlier, True, datetime(2026, 1, 1)) == (earlier, None)
