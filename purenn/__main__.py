"""`python -m purenn`: the command line (see purenn.cli)."""

import sys

from .cli import main

sys.exit(main())
