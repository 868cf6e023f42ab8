"""`runeframe-nb lab`: JupyterLab on the notebooks, with a profile's environment live.

The profile's environment is opened once (an embedded profile starts its stack) and
handed to every kernel through the seed's TEST_*_URL and TEST_TOKEN variables, so a
notebook's `connect(...)` talks to that stack instead of starting its own. Stopping
JupyterLab (Ctrl-C) stops the stack.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from runeframe_nb.environment import open_environment
from runeframe_nb.errors import KitError
from runeframe_nb.profiles import PARAMS_VARIABLE, find_params_dir, load_profile


def jupyter_lab() -> str:
    """JupyterLab beside this interpreter (a venv's bin/, whether or not it is activated),
    else on the PATH."""
    beside = Path(sys.executable).parent / "jupyter-lab"
    found = str(beside) if beside.exists() else shutil.which("jupyter-lab")
    if found is None:
        raise KitError("JupyterLab is not installed: pip install 'runeframe-notebooks[lab]'")
    return found


def lab_command(
    notebooks: Path, port: int, extra: Sequence[str] = (), root: bool | None = None
) -> list[str]:
    """JupyterLab on `notebooks`; as root (a container) it must be allowed to run as root.
    An option the kit sets and `extra` gives too (`--port 9999`, `--port=9999`) is the
    user's: JupyterLab would refuse the option twice, or take the wrong one."""
    as_root = os.geteuid() == 0 if root is None else root
    given = {option.split("=", 1)[0] for option in extra if option.startswith("--")}
    ours = [f"--port={port}", "--no-browser", f"--notebook-dir={notebooks}"]
    if as_root:
        ours.append("--allow-root")
    return [jupyter_lab(), *(o for o in ours if o.split("=", 1)[0] not in given), *extra]


def run_lab(
    profile_name: str,
    notebooks: Path,
    port: int,
    console: Console,
    command: Sequence[str] | None = None,
    extra: Sequence[str] = (),
) -> int:
    """JupyterLab (or `command`) with the profile's environment; `extra` options go to it."""
    if not notebooks.is_dir():
        raise KitError(f"no notebooks folder at {notebooks}")
    if command is None:
        command = lab_command(notebooks, port, extra)
    profile = load_profile(profile_name)
    env = open_environment(profile)
    try:
        variables = {**env.variables(), PARAMS_VARIABLE: str(find_params_dir().resolve())}
        console.print(
            f"profile {profile.name}: edge {env.urls['api']}; stopping JupyterLab stops it",
            highlight=False,
        )
        try:
            return subprocess.call(list(command), env={**os.environ, **variables})
        except KeyboardInterrupt:
            return 130
    finally:
        env.close()
