"""Streaming JSONL: paired `read_jsonl` / `write_jsonl`, plain or gzip, `-` for stdin/stdout.

Reading is lazy (one line at a time, constant memory). Line numbers count every physical line,
blank ones included, so `file:line` in an error message is where an editor puts the cursor.
Writing is atomic: records go to a temporary file beside the target, renamed over it only when the
last record is written, so a crash never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import CODES, InvalidLineError

__all__ = [
    "Line",
    "iter_lines",
    "read_jsonl",
    "write_jsonl",
    "atomic_open",
    "dumps",
    "open_text",
]

PathLike = str | os.PathLike[str]


def dumps(record: Any) -> str:
    """One compact JSON line, non-ASCII kept as written (as Prodigy writes it)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _name(path: PathLike) -> str:
    return "<stdin>" if str(path) == "-" else str(path)


@contextlib.contextmanager
def open_text(path: PathLike) -> Iterator[IO[str]]:
    """Open a text file for reading: `-` is stdin, `.gz` is decompressed, a BOM is dropped.

    Newlines are kept as they are except that CRLF and CR end a line, as in any text file.
    """
    if str(path) == "-":
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig")
        try:
            yield stream
        finally:
            stream.detach()
        return
    if str(path).endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
            yield fh
    else:
        with open(path, encoding="utf-8-sig") as fh:
            yield fh


class Line(tuple[str, int, dict[str, Any]]):
    """A parsed JSONL line: (path, 1-based line number, record)."""

    __slots__ = ()

    @property
    def path(self) -> str:
        return self[0]

    @property
    def lineno(self) -> int:
        return self[1]

    @property
    def record(self) -> dict[str, Any]:
        return self[2]


def iter_lines(path: PathLike, *, skip_invalid: bool = False, errors: list[InvalidLineError] | None = None) -> Iterator[Line]:
    """Yield every record of a JSONL file with its line number; blank lines are skipped.

    A line that is not a JSON object raises `InvalidLineError` (file, line, cause chained), unless
    the caller asks to `skip_invalid`; then the error is appended to `errors` so it is counted.
    """
    name = _name(path)
    try:
        with open_text(path) as fh:
            for lineno, raw in enumerate(fh, start=1):
                line = raw.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    err = InvalidLineError("E001", CODES["E001"].format(line=lineno, cause=exc.msg), path=name, lineno=lineno, line=raw)
                    if not skip_invalid:
                        raise err from exc
                    if errors is not None:
                        errors.append(err)
                    continue
                if not isinstance(record, dict):
                    err = InvalidLineError("E002", CODES["E002"].format(line=lineno, kind=type(record).__name__), path=name, lineno=lineno, line=raw)
                    if not skip_invalid:
                        raise err
                    if errors is not None:
                        errors.append(err)
                    continue
                yield Line((name, lineno, record))
    except UnicodeDecodeError as exc:
        raise InvalidLineError("E050", CODES["E050"].format(source=name, cause=exc), path=name, lineno=0, line="") from exc


def read_jsonl(path: PathLike, *, skip_invalid: bool = False) -> Iterator[dict[str, Any]]:
    """Yield the records of a JSONL file (plain, `.gz` or `-`), lazily."""
    for line in iter_lines(path, skip_invalid=skip_invalid):
        yield line.record


@contextlib.contextmanager
def atomic_open(path: PathLike, mode: str = "w") -> Iterator[IO[Any]]:
    """Open `path` for writing through a temporary file that replaces it only on success.

    `-` writes to stdout. A `.gz` target is gzip-compressed with a zero mtime, so the same records
    give the same bytes on every run.
    """
    if str(path) == "-":
        yield sys.stdout if "b" not in mode else sys.stdout.buffer
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            if target.name.endswith(".gz"):
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                    if "b" in mode:
                        yield gz
                    else:
                        with io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh:
                            yield fh
            elif "b" in mode:
                yield raw
            else:
                with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as fh:
                    yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_jsonl(path: PathLike, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSONL, atomically; return how many were written."""
    count = 0
    with atomic_open(path) as fh:
        for record in records:
            fh.write(dumps(record))
            fh.write("\n")
            count += 1
    return count
