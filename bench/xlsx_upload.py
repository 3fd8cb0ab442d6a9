"""Reading an uploaded XLSX whose sheet claims 16,384 columns (A1:XFD1048576).

python -m bench xlsx_upload [--rows 3000] [--repeat 5]

Times and measures the peak memory of the customer import's reader
(logic.customer_import.read_xlsx: rows never padded to the claimed dimension) against
the naive baseline measured in the same run: openpyxl's read-only rows as the
dimension pads them, cut to the header afterwards (how the reader worked before).
"""

from __future__ import annotations

import argparse
import io
import re
import time
import tracemalloc
import zipfile

from bench.common import median, p95, result_line
from comptoir.logic.customer_import import read_xlsx

CLAIMED = b'<dimension ref="A1:XFD1048576"/>'


def wide_workbook(rows: int) -> bytes:
    """A three-column sheet whose dimension claims the whole grid."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Nom", "Prénom", "Courriel"])
    for i in range(rows):
        book.active.append([f"N{i}", "P", f"p{i}@example.org"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            body = old.read(name)
            if name.startswith("xl/worksheets/sheet"):
                body = re.sub(
                    rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', body
                )
            new.writestr(name, body)
    return out.getvalue()


def naive(data: bytes) -> int:
    """The reader before: padded rows, the header's width checked after."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = book.worksheets[0].iter_rows(values_only=True)
    headers = tuple("" if h is None else str(h) for h in next(lines))
    kept = [(n, values[: len(headers)]) for n, values in enumerate(lines, start=2)]
    book.close()
    return len(kept)


def measure(work, repeat: int) -> tuple[list[float], float]:
    """Milliseconds per run and the peak traced memory (MB) of one run."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 1024**2
    tracemalloc.stop()
    return times, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = wide_workbook(args.rows)
    assert len(read_xlsx(data).rows) == args.rows
    ours, ours_peak = measure(lambda: read_xlsx(data), args.repeat)
    base, base_peak = measure(lambda: naive(data), max(1, args.repeat // 2))
    print(f"workbook: {len(data):,} bytes, {args.rows:,} rows, dimension A1:XFD1048576")
    print(
        f"read_xlsx: median {median(ours):.0f} ms, p95 {p95(ours):.0f} ms, peak {ours_peak:.1f} MB"
    )
    print(f"naive:     median {median(base):.0f} ms, peak {base_peak:.1f} MB")
    print(
        result_line(
            rows=args.rows,
            median_ms=f"{median(ours):.0f}",
            p95_ms=f"{p95(ours):.0f}",
            peak_mb=f"{ours_peak:.1f}",
            naive_median_ms=f"{median(base):.0f}",
            naive_peak_mb=f"{base_peak:.1f}",
            speedup=f"{median(base) / median(ours):.1f}",
            memory_ratio=f"{base_peak / max(ours_peak, 0.1):.0f}",
        )
    )


if __name__ == "__main__":
    main()
