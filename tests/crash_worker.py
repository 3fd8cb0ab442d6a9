"""A burst of writes through the services, each acknowledged on stdout once committed;
the crash test kills this process (SIGKILL) somewhere in the middle.

python tests/crash_worker.py DB_FILE SEED
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    os.environ["COMPTOIR_DB"] = path
    from comptoir.services import accounts, customers, merges, products, receipts, till
    from comptoir.services.accounts import EntryRequest
    from comptoir.services.till import LineRequest
    from tests.conftest import ADMIN, MANAGER, STAFF

    rng = random.Random(seed)
    tube = products.active_by_sku("TUBE")["id"]
    people = [r["id"] for r in customers.search_customers("crash", page_size=100).rows]
    print("READY", flush=True)
    while True:
        kind = rng.choice(["customer", "edit", "payment", "charge", "sale", "invoice", "merge"])
        who = rng.choice(people)
        if kind == "customer":
            made = customers.create_customer({"last_name": f"Crash{rng.random():.6f}"}, STAFF)
            people.append(made)
            print(f"ACK customer {made}", flush=True)
        elif kind == "edit":
            card = customers.get_customer(who)
            city = f"City{rng.randint(0, 10**6)}"
            customers.update_customer(who, card["version"], {"city": city}, STAFF)
            print(f"ACK edit {who} {city}", flush=True)
        elif kind in ("payment", "charge"):
            if accounts.overview(STAFF, who).account is None:
                accounts.assign_account_type(MANAGER, who, 1, "100000")
            request = EntryRequest(kind, "1.50", method="cash" if kind == "payment" else None)
            entry = accounts.record_entry(STAFF, who, request, uuid.uuid4().hex)
            print(f"ACK entry {entry}", flush=True)
        elif kind == "sale":
            sale = till.record_sale(
                STAFF, who, [LineRequest(tube, "1")], [("cash", "6.50")], uuid.uuid4().hex
            )
            print(f"ACK sale {sale}", flush=True)
        elif kind == "merge":
            if len(people) < 4:
                continue
            kept, other = rng.sample(people, 2)
            a, b = customers.get_customer(kept), customers.get_customer(other)
            done = merges.merge(ADMIN, kept, a["version"], other, b["version"], {})
            people.remove(other)
            print(f"ACK merge {done} {kept} {other}", flush=True)
            if rng.random() < 0.3:
                merges.undo(ADMIN, done)
                people.append(other)
                print(f"ACK undo {done}", flush=True)
        else:
            found = receipts.purchase_history(STAFF, who)[0]
            if found:
                number = receipts.issue_invoice(STAFF, found[0]["id"])
                print(f"ACK invoice {number}", flush=True)


if __name__ == "__main__":
    main()
