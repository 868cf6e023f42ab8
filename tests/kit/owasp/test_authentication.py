"""The authentication probes (API2): each fails
against a target made vulnerable to it."""

from __future__ import annotations

from runeframe_nb.owasp import authentication

from .conftest import probes_fail_when_vulnerable

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "no_token": "anonymous-allowed",
    "forged_signature": "token-signature-unchecked",
    "alg_none": "token-signature-unchecked",
    "wrong_key": "token-signature-unchecked",
    "expired": "token-signature-unchecked",
    "deleted_user": "token-signature-unchecked",
}

test_every_probe_has_a_vulnerable_target, test_a_probe_fails_against_a_target_vulnerable_to_it = (
    probes_fail_when_vulnerable(authentication, VULNERABLE)
)
