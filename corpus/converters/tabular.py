"""JSON Lines, JSON arrays and CSV dumps of articles, with a field mapping or a named preset.

Presets name the common layouts: `news-please` (maintext, title, url, date_publish, authors),
`cc-news` (title, text, domain, date, url) and `wikinews` (url, date, title, text). Without a
preset or `--text-field`, the layout is recognised from the fields of each row.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CODES, InvalidLineError
from ..jsonl import iter_lines, loads
from . import ConvertOptions, Reject
from .text import article_record

__all__ = ["convert", "PRESETS"]

PRESETS: dict[str, dict[str, str]] = {
    "news-please": {"text": "maintext", "title": "title", "url": "url", "date": "date_publish", "author": "authors", "language": "language"},
    "cc-news": {"text": "text", "title": "title", "url": "url", "date": "date", "domain": "domain"},
    "wikinews": {"text": "text", "title": "title", "url": "url", "date": "date"},
}
_META_KEYS = ("title", "url", "date", "author", "language", "domain")


def _mapping(row: dict[str, Any], options: ConvertOptions) -> dict[str, str]:
    if options.preset:
        if options.preset not in PRESETS:
            raise ValueError(f"unknown preset {options.preset!r}; known presets: {', '.join(PRESETS)}")
        mapping = dict(PRESETS[options.preset])
    elif "maintext" in row:
        mapping = dict(PRESETS["news-please"])
    else:
        mapping = dict(PRESETS["cc-news"])
    mapping.update(options.fields)
    return mapping


def _value(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return str(value)


def _row_record(row: Any, source: str, where: str, options: ConvertOptions) -> dict[str, Any] | Reject:
    name = f"{source}:{where}"
    if not isinstance(row, dict):
        return Reject(name, "E053", CODES["E053"].format(source=name, cause=f"expected an object, got {type(row).__name__}"))
    try:
        mapping = _mapping(row, options)
    except ValueError as exc:
        return Reject(name, "E053", CODES["E053"].format(source=name, cause=exc))
    field = mapping["text"]
    text = row.get(field)
    if field not in row:
        cause = f"no text field {field!r} (fields: {', '.join(map(str, row))}); pass --text-field or --preset"
        return Reject(name, "E053", CODES["E053"].format(source=name, cause=cause), raw=row)
    if text is None:
        return Reject(name, "E051", CODES["E051"].format(source=name), raw=row)
    if not isinstance(text, str):
        cause = f"text field {field!r} holds {type(text).__name__}, not a string"
        return Reject(name, "E053", CODES["E053"].format(source=name, cause=cause), raw=row)
    meta: dict[str, Any] = {k: _value(row.get(mapping[k])) for k in _META_KEYS if k in mapping}
    if not meta.get("language"):
        meta.pop("language", None)
    id_field = mapping.get("id")
    rid = _value(row.get(id_field)) if id_field else None
    parts = (rid,) if rid else ((meta["url"],) if meta.get("url") else (source, where))
    record = article_record(text, source=name, id_parts=parts, **meta)
    if isinstance(record, dict) and rid:
        record["meta"]["id"] = rid
    if isinstance(record, Reject):
        return Reject(record.source, record.code, record.reason, raw=row)
    return record


@contextlib.contextmanager
def _csv_field_limit(size: int) -> Iterator[None]:
    """Let a field be as long as the file: csv's default of 128 KiB rejects long articles."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, size))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _rows(path: Path, source: str) -> Iterator[tuple[str, Any] | Reject]:
    name = path.name.lower()
    if name.endswith(".csv"):
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            yield Reject(source, "E050", CODES["E050"].format(source=source, cause=exc))
            return
        reader = csv.DictReader(io.StringIO(raw, newline=""), strict=True)
        n, line = 0, 2  # the header is line 1
        try:
            with _csv_field_limit(len(raw)):
                for n, row in enumerate(reader, start=1):
                    yield f"row{n}", row
                    line = reader.line_num + 1
        except csv.Error as exc:  # a broken row ends the file: csv cannot tell where the next one starts
            where = f"{source}:row{n + 1}"
            yield Reject(where, "E053", CODES["E053"].format(source=where, cause=f"not valid CSV from line {line} on: {exc}"))
    elif name.endswith(".json"):
        try:
            data = loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"not a JSON document: {exc}"))
            return
        except RecursionError:
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause="not a JSON document we can read: nested too deeply"))
            return
        items = data if isinstance(data, list) else [data]
        for n, item in enumerate(items):
            yield f"item{n}", item
    else:
        errors: list[InvalidLineError] = []
        try:
            for parsed in iter_lines(str(path), skip_invalid=True, errors=errors):
                while errors:
                    yield _line_reject(source, errors.pop(0))
                yield f"line{parsed.lineno}", parsed.record
        except (OSError, EOFError) as exc:  # not gzip, or a gzip cut short
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"cannot read: {exc}"))
        for err in errors:
            yield _line_reject(source, err)


def _line_reject(source: str, err: InvalidLineError) -> Reject:
    return Reject(f"{source}:line{err.lineno}", err.code, err.message, raw=err.line.rstrip("\r\n"))


def convert(path: Path, source: str, options: ConvertOptions) -> Iterator[dict[str, Any] | Reject]:
    for item in _rows(path, source):
        if isinstance(item, Reject):
            yield item
        else:
            where, row = item
            try:
                yield _row_record(row, source, where, options)
            except (ValueError, RecursionError) as exc:  # one row that cannot become a record costs that row only
                name = f"{source}:{where}"
                yield Reject(name, "E053", CODES["E053"].format(source=name, cause=f"{type(exc).__name__}: {exc}"))
