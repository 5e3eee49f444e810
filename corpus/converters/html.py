"""HTML article pages: trafilatura extracts the main text and the metadata (title, date, author, url)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CODES
from . import MIN_CHARS, ConvertOptions, Reject
from .text import article_record

__all__ = ["convert", "convert_html"]


def convert_html(html: str | bytes, source: str, url: str | None = None, min_chars: int = MIN_CHARS) -> dict[str, Any] | Reject:
    """One record from one HTML page, or a Reject saying why there is none: extraction failed, or
    the main text is shorter than `min_chars` (a navigation or index page, not an article)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False, as_dict=False)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return Reject(source, "E053", CODES["E053"].format(source=source, cause=f"HTML extraction failed: {exc}"))
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        return Reject(source, "E051", CODES["E051"].format(source=source))
    if len(text.strip()) < min_chars:
        shown = " ".join(text.split())[:60]
        return Reject(source, "E051", CODES["E051"].format(source=source) + f": its main text is {len(text.strip())} characters "
                      f"({shown!r}), fewer than --min-chars {min_chars}")
    meta = {
        "title": getattr(doc, "title", None) or None,
        "date": getattr(doc, "date", None) or None,
        "author": getattr(doc, "author", None) or None,
        "url": url or getattr(doc, "url", None) or None,
    }
    language = getattr(doc, "language", None)
    if language:
        meta["language"] = language
    return article_record(text, source=source, id_parts=(meta["url"],) if meta["url"] else (source,), **meta)


def convert(path: Path, source: str, options: ConvertOptions) -> Iterator[dict[str, Any] | Reject]:
    yield convert_html(path.read_bytes(), source, min_chars=options.min_chars)
