"""Re-execute committed notebooks in place, so the outputs nbval compares are current.

A notebook is written back only when it ran to its end with every check passing: the
stored outputs are the reference a later run is compared with.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

from runeframe_nb import masking
from runeframe_nb.errors import RunError

from .execute import collect_checks
from .kernels import KERNEL_ENV


def refresh(path: Path, timeout: float = 600.0) -> int:
    """Execute `path` with its default parameters; returns the number of checks recorded."""
    os.environ.update(KERNEL_ENV)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="rfk-") as sockets, masking.collected() as masks:
        os.environ[masking.VARIABLE] = str(masks)
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = f"{sockets}/k"
        client = NotebookClient(
            nb,
            config=config,
            kernel_name="python3",
            timeout=timeout,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent.resolve())}},
        )
        try:
            client.execute()
        except CellExecutionError as exc:
            raise RunError(f"{path.name}: {exc.ename}: {exc.evalue}") from None
        finally:
            del os.environ[masking.VARIABLE]
        secrets = masking.known() | masking.read(masks)
    checks = collect_checks(nb, path.stem)
    failed = [c.name for c in checks if not c.passed]
    if failed:
        raise RunError(f"{path.name}: {len(failed)} checks failed, first: {failed[0]}")
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    path.write_text(masking.redact_notebook(nbformat.writes(nb) + "\n", secrets))
    return len(checks)
