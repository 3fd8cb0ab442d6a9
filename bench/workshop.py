"""The workshop at scale: 50,000 jobs, 40,000 serviced items, 200,000 reminders.

python -m bench workshop [--customers 20000] [--db path] [--repeat 40]
                         [--engine duckdb|postgres] [--url postgresql://…]

Times, through the real services:
- board: what the Workshop page's board reads (every open job of the shop, by
  promised date, with customer and bike, plus the next 14 days' load);
- list: the list by promised date narrowed by a customer's name;
- serial: a frame number typed in a search (any case, spaces, dashes);
- reminders: claiming, queueing and sending 1,000 due reminders to a local sink
  (a provider that keeps what it is handed), two transactions per batch of 50 and
  two per message.
Naive baselines in the same run: the board and the serial search done by reading
every order or item into pandas and filtering there.
"""

from __future__ import annotations

import argparse
import os
import time
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
from comptoir.logic.workshop import serial_key
from comptoir.messaging.email import Sent
from comptoir.operations import clock
from comptoir.services import reminders, workshop_board, workshop_items

JOBS, ITEMS, REMINDERS, DUE = 50_000, 40_000, 200_000, 1_000
OPEN_SHARE = 0.02  # about 1,000 jobs open at once: a busy spring


def build(path: Path, customers: int, seed: int = 3) -> None:
    """Customers, items, jobs (most collected), reminders (most sent or cancelled)."""
    demo.generate(customers, path=path)
    rng = np.random.default_rng(seed)
    today = pd.Timestamp(clock.local_day())
    with db.transaction(path) as cur:
        ids = np.array([r[0] for r in cur.execute("SELECT id FROM customers").fetchall()])
        owners = rng.choice(ids, ITEMS)
        items = pd.DataFrame(
            {
                "id": np.arange(1, ITEMS + 1),
                "customer_id": owners,
                "name": [f"Bike {i % 97}" for i in range(ITEMS)],
                "serial": [f"WTU {i:07d}-{i % 7}" for i in range(ITEMS)],
            }
        )
        items["serial_key"] = items["serial"].map(serial_key)
        cur.register("items_frame", items)
        cur.execute(
            "INSERT INTO serviced_items (id, customer_id, name, serial, serial_key, created_at,"
            " updated_at) SELECT id, customer_id, name, serial, serial_key, now(), now()"
            " FROM items_frame ORDER BY id"
        )
        item_of = rng.integers(0, ITEMS, JOBS)
        created = today - pd.to_timedelta(rng.integers(0, 3 * 365, JOBS), unit="D")
        open_ = rng.random(JOBS) < OPEN_SHARE
        statuses = np.where(
            open_,
            rng.choice(["open", "in_progress", "waiting_parts", "ready"], JOBS),
            rng.choice(["collected", "collected", "collected", "cancelled"], JOBS),
        )
        promised = np.where(
            open_,
            today + pd.to_timedelta(rng.integers(-5, 15, JOBS), unit="D"),
            created + pd.to_timedelta(3, unit="D"),
        )
        orders = pd.DataFrame(
            {
                "id": np.arange(1, JOBS + 1),
                "customer_id": owners[item_of],
                "item_id": item_of + 1,
                "status": statuses,
                "created_at": created,
                "promised_on": pd.to_datetime(promised).date,
                "booked_on": pd.to_datetime(promised).date,
                "booked_hours": rng.choice([1.0, 1.5, 2.0, 3.0], JOBS),
            }
        )
        cur.register("orders_frame", orders)
        cur.execute(
            "INSERT INTO orders (id, number, customer_id, shop_code, kind, status, item_id,"
            " reported, promised_on, booked_on, booked_hours, created_at, updated_at,"
            " staff_name) SELECT id, 'J' || lpad(CAST(id AS VARCHAR), 6, '0'), customer_id,"
            " 'MAIN', 'job', status, item_id, 'Service', promised_on, booked_on,"
            " CAST(booked_hours AS DECIMAL(6,2)), created_at, created_at, 'bench'"
            " FROM orders_frame ORDER BY id"
        )
        job_of = rng.integers(0, JOBS, REMINDERS)
        scheduled = np.arange(REMINDERS) < DUE  # the first 1,000 are due today
        reminder_frame = pd.DataFrame(
            {
                "id": np.arange(1, REMINDERS + 1),
                "customer_id": orders["customer_id"].to_numpy()[job_of],
                "item_id": orders["item_id"].to_numpy()[job_of],
                "order_id": job_of + 1,
                "due_on": np.where(
                    scheduled,
                    today.date(),
                    (today - pd.to_timedelta(rng.integers(1, 900, REMINDERS), unit="D")).date,
                ),
                "status": np.where(
                    scheduled, "scheduled", rng.choice(["phoned", "cancelled"], REMINDERS)
                ),
            }
        )
        cur.register("reminders_frame", reminder_frame)
        cur.execute(
            "INSERT INTO service_reminders (id, customer_id, item_id, order_id, shop_code,"
            " due_on, channel, template, status, created_at, staff_name, updated_at)"
            " SELECT id, customer_id, item_id, order_id, 'MAIN', due_on, 'auto',"
            " 'service_annual', status, now(), 'bench', now() FROM reminders_frame ORDER BY id"
        )
        # Customers of due reminders get an e-mail, so every one has a channel.
        cur.execute(
            "UPDATE customers SET email = 'c' || CAST(id AS VARCHAR) || '@example.com',"
            " contact_preference = 'email' WHERE id IN (SELECT customer_id FROM"
            " service_reminders WHERE status = 'scheduled')"
        )
        for sequence, count in (
            ("serviced_item_id_seq", ITEMS),
            ("order_id_seq", JOBS),
            ("service_reminder_id_seq", REMINDERS),
        ):
            cur.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [count]).fetchall()


