"""Start-up: create or upgrade the database, demo data on a brand-new file."""

from __future__ import annotations

import os

from data import db, demo, migrate
from services.customers import maintain_search_index

DEMO_ENV = "COMPTOIR_DEMO_CUSTOMERS"
database_path = db.database_path


def prepare_database() -> dict[str, object]:
    """Migrate; on a file that did not exist, write the demo shop."""
    path = db.database_path()
    is_new = not path.exists()
    applied = migrate.migrate(path)
    demo_count = 0
    wanted = int(os.environ.get(DEMO_ENV, "2000"))
    if is_new and wanted > 0:
        demo_count = demo.generate(wanted, path=path)
    resorted = maintain_search_index()
    return {"path": str(path), "migrations": applied, "demo": demo_count, "resorted": resorted}
