"""Distilera's users, served in the test's event loop: a search by part of a name or
email returns all and only the users that contain it in any case, outside ASCII too, its
`%`, `_` and `\\` taken as themselves, page by page, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, every_page, serving

NAMES = [
    "Ærø Ødegård",
    "ærø small",
    "Zoë 100%",
    "Zoe plain",
    "under_score",
    "underXscore",
    "back\\slash",
    "ΣΟΦΊΑ",
    "σοφία",
]
ASKED = [
    "ærø",
    "ÆRØ",
    "zoë",
    "100%",
    "%",
    "_",
    "r_s",
    "\\",
    "σοφία",
    "ΣΟΦΊΑ",
    "plain",
    "@users.example",
    "nobody",
]


async def test_a_search_returns_all_and_only_the_users_containing_it_in_any_case(
    tmp_path: Path, database_url: str | None
) -> None:
    async with serving("distilera", alone(tmp_path, database_url)) as http:
        made = []
        for i, name in enumerate(NAMES):
            reply = await http.post("/users/", json={"name": name, "email": f"u{i}@users.example"})
            assert reply.status_code == 201, reply.text
            made.append(reply.json())
        for q in ASKED:
            expected = [
                u["id"]
                for u in made
                if q.lower() in u["name"].lower() or q.lower() in u["email"].lower()
            ]
            assert await every_page(http, "/users/", 2, q=q) == expected, q
