"""`authenticate` and `check_permission` as a service answers them (Hoardwell, served in
the test's event loop): a token is whose it is, a bad one is answered (never an error)
with why, and admin_access is for admins alone."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, serving


async def test_a_token_is_whose_it_is_and_admin_access_is_for_admins(tmp_path: Path) -> None:
    settings = alone(tmp_path, tokens={"user-token": {"user_id": "usr_ü", "roles": ["user"]}})
    async with serving("hoardwell", settings) as http:
        asked = {}
        for token in ("admin-token", "user-token", "forged.token.here"):
            verdict = (await http.post("/auth/verify/", json={"token": token})).json()
            check = {"token": token, "permission": "admin_access"}
            allowed = (await http.post("/auth/permissions/check/", json=check)).json()
            asked[token] = (verdict["is_valid"], verdict["user_id"], allowed["allowed"])
        bad = (await http.post("/auth/verify/", json={"token": "forged.token.here"})).json()
        empty = await http.post("/auth/verify/", json={"token": ""})
    assert asked == {
        "admin-token": (True, "root", True),
        "user-token": (True, "usr_ü", False),
        "forged.token.here": (False, None, False),
    }
    assert bad["roles"] == [] and bad["error"]
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "validation_error"
