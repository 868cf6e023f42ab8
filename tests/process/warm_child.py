"""A command for warm starts to run: it says what it was given and found, then exits
with the code its first argument names (or sleeps, told `sleep`; or exits with the code
of a child of its own, told `fork`)."""

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
if sys.argv[1] == "fork":
    child = multiprocessing.get_context("fork").Process(target=sys.exit, args=(5,))
    child.start()
    child.join()
    sys.exit(child.exitcode)
sys.exit(int(sys.argv[1]))
