"""The kit's version, read from the installed package: pyproject.toml is the one source."""

from importlib.metadata import version

__version__ = version("runeframe-notebooks")
