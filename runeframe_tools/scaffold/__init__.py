"""`runeframe-nb init DIR`: the notebooks, profiles and a CI workflow in a team's own
repository, so the suite runs against its deployment without a clone of this one.

The notebooks and profiles ship with the kit: a wheel carries them in `_bundle/` beside
this module, and a checkout reads them where they live, beside the package.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from runeframe_nb.errors import KitError

HERE = Path(__file__).parent


def bundle() -> Path:
    """Where the kit's notebooks/ and params/ are: in the wheel, or in the checkout."""
    packaged = HERE / "_bundle"
    return packaged if packaged.is_dir() else HERE.parents[1]


def files(folder: Path) -> dict[Path, Path]:
    """Each file `init` writes into `folder`, and where it comes from."""
    source = bundle()
    plan = {folder / "notebooks" / p.name: p for p in sorted(source.glob("notebooks/*.ipynb"))}
    params = source / "params"
    plan[folder / "params" / "staging.yaml"] = params / "staging.example.yaml"
    plan[folder / "params" / "local.yaml"] = params / "local.yaml"
    for scale in sorted(params.glob("scales/*.yaml")):
        plan[folder / "params" / "scales" / scale.name] = scale
    plan[folder / ".github" / "workflows" / "runeframe-notebooks.yml"] = HERE / "workflow.yml"
    return plan


def init(folder: Path, force: bool = False) -> list[Path]:
    """Write the files into `folder` (refusing to overwrite one unless `force`); those
    written, and `outputs/` kept out of git."""
    plan = files(folder)
    if not any(p.suffix == ".ipynb" for p in plan):
        raise KitError(f"the kit's notebooks are not where it keeps them ({bundle()})")
    taken = [target for target in plan if target.exists()]
    if taken and not force:
        raise KitError(f"{taken[0]} exists already: give --force to overwrite it")
    for target, source in plan.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    ignore = folder / ".gitignore"
    kept = ignore.read_text() if ignore.exists() else ""
    if "outputs/" not in kept.splitlines():
        ignore.write_text(kept + ("" if kept.endswith("\n") or not kept else "\n") + "outputs/\n")
    return [*plan, ignore]
