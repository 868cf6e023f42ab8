"""Paths map to their OpenAPI templates, literal segments before parameters."""

from runeframe_nb.openapi import RouteMatcher

DOC = {
    "paths": {
        "/api/v1/users/": {"get": {}, "post": {}},
        "/api/v1/users/{user_id}/": {"get": {}, "delete": {}},
        "/api/v1/users/me/": {"get": {}},
    }
}


def test_paths_resolve_to_templates() -> None:
    matcher = RouteMatcher({"http://edge": DOC})
    assert matcher.template("http://edge", "GET", "/api/v1/users/u1/") == "/api/v1/users/{user_id}/"
    assert matcher.template("http://edge", "GET", "/api/v1/users/u1") == "/api/v1/users/{user_id}/"
    assert matcher.template("http://edge", "GET", "/api/v1/users/me/") == "/api/v1/users/me/"
    assert matcher.template("http://edge", "POST", "/api/v1/users/") == "/api/v1/users/"


def test_an_unknown_path_stays_as_it_is() -> None:
    matcher = RouteMatcher({"http://edge": DOC})
    assert matcher.template("http://edge", "PUT", "/api/v1/users/u1/") == "/api/v1/users/u1/"
