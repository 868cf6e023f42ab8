"""Environment profiles: `params/<name>.yaml`, validated, with the seed's TEST_* overrides.

A profile says where the services are (an embedded stack the kit starts, or URLs of a
running deployment), which token the clients present, and which fixtures a run needs.
A profile file holds no secret: a deployment's token comes from a variable (`token_env`)
or a secrets file that git does not track (`secrets_file`); on a stack the kit starts,
the suite's `identity` gets a token made afresh for that stack.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ProfileError
from .network import Tls

SERVICES = ("api", "distilera", "hoardwell", "mercatrix", "jonar")
# The seed's TestEnvironmentManager variables, plus TEST_API_URL for the public edge.
URL_VARIABLES = {f"TEST_{name.upper()}_URL": name for name in SERVICES}
TOKEN_VARIABLE = "TEST_TOKEN"
PARAMS_VARIABLE = "RUNEFRAME_PARAMS"
BACKING_VARIABLES = {"DATABASE_URL": "database_url", "REDIS_URL": "redis_url"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FixtureUser(_Model):
    id: str
    name: str
    email: str
    role: Literal["user", "admin"] = "user"


class Fixtures(_Model):
    users: tuple[FixtureUser, ...] = ()


class OAuth(_Model):
    """A deployment's identity provider: the client-credentials grant (RFC 6749, 4.4)."""

    token_url: str = Field(pattern=r"^https?://")
    client_id: str
    client_secret_env: str | None = Field(
        None,
        description="The variable holding the secret; else `client_secret` in the "
        "profile's secrets file.",
    )


class Identity(_Model):
    """Who the suite is on a stack the kit starts (its token is made for that stack)."""

    user_id: str
    roles: tuple[str, ...] = ("admin", "user")


class Profile(_Model):
    name: str
    description: str = ""
    stack: Literal["embedded", "remote"] = Field(
        "embedded", description="embedded: the kit starts runeframe-stack; remote: use urls"
    )
    stack_settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Settings of the embedded stack (runeframe-stack --config).",
    )
    urls: dict[str, str] = Field(default_factory=dict)
    tls: Tls = Field(
        Tls(), description="Trust, client certificate and verification for https:// URLs."
    )
    identity: Identity | None = Field(
        None, description="Embedded: the suite's identity, its token made for each stack."
    )
    token: str | None = Field(
        None, description="Bearer token the clients present (never from a profile file)."
    )
    token_env: str | None = Field(None, description="Read the token from this variable.")
    secrets_file: Path | None = Field(
        None, description="A YAML file git does not track, holding `token: ...`."
    )
    oauth: OAuth | None = Field(
        None, description="Get the token from an identity provider (client credentials)."
    )
    seed: int = 42
    timeout: float = Field(30.0, gt=0)
    fixtures: Fixtures = Fixtures()
    allure: str | None = Field(
        None, description="Where `runeframe-nb run` writes Allure results, unless --allure says."
    )
    baseline: str | None = Field(
        None,
        description="An archived run whose latencies each run is held to, unless --baseline says.",
    )

    @field_validator("urls")
    @classmethod
    def _known_services(cls, urls: dict[str, str]) -> dict[str, str]:
        for name, url in urls.items():
            if name not in SERVICES:
                raise ValueError(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{name} URL {url!r} must start with http:// or https://")
        return {name: url.rstrip("/") for name, url in urls.items()}

    def bearer_token(self, environ: Mapping[str, str] = os.environ) -> str | None:
        """TEST_TOKEN (the seed's, and how the runner hands a kernel its stack's token),
        else the profile's variable, else its secrets file, else a token given in code."""
        if TOKEN_VARIABLE in environ:
            return environ[TOKEN_VARIABLE]
        if self.token_env:
            if self.token_env not in environ:
                raise ProfileError(f"profile {self.name}: variable {self.token_env} is not set")
            return environ[self.token_env]
        if self.secrets_file is not None:
            token = read_secrets(self.secrets_file).get("token")
            if not isinstance(token, str):
                raise ProfileError(f"profile {self.name}: {self.secrets_file} holds no token")
            return token
        return self.token

    def client_secret(self, environ: Mapping[str, str] = os.environ) -> str:
        """The OAuth client's secret, from its variable or the secrets file."""
        assert self.oauth is not None
        variable = self.oauth.client_secret_env
        if variable:
            if variable not in environ:
                raise ProfileError(f"profile {self.name}: variable {variable} is not set")
            return environ[variable]
        if self.secrets_file is None:
            raise ProfileError(
                f"profile {self.name}: oauth needs client_secret_env or a secrets_file"
            )
        secret = read_secrets(self.secrets_file).get("client_secret")
        if not isinstance(secret, str):
            raise ProfileError(f"profile {self.name}: {self.secrets_file} has no client_secret")
        return secret

    def embedded_settings(self, token: str | None) -> dict[str, Any]:
        """The stack settings of an embedded stack whose suite identity holds `token`."""
        settings = dict(self.stack_settings)
        if token is not None and self.identity is not None:
            tokens = dict(settings.get("static_tokens") or {})
            tokens[token] = self.identity.model_dump(mode="json")
            settings["static_tokens"] = tokens
        return settings

    def with_overrides(self, environ: Mapping[str, str] = os.environ) -> Profile:
        """The profile with URLs from TEST_*_URL variables, as the seed's tests read them,
        and, for a stack on PostgreSQL and Redis, DATABASE_URL and REDIS_URL as the seed's
        CI sets them (a profile that names no database keeps its embedded storage)."""
        urls = dict(self.urls)
        for variable, service in URL_VARIABLES.items():
            if environ.get(variable):
                urls[service] = environ[variable]
        stack_settings = dict(self.stack_settings)
        for variable, key in BACKING_VARIABLES.items():
            if key in stack_settings and environ.get(variable):
                stack_settings[key] = environ[variable]
        try:
            return self.model_validate(
                {**self.model_dump(), "urls": urls, "stack_settings": stack_settings}
            )
        except ValidationError as exc:
            raise ProfileError(f"profile {self.name}: {_first_error(exc)}") from None


def find_params_dir(start: Path | None = None) -> Path:
    """params/ from $RUNEFRAME_PARAMS, else the nearest one at or above the working folder."""
    if os.environ.get(PARAMS_VARIABLE):
        return Path(os.environ[PARAMS_VARIABLE])
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "params").is_dir():
            return folder / "params"
    raise ProfileError(f"no params/ folder at or above {here}; set {PARAMS_VARIABLE}")


