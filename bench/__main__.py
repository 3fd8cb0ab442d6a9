"""One entry point for the benchmarks: `python -m bench NAME [options]` (`python -m bench`
lists them). Each prints its figures and ends with one `RESULT key=value ...` line."""

from __future__ import annotations

import importlib
import sys

BENCHES = (
    "accounts",
    "backups",
    "duplicates",
    "insights",
    "install",
    "moving_in",
    "products_import",
    "sales",
    "search",
    "sign_in",
    "ui",
    "workshop",
    "xlsx_upload",
)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHES:
        print("usage: python -m bench NAME [options]; NAME is one of:", ", ".join(BENCHES))
        return 2
    name, rest = argv[0], argv[1:]
    sys.argv = [f"bench {name}", *rest]  # each bench reads its options with argparse
    outcome = importlib.import_module(f"bench.{name}").main()
    return int(outcome or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
