"""TLS settings and proxies as the kit reads them, without a server."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme

from runeframe_nb.errors import ProfileError
from runeframe_nb.network import Tls, proxy_for, reason


@pytest.fixture
def ca_file(tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


def test_the_profile_names_the_trust_before_the_standard_variables(
    tmp_path: Path,
) -> None:
    environ = {"SSL_CERT_FILE": "/from/ssl", "REQUESTS_CA_BUNDLE": "/from/requests"}
    assert Tls(ca_bundle=tmp_path).resolved(environ).ca_bundle == tmp_path
    assert Tls().resolved(environ).ca_bundle == Path("/from/ssl")
    assert Tls().resolved({"REQUESTS_CA_BUNDLE": "/r"}).ca_bundle == Path("/r")
    assert Tls().resolved({}).ca_bundle is None  # certifi's bundle, as httpx's default


def test_a_profiles_paths_are_read_from_its_own_folder(tmp_path: Path) -> None:
    tls = Tls(ca_bundle=Path("ca.pem"), client_cert=Path("/abs/me.pem")).relative_to(tmp_path)
    assert (tls.ca_bundle, tls.client_cert) == (tmp_path / "ca.pem", Path("/abs/me.pem"))


def test_a_key_without_its_certificate_is_refused() -> None:
    with pytest.raises(ValueError, match=r"client_key is given without tls\.client_cert"):
        Tls(client_key=Path("key.pem"))


def test_the_context_trusts_the_named_ca_and_verifies_names(ca_file: Path) -> None:
    context = Tls(ca_bundle=ca_file).context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) == 1
    loose = Tls(verify=False).context()
    assert loose.verify_mode == ssl.CERT_NONE and not loose.check_hostname


def test_a_bundle_that_is_not_there_is_one_line_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(ProfileError) as refused:
        Tls(ca_bundle=missing).context()
    said = f"TLS settings: cannot use the CA bundle {missing}: No such file or directory"
    assert str(refused.value) == said


def test_the_fuzzer_is_told_the_same_trust(ca_file: Path) -> None:
    client = Path("/c.pem")
    assert Tls(ca_bundle=ca_file, client_cert=client).fuzzer_options() == [
        "--tls-verify",
        str(ca_file),
        "--request-cert",
        str(client),
    ]
    assert Tls(verify=False).fuzzer_options() == ["--tls-verify", "false"]


def test_proxies_come_from_the_variables_and_no_proxy_goes_direct(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example,127.0.0.1")
    assert proxy_for("https://api.staging.example/x") == "http://proxy.example:3128"
    assert proxy_for("wss://api.staging.example/ws/") == "http://proxy.example:3128"
    assert proxy_for("http://api.staging.example/") is None  # HTTP_PROXY is not set
    assert proxy_for("https://svc.internal.example:8443/") is None
    assert proxy_for("https://127.0.0.1:9000/") is None


def test_a_certificate_not_trusted_is_said_with_what_to_do() -> None:
    failure = ssl.SSLCertVerificationError(1, "certificate verify failed")
    failure.verify_message = "unable to get local issuer certificate"
    wrapped = ConnectionError("connect failed")
    wrapped.__cause__ = failure
    assert reason(wrapped) == (
        "TLS: the server's certificate is not trusted: unable to get local issuer "
        "certificate (name its CA in the profile's tls.ca_bundle, or in SSL_CERT_FILE)"
    )
    assert reason(OSError("Connection refused")) == "Connection refused"
