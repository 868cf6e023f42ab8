"""Services' OpenAPI documents: which operations exist and which template a path belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from .network import Tls, Transport

_PARAM = re.compile(r"\\{(\w+)\\}")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every (method, path template) of a document, most specific templates first."""
    ops = []
    for template, item in document.get("paths", {}).items():
        regex = _PARAM.sub(r"[^/]+", re.escape(template))
        pattern = re.compile(f"^{regex.removesuffix('/')}/?$")
        for method in item:
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                ops.append(Operation(method.upper(), template, pattern))
    # a literal segment beats a parameter: fewer parameters first, then longer templates
    ops.sort(key=lambda op: (op.template.count("{"), -len(op.template)))
    return ops


class RouteMatcher:
    """Maps (service URL, method, path) to the operation's template, fetching documents once."""

    def __init__(self, documents: dict[str, dict[str, Any]] | None = None) -> None:
        self._ops: dict[str, list[Operation]] = {
            url: operations(doc) for url, doc in (documents or {}).items()
        }

    def _operations(self, base_url: str) -> list[Operation]:
        if base_url not in self._ops:
            try:
                with httpx.Client(transport=Transport(_tls()), timeout=5) as client:
                    reply = client.get(f"{base_url}/openapi.json")
                self._ops[base_url] = operations(reply.json()) if reply.status_code == 200 else []
            except (httpx.HTTPError, ValueError):
                self._ops[base_url] = []
        return self._ops[base_url]

    def template(self, base_url: str, method: str, path: str) -> str:
        for op in self._operations(base_url):
            if op.method == method and op.pattern.match(path):
                return op.template
        return path


def _tls() -> Tls:
    """The active environment's TLS settings, else the standard variables'."""
    from .environment import current

    env = current()
    return env.tls if env is not None else Tls().resolved()


_shared: RouteMatcher | None = None


def shared_matcher() -> RouteMatcher:
    """One matcher per process, so each service's document is fetched once."""
    global _shared
    if _shared is None:
        _shared = RouteMatcher()
    return _shared
