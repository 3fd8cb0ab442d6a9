"""Saved column mappings ("presets"): a file's headers and the field each column goes to,
kept under a name so the next file of the same system is mapped in one click."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from comptoir.logic.customer_import import MAX_COLUMNS, TARGETS, check_mapping
from comptoir.logic.errors import FieldError, ValidationFailed, check_fields
from comptoir.logic.import_formats import squeeze
from comptoir.logic.text import check_no_controls, one_line

MAX_NAME = 60
MAX_PRESETS = 100
MAX_HEADER = 200  # a header longer than this is no header we keep


@dataclass(frozen=True)
class Preset:
    """A mapping saved under a name: the file's headers, and each column's target."""

    name: str
    headers: tuple[str, ...]
    mapping: tuple[str | None, ...]

    def fits(self, headers: Sequence[str]) -> bool:
        """The file has exactly the preset's columns, in its order (compared as squeezed)."""
        return [squeeze(h or "") for h in headers] == [squeeze(h) for h in self.headers]

    def applied(self, headers: Sequence[str], current: Sequence[str | None]) -> list[str | None]:
        """The file's mapping with the preset's target for each column whose header it
        knows; other columns keep theirs unless the preset gives their target to another."""
        targets = {squeeze(h): m for h, m in zip(self.headers, self.mapping, strict=True)}
        known = [squeeze(h or "") in targets for h in headers]
        mapping = [
            targets[squeeze(h or "")] if k else old
            for h, k, old in zip(headers, known, current, strict=True)
        ]
        given = {m for m, k in zip(mapping, known, strict=True) if k and m}
        return [m if k or m not in given else None for m, k in zip(mapping, known, strict=True)]

    def as_json(self) -> tuple[str, str]:
        """The headers and mapping as stored."""
        return json.dumps(list(self.headers)), json.dumps(list(self.mapping))


def clean_name(raw: object) -> str:
    """A preset's name: one line, 1–60 characters, no control characters."""
    return check_no_controls(one_line(raw, MAX_NAME))


def preset_of(name: object, headers: Sequence[str], mapping: Sequence[str | None]) -> Preset:
    """A preset to save, checked: its name, and a mapping the import would accept."""
    values = check_fields({"preset_name": lambda: clean_name(name)})
    if len(headers) != len(mapping) or len(headers) > MAX_COLUMNS:
        raise ValidationFailed([FieldError("mapping", "import_preset_unreadable")])
    check_mapping(mapping)
    return Preset(
        values["preset_name"],
        tuple(str(h or "")[:MAX_HEADER] for h in headers),
        tuple(m or None for m in mapping),
    )


def stored(name: str, headers: str, mapping: str) -> Preset | None:
    """A preset as read back from the database; None when it is not one we could have
    written (a restored or edited database is not trusted)."""
    try:
        found_headers = json.loads(headers)
        found_mapping = json.loads(mapping)
    except (TypeError, ValueError):
        return None
    if not (isinstance(found_headers, list) and isinstance(found_mapping, list)):
        return None
    if len(found_headers) != len(found_mapping) or len(found_headers) > MAX_COLUMNS:
        return None
    if not all(isinstance(h, str) and len(h) <= MAX_HEADER for h in found_headers):
        return None
    if not all(m is None or m in TARGETS for m in found_mapping):
        return None
    return Preset(name, tuple(found_headers), tuple(found_mapping))
