"""Scale presets (`params/scales/<name>.yaml`): which notebooks run, with which
parameters over their defaults, on a stack with which settings over the profile's.

`runeframe-nb run --scale seed` runs the seed's performance procedure at its own
durations; the default run stays short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from runeframe_nb.errors import RunError
from runeframe_nb.profiles import find_params_dir


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    description: str = ""
    notebooks: dict[str, dict[str, Any]]  # notebook: its parameters at this scale
    stack_settings: dict[str, Any] = {}


def load_scale(name: str, params_dir: Path | None = None) -> Scale:
    folder = (params_dir or find_params_dir()) / "scales"
    path = folder / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        raise RunError(f"no scale {name!r} in {folder} (known: {', '.join(known) or 'none'})")
    try:
        return Scale.model_validate({**(yaml.safe_load(path.read_text()) or {}), "name": name})
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()
        raise RunError(f"scale {name} ({path}): {' '.join(first[:3])}") from None
