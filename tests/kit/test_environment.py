"""The environment a notebook talks to, on a real stack: what it exports points another
process's `connect()` at the same stack (no second one started), URLs come most specific
first, and a profile that cannot be reached or is incomplete is one line saying so."""

from __future__ import annotations

import pytest

import runeframe_nb as rf
from runeframe_nb.environment import open_environment
from runeframe_nb.errors import EnvironmentUnreachable, ProfileError
from runeframe_nb.profiles import Profile
from runeframe_process import any_free_port


def test_the_variables_it_exports_point_another_environment_at_the_same_stack(
    environment: rf.Environment, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in environment.variables().items():
        monkeypatch.setenv(variable, value)
    seen = open_environment(profile.with_overrides())
    try:
        assert seen.stack is None and seen.urls == environment.urls
        assert seen.token == environment.token
        assert set(seen.health()) == set(environment.urls)
    finally:
        seen.close()


def test_urls_given_win_and_unknown_or_missing_ones_are_refused(
    environment: rf.Environment, profile: Profile
) -> None:
    elsewhere = f"http://127.0.0.1:{any_free_port()}"
    with pytest.raises(EnvironmentUnreachable, match=rf"^\w+ at {elsewhere}: ") as away:
        open_environment(profile, urls={**environment.urls, "jonar": elsewhere})
    assert away.value.args[0].startswith(f"jonar at {elsewhere}: ") and "\n" not in str(away.value)
    with pytest.raises(ProfileError, match="unknown service 'mercatrx' in urls"):
        open_environment(profile, urls={**environment.urls, "mercatrx": elsewhere})
    remote = profile.model_copy(update={"stack": "remote", "urls": {}})
    partial = {s: environment.urls[s] for s in ("api", "distilera")}
    with pytest.raises(ProfileError, match=r"has no URL for hoardwell, mercatrix, jonar$"):
        open_environment(remote, urls=partial)


def test_a_namespace_is_fresh_and_starts_with_the_run(environment: rf.Environment) -> None:
    env = rf.Environment(environment.profile, environment.urls, run_id="run7")
    first, second = env.namespace("users"), env.namespace("users")
    assert first != second and first.startswith("run7-ns") and first.endswith("-users")
    with pytest.raises(ProfileError, match="has no URL for 'nowhere'"):
        env.url("nowhere")
