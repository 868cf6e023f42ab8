"""The stack's settings: defaults, then the YAML file, then the command line; every mistake
one line naming the setting; what crosses to a service process arrives whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from runeframe_stack.core.errors import StackConfigError
from runeframe_stack.core.settings import SERVICES, StackSettings


def test_the_command_line_wins_over_the_file_which_wins_over_the_defaults(tmp_path: Path) -> None:
    file = tmp_path / "stack.yaml"
    file.write_text("port_offset: 100\nnamespace: team_a\nrate_limit: {requests: 7}\n")
    settings = StackSettings.load(file, port_offset=200, namespace=None)
    assert (settings.port_offset, settings.namespace) == (200, "team_a")  # None: not given
    assert settings.rate_limit.requests == 7 and settings.welcome_grant == 100.0


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("port_offset: 90000\n", "bad setting port_offset: Input should be less than or equal"),
        ("namespace: Team-A\n", "bad setting namespace: String should match pattern"),
        ("jonar: {max_replicas: -1}\n", "bad setting jonar.max_replicas"),
        ("database_url: mysql://x\n", "bad setting database_url"),
        ("no_such_setting: 1\n", "bad setting no_such_setting: Extra inputs are not permitted"),
        ("- a list\n", "must hold a mapping of settings"),
        ("port_offset: [\n", "stack.yaml line 2 is not valid YAML: expected the node content"),
    ],
)
def test_a_mistake_is_one_line_naming_the_setting(tmp_path: Path, text: str, said: str) -> None:
    file = tmp_path / "stack.yaml"
    file.write_text(text)
    with pytest.raises(StackConfigError) as refused:
        StackSettings.load(file)
    assert said in str(refused.value) and "\n" not in str(refused.value)


def test_a_file_that_is_not_there_is_named(tmp_path: Path) -> None:
    with pytest.raises(StackConfigError, match=r"cannot read .*absent.yaml: No such file"):
        StackSettings.load(tmp_path / "absent.yaml")


def test_settings_cross_to_a_service_process_whole_with_a_token_for_each(tmp_path: Path) -> None:
    given = StackSettings.load(None, data_dir=tmp_path, namespace="ns1_", port_offset=5)
    sent = given.with_service_tokens()
    assert set(sent.service_tokens) == set(SERVICES)
    assert len(set(sent.service_tokens.values())) == len(SERVICES)  # one of its own each
    assert StackSettings.model_validate_json(sent.to_env()) == sent
    assert sent.url("jonar") == f"http://127.0.0.1:{sent.port('jonar')}"
    assert sent.schema_of("mercatrix") == "ns1_mercatrix"
