"""What the commands share: the console, progress bars, the rejects file, and the checks every
command makes on its paths before it does any work."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..errors import CODES, CorpusError
from ..jsonl import atomic_open, dumps

__all__ = ["console", "err_console", "progress", "track", "RejectsWriter", "check_paths", "default_rejects", "read_records", "say", "say_rejected"]

console = Console()
err_console = Console(stderr=True)

PathLike = str | os.PathLike[str]


def say(message: str, *, err: bool = False, style: str | None = None) -> None:
    """Print a line that holds data (ids, labels, file names) exactly as written: never read as
    console markup, so `[/x]` in a `meta.id` is shown, not parsed (or raised on)."""
    (err_console if err else console).print(Text(message, style=style or ""), highlight=False, soft_wrap=True)


def say_rejected(source: str, code: str, reason: str) -> None:
    """`rejected SOURCE: CODE reason` on stderr, the data shown as written."""
    err_console.print(Text.assemble(("rejected", "yellow"), f" {source}: {code} {reason}"), highlight=False, soft_wrap=True)


def default_rejects(output: PathLike) -> str | None:
    """Where rejects go when `--rejects` is not given: beside the output file; nowhere (counted and
    printed only) when the output is stdout or a device such as /dev/null, which has no "beside"."""
    if str(output) == "-":
        return None
    target = Path(output)
    if (target.exists() and not target.is_file()) or str(target.absolute()).startswith(("/dev/", "/proc/")):
        return None
    return f"{output}.rejects.jsonl"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # hard links and symbolic links to one file are one file
    except OSError:  # one of them does not exist yet: compare where they would be
        return a.resolve() == b.resolve()


def _missing(path: Path) -> str:
    if path.is_symlink():
        return f"it is a link to {os.readlink(path)}, which does not exist"
    return "no such file or directory"


def check_paths(inputs: Iterable[PathLike], outputs: Iterable[PathLike | None] = ()) -> None:
    """Refuse a run before it does any work: a missing or unreadable input (E090), an output that is
    also an input or another output (E092: `validate X --rejects X` would replace X), an output whose
    folder cannot be written (E091). `-` (stdin/stdout) and `None` (an output not asked for) are
    passed over. Call it first thing in every command, with every path the command reads and writes."""
    given = [Path(p) for p in inputs if str(p) != "-"]
    for path in given:
        if not path.exists():
            raise CorpusError("E090", CODES["E090"].format(path=path, cause=_missing(path)))
        if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
            raise CorpusError("E090", CODES["E090"].format(path=path, cause="permission denied"))
    written: list[Path] = []
    for out in outputs:
        if out is None or str(out) == "-":
            continue
        target = Path(out)
        for path in given:
            if _same_file(target, path):
                raise CorpusError("E092", CODES["E092"].format(output=target, what="an input", other=path))
        for path in written:
            if _same_file(target, path):
                raise CorpusError("E092", CODES["E092"].format(output=target, what="another output of this command", other=path))
        written.append(target)
        folder = target.parent
        while not folder.exists() and folder != folder.parent:  # the nearest folder that exists is where the new ones go
            folder = folder.parent
        if not folder.is_dir():
            raise CorpusError("E091", CODES["E091"].format(path=target, cause=f"{folder} is not a folder"))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise CorpusError("E091", CODES["E091"].format(path=target, cause=f"the folder {folder} is not writable"))

T = TypeVar("T")


def progress() -> Progress:
    """A progress bar with a count and a rate, on stderr so stdout stays clean for `-o -`."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


def track(items: Iterable[T], description: str, total: int | None = None, unit: str = "records") -> Iterator[T]:
    """Iterate with a progress bar showing count and rate."""
    with progress() as bar:
        task = bar.add_task(description, total=total, rate="")
        for n, item in enumerate(items, start=1):
            yield item
            t = bar.tasks[0]
            elapsed = t.elapsed or 0.0
            rate = f"{n / elapsed:,.0f} {unit}/s" if elapsed > 0 else ""
            bar.update(task, advance=1, rate=rate)


class RejectsWriter:
    """Collects rejected inputs with their reasons; writes them (atomically) only if asked to."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.count = 0
        self._cm: Any = None
        self._fh: Any = None

    def __enter__(self) -> "RejectsWriter":
        if self.path:
            self._cm = atomic_open(self.path)
            self._fh = self._cm.__enter__()
        return self

    def write(self, item: dict[str, Any]) -> None:
        self.count += 1
        if self._fh is not None:
            try:
                line = dumps(item)
            except (ValueError, TypeError, RecursionError) as exc:  # the rejected input itself cannot be JSON: keep its reason
                kept = {k: v for k, v in item.items() if k not in ("raw", "record")}
                line = dumps({**kept, "raw_not_written": f"{type(exc).__name__}: {exc}"})
            self._fh.write(line + "\n")

    def __exit__(self, *exc: Any) -> None:
        if self._cm is not None:
            self._cm.__exit__(*exc)


def read_records(path: PathLike) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file for a command that needs every one well-formed and once (evaluate,
    merge, agree): a line that is not JSON (E001, E002), not shaped as a record (E010) or a second
    record with one `meta.id` (E011) stops the run with its `file:line: id`, since figures over part
    of a file, or over one article counted twice, would mislead."""
    from ..jsonl import iter_lines
    from ..validate import check_shape

    first: dict[str, str] = {}
    for line in iter_lines(path):
        meta = line.record.get("meta")
        rid = meta.get("id", "?") if isinstance(meta, dict) else "?"
        problems = check_shape(line.record)
        if problems:
            more = f" (and {len(problems) - 1} more; `corpus validate` lists them)" if len(problems) > 1 else ""
            raise CorpusError(problems[0].code, f"{line.path}:{line.lineno}: {rid}: {problems[0].message}{more}")
        where = f"{line.path}:{line.lineno}"
        if isinstance(rid, str) and first.setdefault(rid, where) != where:
            raise CorpusError("E011", f"{where}: {rid}: " + CODES["E011"].format(id=rid, first_line=first[rid]))
        yield line.record
