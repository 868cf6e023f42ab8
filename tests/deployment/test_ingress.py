"""The stack behind Debian's nginx terminating TLS: what a proxy in front changes must
not change an answer."""

from __future__ import annotations

import ssl
from collections import Counter
from collections.abc import Callable

import httpx

from runeframe_nb.owasp.consumption import BODY_POSTS as POSTS
from runeframe_nb.owasp.consumption import OVERSIZED

from .conftest import Pki


def test_every_service_answers_an_oversized_body_413_through_the_proxy(
    urls: dict[str, str],
    ingress: Callable[[dict[str, str]], dict[str, str]],
    pki: Pki,
    admin_token: str,
) -> None:
    """A service that answered before reading the body and closed at once made the
    kernel reset the connection under the proxy's feet: nginx said 502, not 413."""
    fronted = ingress(urls)
    statuses: Counter[tuple[str, int]] = Counter()
    trust = ssl.create_default_context(cafile=pki.ca)
    admin = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(verify=trust, timeout=30, headers=admin) as client:
        for service, path in POSTS.items():
            for _ in range(8):
                reply = client.post(
                    fronted[service] + path,
                    content=OVERSIZED,
                    headers={"Content-Type": "application/json"},
                )
                statuses[(service, reply.status_code)] += 1
    assert statuses == Counter({(service, 413): 8 for service in POSTS})