class Sink:
    """A local provider that keeps every message it is handed."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, message: dict) -> Sent:
        self.count += 1
        return Sent(f"sink-{message['id']}")


def samples() -> tuple[list[str], list[str]]:
    """Serial numbers to type, and names of customers with open jobs (read on DuckDB)."""
    with db.cursor() as cur:
        serials = [
            r[0]
            for r in cur.execute(
                "SELECT serial FROM serviced_items USING SAMPLE 100 ROWS (reservoir, 4)"
            ).fetchall()
        ]
        names = [
            r[0]
            for r in cur.execute(
                "SELECT DISTINCT c.last_name FROM orders o JOIN customers c ON c.id ="
                " o.customer_id WHERE o.status IN ('open', 'in_progress') ORDER BY 1 LIMIT 40"
            ).fetchall()
        ]
    return serials, names


def _frame(sql: str) -> pd.DataFrame:
    with db.cursor() as cur:
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=names)


def measure(args: argparse.Namespace, serials: list[str], names: list[str]) -> None:
    today = clock.local_day()
    open_jobs = len(workshop_board.board(SYSTEM, "", limit=100_000))

    def board() -> None:
        workshop_board.board(SYSTEM, "")
        workshop_board.diary(today)

    board_ms = timings_ms(board, args.repeat)
    picks = iter(names * 50)
    list_ms = timings_ms(lambda: workshop_board.board(SYSTEM, next(picks)), args.repeat)
    typed = iter([s.lower().replace(" ", "") for s in serials] * 10)
    serial_ms = timings_ms(lambda: workshop_items.find_serial(SYSTEM, next(typed)), args.repeat * 2)

    def naive_board() -> None:
        frame = _frame("SELECT * FROM orders")
        frame = frame[frame["status"].isin(["open", "in_progress", "waiting_parts", "ready"])]
        frame.sort_values("promised_on")

    def naive_serial() -> None:
        frame = _frame("SELECT id, serial, customer_id FROM serviced_items")
        wanted = serial_key(serials[0])
        frame[frame["serial"].map(serial_key) == wanted]

    naive_board_ms = timings_ms(naive_board, 5, warmup=1)
    naive_serial_ms = timings_ms(naive_serial, 5, warmup=1)

    sink = Sink()
    started = time.perf_counter()
    counts = reminders.send_due(provider=sink)
    reminders_s = time.perf_counter() - started
    with db.cursor() as cur:
        left = cur.execute(
            "SELECT count(*) FROM service_reminders WHERE status = 'scheduled' AND due_on <= ?",
            [today],
        ).fetchall()[0][0]
    smtp_s, smtp_count = _through_smtp()
    print(f"open jobs on the board: {open_jobs:,}")
    print(f"board: median {median(board_ms):.1f} ms, p95 {p95(board_ms):.1f} ms")
    print(f"list by customer name: median {median(list_ms):.1f} ms, p95 {p95(list_ms):.1f} ms")
    print(f"serial search: median {median(serial_ms):.1f} ms, p95 {p95(serial_ms):.1f} ms")
    print(
        f"naive board (every order into pandas): median {median(naive_board_ms):.1f} ms"
        f" ({median(naive_board_ms) / median(board_ms):.1f}x the board)"
    )
    print(
        f"naive serial search (every item into pandas): median {median(naive_serial_ms):.1f} ms"
        f" ({median(naive_serial_ms) / median(serial_ms):.1f}x)"
    )
    print(
        f"claim and send {DUE:,} due reminders: {reminders_s:.2f} s; outcome {counts};"
        f" the sink got {sink.count:,}; still due {left}"
    )
    print(
        f"the same {DUE:,} again through a local SMTP server (aiosmtpd in this process, one"
        f" connection per batch): {smtp_s:.2f} s; the server received {smtp_count:,}"
    )
    print(
        result_line(
            board_median_ms=f"{median(board_ms):.1f}",
            list_median_ms=f"{median(list_ms):.1f}",
            serial_p95_ms=f"{p95(serial_ms):.1f}",
            reminders_1000_s=f"{reminders_s:.2f}",
            reminders_smtp_1000_s=f"{smtp_s:.2f}",
            naive_board_ratio=f"{median(naive_board_ms) / median(board_ms):.1f}",
            naive_serial_ratio=f"{median(naive_serial_ms) / median(serial_ms):.1f}",
            engine=args.engine,
        )
    )


def _through_smtp() -> tuple[float, int]:
    """Schedule the same reminders again and send them to a local SMTP server."""
    import tempfile

    from devkit.messaging_servers import smtp_server, write_secrets

    with db.transaction() as cur:
        cur.execute("DELETE FROM messages WHERE idempotency_key LIKE 'reminder:%'")
        cur.execute(
            "UPDATE service_reminders SET status = 'scheduled', message_id = NULL WHERE id <= ?",
            [DUE],
        )
    with smtp_server() as (mailbox, port):
        os.environ["COMPTOIR_SECRETS"] = str(
            write_secrets(Path(tempfile.mkdtemp()) / "secrets.toml", port, None)
        )
        started = time.perf_counter()
        reminders.send_due()
        seconds = time.perf_counter() - started
        return seconds, len(mailbox.received)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--engine", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    path = bench_database(
        args.db,
        "workshop",
        lambda p: build(p, args.customers),
        f"{JOBS:,} jobs, {ITEMS:,} items and {REMINDERS:,} reminders",
    )
    serials, names = samples()
    with on_engine(args.engine, path, args.url) as target:
        print(f"database: {target}")
        measure(args, serials, names)
    db.close(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
