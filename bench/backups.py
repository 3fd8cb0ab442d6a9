"""The nightly backup's cost: write the backup zip, then verify it by restoring it into a
scratch file with every check, as `comptoir backup` and the scheduler do.

Baseline measured in the same run: copying the database file as it is (the least any
backup costs, and one that proves nothing). Prints medians over --repeat runs, the
backup's size, and the ratios against the copy.

    python -m bench backups [--customers 2000] [--repeat 3] [--db FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import bench_database, median, result_line


def build(customers: int):
    def make(path: Path) -> None:
        from comptoir.data import demo
        from comptoir.startup import create_demo_accounts

        demo.generate(customers, seed=7, path=path)
        create_demo_accounts()

    return make


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None, help="reuse (or build) this file")
    args = parser.parse_args()
    path = bench_database(args.db, f"backups-{args.customers}", build(args.customers), "the shop")
    home = Path(tempfile.mkdtemp(prefix="comptoir-bench-home-"))
    os.environ["COMPTOIR_HOME"] = str(home)

    from comptoir.data import db
    from comptoir.operations import backup_rotation
    from comptoir.services import backup, backup_schedule

    db.close(path)
    copies, writes, verifies, sizes = [], [], [], []
    moment = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)
    for run in range(args.repeat):
        target = home / f"copy-{run}.duckdb"
        started = time.perf_counter()
        shutil.copyfile(path, target)
        copies.append(time.perf_counter() - started)
        target.unlink()

        made = home / f"backup-{run}.zip"
        started = time.perf_counter()
        backup.write_backup(path, made)
        writes.append(time.perf_counter() - started)
        sizes.append(made.stat().st_size)
        started = time.perf_counter()
        backup_rotation.verify_zip(made)
        verifies.append(time.perf_counter() - started)
        made.unlink()
    # The whole scheduled run once more (write, verify, rename, rotate), as at night.
    started = time.perf_counter()
    outcome = backup_schedule.run_backup("nightly", moment + timedelta(days=1), source=path)
    whole = time.perf_counter() - started
    assert outcome.ok, outcome.error
    file_mb = path.stat().st_size / 1024**2
    shutil.rmtree(home, ignore_errors=True)

    copy_s, write_s, verify_s = median(copies), median(writes), median(verifies)
    print(f"database file: {file_mb:.1f} MB, {args.customers:,} customers")
    print(f"copy the file (baseline): median {copy_s:.3f} s")
    print(f"write the backup zip:     median {write_s:.2f} s ({sizes[0] / 1024**2:.1f} MB)")
    print(f"verify by restoring:      median {verify_s:.2f} s")
    print(f"scheduled run (write + verify + rotate): {whole:.2f} s")
    print(
        result_line(
            customers=args.customers,
            db_mb=f"{file_mb:.1f}",
            backup_mb=f"{sizes[0] / 1024**2:.1f}",
            copy_s=f"{copy_s:.3f}",
            write_s=f"{write_s:.2f}",
            verify_s=f"{verify_s:.2f}",
            nightly_s=f"{whole:.2f}",
            ratio_write_vs_copy=f"{write_s / copy_s:.1f}",
            ratio_nightly_vs_copy=f"{whole / copy_s:.1f}",
        )
    )
    return 0
