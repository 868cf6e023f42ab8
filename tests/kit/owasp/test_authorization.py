"""The authorization probes (API1, API3, API5): each fails
against a target made vulnerable to it."""

from __future__ import annotations

from runeframe_nb.owasp import authorization

from .conftest import probes_fail_when_vulnerable

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "bola_user": "object-authz-missing-distilera",
    "bola_account": "object-authz-missing-mercatrix",
    "bola_vault": "object-authz-missing-distilera",
    "bola_messages": "object-authz-missing-hoardwell",
    "mass_assign_role": "object-authz-missing-distilera",
    "mass_assign_balance": "unknown-fields-dropped",
    "hidden_fields": "user-leaks-password-hash",
    "admin_functions": "function-authz-missing-jonar",
}

test_every_probe_has_a_vulnerable_target, test_a_probe_fails_against_a_target_vulnerable_to_it = (
    probes_fail_when_vulnerable(authorization, VULNERABLE)
)
