"""What the services spend under load: sampled from /metrics on the load's own clock."""

from __future__ import annotations

import pandas as pd

import runeframe_nb as rf
from runeframe_nb import charts, load
from runeframe_nb.load.resources import Resources, read_metrics
from runeframe_nb.load.stats import GENERATOR, Measurements

PAGE = """# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 7.340032e+07
# TYPE event_loop_lag_seconds gauge
event_loop_lag_seconds 0.0125
# TYPE http_requests_in_flight gauge
http_requests_in_flight 3.0
# TYPE http_requests counter
http_requests_total{service="api",method="GET",route="/healthz",status="200"} 9.0
"""


def test_the_sampled_series_are_read_from_a_metrics_page() -> None:
    assert read_metrics(PAGE) == {
        "cpu_seconds": 12.5,
        "rss_bytes": 73400320.0,
        "loop_lag_seconds": 0.0125,
        "in_flight": 3.0,
    }


def watched(*raw: tuple[float, str, dict[str, float]]) -> Resources:
    resources = Resources({})
    resources.raw = list(raw)
    return resources


def test_cpu_is_the_share_of_a_core_between_samples_and_the_first_to_saturate_is_named() -> None:
    """api spends 0.3 s of CPU a second, then 0.95 from second 2; hoardwell's loop lags
    from second 4: api's CPU is first past its limit two samples running."""
    raw = []
    api_cpu = 10.0
    for second in range(6):
        api_cpu += 0.95 if second >= 2 else 0.3 if second else 0.0
        raw.append((float(second), "api", {"cpu_seconds": api_cpu, "loop_lag_seconds": 0.01}))
        lag = 0.2 if second >= 4 else 0.001
        raw.append((float(second), "hoardwell", {"cpu_seconds": 0.0, "loop_lag_seconds": lag}))
    resources = watched(*raw)
    samples = resources.samples()
    api = samples[samples["service"] == "api"]["cpu_percent"].tolist()
    assert api[1:] == [30.0, 95.0, 95.0, 95.0, 95.0] and pd.isna(api[0])
    assert resources.first_saturated() == "api cpu_percent at 3 s (limit 90)"


def test_when_nothing_saturates_the_nearest_is_named() -> None:
    resources = watched(
        (0.0, "api", {"cpu_seconds": 1.0, "loop_lag_seconds": 0.02}),
        (1.0, "api", {"cpu_seconds": 1.5, "loop_lag_seconds": 0.03}),
    )
    assert resources.first_saturated() == (
        "none saturated; nearest: api cpu_percent peaked at 50 (56% of its limit)"
    )


def test_the_generator_is_watched_beside_the_services_and_can_be_the_first_to_run_out() -> None:
    """The services idle along while the generator's CPU is past its limit from second 2:
    the load measured the generator, and the verdict names it."""
    recorder = Measurements(started=0.0)
    for second, cpu in enumerate([0.5, 0.95, 0.97]):
        recorder.own_load(second + 0.5, cpu, 2_000)
    recorder.elapsed = 3.0
    result = load.LoadResult("closed", "runeframe", recorder, 1, 1)
    resources = watched(
        *((float(s), "api", {"cpu_seconds": 0.2 * s, "loop_lag_seconds": 0.001}) for s in range(4))
    )
    samples = resources.samples(result)
    own = samples[samples["service"] == GENERATOR]
    assert own[["second", "cpu_percent", "loop_lag_ms"]].values.tolist() == [
        [1.0, 50.0, 2.0],
        [2.0, 95.0, 2.0],
        [3.0, 97.0, 2.0],
    ]
    assert resources.first_saturated(result) == "load generator cpu_percent at 3 s (limit 90)"
    figure = charts.load_over_time(result.timeline(), samples)
    assert {t.name for t in figure.data} >= {"api", GENERATOR}


async def test_every_service_is_sampled_while_load_runs(environment: rf.Environment) -> None:
    plan = load.LoadPlan(environment.url("api") + "/healthz", users=20, duration=1.5)
    async with Resources(environment.urls, interval=0.25) as resources:
        result = await load.run(plan)
    samples = resources.samples(result)
    assert set(samples["service"]) == {*environment.urls, GENERATOR}
    services = samples[samples["service"] != GENERATOR]
    assert (services["rss_mb"] > 10).all() and (services["open_fds"] > 0).all()
    api = samples[samples["service"] == "api"]
    assert api["cpu_percent"].max() > 5  # the edge worked while the load ran
    assert api["second"].min() < 0.5 and api["second"].max() >= 1.4  # on the load's clock
    assert api["in_flight"].max() >= 1

    figure = charts.load_over_time(result.timeline(), samples)
    titles = [a.text for a in figure.layout.annotations]
    assert titles == [
        "requests per second",
        "latency (ms)",
        "CPU (% of a core)",
        "loop lag (ms)",
        "memory (MB)",
    ]
    assert {t.name for t in figure.data} >= set(environment.urls) | {"successful"}
    assert isinstance(result.timeline(), pd.DataFrame)


async def test_settled_waits_until_no_service_owes_a_delivery() -> None:
    """A service's /metrics on a real socket owes two notifications until a timer pays
    them; one that says nothing of an outbox owes none. settled waits for the payment,
    and gives up with the count when it never comes."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    owed = {"pending": 2}

    class Metrics(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            line = f'outbox_pending{{service="a"}} {owed["pending"]}.0\n'
            body = (PAGE + line if self.server is owing else PAGE).encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    owing, quiet = (ThreadingHTTPServer(("127.0.0.1", 0), Metrics) for _ in range(2))
    for server in (owing, quiet):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = {n: f"http://127.0.0.1:{s.server_port}" for n, s in (("a", owing), ("b", quiet))}
    try:
        threading.Timer(0.5, owed.update, kwargs={"pending": 0}).start()
        started = time.monotonic()
        assert await load.settled(urls, within=5) == 0
        assert 0.4 < time.monotonic() - started < 2
        owed["pending"] = 2  # and now for good
        assert await load.settled(urls, within=0.5) == 2
    finally:
        for server in (owing, quiet):
            server.shutdown()
            server.server_close()
