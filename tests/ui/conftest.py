"""AppTest fixtures: the real app over a demo database in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import db, demo

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app(db_path):
    """The app in English on 60 demo customers, first run done."""
    demo.generate(60, seed=5, path=db_path)
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.session_state["ui_language"] = "en"
    test.run()
    assert not test.exception, test.exception
    yield test
    db.close(db_path)


def texts(test: AppTest, kind: str) -> list[str]:
    """Every message of one kind (error, warning, success, info, caption) as text."""
    return [element.value for element in getattr(test, kind)]
