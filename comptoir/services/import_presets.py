"""Saved column mappings for imports (managers): listed, saved under a name, removed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from comptoir.data import db
from comptoir.data import imports as repo
from comptoir.logic.auth import Actor, require
from comptoir.logic.errors import FieldError, NotFound, ValidationFailed
from comptoir.logic.import_presets import MAX_PRESETS, Preset, preset_of, stored
from comptoir.operations import unit_of_work
from comptoir.operations.unit_of_work import UnitOfWork

SCREEN = "import"


def presets(actor: Actor) -> list[Preset]:
    """The saved mappings by name (any stored one we could not have written is left out)."""
    require(actor, "customers.import")
    with db.cursor() as cur:
        rows = repo.presets(cur, MAX_PRESETS)
    found = (stored(r["name"], r["headers"], r["mapping"]) for r in rows)
    return [p for p in found if p is not None]


def save_preset(
    actor: Actor,
    name: object,
    headers: Sequence[str],
    mapping: Sequence[str | None],
    now: datetime | None = None,
) -> Preset:
    """Save the file's mapping under a name (one of that name is replaced)."""
    preset = preset_of(name, headers, mapping)

    def work(uow: UnitOfWork) -> Preset:
        names = {r["name"] for r in repo.presets(uow.cur, MAX_PRESETS + 1)}
        if len(names) >= MAX_PRESETS and preset.name not in names:
            raise ValidationFailed(
                [FieldError("preset_name", "import_presets_full", {"max": str(MAX_PRESETS)})]
            )
        headers_json, mapping_json = preset.as_json()
        new = repo.save_preset(uow.cur, preset.name, headers_json, mapping_json, uow.now, uow.staff)
        action = "create" if new else "update"
        uow.audit_change(action, "import_preset", preset.name, "mapping", None, mapping_json)
        return preset

    return unit_of_work.run(actor, "customers.import", SCREEN, work, now)


def delete_preset(actor: Actor, name: str, now: datetime | None = None) -> None:
    """Remove a saved mapping."""

    def work(uow: UnitOfWork) -> None:
        if not repo.delete_preset(uow.cur, name):
            raise NotFound("import_preset", name)
        uow.audit_change("delete", "import_preset", name, "name", name, None)

    unit_of_work.run(actor, "customers.import", SCREEN, work, now)
