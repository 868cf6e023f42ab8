"""A service settles its heap before serving, so full collections stay short under load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, json, sys
from runeframe_stack.core.settings import StackSettings
from runeframe_stack.serve import build, settle_heap
build("api", StackSettings(data_dir=sys.argv[1]))
before = len(gc.get_objects())
settle_heap()
print(json.dumps({"before": before, "walked": len(gc.get_objects()),
                  "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}))
"""


def test_a_full_collection_walks_a_small_part_of_a_built_service(tmp_path: Path) -> None:
    # in a child: freezing the test process's own heap would outlive the test
    command = [sys.executable, "-c", PROBE, str(tmp_path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    heap = json.loads(out.stdout)
    assert heap["before"] > 50_000, heap  # the imports' objects, which live as long as it does
    assert heap["frozen"] >= heap["before"] * 0.9, heap
    assert heap["walked"] < heap["before"] / 20, heap
    assert heap["threshold"][0] >= 10_000, heap  # young collections rarer than by default
