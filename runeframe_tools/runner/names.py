"""Names the command line and the runner share, importable without loading the runner."""

NEWEST = "newest"  # `--last-failed` with no run named: the newest archived run
