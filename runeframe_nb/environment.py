"""The environment a notebook or test talks to: where each service is, and with which token.

`connect()` is the first call of every notebook. URLs come, most specific first, from
the `urls` argument (the runner injects them), TEST_*_URL variables, the profile; when
services are still missing and the profile is embedded, the kit starts its own stack.
Clients built with `test_mode=True` read the active environment.
"""

from __future__ import annotations

import atexit
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from . import fixtures, masking, network, recorder
from ._tables import pandas
from .errors import EnvironmentUnreachable, ProfileError
from .oauth import ClientCredentials, shared_cache
from .profiles import SERVICES, TOKEN_VARIABLE, URL_VARIABLES, Profile, load_profile
from .stack import EmbeddedStack

DEFAULT_PROFILE_VARIABLE = "RUNEFRAME_PROFILE"


class Environment:
    def __init__(
        self,
        profile: Profile,
        urls: Mapping[str, str],
        *,
        seed: int | None = None,
        stack: EmbeddedStack | None = None,
        run_id: str = "",
        token: str | None = None,
    ) -> None:
        self.profile = profile
        self.urls = dict(urls)
        self.tls = profile.tls.resolved()
        self.auth: ClientCredentials | None = None  # an identity provider's tokens
        self._token = token or profile.bearer_token()
        if self._token is None and profile.oauth is not None:
            oauth = profile.oauth
            secret = profile.client_secret()
            masking.remember(secret)
            self.auth = ClientCredentials(
                oauth.token_url, oauth.client_id, secret, self.tls, shared_cache()
            )
        masking.remember(self._token)
        self.seed = profile.seed if seed is None else seed
        self.stack = stack
        self.run_id = run_id

    def namespace(self, area: str) -> str:
        """A fresh prefix for data a notebook creates, starting with the run's id if any."""
        prefix = f"{self.run_id}-" if self.run_id else ""
        return f"{prefix}ns{secrets.token_hex(3)}-{area}"

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def token(self) -> str | None:
        """The bearer token the clients present: fresh from the identity provider when
        the profile names one."""
        return self.auth.token() if self.auth is not None else self._token

    def url(self, service: str) -> str:
        try:
            return self.urls[service]
        except KeyError:
            raise ProfileError(f"profile {self.name} has no URL for {service!r}") from None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def health(self, timeout: float = 2.0) -> dict[str, dict[str, Any]]:
        """Each service's /healthz answer; an unreachable one raises EnvironmentUnreachable."""
        answers = {}
        for name, url in self.urls.items():
            try:
                with self.http_client(url, timeout=timeout) as client:
                    reply = client.get("/healthz")
            except httpx.HTTPError as exc:
                said = network.explain(url, exc, self.tls)
                raise EnvironmentUnreachable(f"{name} at {url}: {said}") from None
            if reply.status_code != 200:
                raise EnvironmentUnreachable(
                    f"{name} at {url}: /healthz answered {reply.status_code}"
                )
            answers[name] = reply.json()
        return answers

    def http_client(self, url: str = "", **options: Any) -> httpx.Client:
        """A blocking httpx client (for `url`, if given) with this environment's TLS
        and proxies."""
        return httpx.Client(base_url=url, transport=network.Transport(self.tls), **options)

    def close(self) -> None:
        if self.stack is not None:
            self.stack.stop()
            self.stack = None

    def variables(self) -> dict[str, str]:
        """The seed's TEST_*_URL and TEST_TOKEN variables, which point another process's
        `connect()` (a JupyterLab kernel, a notebook under nbval) at this environment."""
        told = {variable: self.urls[service] for variable, service in URL_VARIABLES.items()}
        if self.token:
            told[TOKEN_VARIABLE] = self.token
        return told

    def _rows(self) -> list[tuple[str, str]]:
        return [(name, self.urls[name]) for name in SERVICES if name in self.urls]

    def __repr__(self) -> str:
        where = "embedded stack" if self.stack else self.profile.stack
        lines = [f"Environment {self.name} ({where}, seed {self.seed})"]
        lines += [f"  {name:<10} {url}" for name, url in self._rows()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        where = "embedded stack started by this kernel" if self.stack else self.profile.stack
        rows = "".join(f"<tr><td>{n}</td><td><code>{u}</code></td></tr>" for n, u in self._rows())
        return (
            f"<p><b>Environment {self.name}</b> ({where}, seed {self.seed})</p>"
            f"<table><tr><th>service</th><th>URL</th></tr>{rows}</table>"
        )


_active: Environment | None = None


def open_environment(
    profile: str | Profile = "local",
    *,
    urls: Mapping[str, str] | None = None,
    seed: int | None = None,
    stack_log: Path | None = None,
    stack_settings: Mapping[str, Any] | None = None,
) -> Environment:
    """The profile's environment, reachable: an embedded stack is started if it needs one,
    with the profile's stack settings and `stack_settings` over them (section by section),
    and a token made for it that the suite's identity holds."""
    chosen = load_profile(profile) if isinstance(profile, str) else profile
    given = {**chosen.urls, **{k: v.rstrip("/") for k, v in (urls or {}).items() if v}}
    unknown = sorted(set(given) - set(SERVICES))
    if unknown:
        raise ProfileError(f"unknown service {unknown[0]!r} in urls; one of {', '.join(SERVICES)}")
    missing = [name for name in SERVICES if name not in given]
    stack, token = None, None
    if missing:
        if chosen.stack != "embedded":
            raise ProfileError(f"profile {chosen.name} has no URL for {', '.join(missing)}")
        token = secrets.token_urlsafe(24) if chosen.identity is not None else None
        settings = chosen.embedded_settings(token)
        for key, value in (stack_settings or {}).items():
            below = settings.get(key)
            settings[key] = {**below, **value} if isinstance(below, dict) else value
        stack = EmbeddedStack(settings, log_path=stack_log)
        given = {**stack.start(), **given}
    env = Environment(chosen, given, seed=seed, stack=stack, token=token)
    try:
        env.health()
        if stack is not None:
            fixtures.create_fixture_users(env)
    except BaseException:
        env.close()
        raise
    return env


def connect(
    profile: str | Profile = "local",
    *,
    urls: Mapping[str, str] | None = None,
    seed: int | None = None,
    area: str | None = None,
    run_id: str = "",
) -> Environment:
    """Make `profile` the active environment, starting an embedded stack if it needs one.

    `area` names the notebook's checks; `run_id` (injected by the runner) prefixes the
    data it creates, so the runner can sweep up whatever a failed notebook left.
    """
    global _active
    env = open_environment(profile, urls=urls, seed=seed)
    env.run_id = run_id
    if _active is not None:
        _active.close()
    _active = env
    if area is not None:
        recorder.default.area = area
    if recorder._ipython() is not None:
        pandas()  # a table the notebook makes itself shows whole too
    return env


def current() -> Environment | None:
    """The active environment, if one is (without connecting to a default)."""
    return _active


def active() -> Environment:
    """The environment clients use; connects to $RUNEFRAME_PROFILE (or local) if none is."""
    if _active is None:
        return connect(os.environ.get(DEFAULT_PROFILE_VARIABLE, "local"))
    return _active


@atexit.register
def _close_active() -> None:
    if _active is not None:
        _active.close()
