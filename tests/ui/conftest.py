"""AppTest fixtures: the real app over a demo database in a temp folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from comptoir.data import db, demo
from comptoir.startup import DEMO_ACCOUNTS, create_demo_accounts
from tests.conftest import copy_database

APP = Path(__file__).resolve().parents[2] / "comptoir" / "app.py"


class _NavigationOnly(PagesManager):
    """AppTest resets Streamlit's legacy `pages/` mode on every run; keep it off.

    The app is served the same way by serve.py: app.py's st.navigation is the
    only router, so a page never runs without the sign-in gate in front of it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test_module, "PagesManager", _NavigationOnly)


PASSWORDS = {username: password for username, _, _, password in DEMO_ACCOUNTS}


def sign_in(test: AppTest, username: str, password: str | None = None) -> AppTest:
    """Fill and submit the sign-in form like a user."""
    test.text_input(key="login.username").input(username)
    test.text_input(key="login.password").input(password or PASSWORDS[username])
    next(b for b in test.button if b.label == "Sign in").click().run()
    return test


def open_app(username: str | None) -> AppTest:
    """The app in English, signed in as username (None: left at the sign-in page)."""
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.session_state["ui_language"] = "en"
    test.run()
    assert not test.exception, test.exception
    if username:
        sign_in(test, username)
        assert not test.exception, test.exception
    return test


def _demo_shop() -> None:
    demo.generate(60, seed=5)
    create_demo_accounts()


@pytest.fixture
def shop_db(db_path, database_files):
    """60 demo customers and the three demo accounts (a copy of a file built once)."""
    copy_database(database_files("shop60", _demo_shop), db_path)
    yield db_path
    db.close(db_path)


@pytest.fixture
def app(shop_db):
    """The app in English, signed in as the demo administrator."""
    return open_app("admin")


def shown(markdown: str) -> str:
    """What a Markdown source shows once rendered: escapes and word joiners removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def texts(test: AppTest, kind: str) -> list[str]:
    """Every message of one kind (error, warning, success, info, caption) as shown."""
    return [shown(element.value) for element in getattr(test, kind)]


def table(test: AppTest, index: int = 0):
    """An st.table's frame as shown (headers and cells unescaped)."""
    frame = test.table[index].value
    frame = frame.rename(columns=shown)
    return frame.map(lambda v: shown(v) if isinstance(v, str) else v)


def type_into(test: AppTest, key: str, text: str) -> AppTest:
    """Type into a search-as-you-type box (what the browser component reports), then rerun."""
    test.session_state[f"_st_keyup_{key}"] = {"value": text}
    return test.run()


def open_tab(test: AppTest, label: str) -> AppTest:
    """Open one of the card's sections, as clicks on its group and its tab would (a group
    switched in the browser draws all its sections: its group is enough)."""
    from comptoir.i18n.catalog import t
    from comptoir.ui.card_sections import GROUP_OF, IN_BROWSER

    language = test.session_state["ui_language"]
    code = next(c for c in GROUP_OF if t(f"card.tab.{c}", language) == label)
    for key in [k for k in test.session_state if str(k).startswith("card.group.")]:
        test.session_state[key] = GROUP_OF[code]
    if GROUP_OF[code] in IN_BROWSER:
        return test.run()
    tabs_key = f"card.tabs.{GROUP_OF[code]}.{language}"
    if tabs_key in test.session_state:
        del test.session_state[tabs_key]
    test.session_state[tabs_key] = label
    return test.run()
