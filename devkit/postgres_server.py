"""A throwaway PostgreSQL cluster for tests and benchmarks, from the installed binaries.

initdb refuses to run as root, so as root the cluster runs as the `postgres`
user (runuser). It listens on 127.0.0.1 on a free port, with durability off (a
test cluster is thrown away), and is removed when stopped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

ROOTS = (Path("/usr/lib/postgresql"),)


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    given = os.environ.get("COMPTOIR_PG_BIN")
    if given:
        return Path(given)
    found = sorted(
        (p for root in ROOTS if root.exists() for p in root.glob("*/bin/initdb")),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayPostgres:
    """initdb, start, one database; stop() removes everything."""

    def __init__(self, bin_dir: Path, password: str = "s3cret-test-only") -> None:
        self.bin = bin_dir
        self.password = password
        self.folder = Path(tempfile.mkdtemp(prefix="comptoir-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        """Start the cluster; the URL of its `comptoir` database (with its password)."""
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        secret = self.folder / "pw"
        secret.write_text(self.password, encoding="utf-8")
        if self.as_root:
            shutil.chown(secret, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "comptoir",
            "--pwfile",
            str(secret),
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
        )
        options = (
            f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        return self.new_database("comptoir")

    def new_database(self, name: str | None = None, template: str | None = None) -> str:
        """Create a database (a fresh name unless given; a copy of template if given);
        its URL. Names are ours (letters, digits, underscores), never from outside."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        copy = f" TEMPLATE {template}" if template else ""
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}{copy}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by new_database, closing its sessions."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")

    def url(self, database: str = "comptoir") -> str:
        return f"postgresql://comptoir:{self.password}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop at once and remove the cluster's folder."""
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass  # never started, or already gone
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
