"""Environment profiles: `params/<name>.yaml`, validated, with the seed's TEST_* overrides.

A profile says where the services are (an embedded stack the kit starts, or URLs of a
running deployment), which token the clients present, and which fixtures a run needs.
"""

from __future__ import annotations

import os
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
    token: str | None = Field(None, description="Bearer token the clients present.")
    token_env: str | None = Field(None, description="Read the token from this variable instead.")
    seed: int = 42
    timeout: float = Field(30.0, gt=0)
    fixtures: Fixtures = Fixtures()
    allure: str | None = Field(
        None, description="Where `runeframe-nb run` writes Allure results, unless --allure says."
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
        if "TEST_TOKEN" in environ:
            return environ["TEST_TOKEN"]
        if self.token_env:
            if self.token_env not in environ:
                raise ProfileError(f"profile {self.name}: variable {self.token_env} is not set")
            return environ[self.token_env]
        return self.token

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
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(f"{path}: {_first_error(exc)}") from None
    profile = profile.model_copy(update={"tls": profile.tls.relative_to(path.parent)})
    return profile.with_overrides()


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
