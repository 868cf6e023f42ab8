"""A command for warm starts to run: it says what it was given and found, then exits
with the code its first argument names (or sleeps, told `sleep`; or exits with the code
of a child of its own, told `fork`; or, told `nested FOLDER`, holds files in FOLDER while
a warm child of its own runs, and exits with that child's code, or 99 if a file was
written to behind its back)."""

import multiprocessing
import os
import sys
import time

print(
    f"argv={sys.argv[1:]} probe={os.environ.get('WARM_PROBE')} cwd={os.getcwd()}"
    f" preloaded={'tabnanny' in sys.modules} main={__name__}",
    flush=True,
)
if sys.argv[1] == "sleep":
    time.sleep(60)
if sys.argv[1] == "nested":
    from pathlib import Path

    from runeframe_process import warm

    folder = Path(sys.argv[2])
    held = [(folder / f"held-{i}").open("w") for i in range(4)]  # the lowest free numbers
    code = warm.start(__spec__.name, ["7"], folder / "inner.log", []).wait(30)
    for file in held:
        file.close()
    sys.exit(99 if any(p.read_text() for p in folder.glob("held-*")) else code)
if sys.argv[1] == "fork":
    child = multiprocessing.get_context("fork").Process(target=sys.exit, args=(5,))
    child.start()
    child.join()
    sys.exit(child.exitcode)
sys.exit(int(sys.argv[1]))
