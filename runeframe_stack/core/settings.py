"""The stack's settings: one validated model shared by the supervisor and every service.

`runeframe-stack up` resolves the settings once (defaults, an optional YAML file, flags)
and hands them to each service process through an environment variable, so a service
started by hand, by the supervisor or by Jonar reads the same thing.
"""

from __future__ import annotations

import os
import secrets
import ssl
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import StackConfigError

SERVICES = ("api", "distilera", "hoardwell", "mercatrix", "jonar")
Service = Literal["api", "distilera", "hoardwell", "mercatrix", "jonar"]
DEFAULT_PORTS: dict[str, int] = {
    "api": 8000,
    "distilera": 8001,
    "hoardwell": 8002,
    "mercatrix": 8003,
    "jonar": 8004,
}
ENV_VAR = "RUNEFRAME_STACK_SETTINGS"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateLimit(_Model):
    """Requests allowed per identity (token subject, else client address) per window."""

    requests: int = Field(60, ge=1)
    window_seconds: int = Field(60, ge=1)


class OAuthClient(_Model):
    """A client of the client-credentials grant (RFC 6749, section 4.4): the SHA-256 of
    its secret (settings hold no secret) and the identity its tokens carry."""

    secret_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    user_id: str
    roles: tuple[str, ...] = ("user",)


class StaticToken(_Model):
    """A fixed bearer token for test profiles; absent unless a profile names it."""

    user_id: str
    roles: tuple[str, ...] = ("user",)


class Autoscaling(_Model):
    """The Kubernetes HPA rule: desired = ceil(current x observed / target)."""

    min_replicas: int = Field(1, ge=0)
    max_replicas: int = Field(10, ge=1)
    target_rps_per_replica: float = Field(20.0, gt=0)
    tolerance: float = Field(0.1, ge=0, lt=1)
    window_seconds: float = Field(5.0, gt=0, description="How far back the request rate is read.")
    stabilization_seconds: float = Field(
        30.0, ge=0, description="Scale down only to the highest recommendation of this window."
    )


class TlsSettings(_Model):
    """HTTPS on every service's port: the certificate chain and key it serves, and, for
    mutual TLS, the CA whose client certificates it asks for. With mutual TLS the
    services show their own certificate when they call each other."""

    cert: Path
    key: Path
    client_ca: Path | None = None


class JonarSettings(_Model):
    backend: str = Field(
        "processes", description="What runs replicas: a registered backend (jonar/backend.py)."
    )
    releases: tuple[str, ...] = ("1.0.0", "1.1.0")
    replica_ports: tuple[int, int] | None = Field(
        None, description="Inclusive port range for replicas; any free port if unset."
    )
    probe_interval_seconds: float = Field(1.0, gt=0)
    rollout_timeout_seconds: float = Field(30.0, gt=0)
    drain_seconds: float = Field(5.0, ge=0)
    max_replicas: int = Field(
        24, ge=1, description="Replicas all deployments together may ask for (a quota)."
    )
    replica_niceness: int = Field(
        10,
        ge=0,
        le=19,
        description="Replicas run this much nicer than the services, so a burst of them "
        "starting (a second of CPU each) never starves the services that answer users.",
    )
    autoscaling: Autoscaling = Autoscaling()


