"""Streaming JSONL: paired `read_jsonl` / `write_jsonl`, plain or gzip, `-` for stdin/stdout.

Reading is lazy (one line at a time, constant memory). Line numbers count every physical line,
blank ones included, so `file:line` in an error message is where an editor puts the cursor.
Writing is atomic: records go to a temporary file beside the target, renamed over it only when the
last record is written, so a crash never leaves half a file behind.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gzip
import io
import json
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from .errors import CODES, CorpusError, InvalidLineError

__all__ = [
    "Line",
    "iter_lines",
    "read_jsonl",
    "write_jsonl",
    "atomic_open",
    "dumps",
    "loads",
    "open_text",
    "WRITE_ERRNOS",
]

PathLike = str | os.PathLike[str]


def dumps(record: Any) -> str:
    """One compact JSON line, non-ASCII kept as written (as Prodigy writes it)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (a record cannot carry NaN or Infinity, and none could be written back)")


# Python's json reads NaN and Infinity, which no JSON tool (and not our writer) accepts: refused here,
# so such a line is an E001 where it is read, not an error when the record is written much later.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def loads(text: str) -> Any:
    """Parse one JSON document as strictly as `iter_lines` parses a line: NaN and Infinity are
    refused (ValueError), like any other invalid JSON."""
    return _DECODER.decode(text)


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


@contextlib.contextmanager
def _open_bytes(path: PathLike) -> Iterator[IO[bytes]]:
    if str(path) == "-":
        yield sys.stdin.buffer
    elif str(path).endswith(".gz"):
        with gzip.open(path, "rb") as gz:
            yield cast(IO[bytes], gz)
    else:
        with open(path, "rb") as fh:
            yield fh


def iter_lines(path: PathLike, *, skip_invalid: bool = False, errors: list[InvalidLineError] | None = None) -> Iterator[Line]:
    """Yield every record of a JSONL file with its line number; blank lines are skipped.

    A line that is not UTF-8 (E050) or not a JSON object (E001, E002; also a line nested too deeply
    to read, or holding NaN or Infinity, which are not JSON) raises `InvalidLineError`
    (file, line, cause chained), unless the caller asks to `skip_invalid`; then the error is
    appended to `errors` so it is counted, and the lines after it are still read. Lines end at LF
    or CRLF; a BOM at the start is dropped.
    """
    name = _name(path)
    with _open_bytes(path) as fh:
        # bytes are decoded line by line, so a bad byte costs its own line, not the rest of the file
        for lineno, data in enumerate(fh, start=1):
            if lineno == 1 and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
            cause: Exception | None = None
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                cause = exc
                bad = f"byte 0x{data[exc.start]:02x} at byte {exc.start} of the line"
                err = InvalidLineError("E050", CODES["E050"].format(source=f"line {lineno}", cause=bad), path=name, lineno=lineno, line=data.decode("utf-8", "replace"))
            else:
                line = raw.strip()
                if not line:
                    continue
                try:
                    record = _DECODER.decode(line)
                except json.JSONDecodeError as exc:
                    cause = exc
                    err = InvalidLineError("E001", CODES["E001"].format(line=lineno, cause=exc.msg), path=name, lineno=lineno, line=raw)
                except ValueError as exc:  # NaN, Infinity
                    cause = exc
                    err = InvalidLineError("E001", CODES["E001"].format(line=lineno, cause=exc), path=name, lineno=lineno, line=raw)
                except RecursionError as exc:  # `[[[[...` thousands deep: this line is bad, not the run
                    cause = exc
                    why = "it is nested too deeply to read (arrays or objects inside each other past Python's recursion limit)"
                    err = InvalidLineError("E001", CODES["E001"].format(line=lineno, cause=why), path=name, lineno=lineno, line=raw)
                else:
                    if isinstance(record, dict):
                        yield Line((name, lineno, record))
                        continue
                    err = InvalidLineError("E002", CODES["E002"].format(line=lineno, kind=type(record).__name__), path=name, lineno=lineno, line=raw)
            if not skip_invalid:
                raise err from cause
            if errors is not None:
                errors.append(err)


def read_jsonl(path: PathLike, *, skip_invalid: bool = False) -> Iterator[dict[str, Any]]:
    """Yield the records of a JSONL file (plain, `.gz` or `-`), lazily."""
    for line in iter_lines(path, skip_invalid=skip_invalid):
        yield line.record


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Errors that only a write can cause: a full disk, a file-size limit (`ulimit -f`), a quota, a
# read-only mount. Any other OSError raised while the caller writes may come from what it reads.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS})


def _cannot_write(target: Path, exc: OSError) -> CorpusError:
    return CorpusError("E091", CODES["E091"].format(path=target, cause=exc.strerror or exc))


@contextlib.contextmanager
def _stream(raw: IO[bytes], name: str, mode: str) -> Iterator[IO[Any]]:
    """The stream a caller writes to over the raw file: bytes or text, gzip-compressed for `.gz`."""
    if name.endswith(".gz"):
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            if "b" in mode:
                yield cast(IO[bytes], gz)
            else:
                with io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh:
                    yield fh
    elif "b" in mode:
        yield raw
    else:
        with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as fh:
            yield fh


def _special(target: Path) -> bool:
    """A target that is not a file to replace: a device (/dev/null), a FIFO, /dev/stdout. Renaming a
    temporary file over it would replace the device itself, so it is written in place."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        raise CorpusError("E091", CODES["E091"].format(path=target, cause="it is a folder; give a file name"))
    return not stat.S_ISREG(mode) or str(target.absolute()).startswith(("/dev/", "/proc/"))


@contextlib.contextmanager
def atomic_open(path: PathLike, mode: str = "w") -> Iterator[IO[Any]]:
    """Open `path` for writing through a temporary file that replaces it only on success.

    `-` writes to stdout, and so does a device or a FIFO (`/dev/null`), in place. A `.gz` target is
    gzip-compressed with a zero mtime, so the same records give the same bytes on every run. A
    failed write (no space, a size limit, a read-only folder, a folder named as the file) removes
    the temporary file and raises `CorpusError` E091 naming the target.
    """
    if str(path) == "-":
        yield sys.stdout if "b" not in mode else sys.stdout.buffer
        sys.stdout.flush()
        return
    target = Path(path)
    if _special(target):
        try:
            with open(target, "wb") as raw, _stream(raw, target.name, mode) as fh:
                yield fh
        except OSError as exc:
            raise _cannot_write(target, exc) from exc
        return
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 less the umask, as for any new file (mkstemp's 0o600 would hide the output from others);
        # a file that is replaced keeps its permissions.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    written = False
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(fd, stat.S_IMODE(os.stat(target).st_mode))
        with os.fdopen(fd, "wb") as raw, _stream(raw, target.name, mode) as fh:
            yield fh
        written = True
        _fsync(tmp)  # the bytes are on disk before the name points at them
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and (written or exc.errno in WRITE_ERRNOS):
            raise _cannot_write(target, exc) from exc
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
