"""Saved column mappings: names checked, a preset fits a file with its columns, applies to
another file by header, and a stored one we could not have written is not trusted."""

from __future__ import annotations

import json

import pytest

from comptoir.logic.errors import FieldProblem, ValidationFailed
from comptoir.logic.import_presets import MAX_NAME, Preset, clean_name, preset_of, stored

HEADERS = ("Nom", "Prénom", "Mél", "Code")
MAPPING = ("last_name", "first_name", "email", "account_number")


def test_a_name_is_one_bounded_line_without_controls():
    assert clean_name("  Old   till  ") == "Old till"
    for raw, code in (
        ("", "required"),
        ("x" * (MAX_NAME + 1), "too_long"),
        ("a\x1bb", "control_characters"),
    ):
        with pytest.raises(FieldProblem) as refused:
            clean_name(raw)
        assert refused.value.code == code


def test_a_preset_to_save_names_what_is_wrong():
    with pytest.raises(ValidationFailed) as refused:
        preset_of("", HEADERS, (None, None, None, None))
    assert [(e.field, e.code) for e in refused.value.errors] == [("preset_name", "required")]
    with pytest.raises(ValidationFailed) as refused:
        preset_of("Till", HEADERS, ("last_name", "last_name", None, None))
    assert [(e.field, e.code) for e in refused.value.errors] == [("mapping", "import_mapped_twice")]
    with pytest.raises(ValidationFailed) as refused:
        preset_of("Till", HEADERS, MAPPING[:2])
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("mapping", "import_preset_unreadable")
    ]


def test_fits_the_same_columns_and_applies_by_header_to_another_file():
    preset = preset_of("Old till", HEADERS, MAPPING)
    assert preset.fits(["NOM", "prenom", "mel", "code"])
    assert not preset.fits(["Nom", "Prénom", "Mél"])
    # Another file: its known headers take the preset's targets, in any order; a column the
    # preset does not know keeps its own, unless the preset gave that target to another.
    headers = ["Code", "Ville", "Nom", "E-mail"]
    guessed = ["account_number", "city", "last_name", "email"]
    assert preset.applied(headers, guessed) == ["account_number", "city", "last_name", "email"]
    assert preset.applied(["Courriel", "Mél"], ["email", None]) == [None, "email"]


def test_a_stored_preset_is_read_only_when_it_could_be_ours():
    headers, mapping = preset_of("Till", HEADERS, MAPPING).as_json()
    assert stored("Till", headers, mapping) == Preset("Till", HEADERS, MAPPING)
    for bad_headers, bad_mapping in (
        ("not json", mapping),
        (headers, json.dumps(["last_name", "DROP TABLE customers", None, None])),
        (headers, json.dumps(["last_name"])),
        (json.dumps({"a": 1}), mapping),
        (json.dumps(["x" * 500, "a", "b", "c"]), mapping),
    ):
        assert stored("Till", bad_headers, bad_mapping) is None
