"""Merging two records of one customer: which card values the survivor keeps, and when a
merge is refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from comptoir.logic.customers import tag_list
from comptoir.logic.errors import FieldError

# What can be chosen, in the card's order: a group is chosen as a whole (an address is
# never half one record's and half the other's).
GROUPS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "company": ("company",),
    "address": ("address1", "address2", "city", "region", "postcode", "country_code"),
    "phone": ("phone",),
    "mobile": ("mobile",),
    "fax": ("fax",),
    "email": ("email",),
    "contact_preference": ("contact_preference",),
    "language": ("language",),
    "date_of_birth": ("date_of_birth",),
    "gender": ("gender",),
    "tax_exempt": ("tax_exempt",),
    "tax_number": ("tax_number",),
    "price_level": ("price_level",),
    "discount_percent": ("discount_percent",),
    "tags": ("tags",),
    "notes": ("notes",),
    "marketing_opt_in": ("marketing_opt_in",),
    "sms_opt_in": ("sms_opt_in",),
}
CONSENT_GROUPS = ("marketing_opt_in", "sms_opt_in")  # never taken by default
# BOTH: notes one after the other, or every tag of the two; for those groups only.
KEEP, TAKE, BOTH = "survivor", "other", "both"
CHOICES = (KEEP, TAKE)
NOTE_CHOICES = (KEEP, TAKE, BOTH)
BOTH_GROUPS = ("notes", "tags")


@dataclass(frozen=True)
class Side:
    """What the refusal rules need to know about one of the two records."""

    customer_id: int
    archived: bool = False
    erased: bool = False
    merged_into: int | None = None
    account_type_id: int | None = None
    rewards_card: str | None = None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _values(card: Mapping[str, Any], group: str) -> tuple[Any, ...]:
    return tuple(card.get(name) for name in GROUPS[group])


def differing(survivor: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """The groups whose values differ between the two cards (only these need a choice)."""
    return [g for g in GROUPS if _values(survivor, g) != _values(other, g)]


def default_choices(survivor: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, str]:
    """Keep the survivor's values, except where the survivor has nothing and the other has
    something (an empty address, phone or note is filled in); notes and tags present on
    both are both kept. Marketing consent (e-mail and SMS) stays the survivor's: consent is
    never assumed."""
    chosen = {}
    for group in differing(survivor, other):
        mine, theirs = _values(survivor, group), _values(other, group)
        if group in BOTH_GROUPS and not _blank(mine[0]) and not _blank(theirs[0]):
            chosen[group] = BOTH
        elif group not in CONSENT_GROUPS and all(map(_blank, mine)):
            chosen[group] = TAKE
        else:
            chosen[group] = KEEP
    return chosen


def merged_card(
    survivor: Mapping[str, Any], other: Mapping[str, Any], choices: Mapping[str, str]
) -> dict[str, Any]:
    """The survivor's card fields after the merge (its account number stays)."""
    card = {name: survivor.get(name) for names in GROUPS.values() for name in names}
    for group in differing(survivor, other):
        choice = choices.get(group, KEEP)
        if choice == TAKE:
            card.update({name: other.get(name) for name in GROUPS[group]})
        elif choice == BOTH and group == "notes":
            card["notes"] = "\n".join(
                str(n).strip() for n in (survivor.get("notes"), other.get("notes")) if not _blank(n)
            )
        elif choice == BOTH and group == "tags":
            both = f"{survivor.get('tags') or ''}, {other.get('tags') or ''}"
            card["tags"] = ", ".join(tag_list(both)) or None
    return card


def merge_refusals(survivor: Side, other: Side) -> list[FieldError]:
    """Each reason these two records cannot be merged (none: the merge may go ahead)."""
    errors = []
    if survivor.customer_id == other.customer_id:
        return [FieldError("merge", "merge_same")]
    for role, side in (("survivor", survivor), ("other", other)):
        if side.erased:
            errors.append(FieldError(role, "merge_erased"))
        if side.merged_into is not None:
            errors.append(FieldError(role, "merge_already_merged"))
    if survivor.archived:
        errors.append(FieldError("survivor", "merge_survivor_archived"))
    if (
        survivor.account_type_id is not None
        and other.account_type_id is not None
        and survivor.account_type_id != other.account_type_id
    ):
        errors.append(FieldError("merge", "merge_account_types"))
    if survivor.rewards_card and other.rewards_card:
        errors.append(
            FieldError(
                "merge",
                "merge_two_rewards_cards",
                {"first": survivor.rewards_card, "second": other.rewards_card},
            )
        )
    return errors
