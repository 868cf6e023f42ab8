"""Profiles: loaded by name, validated, overridden by the seed's TEST_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from runeframe_nb.errors import ProfileError
from runeframe_nb.profiles import load_profile

REPO_PARAMS = Path(__file__).parents[2] / "params"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def test_the_local_profile_is_an_embedded_stack_with_the_seed_fixtures() -> None:
    profile = load_profile("local", REPO_PARAMS)
    assert profile.stack == "embedded"
    # the suite's own identity: its token is made for each stack, never written down
    assert profile.bearer_token({}) is None
    assert profile.identity is not None and profile.identity.user_id == "runeframe_suite"
    made = profile.embedded_settings("made-for-this-stack")["static_tokens"]
    assert made["made-for-this-stack"] == {"user_id": "runeframe_suite", "roles": ["admin", "user"]}
    # the seed's test_token: an ordinary user, held to the ordinary rate limit
    seed_identity = profile.stack_settings["static_tokens"]["test_token"]
    assert seed_identity == {"user_id": "test_user", "roles": ["user"]}
    assert "test_user" not in profile.stack_settings["rate_limit_overrides"]
    fixture_ids = {u.id for u in profile.fixtures.users}
    assert {"user_123", "test_user", "alchemist_001", "synthesizer_002", "master_alchemist"} <= (
        fixture_ids
    )


def test_an_unknown_profile_names_the_ones_that_exist(tmp_path: Path) -> None:
    write(tmp_path, "alpha", "stack: embedded\n")
    with pytest.raises(ProfileError, match=r"unknown profile 'nope'.*alpha"):
        load_profile("nope", tmp_path)


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "broken", "stack: embedded\nurls: [unclosed\n")
    with pytest.raises(ProfileError, match=r"broken.yaml line \d+: not valid YAML"):
        load_profile("broken", tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stack: cloud\n", "stack: Input should be 'embedded' or 'remote'"),
        ("urls: {api: ftp://x}\n", "must start with http:// or https://"),
        ("urls: {nowhere: http://x}\n", "unknown service 'nowhere'"),
        ("colour: blue\n", "colour: Extra inputs are not permitted"),
        ("- a list\n", "a profile is a mapping"),
    ],
)
def test_an_invalid_profile_is_one_line_naming_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    write(tmp_path, "bad", text)
    with pytest.raises(ProfileError) as caught:
        load_profile("bad", tmp_path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_test_variables_override_urls_and_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "remote", "stack: remote\nurls: {api: 'http://a:1'}\ntoken_env: T1\n")
    monkeypatch.setenv("TEST_API_URL", "http://edge:9000/")
    monkeypatch.setenv("TEST_DISTILERA_URL", "http://distilera:9001")
    monkeypatch.setenv("TEST_TOKEN", "t2")
    profile = load_profile("remote", tmp_path)
    assert profile.urls == {"api": "http://edge:9000", "distilera": "http://distilera:9001"}
    assert profile.bearer_token() == "t2"


def test_a_token_written_in_a_profile_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "leaky", "stack: remote\ntoken: s3cret-in-git\n")
    with pytest.raises(ProfileError) as refused:
        load_profile("leaky", tmp_path)
    assert str(refused.value) == (
        f"{tmp_path / 'leaky.yaml'}: a token does not belong in a profile file, which is "
        "shared and committed: name the variable that holds it (token_env) or a secrets_file"
    )


def test_a_token_comes_from_a_secrets_file_git_does_not_track(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, "staging", "stack: remote\nsecrets_file: staging.secrets.yaml\n")
    (tmp_path / "staging.secrets.yaml").write_text("token: from-the-file\n")
    assert load_profile("staging", tmp_path).bearer_token({}) == "from-the-file"
    subprocess.run(["git", "-C", str(tmp_path), "add", "staging.secrets.yaml"], check=True)
    with pytest.raises(ProfileError, match="is tracked by git: secrets stay out of it"):
        load_profile("staging", tmp_path)


def test_a_token_from_a_variable_must_be_set(tmp_path: Path) -> None:
    write(tmp_path, "staging", "stack: remote\ntoken_env: STAGING_TOKEN\n")
    profile = load_profile("staging", tmp_path)
    assert profile.bearer_token({"STAGING_TOKEN": "s3cret"}) == "s3cret"
    with pytest.raises(ProfileError, match="STAGING_TOKEN is not set"):
        profile.bearer_token({})


def test_database_and_redis_urls_override_only_a_profile_that_uses_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://ci@db:5432/elsewhere")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/3")
    ci = load_profile("ci", REPO_PARAMS).stack_settings
    assert (ci["database_url"], ci["redis_url"]) == (
        "postgresql://ci@db:5432/elsewhere",
        "redis://cache:6379/3",
    )
    local = load_profile("local", REPO_PARAMS).stack_settings
    assert "database_url" not in local and "redis_url" not in local
