"""Start Streamlit on the app, st.navigation as the only router.

Streamlit treats a `pages/` folder as legacy multipage mode until some session
has called st.navigation, so the first visitor of a fresh server arriving on a
page URL would bypass app.py. Clearing that flag before the server starts
avoids it. Usage: python -m comptoir.serve [streamlit options]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
# The largest upload the app takes (Streamlit's limit, and Caddy's in front of it).
MAX_UPLOAD_MB = 200
# The server's settings, given as flags so an installed copy (no .streamlit/ folder in
# its working directory) serves exactly as a checkout does; the checkout's
# .streamlit/config.toml holds the same values for AppTest (a test keeps them equal).
OPTIONS: dict[str, str] = {
    "server.address": "127.0.0.1",
    "server.port": "8501",
    "server.headless": "true",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",
    "server.maxUploadSize": str(MAX_UPLOAD_MB),
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "minimal",
    # No traceback or server path reaches the browser: an incident id does.
    "client.showErrorDetails": "none",
    "theme.base": "light",
}


def streamlit_argv(extra: list[str]) -> list[str]:
    """`streamlit run` on the app with our options; an option given in extra wins."""
    given = {arg.split("=", 1)[0].removeprefix("--") for arg in extra if arg.startswith("--")}
    ours = [f"--{key}={value}" for key, value in OPTIONS.items() if key not in given]
    return ["streamlit", "run", str(APP), *ours, *extra]


def run(extra: list[str]) -> int:
    """Serve until stopped; the return code of Streamlit's command line."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from comptoir import session_cookie

    PagesManager.uses_pages_directory = False
    session_cookie.install()  # a reload keeps the staff member signed in
    # A real server sends queued messages in the background (AppTest runs do not).
    os.environ.setdefault("COMPTOIR_SENDER", "1")
    sys.argv = streamlit_argv(extra)
    try:
        cli.main()
    except SystemExit as ended:
        return int(ended.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
