"""Start-up: create or upgrade the database, demo data on a brand-new file."""

from __future__ import annotations

import logging
import os

from comptoir import demo_shop
from comptoir.data import db, demo
from comptoir.logic.errors import DatabaseUnavailable
from comptoir.operations import context, upgrades
from comptoir.services import auth, shop
from comptoir.services.customers import maintain_search_index

LOG = logging.getLogger("comptoir.upgrade")
DEMO_ENV = "COMPTOIR_DEMO_CUSTOMERS"
database_target = db.target


def application() -> context.Context:
    """This process's application context: the one installed (tests), else the
    configuration's, made once (the app's first run reads the environment here)."""
    return context.current()


# Documented in the README; created with the demo shop only, never on a real one.
DEMO_ACCOUNTS = (
    ("admin", "Amélie Roux", "admin", "demo-admin-2026"),
    ("manager", "Marc Petit", "manager", "demo-manager-2026"),
    ("staff", "Sam Vendeur", "staff", "demo-staff-2026"),
)


def create_demo_accounts():
    """The three demo accounts (administrator, manager, staff); returns the administrator.

    Only ever on a demo database: the database is marked as one first, so every
    page says DEMO and the published passwords cannot open a real shop.
    """
    shop.mark_demo()
    (username, name, _, password), *others = DEMO_ACCOUNTS
    owner = auth.create_first_admin(username, name, password, password)
    for username, name, role, password in others:
        auth.create_staff(owner, username, name, role, password, password)
    return owner


def _upgrade(path=None) -> str:
    """Migrate after a verified backup; a failure is logged whole and stops the start."""
    try:
        done = upgrades.upgrade(path)
    except upgrades.UpgradeFailed as failed:
        LOG.error("%s", failed)
        raise DatabaseUnavailable(
            "upgrade_failed", str(path or db.target()), "", str(failed)
        ) from failed
    LOG.info("%s", done)
    return done


def prepare_database() -> dict[str, object]:
    """Migrate (after a verified backup); on a file that did not exist, write the demo shop."""
    if db.on_postgres():
        # PostgreSQL: the server's database, migrated; the demo is for the DuckDB file.
        done = _upgrade()
        shop.forget_settings()
        shop.check_here()
        return {"path": db.target(), "migrations": done, "demo": 0, "resorted": False}
    path = db.file_path()
    is_new = not path.exists()
    done = _upgrade(path)
    demo_count = 0
    # A database made for a shop starts with the first-administrator form; only
    # `make run` (or COMPTOIR_DEMO_CUSTOMERS set by hand) asks for the demo shop.
    wanted = int(os.environ.get(DEMO_ENV, "0"))
    if is_new and wanted > 0:
        demo_count = demo.generate(wanted, path=path)
        owner = create_demo_accounts()
        demo_shop.create(owner)
    shop.forget_settings()  # the demo wrote its settings directly
    shop.check_here()
    resorted = maintain_search_index()
    return {"path": str(path), "migrations": done, "demo": demo_count, "resorted": resorted}
