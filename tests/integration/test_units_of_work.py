"""Services run their units of work on the database their caller binds (data.db.using),
else the configured one: two databases, even of two engines, in one process."""

from __future__ import annotations

import threading

from comptoir.data import db, migrate
from comptoir.services import customers, shop
from tests.conftest import STAFF


def test_services_follow_the_bound_database(tmp_path, pg_db):
    file = db.DuckDBFile(tmp_path / "other.duckdb")
    migrate.migrate(file.path)
    server = db.current()
    assert isinstance(server, db.PostgresServer)  # configured by the pg_db fixture
    try:
        with db.using(file):
            on_file = customers.create_customer({"last_name": "Fichier"}, STAFF)
            assert db.target() == str(file.path)
            assert [r["last_name"] for r in customers.search_customers("").rows] == ["Fichier"]
            shop.forget_settings()
            assert shop.current().values["shop_name"] == "Comptoir"
        on_server = customers.create_customer({"last_name": "Serveur"}, STAFF)
        assert [r["last_name"] for r in customers.search_customers("").rows] == ["Serveur"]
        assert db.target() == server.target() and "***" in db.target()
        with db.using(file):
            assert customers.get_customer(on_file)["last_name"] == "Fichier"
        assert customers.get_customer(on_server)["last_name"] == "Serveur"
    finally:
        file.close()


def test_a_binding_belongs_to_its_thread(tmp_path, db_path):
    other = db.DuckDBFile(tmp_path / "elsewhere.duckdb")
    migrate.migrate(other.path)
    seen: list[str] = []
    try:
        with db.using(other):
            worker = threading.Thread(target=lambda: seen.append(db.target()))
            worker.start()
            worker.join()
            seen.append(db.target())
        assert seen == [str(db_path), str(other.path)]
    finally:
        other.close()
