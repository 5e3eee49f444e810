"""WARC and WARC.gz archives: every HTML response record goes through the HTML converter.

Other responses (not HTML, not a 2xx status, cut short) are rejected with the reason; request,
metadata and warcinfo records are not articles and are passed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CODES
from . import ConvertOptions, Reject
from .html import convert_html

__all__ = ["convert"]


def _records(fh: Any, source: str) -> Iterator[tuple[int, Any] | Reject]:
    """The archive's records, numbered; a record that cannot be read ends the archive with a Reject
    naming where it was cut, the records before it kept."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(fh)
    n = 0
    while True:
        try:
            rec = next(records)
        except StopIteration:
            return
        except ArchiveLoadFailed as exc:
            if n == 0:
                yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"not a WARC archive: {exc}"))
            else:
                where = f"{source}#{n}"
                yield Reject(where, "E053", CODES["E053"].format(source=where, cause=f"record {n} cannot be read ({exc}); the {n} records before it are kept"))
            return
        except (AttributeError, ValueError, EOFError, OSError) as exc:  # warcio on a header cut short
            where = f"{source}#{n}"
            cause = f"the archive is cut or damaged in the header of record {n} ({type(exc).__name__}: {exc}); the {n} records before it are kept"
            yield Reject(where, "E053", CODES["E053"].format(source=where, cause=cause))
            return
        yield n, rec
        n += 1


def convert(path: Path, source: str, options: ConvertOptions) -> Iterator[dict[str, Any] | Reject]:
    with open(path, "rb") as fh:
        for item in _records(fh, source):
            if isinstance(item, Reject):
                yield item
                continue
            n, rec = item
            if rec.rec_type != "response":
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{n}"
            ctype = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
            if "html" not in ctype.lower():
                yield Reject(where, "E052", CODES["E052"].format(source=where, suffix=ctype or "no content type", known="text/html responses"))
                continue
            status = rec.http_headers.get_statuscode() if rec.http_headers else ""
            if not str(status).startswith("2"):  # an error page or a redirect is not the article
                yield Reject(where, "E053", CODES["E053"].format(source=where, cause=f"HTTP status {status or 'missing'} for {url}"))
                continue
            body = rec.content_stream().read()
            if getattr(rec.raw_stream, "limit", 0) > 0:  # fewer bytes than Content-Length: the archive is cut short
                yield Reject(where, "E053", CODES["E053"].format(source=where, cause=f"record for {url} is truncated"))
                continue
            yield convert_html(body, where, url=url, min_chars=options.min_chars)
