"""The `comptoir` command: serve a shop, the demo, backups, migrations, a health check."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from comptoir import home

DEMO_FILE = "demo.duckdb"


def _use_data_folder(folder: Path | None) -> Path:
    """Point every part of the app at one data folder (created private to its owner)."""
    if folder is not None:
        os.environ[home.HOME_ENV] = str(folder.expanduser().resolve())
    chosen = home.data_folder()
    chosen.mkdir(mode=0o700, parents=True, exist_ok=True)
    return chosen


def _streamlit_flags(args: argparse.Namespace) -> list[str]:
    return ["--server.address", "127.0.0.1", "--server.port", str(args.port)]


def cmd_serve(args: argparse.Namespace) -> int:
    """A shop's app on loopback (and, with --lan, HTTPS to the shop's devices)."""
    from comptoir import serve

    if args.lan is not None:
        from comptoir import lan

        return lan.serve(args.lan, args.port, args.https_port, _streamlit_flags(args))
    return serve.run(_streamlit_flags(args))


def cmd_demo(args: argparse.Namespace) -> int:
    """The demo shop, in a file of its own (demo.duckdb): demo accounts exist only there."""
    from comptoir import serve

    folder = home.data_folder()
    os.environ.setdefault("COMPTOIR_DB", str(folder / DEMO_FILE))
    os.environ.setdefault("COMPTOIR_DEMO_CUSTOMERS", str(args.customers))
    return serve.run(_streamlit_flags(args))


def cmd_backup(args: argparse.Namespace) -> int:
    """A verified backup: into the rotation of the data folder, or to --out."""
    from comptoir.services import backup_schedule

    if args.out is not None:
        from comptoir.services import backup

        return backup.main(["backup", "--out", str(args.out)])
    outcome = backup_schedule.run_backup("manual")
    print(outcome.describe())
    if "in_use" in outcome.error:
        print("The running app holds the database: use System > Back up now (or it backs")
        print("up by itself every night), or stop the app first.")
    return 0 if outcome.ok else 1


def cmd_restore(args: argparse.Namespace) -> int:
    """Build a new database file from a backup zip (and put it in place with --replace)."""
    from comptoir.services import backup

    argv = ["restore", str(args.zip), "--to", str(args.to)]
    if args.replace:
        argv += ["--replace", str(args.replace)]
    if args.yes:
        argv.append("--yes")
    return backup.main(argv)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Bring the database to this release's schema (after a verified backup)."""
    from comptoir.operations import upgrades

    pending = upgrades.pending()
    if not pending:
        print(f"up to date: schema {upgrades.latest()}")
        return 0
    if args.dry_run:
        print("would apply, in order:")
        for version, name in pending:
            print(f"  {version:04d} {name}")
        return 0
    try:
        report = upgrades.upgrade()
    except upgrades.UpgradeFailed as failed:
        print(f"refused: {failed}", file=sys.stderr)
        return 2
    print(report)
    return 0


def _ask_password() -> str:
    if not sys.stdin.isatty():
        # A script pipes the password twice, one per line.
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass("Password: ")


def cmd_create_admin(args: argparse.Namespace) -> int:
    """An administrator account: the first one, or another when every password is lost."""
    from comptoir import startup
    from comptoir.i18n.errors import describe
    from comptoir.logic.auth import SYSTEM
    from comptoir.logic.errors import ValidationFailed
    from comptoir.services import auth

    startup.prepare_database()
    password, confirm = _ask_password(), _ask_password()
    try:
        if auth.has_staff():
            auth.create_staff(SYSTEM, args.username, args.name, "admin", password, confirm)
        else:
            auth.create_first_admin(args.username, args.name, password, confirm)
    except ValidationFailed as refused:
        for error in refused.errors:
            print(f"refused: {describe(error, 'en')}", file=sys.stderr)
        return 2
    print(f"administrator {args.username} created")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Each part of a healthy install: OK, or what to do."""
    from comptoir.services import health

    lines = health.check()
    for line in lines:
        print(line.describe())
    return 0 if all(line.ok for line in lines) else 1


def cmd_install_service(args: argparse.Namespace) -> int:
    """Write the systemd units that start the shop's app (and its HTTPS proxy) at boot."""
    from comptoir import lan
    from comptoir.logic.backups import parse_time

    at = parse_time(args.backup_timer) if args.backup_timer is not None else None
    written = lan.write_units(args.out, args.user, home.data_folder(), args.port, args.lan, at)
    for path in written:
        print(f"written: {path}")
    print("then: sudo cp these files /etc/systemd/system/ && sudo systemctl daemon-reload")
    # The backup job is started by its timer, not enabled itself.
    started = [p.name for p in written if p.name != "comptoir-backup.service"]
    print("      sudo systemctl enable --now " + " ".join(started))
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line's options."""
    top = argparse.ArgumentParser(prog="comptoir", description=__doc__)
    top.add_argument(
        "--data",
        type=Path,
        help="the data folder (database, secrets, backups, logs); default $COMPTOIR_HOME,"
        " else ~/.local/share/comptoir",
    )
    commands = top.add_subparsers(dest="command", required=True)

    def command(name: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=(run.__doc__ or "").splitlines()[0])
        sub.set_defaults(run=run)
        return sub

    serve = command("serve", cmd_serve)
    serve.add_argument("--port", type=int, default=8501, help="Streamlit's loopback port")
    serve.add_argument(
        "--lan",
        nargs="?",
        const="",
        default=None,
        metavar="NAME",
        help="serve the shop's devices over HTTPS through Caddy, as NAME (default: this"
        " machine's name on the LAN)",
    )
    serve.add_argument("--https-port", type=int, default=443)
    demo = command("demo", cmd_demo)
    demo.add_argument("--port", type=int, default=8501)
    demo.add_argument("--customers", type=int, default=2000)
    backup = command("backup", cmd_backup)
    backup.add_argument("--out", type=Path, help="write one backup here instead")
    restore = command("restore", cmd_restore)
    restore.add_argument("zip", type=Path)
    restore.add_argument("--to", type=Path, required=True, help="the new database file")
    restore.add_argument("--replace", type=Path, help="then put it in place of this live file")
    restore.add_argument("--yes", action="store_true", help="replace without asking")
    migrate = command("migrate", cmd_migrate)
    migrate.add_argument("--dry-run", action="store_true", help="list what would run")
    admin = command("create-admin", cmd_create_admin)
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True, help="the name shown in the app")
    command("check", cmd_check)
    service = command("install-service", cmd_install_service)
    service.add_argument("--out", type=Path, default=Path("."), help="where to write the units")
    service.add_argument("--user", default="comptoir", help="the dedicated system user")
    service.add_argument("--port", type=int, default=8501)
    service.add_argument("--lan", default=None, metavar="NAME", help="also Caddy's site")
    service.add_argument(
        "--backup-timer",
        default=None,
        metavar="HH:MM",
        help="also a timer running `comptoir backup` (a PostgreSQL chain; a DuckDB shop's"
        " running app backs itself up)",
    )
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code."""
    args = parser().parse_args(argv)
    _use_data_folder(args.data)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
