"""What the commands share: the console, progress bars, and the rejects file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..jsonl import atomic_open, dumps

__all__ = ["console", "err_console", "progress", "track", "RejectsWriter"]

console = Console()
err_console = Console(stderr=True)

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
            self._fh.write(dumps(item) + "\n")

    def __exit__(self, *exc: Any) -> None:
        if self._cm is not None:
            self._cm.__exit__(*exc)
