"""A fresh stack behind the fault proxy: the kit reaches every service through the
proxy's front, calls between services pass through its peer side (a mutant there cuts
them and the front still answers), and a proxy that cannot start says why in one line."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from runeframe_nb.errors import MutateError
from runeframe_nb.profiles import Profile
from runeframe_process import any_free_port
from runeframe_tools.mutate.harness import ProxyProcess, proxied_stack
from runeframe_tools.mutate.proxy import Route


def test_the_kit_goes_through_the_front_and_services_through_the_peer_side(
    profile: Profile, tmp_path: Path
) -> None:
    with proxied_stack(profile, "mercatrix-down", tmp_path) as proxied:
        assert set(proxied.front) == set(proxied.direct) and proxied.token
        assert not set(proxied.front.values()) & set(proxied.direct.values())
        headers = {"Authorization": f"Bearer {proxied.token}"}
        with httpx.Client(headers=headers, timeout=10) as http:
            for service, url in proxied.front.items():
                assert http.get(f"{url}/healthz").json()["service"] == service
            made = http.post(
                f"{proxied.front['distilera']}/users/",
                json={"name": "Œdipe", "email": "o@harness.example"},
            )
            assert made.status_code == 201
            # Distilera opens the account at Mercatrix, which is up: only the proxy's peer
            # side, where the mutant cuts it, can make Distilera see it down
            health = {}
            for _ in range(100):
                health = http.get(f"{proxied.front['distilera']}/healthz").json()
                if health["degraded"]:
                    break
                time.sleep(0.1)
            assert health["degraded"] == ["mercatrix"]
            assert http.get(f"{proxied.direct['mercatrix']}/healthz").status_code == 200


def test_a_proxy_that_cannot_start_says_why(tmp_path: Path) -> None:
    route = Route("api", "front", any_free_port(), "http://127.0.0.1:9")
    proxy = ProxyProcess([route], "no-such-mutant", "t", tmp_path / "proxy.log")
    with pytest.raises(MutateError, match=r"^the fault proxy did not start: .*no-such-mutant"):
        proxy.start()
