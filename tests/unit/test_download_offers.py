"""A download is made only within minutes of its offer, for an unchanged account."""

from __future__ import annotations

import pytest

from comptoir.logic.auth import Actor
from comptoir.ui.downloads import OFFER_MINUTES, DownloadExpired, check_offer

CLERK = Actor(staff_id=3, username="sam", display_name="Sam", role="staff", session_epoch=2)


def test_a_fresh_offer_for_the_same_account_is_made():
    check_offer(100.0, 100.0 + OFFER_MINUTES * 60, 2, CLERK, signed_in=True)


@pytest.mark.parametrize(
    ("waited", "epoch", "current"),
    [
        (OFFER_MINUTES * 60 + 1, 2, CLERK),  # offered too long ago
        (1, 1, CLERK),  # password, role or access changed since
        (1, 2, None),  # account closed or gone
    ],
)
def test_a_stale_offer_or_a_changed_account_gets_nothing(waited, epoch, current):
    with pytest.raises(DownloadExpired):
        check_offer(100.0, 100.0 + waited, epoch, current, signed_in=True)
