"""The consumption probes (API4, API6): each fails
against a target made vulnerable to it."""

from __future__ import annotations

from runeframe_nb.owasp import consumption

from .conftest import probes_fail_when_vulnerable

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "page_size_cap": "page-size-unbounded",
    "body_size_cap": "body-size-unbounded",
    "rate_limit": "rate-limit-off",
    "graphql_limits": "graphql-batches-served",
    "welcome_grant_farming": "welcome-grant-repaid",
    "reward_replay": "reward-idempotency-ignored",
}

test_every_probe_has_a_vulnerable_target, test_a_probe_fails_against_a_target_vulnerable_to_it = (
    probes_fail_when_vulnerable(consumption, VULNERABLE)
)
