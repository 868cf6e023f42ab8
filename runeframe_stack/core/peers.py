"""How a service talks to the others: over HTTP, as separate processes do.

Requests go through the hop's keep-alive pool (hop.py; benchmarks/peer_hop.py measures
it against aiohttp and httpx), each peer behind its bulkhead (bulkhead.py); WebSockets
and the probes of Jonar use aiohttp's session.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
import orjson

from .auth import ISSUER, JWKS_PATH
from .bulkhead import FAILED_STATUSES, Bulkhead
from .errors import Unavailable
from .hop import HopError, Peer, Pool, Reply
from .settings import StackSettings

_FORWARDED_HEADERS = ("authorization", "content-type", "x-request-id")
_JWKS_REFRESH_SECONDS = 5.0  # an unknown kid refetches the key set at most this often
_REQUEST_SECONDS = 30.0


class Peers:
    """HTTP to the other services, as `service` (its own token) unless told otherwise."""

    def __init__(self, settings: StackSettings, service: str) -> None:
        self.settings = settings
        self.service = service
        token = settings.service_tokens.get(service)
        self.own_headers = {"authorization": f"Bearer {token}"} if token else {}
        self._session: aiohttp.ClientSession | None = None
        self._ssl = settings.client_ssl()
        self._pool = Pool(timeout=_REQUEST_SECONDS, context=self._ssl)
        self._peers: dict[str, Peer] = {}
        self.bulkheads: dict[str, Bulkhead] = {}
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_fetched = 0.0

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, ttl_dns_cache=300, ssl=self._ssl),
                timeout=aiohttp.ClientTimeout(total=30, connect=5),
                auto_decompress=False,
                json_serialize=lambda obj: orjson.dumps(obj).decode(),
            )
        return self._session

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        query: str = "",
        body: bytes | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        within: float = _REQUEST_SECONDS,
    ) -> Reply:
        """`method path` to `service`; Unavailable when it cannot answer `within` seconds,
        or its circuit is open."""
        peer = self._peers.get(service)
        if peer is None:
            peer = self._peers[service] = Peer.of(self.settings.url(service))
            self.bulkheads[service] = Bulkhead(service)
        bulkhead = self.bulkheads[service]
        sent_headers = dict(self.own_headers if headers is None else headers)
        if json is not None:
            body = orjson.dumps(json)
            sent_headers["content-type"] = "application/json"
        # ids in paths are decoded text (any Unicode, even control characters): encoded
        # here, once, so that the peer decodes exactly the id the caller meant
        encoded = quote(path, safe="/")
        target = f"{encoded}?{query}" if query else encoded
        try:
            async with bulkhead.admitted(), asyncio.timeout(within):
                reply = await self._pool.request(peer, method, target, sent_headers, body)
        except TimeoutError:
            bulkhead.failed()
            raise Unavailable(f"{service} did not answer in {within:g} s") from None
        except HopError as exc:
            bulkhead.failed()
            raise Unavailable(f"{service} did not answer: {exc}") from None
        if reply.status in FAILED_STATUSES:
            bulkhead.failed()
        else:
            bulkhead.succeeded()
        return reply

    def degraded(self) -> list[str]:
        """The peers whose last request failed."""
        return sorted(name for name, bulkhead in self.bulkheads.items() if bulkhead.degraded)

    @staticmethod
    def forwarded_headers(headers: Mapping[str, str], **extra: str) -> dict[str, str]:
        out = {k: v for k in _FORWARDED_HEADERS if (v := headers.get(k)) is not None}
        out.update(extra)
        return out

    async def jwks_lookup(self, kid: str) -> jwt.PyJWK | None:
        """Find a signing key in Distilera's published key set (fetched when unknown)."""
        key = self._keys.get(kid)
        now = time.monotonic()
        if key is None and now - self._keys_fetched > _JWKS_REFRESH_SECONDS:
            reply = await self.request(ISSUER, "GET", JWKS_PATH)
            if reply.status == 200:
                self._keys_fetched = now
                keys = jwt.PyJWKSet.from_dict(reply.json()).keys
                self._keys = {k.key_id: k for k in keys if k.key_id}
                key = self._keys.get(kid)
        return key

    async def close(self) -> None:
        self._pool.close()
        if self._session is not None:
            await self._session.close()
            self._session = None
