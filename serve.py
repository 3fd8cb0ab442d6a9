"""Start the app with `streamlit run app.py`, st.navigation as the only router.

Streamlit treats a `pages/` folder as legacy multipage mode until some session
has called st.navigation, so the first visitor of a fresh server arriving on a
page URL would bypass app.py. Clearing that flag before the server starts
avoids it. Usage: python serve.py [streamlit options]
"""

import os
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    # A real server sends queued messages in the background (AppTest runs do not).
    os.environ.setdefault("COMPTOIR_SENDER", "1")
    sys.argv = ["streamlit", "run", "app.py", *sys.argv[1:]]
    sys.exit(cli.main())
