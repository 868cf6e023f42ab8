"""The forgery probes (API7): each fails
against a target made vulnerable to it."""

from __future__ import annotations

from runeframe_nb.owasp import forgery

from .conftest import probes_fail_when_vulnerable

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "ssrf": "ssrf-service-path-followed",
}

test_every_probe_has_a_vulnerable_target, test_a_probe_fails_against_a_target_vulnerable_to_it = (
    probes_fail_when_vulnerable(forgery, VULNERABLE)
)
