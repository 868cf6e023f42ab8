"""Errors of the kit. Each says in one line what is wrong and where.

KitError                   base; the CLI prints it as one line, a notebook as one line
├── ProfileError           unknown profile, unreadable or invalid params/<name>.yaml
├── EnvironmentUnreachable a service of the environment does not answer /healthz
├── StackStartError        the embedded stack did not start
├── ClientError            a client call failed (refused, timed out, answered an error)
│   └── ApiError           the service answered an error envelope (status, code, message)
├── CheckFailed            a check failed in a notebook told to stop at the first one
├── CheckMisused           a check given no verdict (an awaitable, or not True or False)
├── RunError               the runner cannot run (no notebook matched, bad -p value)
├── ArchiveError           a run folder that is not there or holds no readable results
├── LoadError              a load test that cannot run as asked (bad URL, no model)
├── FuzzError              schemathesis could not run against a target
└── MutateError            `mutate` cannot go on (an unknown mutant, a failed control)
"""

from __future__ import annotations

from typing import Any


class KitError(Exception):
    """A problem a tester fixes; rendered as one line, without a traceback."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback for the exception.
        return [f"\x1b[31m{type(self).__name__}\x1b[0m: {self}"]


class ProfileError(KitError):
    pass


class EnvironmentUnreachable(KitError):
    pass


class StackStartError(KitError):
    pass


class ClientError(KitError):
    pass


class ApiError(ClientError):
    """A service refused a request with its error envelope."""

    def __init__(
        self, status: int, code: str, message: str, details: Any = None, *, call: str = ""
    ) -> None:
        super().__init__(f"{call}: {status} {code}: {message}" if call else message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class CheckFailed(KitError):
    pass


class CheckMisused(KitError, TypeError):
    """A check's condition that is no verdict: an awaitable not awaited, or a value that
    is not True or False (a list, a count, None), whose truth would only say it is there."""


class RunError(KitError):
    pass


class ArchiveError(KitError):
    """A run folder that is not there or holds no readable results.json."""


class LoadError(KitError):
    """A load test that cannot run as asked (bad URL, no model, nothing reachable)."""


class FuzzError(KitError):
    """schemathesis could not run against a target (not installed, no schema)."""


class MutateError(KitError):
    """`runeframe-nb mutate` cannot go on: an unknown mutant, a control that failed."""
