"""``python -m cli COMMAND ...``: the same as ``python render.py COMMAND ...``."""

import sys

from cli import main

sys.exit(main())
