"""Sign-in answers in the same time whether the user is unknown, locked or mistyped.

python -m bench sign_in [--repeat 30]

Times auth.sign_in for an unknown username, a wrong password and a locked
account (each refused with the same answer), and a right password. The naive
baseline is what a sign-in without the dummy hash check would cost for an
unknown user (a lookup only), measured in the same run: the gap an attacker
could time.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.common import median, p95, result_line, timings_ms, use_file
from comptoir.data import db, migrate
from comptoir.data import staff as staff_repo
from comptoir.services import auth


def refused(username: str, password: str) -> None:
    try:
        auth.sign_in(username, password)
    except auth.SignInRefused:
        return
    raise AssertionError("sign-in should have been refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="comptoir-bench-")) / "sign_in.duckdb"
    use_file(path)
    migrate.migrate(path)
    owner = auth.create_first_admin("owner", "Owner", "velo-rouge-42", "velo-rouge-42")
    auth.create_staff(owner, "clerk", "Clerk", "staff", "velo-vert-42", "velo-vert-42")
    # One account per wrong try, so the wrong-password case never turns into a lock.
    tries = args.repeat + 2
    for n in range(tries):
        auth.create_staff(owner, f"typo{n}", "Typo", "staff", "velo-vert-42", "velo-vert-42")
    wrong = iter(range(tries))
    auth.create_staff(owner, "locked", "Locked", "staff", "velo-bleu-42", "velo-bleu-42")
    for attempt in range(6):
        refused("locked", f"wrong-{attempt}")

    def lookup_only() -> None:
        with db.cursor() as cur:
            staff_repo.by_username(cur, "nobody")

    cases = {
        "unknown": lambda: refused("nobody", "velo-vert-42"),
        "wrong_password": lambda: refused(f"typo{next(wrong)}", "velo-vert-43"),
        "locked": lambda: refused("locked", "velo-bleu-42"),
        "right_password": lambda: auth.sign_in("clerk", "velo-vert-42"),
        "naive_unknown": lookup_only,
    }
    figures = {}
    for name, work in cases.items():
        found = timings_ms(work, args.repeat)
        figures[name] = (median(found), p95(found))
        print(f"{name:15} median {median(found):7.1f} ms   p95 {p95(found):7.1f} ms")
    refusals = [figures[k][0] for k in ("unknown", "wrong_password", "locked")]
    print(
        result_line(
            unknown_ms=f"{figures['unknown'][0]:.1f}",
            wrong_password_ms=f"{figures['wrong_password'][0]:.1f}",
            locked_ms=f"{figures['locked'][0]:.1f}",
            refusal_spread=f"{max(refusals) / min(refusals):.2f}x",
            naive_unknown_ms=f"{figures['naive_unknown'][0]:.2f}",
            naive_gap=f"{figures['wrong_password'][0] / figures['naive_unknown'][0]:.0f}x",
        )
    )


if __name__ == "__main__":
    main()
