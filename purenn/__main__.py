"""`python -m purenn` and the `purenn` command: the command line (see purenn.cli).

Ctrl-C while the modules are still being imported ends as it does later: one line, status 130.
"""

import sys

INTERRUPTED = 130


def _exit(status: int) -> None:
    """Exit with `status`, 130 included.

    CPython (3.8 and later) marks a run whose KeyboardInterrupt ended a string `exec` or `eval`
    (namedtuple and dataclass definitions run one while modules are imported) as ended by Ctrl-C even
    when the exception was caught, and under `python -m` it then kills itself with SIGINT at exit
    instead of exiting with the status asked for. Every string `exec` clears that mark first.
    """
    if status == INTERRUPTED:
        exec("")  # clears the mark; see above
    sys.exit(status)


def run() -> None:
    """Import the command line and run it, exiting with its status."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        try:  # standard error may be closed (None) or full
            start = "\n" if sys.stderr.isatty() else ""
            sys.stderr.write(f"{start}purenn: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        _exit(INTERRUPTED)
    _exit(main())


if __name__ == "__main__":
    run()
