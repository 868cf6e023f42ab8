"""The configuration probes (API8, API9): each fails
against a target made vulnerable to it."""

from __future__ import annotations

from runeframe_nb.owasp import configuration
from runeframe_nb.owasp.configuration import names_a_version

from .conftest import probes_fail_when_vulnerable

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "error_bodies": "error-bodies-leak",
    "headers": "headers-insecure",
    "inventory": "debug-route-exposed",
}

test_every_probe_has_a_vulnerable_target, test_a_probe_fails_against_a_target_vulnerable_to_it = (
    probes_fail_when_vulnerable(configuration, VULNERABLE)
)


def test_a_server_banner_is_a_leak_only_when_it_names_a_version() -> None:
    """`Server: nginx` is what every ingress sends; a version tells an attacker which
    exploits to try (OWASP ZAP's rule 10036)."""
    assert not any(map(names_a_version, ["", "nginx", "uvicorn", "cloudflare", "envoy"]))
    assert all(map(names_a_version, ["nginx/1.22.1", "Apache/2.4.57 (Debian)", "Python/3.11"]))
