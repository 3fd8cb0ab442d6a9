"""Shared fixtures: every test gets its own DuckDB file, never the real one."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest

from comptoir.data import db, demo, migrate
from comptoir.logic.auth import Actor
from comptoir.logic.customers import CardRules
from comptoir.operations import context
from devkit.postgres_server import ThrowawayPostgres, binaries

TODAY = date(2026, 11, 29)
STAFF = Actor(staff_id=None, username="counter", display_name="Counter Staff", role="staff")
MANAGER = Actor(staff_id=None, username="boss", display_name="Shop Manager", role="manager")
ADMIN = Actor(staff_id=None, username="owner", display_name="Shop Owner", role="admin")


def missing(why: str) -> None:
    """A tool a test needs is not installed: skipped on a developer's machine, a failure
    under CI (.ci/run installs it)."""
    import os

    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def pytest_configure(config: pytest.Config) -> None:
    """No test may ever reach the real data/comptoir.duckdb, even by mistake."""
    import os
    import tempfile

    fallback = Path(tempfile.mkdtemp(prefix="comptoir-tests-")) / "fallback.duckdb"
    os.environ[db.ENV_VAR] = str(fallback)
    # Nor the real data folder (backups, logs): a temporary one unless a test sets its own.
    os.environ["COMPTOIR_HOME"] = str(fallback.parent / "home")


@pytest.fixture
def rules() -> CardRules:
    return CardRules(
        default_country="FR",
        today=TODAY,
        titles=("mr", "mrs", "ms", "mx", "dr"),
        genders=("not_defined", "female", "male", "other"),
        price_levels=("A", "B", "C"),
    )


@contextmanager
def application(database: db.Database, shop: str = "MAIN") -> Iterator[context.Context]:
    """The test's own application context on this database, installed for the block."""
    made = context.Context.for_database(database, shop)
    with context.active(made):
        yield made
    made.stop()


def child_environment() -> dict[str, str]:
    """The environment a child process needs to start in this test's context: the same
    database and shop (a process reads its configuration once, at start)."""
    import os

    made = context.current()
    env = {k: v for k, v in os.environ.items() if k not in (db.ENV_VAR, db.URL_ENV)}
    if isinstance(made.database, db.PostgresServer):
        env[db.URL_ENV] = made.database.url
    else:
        env[db.ENV_VAR] = str(db.file_path())
    return env | {context.SHOP_ENV: made.shop}


@pytest.fixture
def use_database() -> Iterator[Callable[..., context.Context]]:
    """use_database(database, shop=...): the test goes on in a context on that database."""
    with ExitStack() as stack:
        yield lambda database, shop="MAIN": stack.enter_context(application(database, shop))


@pytest.fixture(scope="session")
def database_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """database_files(name, build): a DuckDB file migrated then built once per worker, to
    copy for each test (a copy takes milliseconds, migrating a new file a fifth of a second:
    a thousand tests use one)."""
    made: dict[str, Path] = {}

    def template(name: str, build: Callable[[], object] = lambda: None) -> Path:
        if name not in made:
            path = tmp_path_factory.mktemp("templates") / f"{name}.duckdb"
            with application(db.DuckDBFile(path)):
                migrate.migrate(path)
                build()
            db.close(path)
            made[name] = path
        return made[name]

    return template


def copy_database(template: Path, path: Path) -> None:
    """Put a closed template file in place of path (the test's own copy)."""
    db.close(path)
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
    shutil.copyfile(template, path)


@pytest.fixture
def db_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_files: Callable[..., Path]
) -> Iterator[Path]:
    """A migrated, empty database file in a temp folder: the test's application context."""
    path = tmp_path / "comptoir-test.duckdb"
    monkeypatch.setenv("COMPTOIR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COMPTOIR_DEMO_CUSTOMERS", "0")
    copy_database(database_files("migrated"), path)
    with application(db.DuckDBFile(path)):
        yield path
    db.close(path)


@pytest.fixture
def demo_db(db_path: Path, database_files: Callable[..., Path]) -> Path:
    """The migrated test database with 300 demo customers."""
    made = database_files("demo300", lambda: demo.generate(300, seed=11))
    copy_database(made, db_path)
    return db_path


@pytest.fixture(params=[True, False], ids=["process-locks", "database-only"])
def locks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run with the in-process locks on, and off as several processes would be."""
    monkeypatch.setattr(db, "IN_PROCESS_LOCKS", request.param)
    return request.param


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[ThrowawayPostgres]:
    """One throwaway PostgreSQL for the test session (skipped without the binaries,
    except under CI=true, where a missing PostgreSQL is a failure)."""
    import os

    found = binaries()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries not found (install the postgresql package)")
        pytest.skip("PostgreSQL binaries not installed")
    cluster = ThrowawayPostgres(found)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster: ThrowawayPostgres) -> str:
    """A migrated database, the template each test's database is created from (PostgreSQL
    copies it in a few milliseconds; migrating takes the better part of a second)."""
    url = postgres_cluster.new_database("comptoir_migrated")
    with application(db.PostgresServer(url)):
        migrate.migrate()
        db.close()  # a template must have no session open while it is copied
    return "comptoir_migrated"


@pytest.fixture
def pg_db(
    postgres_cluster: ThrowawayPostgres, postgres_template: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database set as the app's database; its URL."""
    url = postgres_cluster.new_database(template=postgres_template)
    monkeypatch.setenv("COMPTOIR_DEMO_CUSTOMERS", "0")
    with application(db.PostgresServer(url)):
        yield url
        db.close()
    postgres_cluster.drop_database(url)


@pytest.fixture(params=["duckdb", "postgres"])
def database(request: pytest.FixtureRequest) -> str:
    """The app's database, migrated and empty, on each engine: ids [duckdb] and [postgres]."""
    if request.param == "duckdb":
        return str(request.getfixturevalue("db_path"))
    return str(request.getfixturevalue("pg_db"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With two workers (pytest-xdist, --dist loadgroup), the browser tests run one after
    another on one worker while the other runs the rest: two Chromiums and two app
    servers at once on two cores would make their waits flaky."""
    for item in items:
        if item.get_closest_marker("e2e") is not None:
            item.add_marker(pytest.mark.xdist_group("e2e"))
