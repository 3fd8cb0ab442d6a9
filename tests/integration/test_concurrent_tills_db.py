"""Several tills at once: each sale is stored whole or refused in words, never a traceback."""

from __future__ import annotations

import uuid

import pytest

from comptoir.data import db
from comptoir.logic.errors import Busy
from comptoir.services import till
from comptoir.services.till import LineRequest
from tests.concurrency import at_once
from tests.conftest import STAFF
from tests.sales_samples import make_sales_shop


@pytest.mark.parametrize("tills", [4, 8])
def test_walk_in_sales_from_many_tills(database, locks, tills):
    shop = make_sales_shop()
    outcomes = at_once(
        tills,
        25,
        lambda: till.record_sale(
            STAFF, None, [LineRequest(shop["tube"], "1")], [("cash", "10")], uuid.uuid4().hex
        ),
        (Busy,),
    )
    stored, busy, others = outcomes.done, outcomes.refused, outcomes.others
    assert others == []
    assert len(stored) + len(busy) == tills * 25
    with db.cursor() as cur:
        numbers = [
            r[0] for r in cur.execute("SELECT receipt_number FROM sales ORDER BY id").fetchall()
        ]
        lines = cur.execute("SELECT count(*) FROM sale_lines").fetchall()[0][0]
        tenders = cur.execute("SELECT count(*) FROM sale_tenders").fetchall()[0][0]
    # Nothing half-written: every stored sale is whole, receipt numbers have no gap.
    assert len(numbers) == lines == tenders == len(stored)
    assert sorted(int(n[1:]) for n in numbers) == list(range(1, len(stored) + 1))
    print(f"tills={tills} locks={locks} stored={len(stored)} busy={len(busy)}")
