"""What a load test does: the target, the model (closed or open), its size and its scenario."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import LoadError
from ..network import Tls
from ..oauth import ClientCredentials

if TYPE_CHECKING:
    from .user import VirtualUser

Scenario = Callable[["VirtualUser"], Awaitable[Any]]


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LoadError(f"{url!r} is not an http:// or https:// URL")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise LoadError(f"{url!r} has no valid port number") from None
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        return cls(parts.scheme, parts.hostname, port, path)

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def headers_from(items: Iterable[str]) -> dict[str, str]:
    """Headers given as 'Name: value' (curl's -H), by name."""
    headers = {}
    for item in items:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise LoadError(f"header {item!r} is not 'Name: value'")
        headers[name.strip()] = value.strip()
    return headers


def tokens_from(path: Path | None) -> list[str]:
    """Bearer tokens, one per line of `path` (none without one)."""
    if path is None:
        return []
    try:
        return [line.strip() for line in path.read_text().splitlines() if line.strip()]
    except OSError as exc:
        raise LoadError(f"cannot read {path}: {exc.strerror}") from None


@dataclass
class LoadPlan:
    """A closed model (`users` looping) unless `rate` is set: then an open model.

    Closed: each of `users` virtual users runs its scenario again and again, until
    `requests` iterations have run in all, each user has run `requests_per_user` (the
    seed's "100 users x 50 requests"), or `duration` seconds have passed, pausing
    about `think_time` between iterations (0.5 to 1.5 times it, at random, and starting
    spread over one pause, so users never march in lockstep).
    Open: scenario iterations start at `rate` per second whatever the replies do (as
    wrk2 and k6's constant-arrival-rate), for `duration` seconds or `requests` starts,
    taken as they fall due by `users` virtual users with a connection each; latency
    counts from each intended start, so a stall shows in the percentiles instead of
    hiding behind the requests it delayed.

    `remote_workers` (Locust's distributed runner only): workers that join from other
    machines at `master_port`, beside the `workers` started here.

    `tls`: whom an https target is trusted by and which client certificate it is shown
    (a notebook passes its environment's, `env.tls`); by default what SSL_CERT_FILE and
    REQUESTS_CA_BUNDLE name, else certifi's bundle. `auth`: an identity provider's token
    source (`env.auth`), whose token every virtual user presents, renewed as it nears
    its end and shared with the run's other processes.
    """

    url: str
    users: int = 10
    rate: float | None = None
    duration: float | None = None
    requests: int | None = None
    requests_per_user: int | None = None
    think_time: float = 0.0
    workers: int = 1
    headers: Mapping[str, str] = field(default_factory=dict)
    tokens: Sequence[str] = ()
    scenario: Scenario | None = None
    timeout: float = 30.0
    remote_workers: int = 0
    master_port: int = 5557
    tls: Tls = field(default_factory=lambda: Tls().resolved())
    auth: ClientCredentials | None = None

    def __post_init__(self) -> None:
        self.target = Target.parse(self.url)
        if self.remote_workers < 0:
            raise LoadError("remote workers cannot be negative")
        if self.users < 1:
            raise LoadError("users must be at least 1")
        if self.workers < 1:
            raise LoadError("workers must be at least 1")
        if self.rate is not None and self.rate <= 0:
            raise LoadError("rate must be positive")
        if self.duration is None and self.requests is None and self.requests_per_user is None:
            raise LoadError("give a duration (seconds) or a number of requests")
        if self.requests_per_user is not None:
            if self.requests_per_user < 1:
                raise LoadError("requests per user must be at least 1")
            if self.rate is not None:
                raise LoadError("requests per user belong to the closed model, not with a rate")
        if self.duration is not None and self.duration <= 0:
            raise LoadError("duration must be positive")
        if self.requests is not None and self.requests < 1:
            raise LoadError("requests must be at least 1")

    @property
    def model(self) -> str:
        return "open" if self.rate is not None else "closed"

    def share(self, worker: int) -> LoadPlan:
        """This plan's part for one of `workers` processes: users, rate and requests split."""
        n = self.workers

        def part(total: int) -> int:
            return total // n + (1 if worker < total % n else 0)

        return LoadPlan(
            url=self.url,
            users=max(1, part(self.users)),
            rate=self.rate / n if self.rate is not None else None,
            duration=self.duration,
            requests=part(self.requests) if self.requests is not None else None,
            requests_per_user=self.requests_per_user,
            think_time=self.think_time,
            workers=1,
            headers=self.headers,
            tokens=self.tokens,
            scenario=self.scenario,
            timeout=self.timeout,
            tls=self.tls,
            auth=self.auth,
        )
