"""Secrets stay out of every artifact of a run.

The kit learns secrets as it goes: the profile's token, what a token endpoint answers,
every Authorization and Cookie value its clients send, what a notebook stores in the
vault. Each is remembered here (`remember`), and `redact` puts *** in place of every
remembered value in a text, as GitHub Actions masks a registered secret in its logs.

A run's kernels also write what they learn to a file the runner names (RUNEFRAME_MASKS:
outside the archive, readable by its owner alone, gone when the run ends). When the run
ends the runner redacts every file of its archive with all of them, before the report,
the Allure results and the CI summary are made from it: a secret a notebook printed, or
put in a check's detail, is masked there too.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MASK = "***"
MIN_LENGTH = 6  # shorter values are words, not secrets: masking them would mask prose
VARIABLE = "RUNEFRAME_MASKS"
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"}
)
SECRET_FIELDS = frozenset(
    {"token", "password", "secret", "credit_card", "ssn", "access_token", "refresh_token",
     "client_secret"}
)  # fmt: skip

_known: set[str] = set()


def remember(*values: object) -> None:
    """Remember secret values (strings of MIN_LENGTH characters or more)."""
    fresh = {v for v in values if isinstance(v, str) and len(v) >= MIN_LENGTH} - _known
    if not fresh:
        return
    _known.update(fresh)
    sink = os.environ.get(VARIABLE)
    if sink:
        with open(sink, "a", encoding="utf-8") as file:
            file.writelines(json.dumps(value) + "\n" for value in sorted(fresh))


def masked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers (names in lower case) with credentials masked, the scheme of `Bearer x`
    kept; each credential remembered, whole and without its scheme."""
    masked = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme, _, rest = value.partition(" ")
            remember(value, rest)
            value = f"{scheme} {MASK}" if rest else MASK
        masked[name.lower()] = value
    return masked


def masked_fields(value: Any) -> Any:
    """A decoded JSON body with its secret fields masked, however deep; each remembered."""
    if isinstance(value, dict):
        masked = {}
        for key, inner in value.items():
            if isinstance(key, str) and key.lower() in SECRET_FIELDS and inner is not None:
                remember(inner)
                masked[key] = MASK
            else:
                masked[key] = masked_fields(inner)
        return masked
    if isinstance(value, list):
        return [masked_fields(inner) for inner in value]
    return value


def known() -> frozenset[str]:
    return frozenset(_known)


def redact(text: str, values: Iterable[str] | None = None) -> str:
    """`text` with every secret (the remembered ones, or `values`) replaced by ***, as
    written, JSON-escaped or HTML-escaped."""
    return _replace(text, _forms(_known if values is None else values))


def _replace(text: str, forms: list[str]) -> str:
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    return text


def _forms(values: Iterable[str]) -> list[str]:
    forms = set()
    for value in values:
        if len(value) >= MIN_LENGTH:
            forms |= {value, json.dumps(value)[1:-1], html.escape(value)}
    return sorted(forms, key=len, reverse=True)  # a longer secret before one inside it


@contextmanager
def collected(prefix: str = "runeframe-masks-") -> Iterator[Path]:
    """A file for a run's kernels to write secrets to (what they learn, named by
    RUNEFRAME_MASKS in their environment; a shared token), its owner's alone, removed
    when the block ends."""
    handle, name = tempfile.mkstemp(prefix=prefix)  # mode 0600
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def read(path: Path) -> set[str]:
    """The values kernels wrote to `path`."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    return {json.loads(line) for line in lines if line.strip()}


def redact_notebook(text: str, values: Iterable[str]) -> str:
    """A notebook (its JSON) with secrets masked wherever it holds them but in its cells'
    source: code is what a person wrote, and *** in it would not run; a secret written
    there is in the repository already."""
    forms = _forms(values)
    if not forms or not any(form in text for form in forms):
        return text
    notebook = json.loads(text)
    cells = notebook.pop("cells", [])
    masked = json.loads(_replace(json.dumps(notebook), forms))
    masked["cells"] = []
    for cell in cells:
        source = cell.pop("source", "")
        masked["cells"].append({**json.loads(_replace(json.dumps(cell), forms)), "source": source})
    return json.dumps(masked, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def redact_folder(folder: Path, values: Iterable[str]) -> list[Path]:
    """Rewrite every file under `folder` that holds a secret, with the secret masked (a
    notebook's sources kept); the files rewritten."""
    forms = _forms(values)
    if not forms:
        return []
    changed = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        redact_one = redact_notebook if path.suffix == ".ipynb" else _replace
        masked = redact_one(text, forms)
        if masked != text:
            path.write_bytes(masked.encode("utf-8", "surrogateescape"))
            changed.append(path)
    return changed
