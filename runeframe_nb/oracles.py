"""Oracles from the contract: properties every operation must hold, whatever the example.

A check by example asks one question of one reply; an oracle states what must hold of
every reply of a kind, so a notebook applies it to each resource it touches:

- `changed`: what was written is read back equal (by id, in a list, through GraphQL);
- `filter_faults`: a list filter is sound (every item returned matches) and complete
  (every matching item the notebook made is returned);
- `page_faults`: pages of any list add up (counts, page arithmetic, no item twice);
- `rate_limit_faults`, `location_faults`, `json_faults`: header arithmetic;
- `bounds`: the values at and one past each bound the OpenAPI document states, each with
  whether the service must accept it.

Each returns the faults it found (empty: the property holds), so a notebook checks
`not faults` and shows them as the detail, and a unit test hands it a wrong answer.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

Item = Mapping[str, Any]


def _same(sent: Any, got: Any) -> bool:
    """Equal as the contract means it: numbers by value (the decimal string "12.50" a
    client sends is the number 12.5 a service answers), the rest exactly."""
    if isinstance(sent, bool) or isinstance(got, bool):
        return type(sent) is type(got) and sent == got
    numeric = (int, float, str)
    if isinstance(sent, numeric) and isinstance(got, (int, float)) and not isinstance(got, bool):
        try:
            return Decimal(str(sent)) == Decimal(str(got))
        except InvalidOperation:
            return False
    return bool(sent == got)


def changed(sent: Item, got: Item | None, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """The fields of `sent` that `got` reads back differently, as {field: (sent, got)};
    nested objects by their dotted path. A missing reply differs in every field."""
    found: dict[str, tuple[Any, Any]] = {}
    for key, value in sent.items():
        read = None if got is None else got.get(key, _MISSING)
        if isinstance(value, Mapping) and isinstance(read, Mapping):
            found.update(changed(value, read, f"{prefix}{key}."))
        elif read is _MISSING or not _same(value, read):
            found[f"{prefix}{key}"] = (value, None if read is _MISSING else read)
    return found


_MISSING = object()


def filter_faults(
    returned: Iterable[Item],
    made: Iterable[Item],
    matches: Callable[[Item], bool],
    key: str = "id",
) -> list[str]:
    """What breaks a filter's promise: items returned that do not match (unsound), and
    items made that match but were not returned (incomplete)."""
    returned = list(returned)
    seen = {item[key] for item in returned}
    faults = [f"returned but does not match: {item[key]}" for item in returned if not matches(item)]
    faults += [
        f"matches but not returned: {item[key]}"
        for item in made
        if matches(item) and item[key] not in seen
    ]
    return faults


def page_faults(
    pages: list[Mapping[str, Any]], per_page: int, made: Iterable[str] = (), key: str = "id"
) -> list[str]:
    """What breaks pagination over a walk of `pages` (first to last, in order): counts that
    disagree, a page of the wrong size, an item twice or never, links that do not chain.
    `made`: ids that must all be in the walk (the walk's filter selects them)."""
    if not pages:
        return ["no page"]
    faults: list[str] = []
    meta = [p.get("meta", {}).get("pagination", {}) for p in pages]
    total = meta[0].get("total_items")
    if not isinstance(total, int) or total < 0:
        return [f"total_items is {total!r}"]
    expected_pages = max(1, math.ceil(total / per_page))
    if len(pages) != expected_pages:
        faults.append(f"{len(pages)} pages walked for {total} items at {per_page} a page")
    for n, (page, m) in enumerate(zip(pages, meta, strict=True), start=1):
        if m.get("total_items") != total:
            faults.append(f"page {n} says {m.get('total_items')} items, page 1 {total}")
        if m.get("total_pages") != expected_pages:
            faults.append(f"page {n} says {m.get('total_pages')} pages, not {expected_pages}")
        if m.get("current_page") != n:
            faults.append(f"page {n} says it is page {m.get('current_page')}")
        if m.get("per_page") != per_page:
            faults.append(f"page {n} says {m.get('per_page')} a page, not {per_page}")
        size = min(per_page, max(0, total - (n - 1) * per_page))
        if len(page.get("data", [])) != size:
            faults.append(f"page {n} holds {len(page.get('data', []))} items, not {size}")
    ids = [item[key] for page in pages for item in page.get("data", [])]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        faults.append(f"listed twice: {', '.join(map(str, twice[:3]))}")
    if len(set(ids)) != total:
        faults.append(f"{len(set(ids))} distinct items walked, total_items says {total}")
    missing = sorted(set(made) - set(ids))
    if missing:
        faults.append(f"never listed: {', '.join(missing[:3])}")
    links = [p.get("links", {}) for p in pages]
    for n, (a, b) in enumerate(itertools.pairwise(links), start=1):
        if a.get("next") != b.get("self") or b.get("prev") != a.get("self"):
            faults.append(f"links of pages {n} and {n + 1} do not chain")
    if links[-1].get("next") is not None:
        faults.append("the last page links to a next one")
    return faults


def _integer(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name, "")
    return int(value) if value.isdigit() else None


def rate_limit_faults(replies: Iterable[Any], window: float) -> list[str]:
    """What breaks the rate-limit headers over consecutive replies to one identity: every
    answer states a constant limit, the remaining budget (down by one a request, unless
    a new window began) and the seconds until the window resets (1 to `window`); a 429
    has no budget left and a Retry-After of 1 to `window` seconds."""
    faults: list[str] = []
    limit = before = resets = None
    for n, reply in enumerate(replies, start=1):
        headers = reply.headers
        said = _integer(headers, "x-ratelimit-limit")
        left = _integer(headers, "x-ratelimit-remaining")
        reset = _integer(headers, "x-ratelimit-reset")
        if said is None or left is None or reset is None:
            faults.append(f"reply {n}: X-RateLimit-Limit, -Remaining, -Reset not all integers")
            continue
        if limit is not None and said != limit:
            faults.append(f"reply {n}: the limit changed from {limit} to {said}")
        if not 0 <= left <= said:
            faults.append(f"reply {n}: {left} remaining of a limit of {said}")
        if not 1 <= reset <= window:
            faults.append(f"reply {n}: resets in {reset} s, outside 1..{window:g}")
        new_window = resets is not None and reset > resets
        served = reply.status_code != 429
        if before is not None and served and not new_window and left != before - 1:
            faults.append(f"reply {n}: remaining went from {before} to {left}, not down by one")
        if not served:
            retry = _integer(headers, "retry-after")
            if left != 0:
                faults.append(f"reply {n}: refused with {left} remaining")
            if retry is None or not 1 <= retry <= window:
                faults.append(f"reply {n}: Retry-After {headers.get('retry-after')!r}")
        limit, before, resets = said, left, reset
    return faults


def location_faults(reply: Any, template: str) -> list[str]:
    """A 201 names what it made: Location is `template` with the new item's id."""
    if reply.status_code != 201:
        return [f"status {reply.status_code}, not 201"]
    made = reply.json().get("id")
    where = reply.headers.get("location")
    expected = template.format(id=made)
    return [] if where == expected else [f"Location {where!r}, not {expected!r}"]


def json_faults(replies: Iterable[Any]) -> list[str]:
    """Every answer with a body says it is JSON, and is."""
    faults = []
    for reply in replies:
        if reply.status_code == 204 or not reply.content:
            continue
        kind = reply.headers.get("content-type", "")
        if not kind.startswith("application/json"):
            faults.append(f"{reply.request.method} {reply.request.url.path}: {kind or 'no type'}")
            continue
        try:
            reply.json()
        except ValueError:
            faults.append(f"{reply.request.method} {reply.request.url.path}: not JSON")
    return faults


@dataclass(frozen=True)
class Probe:
    """A value for one field of a request body, and whether the service must take it."""

    field: str
    value: Any
    accepted: bool
    why: str

    def __str__(self) -> str:
        verb = "accepted" if self.accepted else "refused"
        return f"{self.field} = {_short(self.value)} ({self.why}) is {verb}"

    def applied(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of `body` with this probe's value in its field (a dotted path reaches
        into nested objects, made where the body has none)."""
        head, _, rest = self.field.partition(".")
        if not rest:
            return {**body, head: self.value}
        inner = body.get(head)
        nested = Probe(rest, self.value, self.accepted, self.why)
        return {**body, head: nested.applied(inner if isinstance(inner, Mapping) else {})}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 24 else f"{type(value).__name__} of length {len(value)}"


def schema_of(document: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A component schema of an OpenAPI document by name."""
    found: Mapping[str, Any] = document["components"]["schemas"][name]
    return found


def _branches(field: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The non-null branches of a field's schema (anyOf or the schema itself)."""
    return [b for b in field.get("anyOf", [field]) if b.get("type") != "null"]


def bounds(
    schema: Mapping[str, Any],
    *,
    step: float = 1,
    document: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> list[Probe]:
    """For each field with bounds: its bounds, one past each, and for numbers zero and a
    negative, each with whether the schema lets it through. `step`: how far "one past"
    is for numbers that are not integers (the schema's multipleOf, else 1). A field the
    schema leaves unbounded (a string with no maxLength and no pattern, a number with no
    maximum) is a Probe of its own that can never be accepted: the finding. Nested
    objects are probed field by field (`profile.bio`), their `$ref`s read in `document`."""
    probes: list[Probe] = []
    for name, field in schema.get("properties", {}).items():
        for branch in _branches(field)[:1]:
            if "$ref" in branch and document is not None:
                branch = schema_of(document, branch["$ref"].rpartition("/")[2])
            kind, path = branch.get("type"), f"{prefix}{name}"
            if kind == "string" and "enum" not in branch and "const" not in branch:
                probes += _string_probes(path, branch)
            elif kind in ("integer", "number"):
                probes += _number_probes(path, branch, 1 if kind == "integer" else step)
            elif "properties" in branch:
                probes += bounds(branch, step=step, document=document, prefix=f"{path}.")
    return probes


def _string_probes(name: str, field: Mapping[str, Any]) -> list[Probe]:
    longest = field.get("maxLength")
    if "pattern" in field:
        return []  # a pattern is its own bound
    if longest is None:
        return [Probe(name, None, False, "no maxLength: unbounded")]
    if "format" in field:
        return []  # an email or a URL of any length is not simply a string of it
    shortest = field.get("minLength", 0)
    probes = [
        Probe(name, "ä" * longest, True, "at maxLength"),
        Probe(name, "ä" * (longest + 1), False, "one past maxLength"),
    ]
    if shortest > 0:
        probes.append(Probe(name, "ä" * (shortest - 1), False, "one short of minLength"))
    return probes


def _number_probes(name: str, field: Mapping[str, Any], step: float) -> list[Probe]:
    step = field.get("multipleOf", step)
    low, high = field.get("minimum"), field.get("maximum")
    low_open, high_open = field.get("exclusiveMinimum"), field.get("exclusiveMaximum")
    if high is None and high_open is None:
        return [Probe(name, None, False, "no maximum: unbounded")]

    def allowed(x: float) -> bool:
        return (
            (low is None or x >= low)
            and (low_open is None or x > low_open)
            and (high is None or x <= high)
            and (high_open is None or x < high_open)
        )

    candidates: list[tuple[float, str]] = [(0, "zero"), (-step, "negative")]
    if low is not None:
        candidates += [(low, "minimum"), (low - step, "one below minimum")]
    if low_open is not None:
        candidates += [(low_open + step, "just above the exclusive minimum")]
    if high is not None:
        candidates += [(high, "maximum"), (high + step, "one past maximum")]
    if high_open is not None:
        candidates += [(high_open - step, "just below the exclusive maximum")]
    seen: set[float] = set()
    probes = []
    for value, why in candidates:
        value = int(value) if float(value).is_integer() else round(value, 10)
        if value not in seen:
            seen.add(value)
            probes.append(Probe(name, value, allowed(value), why))
    return probes
