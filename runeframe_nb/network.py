"""How the kit reaches a service away from home: TLS trust, client certificates, proxies.

Every path that speaks to a service (the clients, GraphQL, the WebSocket, the probes,
the fuzzer, both load engines) takes its TLS and its proxy from here, so a profile's
`tls:` section and the standard variables mean the same everywhere:

- trust: the profile's `tls.ca_bundle`, else `SSL_CERT_FILE`, else `REQUESTS_CA_BUNDLE`,
  else certifi's bundle (as httpx and requests do); `SSL_CERT_DIR` adds a folder;
- a client certificate (mutual TLS): `tls.client_cert` and `tls.client_key`;
- `tls.verify: false` turns verification off (a throwaway deployment, never staging);
- proxies: `HTTPS_PROXY` / `HTTP_PROXY`, except for hosts `NO_PROXY` names, as curl and
  requests read them.

A failure to connect is told in one line naming the reason (`reason()`), with what to
do about a certificate the kit does not trust.
"""

from __future__ import annotations

import functools
import os
import socket
import ssl
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import certifi
import httpx
from pydantic import BaseModel, ConfigDict, model_validator

TRUST_VARIABLES = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


class Tls(BaseModel):
    """A profile's `tls:` section: whom to trust, and which certificate to show."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    verify: bool = True

    @model_validator(mode="after")
    def _key_needs_cert(self) -> Tls:
        if self.client_key is not None and self.client_cert is None:
            raise ValueError("tls.client_key is given without tls.client_cert")
        return self

    def relative_to(self, folder: Path) -> Tls:
        """The paths of a profile file, read from the folder the file is in."""

        def place(path: Path | None) -> Path | None:
            return None if path is None else folder / path.expanduser()

        return self.model_copy(
            update={
                "ca_bundle": place(self.ca_bundle),
                "client_cert": place(self.client_cert),
                "client_key": place(self.client_key),
            }
        )

    def resolved(self, environ: Mapping[str, str] = os.environ) -> Tls:
        """These settings with the trust the environment names when the profile names none."""
        if self.ca_bundle is not None:
            return self
        for variable in TRUST_VARIABLES:
            if environ.get(variable):
                return self.model_copy(update={"ca_bundle": Path(environ[variable])})
        return self

    def context(self) -> ssl.SSLContext:
        """The client-side SSL context (made once for each distinct setting)."""
        return _context(self, os.environ.get("SSL_CERT_DIR"))

    def fuzzer_options(self) -> list[str]:
        """schemathesis's own flags for these settings (requests reads no SSL_CERT_FILE)."""
        trust = str(self.ca_bundle or certifi.where()) if self.verify else "false"
        options = ["--tls-verify", trust]
        if self.client_cert is not None:
            options += ["--request-cert", str(self.client_cert)]
        if self.client_key is not None:
            options += ["--request-cert-key", str(self.client_key)]
        return options


@functools.lru_cache(maxsize=16)
def _context(tls: Tls, capath: str | None) -> ssl.SSLContext:
    from .errors import ProfileError

    try:
        if not tls.verify:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            cafile = str(tls.ca_bundle) if tls.ca_bundle is not None else certifi.where()
            context = ssl.create_default_context(cafile=cafile, capath=capath or None)
        if tls.client_cert is not None:
            key = str(tls.client_key) if tls.client_key is not None else None
            context.load_cert_chain(str(tls.client_cert), key)
    except (OSError, ssl.SSLError) as exc:
        which = _which_file(tls, exc)
        said = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
        raise ProfileError(f"TLS settings: cannot use {which}: {said}") from None
    context.set_alpn_protocols(["http/1.1"])
    return context


def _which_file(tls: Tls, exc: BaseException) -> str:
    named = getattr(exc, "filename", None)
    if named:
        return str(named)
    if isinstance(exc, ssl.SSLError) and tls.client_cert is not None:
        return f"the client certificate {tls.client_cert}"
    return f"the CA bundle {tls.ca_bundle or certifi.where()}"


def proxy_for(url: str) -> str | None:
    """The proxy a request to `url` goes through (HTTPS_PROXY / HTTP_PROXY and NO_PROXY,
    either case, as urllib reads them), or None to go direct."""
    parts = urlsplit(url)
    scheme = {"wss": "https", "ws": "http"}.get(parts.scheme, parts.scheme)
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or not parts.hostname:
        return None
    if urllib.request.proxy_bypass(parts.netloc.rpartition("@")[2]):
        return None
    return proxy


