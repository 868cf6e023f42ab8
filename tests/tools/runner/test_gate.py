"""The gate: notebooks side by side, one marked alone by itself, across the runs sharing it."""

from __future__ import annotations

import threading
import time

from runeframe_tools.runner.gate import Gate


def test_an_exclusive_holder_waits_for_shared_ones_and_keeps_new_ones_out() -> None:
    gate = Gate()
    seen: list[str] = []
    first_in = threading.Event()

    def shared(name: str, hold: float) -> None:
        with gate.shared():
            seen.append(f"{name} in")
            first_in.set()
            time.sleep(hold)
            seen.append(f"{name} out")

    def exclusive() -> None:
        with gate.exclusive():
            seen.append("alone in")
            time.sleep(0.05)
            seen.append("alone out")

    a = threading.Thread(target=shared, args=("a", 0.2))
    a.start()
    first_in.wait()
    b = threading.Thread(target=exclusive)
    b.start()
    time.sleep(0.05)  # the exclusive holder now waits for a
    c = threading.Thread(target=shared, args=("c", 0.0))
    c.start()
    for t in (a, b, c):
        t.join(5)
    assert seen == ["a in", "a out", "alone in", "alone out", "c in", "c out"]


def test_shared_holders_overlap() -> None:
    gate = Gate()
    inside = []
    both = threading.Barrier(2, timeout=2)

    def shared() -> None:
        with gate.shared():
            both.wait()  # would time out if the second could not get in
            inside.append(1)

    threads = [threading.Thread(target=shared) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert inside == [1, 1]
