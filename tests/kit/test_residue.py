"""What a notebook made, and what of it is left once it has cleaned up, on a real stack:
what the API lets a client delete is deleted and gone, history is kept and said to be,
and what is still there, or cannot be asked, is residue, named."""

from __future__ import annotations

import uuid

import httpx

import runeframe_nb as rf
from runeframe_nb import DistileraClient, HoardwellClient, exchanges
from runeframe_nb.exchanges import Made
from runeframe_nb.residue import clean_up
from runeframe_process import any_free_port


async def test_what_can_be_deleted_is_gone_history_is_kept_and_the_rest_is_named(
    environment: rf.Environment,
) -> None:
    already = len(exchanges.created)
    async with DistileraClient(environment=environment) as distilera:
        user = await distilera.create_user(
            {"name": "Rüdiger", "email": f"r{uuid.uuid4().hex[:10]}@runeframe.example"}
        )
        entry = await distilera.store_sensitive_data({"note": "keep me secret"})
    async with HoardwellClient(environment=environment) as hoardwell:
        await hoardwell.post_message("simulation_event", "ход 1", user_id=user.id)
    made = exchanges.created[already:]
    assert sorted(m.kind for m in made) == ["messages", "users", "vault"]
    base = environment.url("distilera")
    away = Made("distilera", f"http://127.0.0.1:{any_free_port()}", "/users/usr_away/")

    residue = await clean_up([*made, away], environment)

    table = residue.table.set_index("kind")
    assert table.loc["users", ["made", "deleted", "left"]].tolist() == [2, 1, 1]
    assert table.loc["vault", ["made", "deleted", "left"]].tolist() == [1, 1, 0]
    assert table.loc["messages", ["made", "kept"]].tolist() == [1, 1]
    assert table.loc["messages", "why kept"].startswith("the message log")
    assert residue.left_behind == ["distilera /users/usr_away/"]  # its service did not answer
    assert residue.summary == (
        "4 made, 2 deleted, 1 kept as history, 1 left: distilera /users/usr_away/"
    )
    async with httpx.AsyncClient(base_url=base, headers=environment.headers) as http:
        for path in (f"/users/{user.id}/", f"/vault/{entry.id}/"):
            assert (await http.get(path)).status_code == 404
