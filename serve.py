"""The checkout's launcher, as `make run` and `make serve` start the app:
python serve.py [streamlit options] (an installed copy: `comptoir serve`)."""

import sys

from comptoir.serve import run

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
