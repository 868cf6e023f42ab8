"""The RuneFrameOS reference services, runnable on a laptop: `runeframe-stack up`."""

from importlib.metadata import version

__version__ = version("runeframe-notebooks")  # pyproject.toml is the one source
