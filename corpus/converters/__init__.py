"""Converters: raw articles in, records out. One module per input format.

Every converter yields either a record or a `Reject` (source, code, reason); nothing is dropped
silently. `convert_paths` walks files and directories and dispatches on the file extension.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ConvertOptions:
    """How tabular inputs map to record fields (`--text-field`, ...), or a named preset."""

    preset: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


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


def _walk(inputs: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    for item in inputs:
        root = Path(item)
        if root.is_dir():
            # hidden files and everything under a hidden folder (.git, .cache) are not articles;
            # a broken link is kept so that it is reported
            found = (p for p in root.rglob("*") if not any(part.startswith(".") for part in p.relative_to(root).parts))
            for path in sorted(p for p in found if p.is_file() or (p.is_symlink() and not p.exists())):
                yield path, root
        else:
            yield root, root


def convert_paths(
    inputs: Iterable[str | Path], options: ConvertOptions | None = None, *, exclude: Iterable[str | Path] = ()
) -> Iterator[dict[str, Any] | Reject]:
    """Convert files and directories (recursively, in sorted order) into records and rejects.

    `exclude` names files that a folder walk passes over, such as the output of this very run when
    it is written inside an input folder.
    """
    opts = options or ConvertOptions()
    formats = _formats()
    skip = {Path(p).resolve() for p in exclude if str(p) != "-"}
    for path, root in _walk(inputs):
        if skip and path != root and path.resolve() in skip:  # a file named on its own is always read
            continue
        source = source_name(path, root)
        if not path.exists():
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause="no such file or directory"))
            continue
        suffix = _suffix(path)
        converter = formats.get(suffix)
        if converter is None:
            known = ", ".join(FORMATS)
            yield Reject(source, "E052", CODES["E052"].format(source=source, suffix=suffix or path.name, known=known))
            continue
        try:
            yield from converter(path, source, opts)
        except OSError as exc:  # unreadable (permissions, a broken gzip stream): this input fails, not the run
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause=f"cannot read: {exc}"))
