"""The safety net under every page: words and an incident id, never a traceback."""

from __future__ import annotations

import logging

from streamlit.testing.v1 import AppTest


def _failing_page() -> None:
    from comptoir.ui.errors import run_guarded

    def boom() -> None:
        raise RuntimeError("/srv/secret/path.py exploded")

    run_guarded(boom)


def _busy_page() -> None:
    from comptoir.logic.errors import Busy
    from comptoir.ui.errors import run_guarded

    def busy() -> None:
        raise Busy()

    run_guarded(busy)


def test_an_unexpected_error_shows_an_incident_id_and_logs_the_traceback(caplog):
    test = AppTest.from_function(_failing_page)
    test.session_state["ui_language"] = "en"
    with caplog.at_level(logging.ERROR, logger="comptoir.incidents"):
        test.run()
    assert not test.exception
    [shown] = [e.value for e in test.error]
    assert shown.startswith("Something went wrong; nothing half-done was stored.")
    assert "/srv/secret" not in shown and "RuntimeError" not in shown
    incident = shown.rsplit(": ", 1)[1].rstrip(".")
    [record] = [r for r in caplog.records if r.name == "comptoir.incidents"]
    assert record.getMessage() == f"incident {incident}"
    assert "/srv/secret/path.py exploded" in str(record.exc_info[1])


def test_a_busy_database_asks_to_try_again():
    test = AppTest.from_function(_busy_page)
    test.session_state["ui_language"] = "fr"
    test.run()
    assert not test.exception
    assert [w.value for w in test.warning] == [
        "La base du magasin est occupée par d'autres caisses ; rien n'a été enregistré. Réessayez."
    ]


def test_the_config_keeps_error_details_from_the_browser():
    import tomllib
    from pathlib import Path

    config = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
    assert tomllib.loads(config.read_text())["client"]["showErrorDetails"] == "none"


def test_an_installed_server_gets_the_same_settings_as_the_checkout():
    """serve.OPTIONS (flags for an installed copy) and .streamlit/config.toml agree."""
    import tomllib
    from pathlib import Path

    from comptoir import serve

    config = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
    flat = {
        f"{section}.{key}": str(value).lower() if isinstance(value, bool) else str(value)
        for section, values in tomllib.loads(config.read_text()).items()
        for key, value in values.items()
    }
    assert flat == serve.OPTIONS
