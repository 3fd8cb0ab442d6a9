"""The Export page's backup: made on request by an administrator, audited, offered as a zip;
managers export but do not see it."""

from __future__ import annotations

import zipfile

from comptoir.services import audit
from tests.conftest import ADMIN
from tests.ui.conftest import open_app, texts


def test_a_manager_exports_but_is_offered_no_backup(shop_db):
    app = open_app("manager")
    app.switch_page("pages/export.py").run()
    assert not app.exception, app.exception
    keys = [b.key for b in app.button]
    assert "backup.make" not in keys and "Backup" not in texts(app, "subheader")


def test_an_administrator_makes_a_backup_and_gets_the_zip(shop_db):
    app = open_app("admin")
    app.switch_page("pages/export.py").run()
    assert audit.search_audit(ADMIN, entity="database")[1] == 0
    app.button(key="backup.make").click().run()
    assert not app.exception, app.exception
    [caption] = [c for c in texts(app, "caption") if "comptoir-backup-" in c]
    assert "rows, ready to download." in caption
    [button] = [b for b in app.get("download_button") if b.proto.id.endswith("backup.download")]
    assert button.proto.label == "Download"
    made = app.session_state["backup.file"]
    assert zipfile.ZipFile(made.path).read("manifest.json").startswith(b"{")
    assert audit.search_audit(ADMIN, entity="database")[1] == 1
