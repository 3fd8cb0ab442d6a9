"""The customer card's sections in groups, in the seed's order: every section a click
away, and the open one in view on a counter tablet (13 tabs in one strip overflowed at
1,024 px)."""

from __future__ import annotations

GROUPS: dict[str, tuple[str, ...]] = {
    "customer": ("account", "general", "gdpr", "delivery", "history"),
    "money": ("rewards", "credit", "vouchers"),
    "sales": ("sales",),
    "workshop": ("orders", "items", "reminders"),
    "messages": ("messages",),
}
TABS = tuple(code for codes in GROUPS.values() for code in codes)
GROUP_OF = {code: group for group, codes in GROUPS.items() for code in codes}
EDITABLE = ("account", "general", "gdpr")  # the sections Save and Archive act on
