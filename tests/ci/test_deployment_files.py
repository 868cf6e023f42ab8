"""The files that run the suite elsewhere (GitHub Actions, docker compose, the profiles
for them) validate, and agree with what the stack and the kit accept. This machine runs
neither Docker nor Actions, so their schemas and our own models are the judges."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from runeframe_nb.profiles import load_profile
from runeframe_stack.core.settings import SERVICES, StackSettings

ROOT = Path(__file__).parents[2]
CI = ROOT / "ci"


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("integration-tests.yml", "vendor.github-workflows"),
        ("integration-tests-sharded.yml", "vendor.github-workflows"),
        ("docker-compose.test.yml", "vendor.compose-spec"),
    ],
)
def test_the_file_validates_against_its_published_schema(path: str, schema: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(CI / path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_runs_the_suite_on_postgres_and_redis() -> None:
    workflow = yaml.safe_load((CI / "integration-tests.yml").read_text())
    job = workflow["jobs"]["integration-tests"]
    assert {"postgres", "redis"} <= set(job["services"])
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    assert "runeframe-nb run --env ci" in commands
    assert "pytest" in commands
    artifacts = next(s for s in job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert "outputs/" in artifacts["with"]["path"]


def test_the_compose_stack_settings_are_settings_the_stack_accepts() -> None:
    compose = yaml.safe_load((CI / "docker-compose.test.yml").read_text())
    services = compose["services"]
    assert {f"test-{s}" for s in SERVICES} | {"test-database", "test-redis", "test-runner"} <= set(
        services
    )
    raw = services["test-api"]["environment"]["RUNEFRAME_STACK_SETTINGS"]
    filled = re.sub(r"\$\{(\w+)(:\?[^}]*)?\}", lambda m: f"{m.group(1).lower()}-value", raw)
    settings = StackSettings.model_validate_json(filled)
    assert settings.database_url and settings.redis_url
    assert set(settings.service_tokens) == set(SERVICES)
    assert len(set(settings.service_tokens.values())) == len(SERVICES)
    for service in SERVICES:
        port = settings.port(service)
        assert settings.url(service) == f"http://test-{service}:{port}"
        assert services[f"test-{service}"]["command"][-1] == service
        assert any(
            str(port) in check for check in services[f"test-{service}"]["healthcheck"]["test"]
        )


def test_the_dockerfile_copies_only_what_exists() -> None:
    sources = [
        part
        for line in (CI / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
        for part in line.split()[1:-1]
    ]
    assert sources and all((ROOT / s).exists() for s in sources), sources
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    assert set(wheel["targets"]["wheel"]["packages"]) <= set(sources)  # the image installs all


@pytest.mark.parametrize("name", ["local", "ci", "compose", "staging.example"])
def test_every_profile_loads(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_TOKEN", "from-the-environment")
    monkeypatch.setenv("RUNEFRAME_STAGING_TOKEN", "from-the-environment")
    profile = load_profile(name, ROOT / "params")
    assert profile.bearer_token() == "from-the-environment"
    if profile.stack == "remote":
        assert set(profile.urls) == set(SERVICES)
    else:
        StackSettings.model_validate(profile.stack_settings)


def test_the_sharded_workflow_runs_every_share_and_merges_them() -> None:
    workflow = yaml.safe_load((CI / "integration-tests-sharded.yml").read_text())
    shards = workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"]
    runs = [s["run"] for s in workflow["jobs"]["shard"]["steps"] if "run" in s]
    (command,) = [r for r in runs if "--shard" in r]
    total = re.search(r"--shard \$\{\{ matrix.shard \}\}/(\d+)", command)
    assert total and shards == list(range(1, int(total.group(1)) + 1))
    merge = workflow["jobs"]["merge"]
    assert merge["needs"] == "shard"
    assert any("runeframe-nb merge shards/shard-*/*/" in s.get("run", "") for s in merge["steps"])
