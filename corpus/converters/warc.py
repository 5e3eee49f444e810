"""WARC and WARC.gz archives: every HTML response record goes through the HTML converter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CODES
from . import ConvertOptions, Reject
from .html import convert_html

__all__ = ["convert"]


def convert(path: Path, source: str, options: ConvertOptions) -> Iterator[dict[str, Any] | Reject]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as fh:
        try:
            for n, rec in enumerate(ArchiveIterator(fh)):
                if rec.rec_type != "response":
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                where = f"{source}#{n}"
                ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
                if "html" not in ctype.lower():
                    yield Reject(where, "E052", CODES["E052"].format(source=where, suffix=ctype or "no content type", known="text/html responses"))
                    continue
                yield convert_html(rec.content_stream().read(), where, url=url)
        except ArchiveLoadFailed as exc:
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"not a WARC archive: {exc}"))