def reason(exc: BaseException) -> str:
    """Why a connection failed, in one line: a certificate's fault named as such, with
    what to do about it; anything else as the exception says it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            said = current.verify_message or current.reason or "certificate verify failed"
            hint = _HINTS.get(_kind(said), "")
            return f"TLS: the server's certificate is not trusted: {said}{hint}"
        if isinstance(current, ssl.SSLError):
            said = current.reason or str(current)
            return f"TLS: {_ALERTS.get(str(said), str(said).lower().replace('_', ' '))}"
        current = current.__cause__ or current.__context__
    return _first_line(exc)


def explain(url: str, exc: BaseException, tls: Tls) -> str:
    """`reason(exc)` for a request to `url`; when an https server hung up having said
    nothing, what a bare exchange with it shows. Under TLS 1.3 a server checks the
    client's certificate after the handshake, and refuses by closing, often before its
    alert is read: a server that completes the handshake, then closes on a plain GET
    without an answer, is one that wants a certificate it did not get."""
    said = reason(exc)
    parts = urlsplit(url)
    if parts.scheme != "https" or said.startswith("TLS:") or not parts.hostname:
        return said
    try:
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout=2) as raw,
            tls.context().wrap_socket(raw, server_hostname=parts.hostname) as secure,
        ):
            secure.sendall(f"GET / HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
            answered = secure.recv(1)
    except ssl.SSLError as heard:
        return reason(heard)
    except OSError:
        return said
    if answered:
        return said
    if tls.client_cert is None:
        return f"TLS: {_ALERTS['TLSV13_ALERT_CERTIFICATE_REQUIRED']}"
    return f"TLS: {_ALERTS['SSLV3_ALERT_BAD_CERTIFICATE']} (it hung up after the handshake)"


def _kind(said: str) -> str:
    lowered = said.lower()
    if "mismatch" in lowered:
        return "name"
    if "issuer" in lowered or "self-signed" in lowered or "self signed" in lowered:
        return "issuer"
    return ""


_HINTS = {
    "issuer": " (name its CA in the profile's tls.ca_bundle, or in SSL_CERT_FILE)",
    "name": " (the URL must use a name the certificate was issued for)",
}
_ALERTS = {
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": "the server requires a client certificate "
    "(set tls.client_cert and tls.client_key in the profile)",
    "SSLV3_ALERT_BAD_CERTIFICATE": "the server refused the client certificate",
    "TLSV1_ALERT_UNKNOWN_CA": "the server does not trust the client certificate's CA",
    "WRONG_VERSION_NUMBER": "the server does not speak TLS here (an http:// URL?)",
}


def _first_line(exc: BaseException) -> str:
    said = str(exc).strip().splitlines()
    return said[0] if said else type(exc).__name__


class AsyncTransport(httpx.AsyncBaseTransport):
    """httpx's transport with these TLS settings, through the proxy each request's host
    needs: one client may reach several hosts (the probes do), so the proxy is chosen
    per request, with a pooled transport for each proxy."""

    def __init__(self, tls: Tls) -> None:
        self.tls = tls
        self._by_proxy: dict[str | None, httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        proxy = proxy_for(str(request.url))
        transport = self._by_proxy.get(proxy)
        if transport is None:
            transport = httpx.AsyncHTTPTransport(verify=self.tls.context(), proxy=proxy)
            self._by_proxy[proxy] = transport
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._by_proxy.values():
            await transport.aclose()


class Transport(httpx.BaseTransport):
    """The blocking twin of AsyncTransport, for the kit's set-up and sweeps."""

    def __init__(self, tls: Tls) -> None:
        self.tls = tls
        self._by_proxy: dict[str | None, httpx.HTTPTransport] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        proxy = proxy_for(str(request.url))
        transport = self._by_proxy.get(proxy)
        if transport is None:
            transport = httpx.HTTPTransport(verify=self.tls.context(), proxy=proxy)
            self._by_proxy[proxy] = transport
        return transport.handle_request(request)

    def close(self) -> None:
        for transport in self._by_proxy.values():
            transport.close()
