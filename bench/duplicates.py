"""Likely duplicates at 1,000,000 customers: the Duplicates page and the new-customer hints.

python -m bench duplicates [--customers 1000000] [--db path] [--repeat 3]

Times, through the real service: a page of pairs (the candidates found in SQL, all
judged, the count and the first 25 surest first), a page far down the list, and the
hints for a customer being typed; the judging of every candidate at once
(logic/duplicates.judge); beside, in the same run, two naive ways: the blocking in pandas
(the customers' columns read, each key's small blocks paired by a self-merge) and the
judging one pair at a time (5,000 pairs, per 1,000).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from bench.common import bench_database, median, result_line, timings_ms
from comptoir.data import db, demo, migrate
from comptoir.data import duplicates as repo
from comptoir.data.duplicates import MAX_BLOCK
from comptoir.logic.auth import SYSTEM
from comptoir.logic.duplicates import judge
from comptoir.services import duplicates


def naive_pairs(path: Path) -> int:
    """The same blocks in pandas: every customer read, each key's small blocks self-merged."""
    with db.cursor(path) as cur:
        frame = cur.execute(
            "SELECT id, lower(email) AS e, mobile AS m, lower(last_name) AS ln,"
            " lower(coalesce(first_name, '')) AS fn,"
            " upper(replace(coalesce(postcode, ''), ' ', '')) AS pc FROM customers"
            " WHERE NOT archived"
        ).df()
    keys = {
        "email": frame["e"],
        "mobile": frame["m"],
        "name_postcode": (frame["ln"] + "|" + frame["pc"]).where(frame["pc"] != ""),
        "similar_name": (frame["pc"] + "|" + frame["fn"] + "|" + frame["ln"].str[:3]).where(
            frame["pc"] != ""
        ),
    }
    found = []
    for reason, key in keys.items():
        keyed = pd.DataFrame({"id": frame["id"], "ln": frame["ln"], "k": key}).dropna()
        sizes = keyed.groupby("k")["id"].transform("size")
        keyed = keyed[(sizes >= 2) & (sizes <= MAX_BLOCK)]
        pairs = keyed.merge(keyed, on="k")
        pairs = pairs[pairs["id_x"] < pairs["id_y"]]
        if reason == "similar_name":
            pairs = pairs[pairs["ln_x"] != pairs["ln_y"]]
        found.append(pairs[["id_x", "id_y"]])
    return len(pd.concat(found).drop_duplicates())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = bench_database(
        args.db,
        "duplicates",
        lambda p: demo.generate(args.customers, path=p),
        f"{args.customers:,} customers",
    )
    migrate.migrate(path)
    rows, total = duplicates.pairs(SYSTEM, 0)
    with db.cursor() as cur:
        frame = repo.candidates(cur)
    print(
        f"{len(frame):,} candidates, {total:,} judged one person;"
        f" first: score {rows[0]['score']}, {rows[0]['reasons']}"
    )
    whole = timings_ms(lambda: judge(frame), args.repeat, 0)
    sample = frame.head(5000)
    started = time.perf_counter()
    for index in range(len(sample)):
        judge(sample.iloc[[index]])
    one_by_one = (time.perf_counter() - started) * 1000 / len(sample) * 1000
    vector = median(whole) / len(frame) * 1000

    def cold_first_page() -> None:
        duplicates._rankings.clear()  # as after any customer changed: judged again
        duplicates.pairs(SYSTEM, 0)

    first = timings_ms(cold_first_page, args.repeat, 1)
    # Turning the page while no customer changed: the kept ranking.
    far = timings_ms(lambda: duplicates.pairs(SYSTEM, 1000), args.repeat, 1)
    typed = {"last_name": "Martin", "first_name": "Julie", "email": "julie@example.org"}
    hints = timings_ms(lambda: duplicates.similar_to(typed), 20, 2)
    started = time.perf_counter()
    naive_total = naive_pairs(path)
    naive = (time.perf_counter() - started) * 1000
    print(
        f"page 1 (judged afresh): median {median(first):.0f} ms;"
        f" page 1001 (kept ranking): {median(far):.0f} ms;"
        f" hints: {median(hints):.1f} ms; pandas: {naive:.0f} ms for {naive_total:,} pairs"
        f" ({naive / median(first):.1f}x the page)"
    )
    print(
        f"judging all {len(frame):,} candidates: median {median(whole):.0f} ms"
        f" ({vector:.2f} ms per 1,000); one pair at a time: {one_by_one:.0f} ms per 1,000"
        f" ({one_by_one / vector:.0f}x)"
    )
    print(
        result_line(
            customers=args.customers,
            candidates=len(frame),
            pairs=total,
            judge_all_ms=round(median(whole)),
            judge_ratio_vs_one_by_one=round(one_by_one / vector),
            page_median_ms=round(median(first)),
            far_page_median_ms=round(median(far)),
            hints_median_ms=round(median(hints), 1),
            pandas_ms=round(naive),
            pandas_ratio=round(naive / median(first), 1),
        )
    )


if __name__ == "__main__":
    main()
