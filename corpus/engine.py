"""Running annotation over a corpus: the local engine (all cores, constant memory, resumable).

Workers each load the model once and receive plain records in batches (text in, records out; no
`Doc` is ever pickled). At most a few batches per worker are in flight, so memory does not grow
with the corpus, and results come back in input order. Output goes to `OUTPUT.partial`, flushed
batch by batch and renamed to OUTPUT at the end: a killed run leaves the partial file, and
`--resume` skips the records already in it (by `meta.id`) and finishes the job.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .converters import Reject
from .jsonl import dumps

__all__ = ["batched", "run_local", "ResumableWriter", "default_workers"]

_worker: Any = None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _init(layers: tuple[str, ...], options: dict[str, Any] | None = None) -> None:
    global _worker
    from .pipeline import Annotator

    _worker = Annotator(layers, **(options or {}))


def _annotate(batch: list[dict[str, Any]]) -> list[dict[str, Any] | Reject]:
    return _worker(batch)  # type: ignore[no-any-return]


def run_local(records: Iterable[dict[str, Any]], layers: tuple[str, ...], *, workers: int = 1, batch_size: int = 32,
              options: dict[str, Any] | None = None) -> Iterator[dict[str, Any] | Reject]:
    """Annotate `records` in input order over `workers` processes (1: in this process)."""
    if workers <= 1:
        from .pipeline import Annotator

        yield from Annotator(layers, **(options or {})).stream(records, batch_size)
        return
    import multiprocessing

    # forkserver: workers never inherit the parent's threads (the progress bar's) or open files;
    # the server imports spaCy and the annotators once, so each worker only loads the model.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["spacy", "annotators", "corpus.pipeline"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init, initargs=(layers, options)) as pool:
        pending: deque[Future[list[dict[str, Any] | Reject]]] = deque()
        for batch in batched(records, batch_size):
            pending.append(pool.submit(_annotate, batch))
            if len(pending) >= 2 * workers:  # bounded look-ahead: constant memory, cores kept busy
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


class ResumableWriter:
    """Writes JSONL to OUTPUT.partial, a batch at a time, and renames it to OUTPUT when closed
    without error. With `resume`, the records already in OUTPUT.partial (or a finished OUTPUT) are
    kept and their ids reported in `done`, and a line cut short by a kill is dropped."""

    def __init__(self, path: str, resume: bool = False) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.done: set[str] = set()
        self.kept = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume:
            source = self.partial if self.partial.exists() else self.path if self.path.exists() else None
            if source is not None:
                self._recover(source)
        elif self.partial.exists():
            self.partial.unlink()
        self._fh = open(self.partial, "a", encoding="utf-8", newline="\n")

    def _recover(self, source: Path) -> None:
        good: list[str] = []
        with open(source, encoding="utf-8") as fh:
            for line in fh:
                if not line.endswith("\n"):
                    break  # the line a kill cut short
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    break
                self.done.add(rec["meta"]["id"])
                good.append(line)
        tmp = self.partial.with_name(self.partial.name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(good)
        os.replace(tmp, self.partial)
        self.kept = len(good)

    def write(self, record: dict[str, Any]) -> None:
        self._fh.write(dumps(record) + "\n")

    def flush(self) -> None:
        self._fh.flush()

    def close(self, ok: bool = True) -> None:
        self._fh.close()
        if ok:
            os.replace(self.partial, self.path)
