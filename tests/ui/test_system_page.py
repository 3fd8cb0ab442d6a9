"""The System page (administrators), the stale-backup banner, the backup settings."""

from __future__ import annotations

import re

import pytest

from comptoir.data import db
from comptoir.services import auth, backup_schedule, shop
from tests.ui.conftest import open_app, table, texts

BANNER = re.compile(
    r"^No verified backup of this shop yet\. The first one is made tonight at 02:30"
)


def system(app):
    return app.switch_page("pages/system.py").run()


def test_an_administrator_backs_up_now_and_sees_it_listed(app):
    system(app)
    assert not app.exception
    assert [t.value for t in app.title] == ["System"]
    first = table(app, 0)
    assert list(first.iloc[:, 0]) == [
        "Version",
        "Database",
        "Data folder",
        "Database size",
        "Free disk space",
        "Server log",
    ]
    assert (
        "No verified backup yet: the first is made tonight at 02:30, or now with the button below."
        in texts(app, "warning")
    )
    next(b for b in app.button if b.label == "Back up now").click().run()
    (made,) = backup_schedule.backups()
    assert texts(app, "success") == [f"Backup made and verified: {made.name}"]
    listed = table(app, 1)
    assert list(listed["File"]) == [made.name] and list(listed["Kind"]) == ["Made by hand"]


def test_an_incident_on_another_page_is_listed_with_its_page(app, monkeypatch):
    def broken(actor):
        raise RuntimeError("Léa Roux, 06 12 34 56 78")  # a customer's details in the text

    with monkeypatch.context() as patched:
        patched.setattr(auth, "list_staff", broken)
        app.switch_page("pages/audit_log.py").run()
    (shown,) = texts(app, "error")
    incident = re.search(r"\b([0-9A-F]{8})\b", shown).group(1)
    system(app)
    incidents = next(
        frame
        for frame in (table(app, i) for i in range(len(app.table)))
        if "Incident" in frame.columns
    )
    row = incidents[incidents["Incident"] == incident]
    assert list(row["Page"]) == ["audit"] and list(row["Error"]) == ["RuntimeError"]
    assert "Léa" not in incidents.to_string()


def test_the_page_is_for_administrators_only(shop_db):
    manager = open_app("manager")
    manager.switch_page("pages/system.py").run()
    assert [t.value for t in manager.title] != ["System"]


@pytest.fixture
def real_shop(shop_db):
    """The demo shop, no longer marked as one (a shop's own data)."""
    with db.transaction() as cur:
        cur.execute("DELETE FROM settings WHERE key = ?", [shop.DEMO_KEY])
        cur.execute("DELETE FROM shop_settings WHERE key = ?", [shop.DEMO_KEY])
    shop.forget_settings()
    return shop_db


def test_managers_see_the_banner_until_a_backup_is_made(real_shop):
    manager = open_app("manager")
    assert [w for w in texts(manager, "warning") if BANNER.match(w)]
    staff = open_app("staff")
    assert not [w for w in texts(staff, "warning") if BANNER.match(w)]
    assert backup_schedule.run_backup("nightly").ok
    manager.run()
    assert not [w for w in texts(manager, "warning") if BANNER.match(w)]


def test_backup_settings_are_checked_and_saved(app):
    app.switch_page("pages/settings.py").run()
    assert any(
        c.startswith(
            "No verified backup yet. Kept once made: the newest of each of the last 7 days"
        )
        for c in texts(app, "caption")
    )
    nonce = app.session_state["settings.nonce"]
    app.text_input(key=f"settings.{nonce}.backup_time").input("25:00")
    app.text_input(key=f"settings.{nonce}.backup_second_folder").input("usb")
    next(b for b in app.button if b.label == "Save settings").click().run()
    errors = " ".join(texts(app, "error"))
    assert (
        "Nightly backup at (HH:MM, shop time): give a time of day such as 02:30 (not 25:00)."
        in errors
    )
    assert "give a full folder path, such as /media/usb/comptoir (not usb)." in errors
    assert app.text_input(key=f"settings.{nonce}.backup_time").value == "25:00"  # kept on screen
    app.text_input(key=f"settings.{nonce}.backup_time").input("3:15")
    app.text_input(key=f"settings.{nonce}.backup_second_folder").input("/media/usb/comptoir")
    next(b for b in app.button if b.label == "Save settings").click().run()
    assert backup_schedule.backup_time() == "03:15"
    assert str(backup_schedule.second_folder()) == "/media/usb/comptoir"
    assert backup_schedule.run_backup("nightly").ok
    app.switch_page("pages/settings.py").run()
    assert any(c.startswith("Last good backup: ") for c in texts(app, "caption"))


def test_a_failed_upgrade_is_said_once_and_not_tried_again_at_each_page(
    db_path, tmp_path, monkeypatch
):
    import shutil

    from comptoir.data import migrate

    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder)
    (folder / "0091_broken.sql").write_text("ALTER TABLE no_such_table ADD COLUMN x INT;\n")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    from comptoir.operations import upgrades

    tried = []
    real = upgrades.upgrade
    monkeypatch.setattr(upgrades, "upgrade", lambda path=None: tried.append(path) or real(path))
    db.close(db_path)
    first = open_app(None)
    (said,) = texts(first, "error")
    assert said.startswith("The database could not be upgraded to this release of Comptoir")
    second = open_app(None)  # another visitor, another page load
    assert texts(second, "error")[0].startswith("The database could not be upgraded")
    assert len(tried) == 1
    assert [b.kind for b in backup_schedule.backups()] == ["pre-migration"]
