"""Converters: raw articles in, records out. One module per input format.

Every converter yields either a record or a `Reject` (source, code, reason); nothing is dropped
silently. `convert_paths` walks files and directories and dispatches on the file extension; a path
it passes over (a hidden file, a FIFO, a folder it cannot read) and a second copy of an article
(the same `meta.id`) are rejects too.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CODES

__all__ = ["Reject", "ConvertOptions", "convert_paths", "FORMATS", "source_name"]


@dataclass(frozen=True)
class Reject:
    """An input that could not become a record, with a stable code and the reason."""

    source: str
    code: str
    reason: str
    raw: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "code": self.code, "reason": self.reason}
        if self.raw is not None:
            out["raw"] = self.raw
        return out


MIN_CHARS = 200
"""The least main text an HTML page must give to be an article: a navigation-only page ("Home News")
or a cookie wall extracts to a few words, a news story to several hundred characters."""


@dataclass(frozen=True)
class ConvertOptions:
    """How tabular inputs map to record fields (`--text-field`, ...), or a named preset; and how much
    main text an HTML page (also one in a WARC) must have to be an article (`--min-chars`)."""

    preset: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    min_chars: int = MIN_CHARS


Converter = Callable[[Path, str, ConvertOptions], Iterator[dict[str, Any] | Reject]]


# suffix -> the module that converts it; modules are imported when first used (trafilatura, warcio).
_MODULES: dict[str, str] = {
    ".txt": "text",
    ".jsonl": "tabular",
    ".jsonl.gz": "tabular",
    ".json": "tabular",
    ".csv": "tabular",
    ".html": "html",
    ".htm": "html",
    ".warc": "warc",
    ".warc.gz": "warc",
}
FORMATS = tuple(_MODULES)


def _formats() -> dict[str, Converter]:
    import importlib

    return {suffix: importlib.import_module(f"{__name__}.{module}").convert for suffix, module in _MODULES.items()}


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for fmt in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(fmt):
            return fmt
    return path.suffix.lower()


def source_name(path: Path, root: Path) -> str:
    """The `meta.source` of a file: its path relative to the parent of the input it was found under,
    in POSIX form, so the same tree gives the same sources (and ids) on every machine."""
    base = root.parent if root.is_dir() else path.parent
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.name


def _not_a_file(path: Path) -> str | None:
    """Why a path that exists is not read as a file (a FIFO would block the run), or None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # a broken link or a vanished file: reading it reports why
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def _walk(root: Path) -> list[tuple[Path, str | None]]:
    """Every path under a folder, sorted: (path, None) for a file to read, (path, why) for one
    passed over. Hidden files and folders (.git, .DS_Store) are not articles and are not entered;
    a folder that cannot be listed and a link to a folder (not followed) are named too."""
    found: list[tuple[Path, str | None]] = []

    def unreadable(err: OSError) -> None:
        found.append((Path(err.filename), f"cannot read this folder: {err.strerror or err}"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        here = Path(folder)
        for name in list(dirs):
            path = here / name
            if name.startswith("."):
                found.append((path, "a hidden folder, not articles"))
                dirs.remove(name)
            elif path.is_symlink():  # os.walk does not enter it: a link may loop back up the tree
                found.append((path, "a link to a folder, which is not followed"))
        for name in files:
            path = here / name
            found.append((path, "a hidden file, not an article" if name.startswith(".") else _not_a_file(path)))
    return sorted(found)


def _ours(path: Path, skip: set[Path]) -> bool:
    """The output of this very run (or its temporary file while it is written) inside an input folder."""
    if path.resolve() in skip:
        return True
    m = re.fullmatch(r"\.(.+)\.[0-9a-f]{12}\.tmp", path.name)  # jsonl.atomic_open's temporary name
    return m is not None and (path.parent / m.group(1)).resolve() in skip


def convert_paths(
    inputs: Iterable[str | Path], options: ConvertOptions | None = None, *, exclude: Iterable[str | Path] = ()
) -> Iterator[dict[str, Any] | Reject]:
    """Convert files and directories (recursively, in sorted order) into records and rejects.

    `exclude` names files that a folder walk passes over, such as the output of this very run when
    it is written inside an input folder. An article whose `meta.id` was already given (the same
    row twice in a CSV) is rejected as a duplicate (E093), the first copy kept.
    """
    opts = options or ConvertOptions()
    formats = _formats()
    skip = {Path(p).resolve() for p in exclude if str(p) != "-"}
    first: dict[str, str] = {}  # meta.id -> the source that gave it
    for item in inputs:
        root = Path(item)
        entries = _walk(root) if root.is_dir() else [(root, _not_a_file(root))]
        for path, passed_over in entries:
            if skip and path != root and _ours(path, skip):  # a file named on its own is always read
                continue
            source = source_name(path, root)
            if passed_over:
                yield Reject(source, "E094", CODES["E094"].format(source=source, cause=passed_over))
                continue
            for out in _convert_one(path, source, formats, opts):
                if isinstance(out, dict):
                    rid, where = out["meta"]["id"], out["meta"]["source"]
                    if rid in first:
                        out = Reject(where, "E093", CODES["E093"].format(source=where, first=first[rid], id=rid), raw=out)
                    else:
                        first[rid] = where
                yield out


def _convert_one(path: Path, source: str, formats: dict[str, Converter], opts: ConvertOptions) -> Iterator[dict[str, Any] | Reject]:
    if not path.exists():
        yield Reject(source, "E053", CODES["E053"].format(source=source, cause="no such file or directory"))
        return
    suffix = _suffix(path)
    converter = formats.get(suffix)
    if converter is None:
        known = ", ".join(FORMATS)
        yield Reject(source, "E052", CODES["E052"].format(source=source, suffix=suffix or path.name, known=known))
        return
    count = 0
    try:
        for out in converter(path, source, opts):
            yield out
            count += 1
    except OSError as exc:  # unreadable (permissions, a broken gzip stream): this input fails, not the run
        yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"cannot read: {exc}"))
    except (ValueError, LookupError, AttributeError, RecursionError) as exc:
        # a reader broken by what it read: what came before is kept, the rest of this file is
        # rejected with the cause, and the next file is read
        rest = "this file" if count == 0 else f"the rest of this file after its first {count} items"
        yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"cannot read {rest}: {type(exc).__name__}: {exc}"))
