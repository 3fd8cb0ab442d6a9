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
        assert not names & (OUTER - {"duckdb", "data"}), file


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


# The system's own bookkeeping that runs outside any staff member's use case: the
# reminders' queueing round, the rewards' nightly expiry, the search index's rebuild, the
# demo mark. Every use case runs through operations.unit_of_work.
OWN_TRANSACTIONS = {"services/reminders.py", "services/customers.py"}
OWN_TRANSACTIONS |= {"services/shop.py", "services/rewards.py"}

# A use case never imports another (issue 25): start-up (comptoir/startup.py), the demo
# shop (comptoir/demo_shop.py) and the background jobs (comptoir/jobs.py) drive use cases
# from above, as a client would; what several use cases share is an operation
# (the backup's file, its rotation and the upgrade are operations/backup_files.py,
# backup_rotation.py and upgrades.py).


def _use_case_imports() -> set[tuple[str, str]]:
    found = set()
    for file in (ROOT / "services").glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "comptoir.services":
                found |= {(file.stem, a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "comptoir.services."
            ):
                found.add((file.stem, node.module.split(".")[2]))
    return found


def test_a_use_case_never_imports_another():
    assert _use_case_imports() == set()


def test_no_public_use_case_takes_a_cursor_or_writes_the_audit_by_hand():
    for file in (ROOT / "services").glob("*.py"):
        source = file.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                assert "cur" not in [a.arg for a in node.args.args], f"{file.name}: {node.name}"
        assert "audit.record" not in source, file.name
        name = f"services/{file.name}"
        if name not in OWN_TRANSACTIONS:
            assert "run_in_transaction" not in source, name


# Where the app reads its environment (issue 25): the application context at start
# (database, shop, background rounds: operations/context.py, data/db.configured()), the
# command line and server that set it (cli, serve, startup's demo size), the data folder
# (home), the LAN proxy's child environment (lan), the unsubscribe secret and public URL
# beside the messaging secrets (suppression), and PostgreSQL's tools and timeout.
READS_THE_ENVIRONMENT = {
    "cli.py",
    "serve.py",
    "startup.py",
    "home.py",
    "lan.py",
    "operations/context.py",
    "operations/suppression.py",
    "data/db.py",
    "data/postgres.py",
}


def _python_files() -> dict[str, str]:
    files = {str(f.relative_to(ROOT)): f for f in ROOT.rglob("*.py")}
    files |= {f"data/{f.name}": f for f in (PROJECT / "data").glob("*.py")}
    return {name: f.read_text(encoding="utf-8") for name, f in files.items()}


def test_the_environment_is_read_by_the_context_at_start_and_a_known_few():
    found = {
        name
        for name, source in _python_files().items()
        if "os.environ" in source or "getenv(" in source
    }
    assert found == READS_THE_ENVIRONMENT


def test_caches_and_background_threads_belong_to_the_application_context():
    """No use case or operation keeps state in a module global: caches are the context's
    (context.kept), background rounds its threads (context.run_beside)."""
    for name, source in _python_files().items():
        if not name.startswith(("services/", "operations/")) or name == "operations/context.py":
            continue
        tree = ast.parse(source)
        assert not any(isinstance(n, ast.Global) for n in ast.walk(tree)), name
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                text = ast.unparse(node.value)
                assert not text.startswith(("threading.", "defaultdict(threading")) or (
                    name == "operations/account_ledger.py"  # per-customer locks: see there
                ), f"{name}: {text}"
