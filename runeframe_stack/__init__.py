"""The RuneFrameOS reference services, runnable on a laptop: `runeframe-stack up`."""

__version__ = "0.1.0"