class StackSettings(_Model):
    host: str = "127.0.0.1"
    port_offset: int = Field(0, ge=-8000, le=57000)
    data_dir: Path | None = None
    database_url: str | None = Field(
        None,
        description="PostgreSQL (postgresql://...): each service keeps a schema of its own "
        "there instead of a SQLite file in the data directory.",
        pattern=r"^postgres(ql)?://",
    )
    namespace: str = Field(
        "",
        pattern=r"^[a-z0-9_]{0,40}$",
        description="Prefix of this stack's schemas and Redis keys, so stacks sharing one "
        "PostgreSQL and one Redis never see each other's data.",
    )
    redis_url: str | None = Field(
        None,
        description="Redis (redis://...): rate-limit counters shared by every edge process "
        "and Hoardwell's live fan-out across its processes.",
        pattern=r"^rediss?://",
    )
    urls: dict[str, str] = Field(
        default_factory=dict,
        description="Where each service is reached; a service not listed is on host:port "
        "(https:// when the stack serves TLS).",
    )
    tls: TlsSettings | None = Field(
        None, description="Serve HTTPS (runeframe-stack up --tls-cert, --tls-key)."
    )
    ca_bundle: Path | None = Field(
        None,
        description="The CAs the services trust when they call each other over https; "
        "else the system's (SSL_CERT_FILE honoured).",
    )
    rate_limit: RateLimit = RateLimit()
    rate_limit_overrides: dict[str, RateLimit] = Field(
        default_factory=dict, description="Limits for particular user ids (service accounts)."
    )
    static_tokens: dict[str, StaticToken] = Field(default_factory=dict)
    service_tokens: dict[str, str] = Field(
        default_factory=dict,
        description="Each service's own bearer token for calls to the others; "
        "the supervisor makes fresh ones when none are given.",
    )
    restart_limit: int = Field(
        5, ge=0, description="Crashes of one service within a minute before the stack gives up."
    )
    token_ttl_seconds: int = Field(3600, ge=1)
    oauth_clients: dict[str, OAuthClient] = Field(
        default_factory=dict,
        description="Clients that may get tokens at Distilera's /oauth/token/ (by client id).",
    )
    max_body_bytes: int = Field(1_048_576, ge=1024)
    outbox_wait: float = Field(
        0.1,
        ge=0,
        le=10,
        description="Seconds a write waits, at most, for its own notifications to other "
        "services to be delivered; the rest are delivered in the background.",
    )
    vault_key: str | None = Field(
        None,
        description="Base64 AES-256 key of Distilera's vault; made once per data dir if unset.",
    )
    graphql_introspection: bool = False
    jonar: JonarSettings = JonarSettings()
    welcome_grant: float = Field(100.0, ge=0)
    treasury_supply: float = Field(1_000_000_000.0, gt=0)

    def port(self, service: str) -> int:
        return DEFAULT_PORTS[service] + self.port_offset

    def url(self, service: str) -> str:
        scheme = "https" if self.tls else "http"
        return self.urls.get(service) or f"{scheme}://{self.host}:{self.port(service)}"

    def client_ssl(self) -> ssl.SSLContext:
        """The TLS a service speaks when it calls another over https."""
        context = ssl.create_default_context(cafile=str(self.ca_bundle) if self.ca_bundle else None)
        if self.tls is not None and self.tls.client_ca is not None:
            context.load_cert_chain(str(self.tls.cert), str(self.tls.key))
        return context

    def schema_of(self, service: str) -> str:
        return f"{self.namespace}{service}"

    def require_data_dir(self) -> Path:
        if self.data_dir is None:
            raise StackConfigError("no data directory: pass --data-dir")
        return self.data_dir

    def with_service_tokens(self) -> StackSettings:
        """These settings, with a fresh token for every service that has none."""
        tokens = {
            name: self.service_tokens.get(name) or secrets.token_urlsafe(32) for name in SERVICES
        }
        return self.model_copy(update={"service_tokens": tokens})

    def to_env(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_env(cls) -> StackSettings:
        raw = os.environ.get(ENV_VAR)
        if not raw:
            return cls()
        return cls.model_validate_json(raw)

    @classmethod
    def load(cls, path: Path | None = None, **overrides: object) -> StackSettings:
        """Defaults, then the YAML file, then explicit overrides (the command line)."""
        data: dict[str, object] = {}
        if path is not None:
            try:
                loaded = yaml.safe_load(path.read_text()) or {}
            except OSError as exc:
                raise StackConfigError(f"cannot read {path}: {exc.strerror}") from None
            except yaml.YAMLError as exc:  # one line: where, and what the parser found
                mark = getattr(exc, "problem_mark", None)
                where = f" line {mark.line + 1}" if mark else ""
                problem = getattr(exc, "problem", None) or exc
                raise StackConfigError(f"{path}{where} is not valid YAML: {problem}") from None
            if not isinstance(loaded, dict):
                raise StackConfigError(f"{path} must hold a mapping of settings")
            data.update(loaded)
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "settings"
            raise StackConfigError(f"bad setting {where}: {first['msg']}") from None
