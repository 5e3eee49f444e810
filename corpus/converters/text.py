"""Plain-text articles: one article per `.txt` file, kept exactly as written.

A dateline is recognised and copied to `meta.dateline` (it stays in the text): a first line that is
only a place in capitals ("ANKARA"), or a lead such as "WASHINGTON (AP) —" or
"LONDON, March 3 (Reuters) -".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CODES
from ..record import new_record, stable_id
from . import ConvertOptions, Reject

__all__ = ["convert", "find_dateline", "article_record"]

# A place in capitals, optionally followed by a region in any case: "ANKARA", "GAZA CITY, Gaza Strip".
_PLACE = r"[A-Z][A-Z'’.\-]*(?:[ ][A-Z][A-Z'’.\-]*){0,3}(?:,[ ][A-Z][A-Za-z.]*(?:[ ][A-Z][A-Za-z.]*){0,2})?"
_LINE_DATELINE = re.compile(rf"^\s*({_PLACE})\s*$")
_LEAD_DATELINE = re.compile(
    rf"^\s*({_PLACE})"
    r"(?:,[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2})?"  # ", March 3"
    r"[ ]?(?:\((?:[A-Z][A-Za-z]*(?:[ /][A-Z][A-Za-z]*){0,2})\))?"  # "(AP)", "(Reuters)"
    r"[ ]?[—–-]{1,2}[ ]"
)


# Capitals before a dash that are not places: agency slugs ("FILE - In this photo", "EDITOR'S NOTE -")
# and one-letter words ("I — like many — ...").
_NOT_PLACES = frozenset({"FILE", "UPDATE", "EDITOR'S", "EDITOR’S", "BREAKING", "CORRECTION", "CORRECTED",
                         "EXCLUSIVE", "ANALYSIS", "OPINION", "WATCH", "VIDEO", "PHOTOS", "LIVE", "REFILE"})


def _place(candidate: str) -> str | None:
    place = candidate.strip()
    first_word = place.split(" ", 1)[0].rstrip(",")
    if sum(c.isalpha() for c in place) < 2 or first_word in _NOT_PLACES:
        return None
    return place


def find_dateline(text: str) -> str | None:
    """The dateline of an article, or None when its opening is not one."""
    first = text.lstrip().split("\n", 1)[0]
    m = _LINE_DATELINE.match(first)
    if m and len(m.group(1)) <= 40:
        return _place(m.group(1))
    m = _LEAD_DATELINE.match(first)
    if m:
        return _place(m.group(1))
    return None


def article_record(text: str, *, source: str, id_parts: tuple[str, ...] | None = None, **meta: Any) -> dict[str, Any] | Reject:
    """A record for one article's text, or a Reject when there is no text."""
    if not text.strip():
        return Reject(source, "E051", CODES["E051"].format(source=source))
    rid = stable_id(*(id_parts or (source,)), text)
    meta.setdefault("dateline", find_dateline(text))
    return new_record(text, source=source, id=rid, **meta)


def convert(path: Path, source: str, options: ConvertOptions) -> Iterator[dict[str, Any] | Reject]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Reject(source, "E050", CODES["E050"].format(source=source, cause=exc))
        return
    yield article_record(text, source=source)
