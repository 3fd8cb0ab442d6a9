"""A new shop from nothing to its first sale, on this machine: a fresh virtual
environment, `pip install` of the checkout (dependencies from the package registry),
`comptoir create-admin`, `comptoir serve` until it answers, then a first product and
sale through the installed services while the server runs.

Baseline measured in the same run: `python -m venv` and `pip install streamlit` alone
(what any Streamlit app costs before its own code). One run: it downloads.

    python -m bench install
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, result_line

FIRST_SALE = """
from comptoir.services import auth, products, till
from comptoir.services.till import LineRequest
owner = auth.sign_in("owner", "a-long-passphrase")
tube = products.save_product(owner, None, None, {"sku": "TUBE-700", "name": "Tube",
                             "price": "6.50", "tax_rate": "20"})
sale = till.record_sale(owner, None, [LineRequest(tube, "1")], [("cash", "6.50")], "first")
print("sale", sale)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, **kwargs)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="comptoir-install-"))
    try:
        base_venv = work / "baseline"
        baseline = _timed([sys.executable, "-m", "venv", str(base_venv)])
        baseline += _timed(
            [str(base_venv / "bin/pip"), "install", "-q", "streamlit"], stdout=subprocess.DEVNULL
        )

        venv, data = work / "shop-venv", work / "shop-data"
        started = time.perf_counter()
        _timed([sys.executable, "-m", "venv", str(venv)])
        install = _timed(
            [str(venv / "bin/pip"), "install", "-q", str(ROOT)], stdout=subprocess.DEVNULL
        )
        comptoir = [str(venv / "bin/comptoir"), "--data", str(data)]
        admin = _timed(
            [*comptoir, "create-admin", "--username", "owner", "--name", "Owner"],
            input="a-long-passphrase\na-long-passphrase\n",
            text=True,
            stdout=subprocess.DEVNULL,
            cwd=work,
        )
        port = _free_port()
        serve_started = time.perf_counter()
        server = subprocess.Popen(
            [*comptoir, "serve", "--port", str(port)],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:  # polls the health URL at start, as the browser tests do
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.1)
            serving = time.perf_counter() - serve_started
            # The app holds the DuckDB file: the first sale goes through its own process
            # on a copy (the same code and schema), timed to its receipt number.
            shutil.copyfile(data / "comptoir.duckdb", work / "copy.duckdb")
            sale = _timed(
                [str(venv / "bin/python"), "-c", FIRST_SALE],
                env={"COMPTOIR_DB": str(work / "copy.duckdb"), "COMPTOIR_HOME": str(data)},
                cwd=work,
                stdout=subprocess.DEVNULL,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        total = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"pip install of Comptoir (with its dependencies): {install:.1f} s")
    print(f"create-admin: {admin:.1f} s; serve until it answers: {serving:.1f} s")
    print(f"first product and sale (services): {sale:.1f} s")
    print(f"install to first sale: {total:.1f} s")
    print(f"baseline, a venv and pip install streamlit: {baseline:.1f} s")
    print(
        result_line(
            install_s=f"{install:.1f}",
            create_admin_s=f"{admin:.1f}",
            serve_s=f"{serving:.1f}",
            first_sale_s=f"{sale:.1f}",
            total_s=f"{total:.1f}",
            baseline_streamlit_s=f"{baseline:.1f}",
            ratio_vs_baseline=f"{total / baseline:.1f}",
        )
    )
    return 0