def available(params_dir: Path | None = None) -> list[str]:
    folder = params_dir or find_params_dir()
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_profile(name: str, params_dir: Path | None = None) -> Profile:
    """Load a profile by name (params/<name>.yaml) or by path, then apply TEST_* overrides."""
    path = Path(name)
    if path.suffix not in (".yaml", ".yml"):
        folder = params_dir or find_params_dir()
        path = folder / f"{name}.yaml"
        if not path.exists():
            names = ", ".join(available(folder)) or "none"
            raise ProfileError(f"unknown profile {name!r}; profiles in {folder}: {names}")
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ProfileError(
            f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a mapping of settings")
    data.setdefault("name", path.stem)
    if "token" in data:
        raise ProfileError(
            f"{path}: a token does not belong in a profile file, which is shared and "
            "committed: name the variable that holds it (token_env) or a secrets_file"
        )
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(f"{path}: {_first_error(exc)}") from None
    secrets = profile.secrets_file
    if secrets is not None:
        secrets = path.parent / secrets.expanduser()
        if _tracked(secrets):
            raise ProfileError(f"{path}: {secrets} is tracked by git: secrets stay out of it")
    profile = profile.model_copy(
        update={"tls": profile.tls.relative_to(path.parent), "secrets_file": secrets}
    )
    return profile.with_overrides()


def read_secrets(path: Path) -> dict[str, Any]:
    """A secrets file: a YAML mapping (`token: ...`)."""
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ProfileError(f"cannot read the secrets file {path}: {exc.strerror}") from None
    except yaml.YAMLError:
        raise ProfileError(f"the secrets file {path} is not valid YAML") from None
    if not isinstance(data, dict):
        raise ProfileError(f"the secrets file {path} is not a mapping (token: ...)")
    return data


def _tracked(path: Path) -> bool:
    """Whether git tracks `path` (False where there is no git or no repository)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path.parent), "ls-files", "--error-unmatch", path.name],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
