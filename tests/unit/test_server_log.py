"""The server log names ids and places in the code, never the text an error carries."""

from __future__ import annotations

import logging
import logging.handlers

from comptoir import logs

# A customer's details, as an error's text would carry them (not the code's own lines).
PERSONAL = ("lea.roux@exemple.fr", "Léa Roux, 06 12 34 56 78")


def _record(logger: logging.Logger, path) -> str:
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=logs.MAX_BYTES, backupCount=1)
    handler.setFormatter(logs.IdsOnly("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        try:
            try:
                raise KeyError(PERSONAL[0])
            except KeyError as first:
                raise RuntimeError(PERSONAL[1]) from first
        except RuntimeError as failure:
            logger.error("incident %s on page %s", "3D54D742", "customer", exc_info=failure)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path.read_text(encoding="utf-8")


def test_an_incident_is_logged_with_its_traceback_but_not_its_message(tmp_path):
    text = _record(logging.getLogger("comptoir.test_log"), tmp_path / "comptoir.log")
    assert text.startswith("ERROR comptoir.test_log: incident 3D54D742 on page customer\n")
    assert "Traceback (most recent call last):" in text and "test_server_log.py" in text
    assert "\nKeyError\n" in text and text.rstrip().endswith("RuntimeError")
    assert "The above exception caused:" in text
    for personal in ("Léa", "Roux", "06 12", "exemple.fr"):
        assert personal not in text
