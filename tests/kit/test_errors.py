"""The kit's errors: the tree its docstring draws is the tree the classes form, each error
is one line in a notebook, and an API error names the call, status and code."""

from __future__ import annotations

from runeframe_nb import errors

from ..conftest import drawn_tree


def test_the_drawn_tree_is_the_class_tree() -> None:
    drawn = drawn_tree(errors.__doc__ or "")
    classes = {
        name: value
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert set(drawn) == set(classes)
    for name, (parent, _) in drawn.items():
        assert classes[name].__bases__[0].__name__ == parent, name


def test_an_error_shows_in_a_notebook_as_one_line_without_a_traceback() -> None:
    shown = errors.ProfileError("no profile nope; there are local, ci")._render_traceback_()
    assert shown == ["\x1b[31mProfileError\x1b[0m: no profile nope; there are local, ci"]


def test_an_api_error_names_the_call_its_status_and_code() -> None:
    refused = errors.ApiError(409, "conflict", "email taken", call="POST /api/v1/users/")
    assert str(refused) == "POST /api/v1/users/: 409 conflict: email taken"
    assert (refused.status, refused.code, refused.message) == (409, "conflict", "email taken")
    assert isinstance(refused, errors.ClientError)
