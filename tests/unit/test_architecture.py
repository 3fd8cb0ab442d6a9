"""The one direction of imports from docs/design.md."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
ROOT = PROJECT / "comptoir"  # the installed package
OUTER = {
    "streamlit",
    "duckdb",
    "data",
    "operations",
    "services",
    "pages",
    "ui",
    "printing",
    "messaging",
}


def _top(module: str) -> str:
    """The layer a module belongs to: comptoir.services.x -> services."""
    parts = module.split(".")
    return parts[1] if parts[0] == "comptoir" and len(parts) > 1 else parts[0]


def _imports(folder: str, base: Path = ROOT) -> dict[str, set[str]]:
    found = {}
    targets = [base / folder] if (base / folder).is_file() else (base / folder).rglob("*.py")
    for file in targets:
        names = set()
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {_top(a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(_top(node.module))
        found[str(file.relative_to(base))] = names
    return found


def test_logic_is_pure():
    for file, names in _imports("logic").items():
        assert not names & (OUTER | {"requests", "socket", "time"}), file


def test_only_data_imports_duckdb():
    for folder in ("logic", "operations", "services", "pages", "ui", "i18n", "app.py"):
        for file, names in _imports(folder).items():
            assert "duckdb" not in names, file


def test_pages_use_services_not_data():
    for folder in ("pages", "app.py"):
        for file, names in _imports(folder).items():
            assert "data" not in names, file


def test_services_do_not_import_streamlit():
    for file, names in _imports("services").items():
        assert not names & {"streamlit", "pages", "ui"}, file


def test_operations_never_import_a_use_case():
    """The unit of work, the clock, settings and in-transaction operations sit below the
    use cases: a use case composes operations, an operation never calls a use case."""
    for file, names in _imports("operations").items():
        assert not names & {"streamlit", "services", "pages", "ui"}, file
        assert "duckdb" not in names, file


def test_data_imports_no_layer_above_it():
    for file, names in _imports("data").items():
        assert not names & {
            "streamlit",
            "operations",
            "services",
            "pages",
            "ui",
            "printing",
            "messaging",
        }, file


def test_printing_builds_documents_from_plain_data():
    for file, names in _imports("printing").items():
        assert not names & {
            "streamlit",
            "duckdb",
            "data",
            "operations",
            "services",
            "pages",
            "ui",
        }, file


def test_ui_reaches_the_database_only_through_services():
    for file, names in _imports("ui").items():
        assert not names & {"data", "duckdb"}, file


def test_i18n_is_words_only():
    for file, names in _imports("i18n").items():
        assert not names & {"streamlit", "duckdb", "data", "services", "pages", "ui"}, file


def test_benchmarks_and_dev_helpers_do_not_import_the_tests():
    for folder in ("bench", "devkit"):
        for file, names in _imports(folder, PROJECT).items():
            assert "tests" not in names, file


def test_the_app_never_imports_tests_benchmarks_or_dev_helpers():
    for folder in (
        "logic",
        "data",
        "operations",
        "services",
        "ui",
        "pages",
        "printing",
        "messaging",
        "i18n",
    ):
        for file, names in _imports(folder).items():
            assert not names & {"tests", "bench", "devkit"}, file


# Modules whose use cases run through services.unit_of_work (issue 25 moves the rest).
ON_THE_UNIT_OF_WORK = ("services/delivery.py",)


def test_use_cases_on_the_unit_of_work_take_no_bare_cursor_and_no_run_in_transaction():
    for name in ON_THE_UNIT_OF_WORK:
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                assert "cur" not in [a.arg for a in node.args.args], f"{name}: {node.name}"
        source = (ROOT / name).read_text(encoding="utf-8")
        assert "run_in_transaction" not in source and "audit.record(" not in source, name
