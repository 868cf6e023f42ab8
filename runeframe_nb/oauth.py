"""Tokens from an identity provider: OAuth 2.0's client-credentials grant (RFC 6749, 4.4).

A profile names the token endpoint, the client and where its secret is kept:

    oauth:
      token_url: https://distilera.staging.example/oauth/token/
      client_id: runeframe-suite
      client_secret_env: RUNEFRAME_CLIENT_SECRET   # or client_secret in the secrets file

The kit asks for a token when it first needs one and again before it expires (a minute
before, or at four fifths of a shorter life), and shares it: a run's kernels and load
workers read one cache file the runner names (RUNEFRAME_TOKEN_CACHE, its owner's alone),
and whichever finds the token near its end asks for the next under a lock, so a run asks
the provider once per lifetime of a token, not once per notebook or process.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from . import masking
from .errors import ProfileError
from .network import Tls, Transport, reason

CACHE_VARIABLE = "RUNEFRAME_TOKEN_CACHE"
EARLY = 60.0  # seconds before expiry a token is replaced


@dataclass
class ClientCredentials:
    """A client's token source: `token()` is a valid token, asked for when it must be."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    tls: Tls = field(default_factory=Tls)
    cache: Path | None = None  # shared by a run's processes; None: this process alone
    requests: int = 0  # how many times this process asked the provider

    def __post_init__(self) -> None:
        self._token, self._renew_at = "", 0.0
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:  # travels to load workers without its lock
        state = dict(self.__dict__)
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def renew_at(self) -> float:
        """When the token held now is to be replaced (wall-clock seconds)."""
        return self._renew_at

    def token(self) -> str:
        if time.time() < self._renew_at:
            return self._token
        with self._lock:
            if time.time() >= self._renew_at:
                self._take(*self._shared())
        return self._token

    def share(self, cache: Path) -> None:
        """From now on share tokens through `cache`, starting with the one held now."""
        self.cache = cache
        if self._token:
            with cache.open("w") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                entry = {"client_id": self.client_id, "token": self._token}
                json.dump({**entry, "renew_at": self._renew_at}, handle)

    def _shared(self) -> tuple[str, float]:
        """The run's token and when to renew it: the cache's while it is fresh, else one
        asked for now and left in the cache for the others."""
        if self.cache is None:
            return self._ask()
        with self.cache.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                cached = json.loads(handle.read() or "{}")
            except ValueError:
                cached = {}
            if cached.get("client_id") == self.client_id and time.time() < cached["renew_at"]:
                return cached["token"], cached["renew_at"]
            token, renew_at = self._ask()
            handle.seek(0)
            handle.truncate()
            json.dump({"client_id": self.client_id, "token": token, "renew_at": renew_at}, handle)
        return token, renew_at

    def _ask(self) -> tuple[str, float]:
        asked = time.time()
        form = {"grant_type": "client_credentials"}
        credentials = (self.client_id, self.client_secret)  # HTTP Basic (RFC 6749, 2.3.1)
        try:
            with httpx.Client(transport=Transport(self.tls), timeout=30) as client:
                reply = client.post(self.token_url, data=form, auth=credentials)
        except httpx.HTTPError as exc:
            raise ProfileError(f"token endpoint {self.token_url}: {reason(exc)}") from None
        self.requests += 1
        try:
            answer = reply.json()
        except ValueError:
            answer = {}
        if reply.status_code != 200 or "access_token" not in answer:
            said = answer.get("error_description") or answer.get("error") or reply.text[:200]
            raise ProfileError(
                f"token endpoint {self.token_url} refused client {self.client_id}: "
                f"{reply.status_code} {said}"
            )
        life = float(answer.get("expires_in") or 3600)
        token = str(answer["access_token"])
        masking.remember(token)
        return token, asked + max(life - EARLY, life * 0.8)

    def _take(self, token: str, renew_at: float) -> None:
        masking.remember(token)
        self._token, self._renew_at = token, renew_at


class BearerAuth(httpx.Auth):
    """httpx's auth that asks a token source for the token on every request, so a long
    notebook's clients present a fresh one when the old one nears its end."""

    def __init__(self, source: ClientCredentials) -> None:
        self.source = source

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = f"Bearer {self.source.token()}"
        yield request


def shared_cache() -> Path | None:
    """The cache file a runner named for its kernels and workers, if any."""
    named = os.environ.get(CACHE_VARIABLE)
    return Path(named) if named else None
