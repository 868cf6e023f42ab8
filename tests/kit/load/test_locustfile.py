"""The locustfile the `locust` engine runs, as a worker loads it (in a process of its own:
Locust patches the standard library when imported): each virtual user holds its token in
turn, sends the plan's headers, and runs the scenario to its end without an event loop;
a scenario that awaits anything else is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from runeframe_nb import load
from runeframe_nb.load.locust_engine import locustfile_for

ROOT = Path(__file__).parents[3]
WORKER = textwrap.dedent(
    """
    import asyncio, importlib.util, json, sys
    spec = importlib.util.spec_from_file_location("plan_locustfile", sys.argv[1])
    lf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lf)
    sent = []

    class Answer:
        status_code, content = 201, b'{"id": "usr_1"}'

    class Client:
        def request(self, method, path, json=None, headers=None, name=None):
            sent.append([method, path, json, headers, name])
            return Answer()

    class User:
        client = Client()

    users = [lf.LocustVirtualUser(User(), i) for i in range(3)]
    lf.drive(lf.SCENARIO, users[1])

    async def waits_on_the_loop(user):
        await asyncio.sleep(0)

    try:
        lf.drive(waits_on_the_loop, users[0])
        refused = ""
    except TypeError as exc:
        refused = str(exc)
    print(json.dumps({"tokens": [u.token for u in users], "sent": sent, "refused": refused}))
    """
)


async def scenario(user: Any) -> None:
    made = await user.post("/users/", json={"name": "Zoë 雪"})
    assert made.status == 201
    await user.think(0)
    await user.get(f"/users/{made.json()['id']}/", name="GET /users/{id}/")


def test_a_worker_runs_the_plan_s_scenario_with_its_tokens_and_headers(tmp_path: Path) -> None:
    plan = load.LoadPlan(
        "http://127.0.0.1:9/",
        users=3,
        duration=1,
        scenario=scenario,
        tokens=("tok-a", "tok-b"),
        headers={"X-Run": "r1"},
    )
    locustfile = tmp_path / "runeframe_locustfile.py"
    locustfile.write_text(locustfile_for(plan))
    ran = subprocess.run(
        [sys.executable, "-c", WORKER, str(locustfile)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=True,
    )
    seen = json.loads(ran.stdout.splitlines()[-1])
    assert seen["tokens"] == ["tok-a", "tok-b", "tok-a"]
    headers = {"X-Run": "r1", "Authorization": "Bearer tok-b"}
    assert seen["sent"] == [
        ["POST", "/users/", {"name": "Zoë 雪"}, headers, "POST /users/"],
        ["GET", "/users/usr_1/", None, headers, "GET /users/{id}/"],
    ]
    assert seen["refused"].startswith("a scenario may await only its user's methods")
