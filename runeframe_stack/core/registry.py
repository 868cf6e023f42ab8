"""Implementations chosen by name, never by branches.

A registry maps a name (a URL's scheme, a setting's value) to a factory: a new storage,
counter, hub or replica backend is one `register` beside its code. An unknown name is a
StackConfigError that lists the names there are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from .errors import StackConfigError

Factory = TypeVar("Factory", bound=Callable[..., object])


class Registry(Generic[Factory]):
    def __init__(self, what: str) -> None:
        self.what = what
        self._by_name: dict[str, Factory] = {}

    def register(self, *names: str) -> Callable[[Factory], Factory]:
        def add(factory: Factory) -> Factory:
            for name in names:
                self._by_name[name] = factory
            return factory

        return add

    def __getitem__(self, name: str) -> Factory:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name))
            raise StackConfigError(f"no {self.what} named {name!r} (one of: {known})") from None

    def for_url(self, url: str | None, default: str) -> Factory:
        """The factory for `url`'s scheme, or `default`'s when no URL is given."""
        return self[urlsplit(url).scheme if url else default]
