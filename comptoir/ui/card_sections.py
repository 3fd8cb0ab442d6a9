"""The customer card's sections in groups, in the seed's order: every section a click
away, and the open one in view on a counter tablet (13 tabs in one strip overflowed at
1,024 px)."""

from __future__ import annotations

GROUPS: dict[str, tuple[str, ...]] = {
    "customer": ("account", "general", "gdpr"),
    "money": ("rewards", "credit", "vouchers"),
    "sales": ("sales", "delivery"),
    "workshop": ("orders", "items", "reminders"),
    "messages": ("messages",),
    "history": ("history",),
}
TABS = tuple(code for codes in GROUPS.values() for code in codes)
GROUP_OF = {code: group for group, codes in GROUPS.items() for code in codes}
EDITABLE = ("account", "general", "gdpr")  # the sections Save and Archive act on
# Groups whose sections are all drawn at once and switched in the browser, without a run:
# the card's own fields, light to draw, where staff go back and forth most. The other
# groups draw only their open section (a ledger, a grid, a query each).
IN_BROWSER = ("customer",)
