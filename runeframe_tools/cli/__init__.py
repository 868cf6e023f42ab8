"""The `runeframe-nb` command: one module per group of commands, each command parsing its
options, calling one function and handing its result to a presenter (present.py)."""

from __future__ import annotations

import faulthandler
import signal
import sys

from .. import NEWEST
from . import archive, lab, probes, suite  # noqa: F401  (each adds its commands to `app`)
from ._app import app

__all__ = ["app", "main", "with_flag_values"]


def with_flag_values(argv: list[str]) -> list[str]:
    """`--last-failed` with no RUN after it means the newest run."""
    given = list(argv)
    for i, arg in enumerate(given):
        if arg == "--last-failed" and (i + 1 == len(given) or given[i + 1].startswith("-")):
            given.insert(i + 1, NEWEST)
            break
    return given


def main() -> None:
    # `kill -USR1 <pid>` prints every thread's stack: what a stuck run is waiting for
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        app(args=with_flag_values(sys.argv[1:]))
    except Exception as exc:
        # the kit is imported by the command that needs it, not for `--help`
        from runeframe_nb.errors import KitError

        if not isinstance(exc, KitError):
            raise
        print(f"runeframe-nb: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("runeframe-nb: interrupted", file=sys.stderr)
        sys.exit(130)
