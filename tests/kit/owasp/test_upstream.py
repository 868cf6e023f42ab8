"""The upstream probes (API10): each fails
against a target made vulnerable to it."""

from __future__ import annotations

from runeframe_nb.owasp import upstream

from .conftest import probes_fail_when_vulnerable

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "unsafe_consumption": "relay-passes-malformed",
}

test_every_probe_has_a_vulnerable_target, test_a_probe_fails_against_a_target_vulnerable_to_it = (
    probes_fail_when_vulnerable(upstream, VULNERABLE)
)
