"""A real shop never accepts a demo password; the demo says DEMO on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from comptoir import startup
from comptoir.data import db
from comptoir.services import auth, shop
from tests.conftest import application
from tests.ui.conftest import open_app, sign_in, texts

BANNER = "DEMO shop: made-up customers and published passwords"


@pytest.fixture
def fresh_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "new-shop.duckdb"
    monkeypatch.delenv(startup.DEMO_ENV, raising=False)
    with application(db.DuckDBFile(path)):
        yield path
    db.close(path)


def test_a_new_database_is_a_real_shop_with_the_first_admin_form(fresh_file):
    app = open_app(None)
    assert [t.value for t in app.title] == ["Create the first administrator"]
    assert not shop.is_demo() and not auth.has_staff()
    assert not any(BANNER in w for w in texts(app, "warning"))
    with pytest.raises(auth.SignInRefused):
        auth.sign_in("admin", "demo-admin-2026")


def test_the_demo_database_says_demo_on_every_page(fresh_file, monkeypatch):
    monkeypatch.setenv(startup.DEMO_ENV, "50")
    app = open_app(None)
    assert any(BANNER in w for w in texts(app, "warning"))  # the sign-in page too
    sign_in(app, "admin")
    for page in ("pages/customers.py", "pages/new_sale.py", "pages/settings.py"):
        app.switch_page(page).run()
        assert any(BANNER in w for w in texts(app, "warning")), page
