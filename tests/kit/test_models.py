"""The kit's models are the far end of the stack's: each reads a field only where the
stack's model of it writes one, of a type it accepts; and an entity is also its id."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from pydantic import BaseModel

from runeframe_nb import models
from runeframe_nb.models import Entity, Resource, User

# the kit's model, and the stack's model it reads (module under runeframe_stack, class)
WIRE = {
    "Agent": "distilera.coordination",
    "Alert": "jonar.alerts",
    "AuthResult": "core.introspection",
    "Balance": "mercatrix.ledger_routes",
    "Collaboration": "distilera.collaborations",
    "ComponentMetrics": "jonar.metrics",
    "Contribution": "distilera.collaborations",
    "Coordination": "distilera.coordination",
    "Deployment": "jonar.deployments.routes:DeploymentView",
    "Event": "jonar.events",
    "LedgerSummary": "mercatrix.ledger_routes",
    "Listing": "mercatrix.listings",
    "LoadReport": "jonar.load",
    "MarketItem": "distilera.marketplace",
    "Message": "hoardwell.messages",
    "Replica": "jonar.deployments.routes:Member",
    "Simulation": "distilera.simulations",
    "SystemMetrics": "jonar.metrics",
    "Token": "distilera.identity:IssuedToken",
    "Transaction": "mercatrix.ledger_routes",
    "User": "contracts",
    "UserProfile": "contracts",
    "VaultEntry": "distilera.vault",
}
BASES = {"Resource", "Entity", "Page"}


def stack_model(kit_name: str) -> type[BaseModel]:
    module, _, name = WIRE[kit_name].partition(":")
    found: type[BaseModel] = getattr(
        importlib.import_module(f"runeframe_stack.{module}"), name or kit_name
    )
    return found


def json_types(field: dict[str, Any]) -> set[str]:
    """The JSON types a field's schema allows (an object for a nested model)."""
    if "anyOf" in field:
        return set().union(*map(json_types, field["anyOf"]))
    if "$ref" in field or "additionalProperties" in field:
        return {"object"}
    kind = field.get("type", "any")
    return set(kind) if isinstance(kind, list) else {kind}


def test_every_model_of_the_kit_has_its_wire_end_in_the_stack() -> None:
    kit = {
        name
        for name, c in vars(models).items()
        if inspect.isclass(c) and issubclass(c, BaseModel) and c.__module__ == models.__name__
    }
    assert kit - BASES == set(WIRE)


@pytest.mark.parametrize("name", sorted(WIRE))
def test_a_model_reads_only_what_the_stack_writes_in_a_type_it_accepts(name: str) -> None:
    read = getattr(models, name).model_json_schema(mode="validation")["properties"]
    written = stack_model(name).model_json_schema(mode="serialization")["properties"]
    assert set(read) - set(written) == set(), "fields the stack never sends"
    for field in read:
        accepted, sent = json_types(read[field]), json_types(written[field])
        if "number" in accepted:
            accepted.add("integer")
        assert "any" in accepted or sent <= accepted, f"{name}.{field}: {sent} into {accepted}"


def test_an_entity_is_its_id_and_a_resource_keeps_what_it_does_not_name() -> None:
    user = User(id="usr_1", name="Zoë 雪", email="z@runeframe.example", shoe_size=42)
    assert user == "usr_1" and str(user) == "usr_1" and {user: 1}["usr_1"] == 1
    assert user != User(id="usr_2", name="Z", email="z@runeframe.example")
    assert user != Entity(id="usr_1")  # another kind of entity with the same id
    assert user["name"] == "Zoë 雪" and user["shoe_size"] == 42
    with pytest.raises(KeyError, match="nickname"):
        user["nickname"]
    assert Resource.model_validate({"a": 1})["a"] == 1
    assert models.id_of(user) == "usr_1" and models.id_of("usr_3") == "usr_3"
