"""Deployments the kit did not start, as a team has them: the stack serving HTTPS itself
with a CA made for the run, asking for client certificates, behind Debian's nginx
terminating TLS, and a forward proxy on the way. Each is reached through a remote
profile whose token comes from an environment variable."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from runeframe_nb.environment import open_environment
from runeframe_nb.errors import EnvironmentUnreachable
from runeframe_nb.profiles import Profile
from runeframe_nb.stack import EmbeddedStack

from .ingress import Ingress

TOKEN_VARIABLE = "RUNEFRAME_DEPLOYMENT_TOKEN"


@dataclass(frozen=True)
class Pki:
    """The run's CA and what it signed, as PEM files."""

    ca: Path  # the CA a client must trust
    cert: Path  # the services' chain: valid for 127.0.0.1 only
    key: Path
    client: Path  # a client certificate with its key
    stranger: Path  # another CA: trusting it is trusting the wrong one


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca, stranger = trustme.CA(), trustme.CA()
    served = ca.issue_cert("127.0.0.1")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    stranger.cert_pem.write_to_path(str(folder / "stranger.pem"))
    served.private_key_pem.write_to_path(str(folder / "key.pem"))
    for n, pem in enumerate(served.cert_chain_pems):
        pem.write_to_path(str(folder / "cert.pem"), append=n > 0)
    ca.issue_cert("tester@runeframe.example").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "client.pem")
    )
    return Pki(
        folder / "ca.pem", folder / "cert.pem", folder / "key.pem", folder / "client.pem",
        folder / "stranger.pem",
    )  # fmt: skip


@pytest.fixture(scope="session")
def token() -> str:
    """The suite's admin token on these deployments: made for the run, never written down."""
    return secrets.token_urlsafe(24)


def deployment_settings(profile: Profile, token: str, **extra: Any) -> dict[str, Any]:
    """The profile's stack settings with the suite's identity under `token`."""
    settings = dict(profile.stack_settings)
    settings["static_tokens"] = {
        **settings.get("static_tokens", {}),
        token: {"user_id": "runeframe_suite", "roles": ["admin", "user"]},
    }
    return {**settings, **extra}


def serving(pki: Pki, *, client_ca: bool = False) -> dict[str, Any]:
    """Settings that make the stack serve HTTPS (and ask for client certificates)."""
    tls: dict[str, str] = {"cert": str(pki.cert), "key": str(pki.key)}
    if client_ca:
        tls["client_ca"] = str(pki.ca)
    return {"tls": tls, "ca_bundle": str(pki.ca)}


@dataclass
class Params:
    """A params/ folder of remote profiles, made the kit's for the test."""

    folder: Path

    def write(self, name: str, urls: dict[str, str], **fields: Any) -> str:
        profile = {"stack": "remote", "urls": urls, "token_env": TOKEN_VARIABLE, **fields}
        (self.folder / f"{name}.yaml").write_text(yaml.safe_dump(profile))
        return name

    def refusal(self, name: str, urls: dict[str, str], **fields: Any) -> tuple[str, str]:
        """Write profile `name`; the one line its environment is refused with, and it."""
        with pytest.raises(EnvironmentUnreachable) as refused:
            open_environment(self.write(name, urls, **fields))
        return str(refused.value), name


@pytest.fixture
def params(tmp_path: Path, token: str, monkeypatch: pytest.MonkeyPatch) -> Params:
    folder = tmp_path / "params"
    folder.mkdir()
    monkeypatch.setenv("RUNEFRAME_PARAMS", str(folder))
    monkeypatch.setenv(TOKEN_VARIABLE, token)
    for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(variable, raising=False)
    return Params(folder)


@pytest.fixture(scope="module")
def https_stack(pki: Pki, token: str, profile: Profile) -> Iterator[EmbeddedStack]:
    """The stack serving HTTPS itself, started apart from the kit under test."""
    with EmbeddedStack(deployment_settings(profile, token, **serving(pki))) as stack:
        yield stack


@pytest.fixture
def ingress(
    pki: Pki, tmp_path: Path, installed: Callable[[str, str], str]
) -> Iterator[Callable[[dict[str, str]], dict[str, str]]]:
    """nginx terminating TLS in front of upstream URLs: `ingress(urls)` gives its URLs."""
    running: list[Ingress] = []
    nginx_command = installed("nginx", "apt-get install nginx")

    def start(upstreams: dict[str, str]) -> dict[str, str]:
        nginx = Ingress(nginx_command, pki.cert, pki.key, tmp_path)
        running.append(nginx)
        return nginx.start(upstreams)

    yield start
    for nginx in running:
        nginx.stop()
