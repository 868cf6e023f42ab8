"""The OWASP API Top 10 probes: the stack withstands every one, and every one fails against
a target made vulnerable to it (a mutant of `runeframe-nb mutate` in front of a stack)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import runeframe_nb as rf
from runeframe_nb import owasp
from runeframe_nb.environment import Environment
from runeframe_nb.profiles import SERVICES, Profile
from runeframe_nb.stack import free_port_block
from runeframe_tools.mutate.harness import ProxyProcess
from runeframe_tools.mutate.proxy import Route

# each probe, and a mutant that opens the hole it looks for
VULNERABLE = {
    "bola_user": "object-authz-missing-distilera",
    "bola_account": "object-authz-missing-mercatrix",
    "bola_vault": "object-authz-missing-distilera",
    "bola_messages": "object-authz-missing-hoardwell",
    "no_token": "anonymous-allowed",
    "forged_signature": "token-signature-unchecked",
    "alg_none": "token-signature-unchecked",
    "wrong_key": "token-signature-unchecked",
    "expired": "token-signature-unchecked",
    "deleted_user": "token-signature-unchecked",
    "mass_assign_role": "object-authz-missing-distilera",
    "mass_assign_balance": "unknown-fields-dropped",
    "hidden_fields": "user-leaks-password-hash",
    "page_size_cap": "page-size-unbounded",
    "body_size_cap": "body-size-unbounded",
    "rate_limit": "rate-limit-off",
    "graphql_limits": "graphql-batches-served",
    "admin_functions": "function-authz-missing-jonar",
    "welcome_grant_farming": "welcome-grant-repaid",
    "reward_replay": "reward-idempotency-ignored",
    "ssrf": "ssrf-service-path-followed",
    "error_bodies": "error-bodies-leak",
    "headers": "headers-insecure",
    "inventory": "debug-route-exposed",
    "unsafe_consumption": "relay-passes-malformed",
}


async def test_every_item_is_probed_and_every_probe_is_withstood(
    own_environment: rf.Environment,
) -> None:
    table = await owasp.probe(own_environment)
    assert set(table["item"]) == set(owasp.ITEMS)
    failed = table[~table["passed"]]
    assert failed.empty, failed[["item", "probe", "detail"]].to_string()


def test_a_server_banner_is_a_leak_only_when_it_names_a_version() -> None:
    """`Server: nginx` is what every ingress sends; a version tells an attacker which
    exploits to try (OWASP ZAP's rule 10036)."""
    from runeframe_nb.owasp.configuration import names_a_version

    assert not any(map(names_a_version, ["", "nginx", "uvicorn", "cloudflare", "envoy"]))
    assert all(map(names_a_version, ["nginx/1.22.1", "Apache/2.4.57 (Debian)", "Python/3.11"]))


def test_every_probe_has_a_vulnerable_target() -> None:
    assert sorted(VULNERABLE) == sorted(case.probe.__name__ for case in owasp.CASES)


def test_a_probe_registers_itself_in_item_order_and_only_against_a_real_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from runeframe_nb.owasp import cases

    monkeypatch.setattr(cases, "CASES", list(owasp.CASES))

    @cases.case("API2", "api", "a new kind of token")
    async def new_probe(x: object) -> cases.Outcome:
        return True, ""

    items = [c.item for c in cases.CASES]
    assert items == sorted(items, key=lambda item: int(item[3:]))
    added = [c for c in cases.CASES if c.probe is new_probe]
    assert [c.item for c in added] == ["API2"]
    assert cases.CASES.index(added[0]) == items.index("API3") - 1  # the last of its item
    with pytest.raises(ValueError, match="API11 is not an item"):
        cases.case("API11", "api", "not a risk")


@pytest.fixture(scope="module")
def target_stack(profile: Profile) -> Iterator[rf.Environment]:
    """A stack of the module's own: the probes attack it, through a mutant each."""
    env = rf.environment.open_environment(profile)
    try:
        yield env
    finally:
        env.close()


@pytest.fixture
def vulnerable(
    request: pytest.FixtureRequest, target_stack: rf.Environment, profile: Profile, tmp_path: Path
) -> Iterator[Environment]:
    """The module's stack behind the fault proxy with the mutant `request.param`."""
    first = free_port_block(len(SERVICES))
    routes = [Route(s, "front", first + i, target_stack.urls[s]) for i, s in enumerate(SERVICES)]
    proxy = ProxyProcess(routes, request.param, target_stack.token or "", tmp_path / "proxy.log")
    proxy.start()
    try:
        front = {r.service: f"http://127.0.0.1:{r.port}" for r in routes}
        yield Environment(profile, front, token=target_stack.token)
    finally:
        proxy.stop()


@pytest.mark.parametrize(
    ("probe", "vulnerable"),
    sorted(VULNERABLE.items()),
    indirect=["vulnerable"],
    ids=sorted(VULNERABLE),
)
async def test_a_probe_fails_against_a_target_vulnerable_to_it(
    probe: str, vulnerable: Environment
) -> None:
    (outcome,) = (await owasp.probe(vulnerable, only=[probe])).itertuples()
    assert not outcome.passed, outcome.detail
