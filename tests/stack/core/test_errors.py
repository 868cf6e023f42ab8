"""The stack's errors: the tree and statuses its docstring draws are the classes', and an
error answers with the one envelope every service uses."""

from __future__ import annotations

import orjson

from runeframe_stack.api import live
from runeframe_stack.core import errors, hop
from runeframe_stack.jonar import backend
from runeframe_stack.jonar.deployments import model

from ...conftest import drawn_tree


def test_the_drawn_tree_and_statuses_are_the_classes() -> None:
    classes = {
        name: value
        for module in (errors, hop, live, backend, model)
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, Exception)
        and value.__module__ == module.__name__
    }
    drawn = drawn_tree(errors.__doc__ or "")
    assert set(drawn) == set(classes)
    for name, (parent, status) in drawn.items():
        assert classes[name].__bases__[0].__name__ == parent, name
        if status is not None:
            assert classes[name].status == status, name


def test_an_error_answers_with_the_envelope_and_its_headers() -> None:
    refused = errors.RateLimited("slow down", details={"limit": 5}, headers={"Retry-After": "2"})
    reply = refused.response()
    assert reply.status_code == 429 and reply.headers["retry-after"] == "2"
    assert orjson.loads(reply.body) == {
        "error": {"code": refused.code, "message": "slow down", "details": {"limit": 5}}
    }
