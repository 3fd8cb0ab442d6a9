"""Credit accounts at scale: 100,000 accounts, 2,000,000 ledger entries.

python -m bench accounts [--customers 100000] [--entries 2000000] [--db path]
                         [--engine duckdb|postgres] [--url postgresql://…]

Times (1) the data of one card's Account tab (account, receivables, open
credit, first activity page with running balances) and (2) the aged-balances
page over every account, each beside the same computation in pandas on
frames already in memory, in the same run. With --engine postgres the built file is
copied into PostgreSQL (the --url database, or a throwaway cluster) and our side is
timed there; the pandas frames are read from the file first.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import (
    bench_database,
    median,
    on_engine,
    p95,
    result_line,
    timings_ms,
)
from comptoir.data import db, demo
from comptoir.logic.auth import SYSTEM
from comptoir.services import accounts

TODAY = date(2026, 11, 29)


def build(path: Path, customers: int, entries: int, seed: int = 11) -> None:
    """Customers, one account each, charges and payments allocated to them."""
    demo.generate(customers, path=path)
    rng = np.random.default_rng(seed)
    with db.cursor(path) as cur:
        ids = np.array(
            [r[0] for r in cur.execute("SELECT id FROM customers ORDER BY id").fetchall()]
        )
        types = [r[0] for r in cur.execute("SELECT id FROM account_types ORDER BY id").fetchall()]
    n_charges = int(entries * 0.6)
    n_payments = entries - n_charges
    accounts_frame = pd.DataFrame(
        {
            "customer_id": ids,
            "account_type_id": rng.choice(types[:2], len(ids)),
            "credit_limit": rng.choice([500, 1000, 2500], len(ids)).astype(float),
            "opened_on": pd.Timestamp(TODAY - timedelta(days=900)),
        }
    )
    charge_customer = rng.choice(ids, n_charges)
    charge_day = pd.Timestamp(TODAY) - pd.to_timedelta(rng.integers(0, 720, n_charges), unit="D")
    charge_amount = (rng.integers(500, 30000, n_charges) / 100).round(2)
    charges = pd.DataFrame(
        {
            "id": np.arange(1, n_charges + 1),
            "customer_id": charge_customer,
            "kind": "charge",
            "amount": charge_amount,
            "occurred_on": charge_day,
            "reference": [f"R{i:07d}" for i in range(1, n_charges + 1)],
        }
    )
    paid = rng.choice(n_charges, n_payments, replace=False)
    pay_day = charge_day[paid] + pd.to_timedelta(rng.integers(0, 60, n_payments), unit="D")
    pay_day = np.minimum(pay_day.values.astype("datetime64[D]"), np.datetime64(TODAY)).astype(
        "datetime64[ns]"
    )
    payments = pd.DataFrame(
        {
            "id": np.arange(n_charges + 1, n_charges + n_payments + 1),
            "customer_id": charge_customer[paid],
            "kind": "payment",
            "amount": -charge_amount[paid],
            "occurred_on": pay_day,
            "reference": None,
        }
    )
    allocations = pd.DataFrame(
        {
            "customer_id": charge_customer[paid],
            "credit_id": payments["id"].to_numpy(),
            "debit_id": paid + 1,
            "amount": charge_amount[paid],
        }
    )
    ledger = pd.concat([charges, payments], ignore_index=True)
    with db.transaction(path) as cur:
        cur.register("acc", accounts_frame)
        cur.execute(
            "INSERT INTO customer_accounts SELECT customer_id, account_type_id,"
            " CAST(credit_limit AS DECIMAL(12,2)), CAST(opened_on AS DATE), 0, now()"
            " FROM acc"
        )
        cur.register("ledger_frame", ledger)
        cur.execute(
            "INSERT INTO ledger_entries (id, customer_id, kind, amount, occurred_on, recorded_at,"
            " reference, staff_name, shop_code) SELECT id, customer_id, kind,"
            " CAST(amount AS DECIMAL(12,2)), CAST(occurred_on AS DATE), now(), reference,"
            " 'bench', 'MAIN' FROM ledger_frame"
            " ORDER BY occurred_on, id"  # as a shop records them: by date
        )
        # Explicit ids were used: move the sequence past them.
        cur.execute("SELECT max(nextval('ledger_id_seq')) FROM range(?)", [len(ledger)]).fetchall()
        cur.register("alloc_frame", allocations)
        cur.execute(
            "INSERT INTO allocations (customer_id, credit_id, debit_id, amount,"
            " created_at) SELECT customer_id, credit_id, debit_id,"
            " CAST(amount AS DECIMAL(12,2)), now() FROM alloc_frame"
        )
        cur.execute(
            "UPDATE customer_accounts a SET balance = s.total FROM (SELECT customer_id,"
            " sum(amount) AS total FROM ledger_entries GROUP BY customer_id) s"
            " WHERE s.customer_id = a.customer_id"
        )


def pandas_frames(path: Path) -> dict[str, pd.DataFrame]:
    with db.cursor(path) as cur:
        return {
            "ledger": cur.execute(
                "SELECT id, customer_id, kind, CAST(amount AS DOUBLE) amount,"
                " occurred_on, reference FROM ledger_entries"
            ).df(),
            "allocations": cur.execute(
                "SELECT customer_id, credit_id, debit_id,"
                " CAST(amount AS DOUBLE) amount FROM allocations"
            ).df(),
            "accounts": cur.execute(
                "SELECT a.customer_id, CAST(a.credit_limit AS DOUBLE) credit_limit,"
                " CAST(a.balance AS DOUBLE) balance, t.payment_terms_days FROM customer_accounts a"
                " JOIN account_types t ON t.id = a.account_type_id"
            ).df(),
        }


def pandas_card(frames: dict[str, pd.DataFrame], customer_id: int) -> tuple:
    ledger, alloc = frames["ledger"], frames["allocations"]
    mine = ledger[ledger["customer_id"] == customer_id].sort_values(["occurred_on", "id"])
    mine = mine.assign(balance=mine["amount"].cumsum())
    paid = alloc[alloc["customer_id"] == customer_id].groupby("debit_id")["amount"].sum()
    debits = mine[mine["amount"] > 0].assign(paid=lambda f: f["id"].map(paid).fillna(0))
    receivables = debits[debits["amount"] - debits["paid"] > 0]
    used = alloc[alloc["customer_id"] == customer_id].groupby("credit_id")["amount"].sum()
    credits = mine[mine["amount"] < 0]
    open_credit = (-credits["amount"] - credits["id"].map(used).fillna(0)).sum()
    page = mine.iloc[::-1].head(25)
    return receivables, open_credit, page


def pandas_aged(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    ledger, alloc, accts = frames["ledger"], frames["allocations"], frames["accounts"]
    paid = alloc.groupby("debit_id")["amount"].sum()
    debits = ledger[ledger["amount"] > 0]
    debits = debits.assign(owed=debits["amount"] - debits["id"].map(paid).fillna(0))
    debits = debits[debits["owed"] > 0].merge(
        accts[["customer_id", "payment_terms_days"]], on="customer_id"
    )
    overdue = (pd.Timestamp(TODAY) - pd.to_datetime(debits["occurred_on"])).dt.days - debits[
        "payment_terms_days"
    ]
    debits = debits.assign(
        bucket=pd.cut(
            overdue,
            [-(10**6), 0, 30, 60, 90, 10**6],
            labels=["current", "1_30", "31_60", "61_90", "over_90"],
        )
    )
    table = debits.pivot_table(
        index="customer_id",
        columns="bucket",
        values="owed",
        aggfunc="sum",
        fill_value=0,
        observed=False,
    )
    return accts[accts["balance"] != 0].merge(
        table, left_on="customer_id", right_index=True, how="left"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--engine", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    path = bench_database(
        args.db,
        "accounts",
        lambda p: build(p, args.customers, args.entries),
        f"{args.customers:,} accounts and {args.entries:,} entries",
    )
    with db.cursor() as cur:
        counts = cur.execute(
            "SELECT (SELECT count(*) FROM customer_accounts),"
            " (SELECT count(*) FROM ledger_entries),"
            " (SELECT count(*) FROM allocations)"
        ).fetchall()[0]
        sample = [
            r[0]
            for r in cur.execute(
                "SELECT customer_id FROM customer_accounts USING SAMPLE 60 ROWS (reservoir, 7)"
            ).fetchall()
        ]
    frames = pandas_frames(path)  # the baseline reads the file, whatever the engine
    with on_engine(args.engine, path, args.url) as target:
        print(
            f"database: {target} ({counts[0]:,} accounts, {counts[1]:,} entries, "
            f"{counts[2]:,} allocations)"
        )
        measure(args, sample, frames, counts[1])
    db.close(path)
    return 0


def measure(args: argparse.Namespace, sample: list, frames: dict, entries: int) -> None:
    def card(customer_id: int) -> None:
        accounts.overview(SYSTEM, customer_id)
        accounts.activity(SYSTEM, customer_id)

    picks = iter(sample * 10)
    ours_card = timings_ms(lambda: card(next(picks)), args.repeat)
    picks = iter(sample * 10)
    pandas_card_ms = timings_ms(lambda: pandas_card(frames, next(picks)), args.repeat)

    def aged_fresh() -> None:
        accounts.forget_balances()  # the query itself, not the kept answer
        accounts.balances(SYSTEM, TODAY)

    ours_aged = timings_ms(aged_fresh, 7, warmup=1)
    # The Balances page again with nothing changed: the ledger stamp, then the kept answer.
    kept_aged = timings_ms(lambda: accounts.balances(SYSTEM, TODAY), 20, warmup=1)
    pandas_aged_ms = timings_ms(lambda: pandas_aged(frames), 7, warmup=1)
    report = accounts.balances(SYSTEM, TODAY)
    print(
        f"card account tab data: median {median(ours_card):.1f} ms, p95 {p95(ours_card):.1f} ms"
        f" | pandas median {median(pandas_card_ms):.1f} ms"
    )
    print(
        f"aged balances ({report.count:,} accounts with a balance): median "
        f"{median(ours_aged):.0f} ms | pandas median {median(pandas_aged_ms):.0f} ms"
        f" | again, nothing changed: median {median(kept_aged):.1f} ms"
    )
    print(
        result_line(
            card_median_ms=f"{median(ours_card):.1f}",
            aged_median_ms=f"{median(ours_aged):.0f}",
            aged_again_median_ms=f"{median(kept_aged):.1f}",
            card_ratio=f"{median(pandas_card_ms) / median(ours_card):.2f}",
            aged_ratio=f"{median(pandas_aged_ms) / median(ours_aged):.2f}",
            card_p95_ms=f"{p95(ours_card):.1f}",
            entries=entries,
            engine=args.engine,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
