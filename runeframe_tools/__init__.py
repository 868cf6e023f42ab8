"""The tools a pipeline runs on the notebooks: the `runeframe-nb` command (cli), the
papermill runner and its archive (runner), reports and diffs (report), mutation testing
(mutate), a team repository's scaffold (scaffold) and JupyterLab (lab).

They depend on the notebook API (`runeframe_nb`), never the reverse: a notebook imports
what it checks with, not what runs it. The load engine stays in the kit, beside the
notebook that drives it; the `load` command calls it from here."""

NEWEST = "newest"  # `--last-failed` with no run named: the newest archived run
