"""`python -m purenn` and the `purenn` command: the command line (see purenn.cli).

Ctrl-C while the modules are still being imported ends as it does later: one line, status 130.
"""

import sys


def run() -> None:
    """Import the command line and run it, exiting with its status."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        start = "\n" if sys.stderr.isatty() else ""
        sys.stderr.write(f"{start}purenn: interrupted\n")
        sys.exit(130)
    sys.exit(main())


if __name__ == "__main__":
    run()
