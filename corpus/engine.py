"""Running annotation over a corpus: the local engine (all cores, one shared model, resumable).

The parent loads the pipeline once and then forks its workers, which share the loaded model
copy-on-write: a worker starts in milliseconds and its own memory is only what parsing needs. Records go
out in small batches without their old tokens and come back as JSON lines (no `Doc` is pickled, and
the parent has little left to do but write); at most four batches per worker are in flight, so memory does not grow with the corpus, and results come back in input order, so the
output is the same bytes whatever the worker count. Workers die with their parent, even by kill -9.

Output goes to `OUTPUT.partial`, beside a manifest `OUTPUT.partial.json` that names the run (input
identity, layers, model, versions); at the end the partial file is renamed to OUTPUT and the
manifest removed. `--resume` keeps what a killed run wrote when its manifest matches this run, and
refuses, saying what differs, when it does not.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

from .converters import Reject
from .errors import CODES, CorpusError, InvalidLineError
from .jsonl import atomic_open, dumps, iter_lines

__all__ = ["LocalEngine", "ResumableWriter", "batched", "default_workers", "read_records", "run_local", "run_manifest"]

Item = dict[str, Any] | Reject

# small batches keep every worker busy to the end of a run (a worker that drew the last long batch
# makes the others wait) and parse no slower than large ones: 13.3-14.0 CPU s vs 14.9 for 32 on
# the 171 Wikinews 2019 articles. A batch also ends once it holds BATCH_CHARS characters of text
# (about a fifth of a second of work), so a run of long articles makes no long last batch either.
BATCH = 8
BATCH_CHARS = 5_000
_annotator: Any = None  # the parent's loaded Annotator, inherited by the forked workers
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WARM_UP = ('The mayor of Oslo, Anne Berg, said on Monday that "about 3,000 workers will build 12 km of road for $5 million," '
            "and the council said it opposed the plan.")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def batched(items: Iterable[Any], size: int, max_chars: int | None = None) -> Iterator[list[Any]]:
    """Consecutive batches of at most `size` items; with `max_chars`, a batch also ends once its
    records' texts hold that many characters (a batch always takes at least one item)."""
    batch: list[Any] = []
    chars = 0
    for item in items:
        batch.append(item)
        if max_chars is not None and isinstance(item, dict) and isinstance(item.get("text"), str):
            chars += len(item["text"])
        if len(batch) >= size or (max_chars is not None and chars >= max_chars):
            yield batch
            batch = []
            chars = 0
    if batch:
        yield batch


def read_records(path: str | os.PathLike[str]) -> Iterator[Item]:
    """The records of a JSONL file, with a `Reject` (file:line, code, reason) in place of each line
    that is not a JSON object, so one malformed line costs only itself."""
    errors: list[InvalidLineError] = []
    for line in iter_lines(path, skip_invalid=True, errors=errors):
        yield from map(_line_reject, errors)  # the bad lines before this one, in input order
        errors.clear()
        yield line.record
    yield from map(_line_reject, errors)


def _line_reject(err: InvalidLineError) -> Reject:
    where = f"{err.path}:{err.lineno}"
    return Reject(where, err.code, err.message.removeprefix(f"{where}: "), raw=err.line)


def _annotate(batch: list[Item], annotator: Any = None) -> list[Item]:
    """Annotate the records of a batch; rejects from reading pass through in their place."""
    records = [x for x in batch if not isinstance(x, Reject)]
    done = iter((annotator or _annotator)(records) if records else [])
    return [x if isinstance(x, Reject) else next(done) for x in batch]


def _annotate_lines(batch: list[Item], annotator: Any = None) -> list[str | Reject]:
    """`_annotate`, each record returned as its JSON line: a worker sends the parent one string per
    record instead of a nested dict to unpickle and encode again, and a record that cannot be
    written as JSON (a NaN in an attribute) is rejected here, alone, instead of ending the run."""
    from .pipeline import where

    out: list[str | Reject] = []
    for given, item in zip(batch, _annotate(batch, annotator)):
        if isinstance(item, Reject):
            out.append(item)
            continue
        try:
            out.append(dumps(item))
        except (TypeError, ValueError) as exc:
            out.append(Reject(where(given), "E054", CODES["E054"].format(cause=f"the annotated record cannot be written as JSON: {exc}"), raw=given))
    return out


def _untokenized(item: Item) -> Item:
    """A record as a worker needs it: without its old tokens, which annotation replaces and never
    reads (nine tenths of a converted record's bytes, not worth pickling to a worker and back)."""
    if isinstance(item, dict) and "tokens" in item:
        return {k: v for k, v in item.items() if k != "tokens"}
    return item


def _as_given(batch: list[Item], future: Future[list[Any]]) -> list[Any]:
    """A worker's results, each reject of a record carrying the record as it was read (tokens too)."""
    return [replace(out, raw=given) if isinstance(out, Reject) and isinstance(given, dict) else out for given, out in zip(batch, future.result())]


def _worker_start(parent: int | None) -> None:
    """In each worker: die with the parent (Linux; the pid check covers a parent already gone) and
    leave Ctrl-C to the parent, which stops the pool."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _worker_load(layers: tuple[str, ...], model: str, options: dict[str, Any]) -> None:
    """In each worker started by the fork server (threads ran when the engine started): load the
    model. Such a worker's parent is the server, which exits when our process does."""
    global _annotator
    from .pipeline import Annotator

    _worker_start(None)
    _annotator = Annotator(layers, model=model, **options)


class LocalEngine:
    """The loaded pipeline and, with `workers` > 1, a pool of forked processes that share it.

    Create it before any thread starts (a progress bar runs one): forking a process with threads
    can copy a lock some thread holds, and the child then waits on it forever. Where threads run
    already (a notebook), the workers start from a clean process and load their own model.
    """

    def __init__(self, layers: Sequence[str] | str | None, *, workers: int = 1, model: str | None = None,
                 options: dict[str, Any] | None = None) -> None:
        from .pipeline import MODEL, Annotator

        started = time.perf_counter()
        self.model = model or MODEL
        self.options = dict(options or {})  # more Annotator options (the stances layer's choice of model)
        self.annotator = Annotator(layers, model=self.model, **self.options)
        self.workers = max(1, workers)
        self.load_seconds = time.perf_counter() - started  # reported by scripts/benchmark.py
        self._pool: ProcessPoolExecutor | None = None
        self._frozen = False
        if self.workers > 1:
            self._pool = self._fork()
        else:
            # the collector never scans frozen objects: the model and the word lists are not walked
            # again at every full collection of the run (about 0.7% of the parse on Wikinews)
            gc.freeze()
            self._frozen = True
        self.start_seconds = time.perf_counter() - started - self.load_seconds

    def _fork(self) -> ProcessPoolExecutor:
        global _annotator
        threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        if threads:  # a fork now could copy a lock one of them holds: start clean workers instead
            warnings.warn(f"threads {threads} are running, so each worker loads its own model (start the engine before them to share one)", RuntimeWarning, stacklevel=3)
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["corpus.pipeline"])
            return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_worker_load, initargs=(self.annotator.layers, self.model, self.options))
        _annotator = self.annotator
        # one record through every layer first: what the layers build on first use (unit registry,
        # caches) is then built once, here, and shared, not once per worker
        self.annotator([{"text": _WARM_UP, "meta": {"id": "warm-up"}}])
        # frozen objects are never scanned by the collector, so the model's pages stay shared
        gc.collect()
        gc.freeze()
        try:
            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start, initargs=(os.getpid(),))
            pool.submit(os.getpid).result()  # with fork, the first submit starts every worker (and the pool's threads)
        except BrokenProcessPool as exc:
            raise CorpusError("E124", CODES["E124"].format(cause=exc)) from exc
        finally:
            gc.unfreeze()
        return pool

    def run(self, items: Iterable[Item], batch_size: int = BATCH) -> Iterator[Item]:
        """Annotate `items` (records, or rejects passed through) in input order."""
        return self._run(items, batch_size, _annotate)  # type: ignore[arg-type]

    def run_lines(self, items: Iterable[Item], batch_size: int = BATCH) -> Iterator[str | Reject]:
        """`run`, each annotated record given as its JSON line (`jsonl.dumps`), as a file of them
        is written: the same bytes, with less work for the parent that writes them."""
        return self._run(items, batch_size, _annotate_lines)

    def _run(self, items: Iterable[Item], batch_size: int, annotate: Any) -> Iterator[Any]:
        if self._pool is None:
            for batch in batched(items, batch_size):
                yield from annotate(batch, self.annotator)
            return
        pending: deque[tuple[list[Item], Future[list[Any]]]] = deque()
        try:
            for batch in batched(items, batch_size, BATCH_CHARS):
                pending.append((batch, self._pool.submit(annotate, [_untokenized(x) for x in batch])))
                if len(pending) >= 4 * self.workers:  # bounded look-ahead: constant memory, cores kept busy
                    yield from _as_given(*pending.popleft())
            while pending:
                yield from _as_given(*pending.popleft())
        except BrokenProcessPool as exc:
            raise CorpusError("E124", CODES["E124"].format(cause=exc)) from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def run_local(records: Iterable[Item], layers: Sequence[str] | str | None, *, workers: int = 1, batch_size: int = BATCH, model: str | None = None,
              options: dict[str, Any] | None = None) -> Iterator[Item]:
    """Annotate `records` in input order over `workers` processes (1: in this process).

    Not a generator: the model loads and the workers fork when this is called, before the caller
    wraps the result in a progress bar."""
    engine = LocalEngine(layers, workers=workers, model=model, options=options)

    def results() -> Iterator[Item]:
        with engine:
            yield from engine.run(records, batch_size)

    return results()


def _fingerprint(path: Path, size: int, chunk: int = 1 << 16) -> dict[str, Any]:
    """Identity of an input file: its size and hashes of its first and last 64 KiB (cheap on any size)."""
    with open(path, "rb") as fh:
        head = hashlib.sha256(fh.read(chunk)).hexdigest()
        fh.seek(max(0, size - chunk))
        tail = hashlib.sha256(fh.read(chunk)).hexdigest()
    return {"path": str(path.resolve()), "size": size, "head_sha256": head, "tail_sha256": tail}


def run_manifest(input: str | os.PathLike[str], annotator: Any, rejects: str) -> dict[str, Any]:
    """What makes a run the same run: the input, the layers, the model and the versions."""
    from importlib.metadata import version

    import spacy

    path = Path(input)
    ident = {"path": "-"} if str(input) == "-" else _fingerprint(path, path.stat().st_size)
    return {
        "command": "corpus annotate",
        "input": ident,
        "layers": list(annotator.layers),
        "annotators": annotator.provenance,
        "versions": {"news-corpus": version("news-corpus"), "spacy": spacy.__version__},
        "rejects": str(Path(rejects).resolve()),
    }


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    a, b = old.get("input") or {}, new["input"]
    if a.get("path") == "-" or b.get("path") == "-":
        out.append("the input is stdin, whose identity cannot be checked")
    elif any(a.get(k) != b[k] for k in ("size", "head_sha256", "tail_sha256")):
        out.append(f"input {a.get('path')} ({a.get('size')} bytes) is not {b['path']} ({b['size']} bytes)")
    for key in ("layers", "annotators", "versions"):
        if old.get(key) != new[key]:
            out.append(f"{key} {_short(old.get(key))} vs now {_short(new[key])}")
    return out


def _short(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


class ResumableWriter:
    """Writes JSONL to OUTPUT.partial, with its run manifest beside it, and renames it to OUTPUT
    when closed without error.

    With `resume`, the records in OUTPUT.partial are kept (a line a kill cut short is dropped) and
    their ids reported in `done`, if the manifest left beside them matches `manifest`; any other
    partial output is refused with a `CorpusError` saying why. Without `resume`, a partial output
    of ours (one with a manifest) is discarded and one not of ours refused. Either way the temporary
    rejects files a killed run of ours left are removed.
    """

    def __init__(self, path: str, manifest: dict[str, Any], resume: bool = False) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.manifest_path = self.path.with_name(self.partial.name + ".json")
        self.done: set[str] = set()
        self.kept = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        old = self._read_manifest()
        if self.partial.exists() and old is None:
            raise CorpusError("E121", CODES["E121"].format(path=self.partial, cause=f"no manifest ({self.manifest_path.name}) says corpus annotate wrote it; move it away, or finish it with the version that wrote it"))
        if resume:
            if self.partial.exists():
                assert old is not None
                diff = _differences(old, manifest)
                if diff:
                    raise CorpusError("E120", CODES["E120"].format(partial=self.partial, differences="; ".join(diff)))
                self._recover()
            elif self.path.exists():
                raise CorpusError("E121", CODES["E121"].format(path=self.path, cause=f"nothing to resume: the output is complete (no {self.partial.name}); run without --resume to annotate again"))
        if old is not None:
            _remove_rejects_leftovers(old)
            if not resume:
                self.partial.unlink(missing_ok=True)
        with atomic_open(self.manifest_path) as fh:
            fh.write(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        self._fh = open(self.partial, "a", encoding="utf-8", newline="\n")
        self._flushed = time.monotonic()

    def _read_manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("command") == "corpus annotate" else None

    def _recover(self) -> None:
        """Keep the whole lines of the partial file; cut it after the last one (in place)."""
        good = 0
        with open(self.partial, "rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # the line a kill cut short
                try:
                    done = json.loads(line)["meta"]["id"]
                except (ValueError, KeyError, TypeError):
                    break
                self.done.add(done)
                good += len(line)
                self.kept += 1
        os.truncate(self.partial, good)

    def write(self, record: dict[str, Any] | str) -> None:
        """Write one record, or a record already encoded as its JSON line."""
        self._fh.write((record if isinstance(record, str) else dumps(record)) + "\n")
        if time.monotonic() - self._flushed > 1.0:  # a kill loses at most about a second of work
            self._fh.flush()
            self._flushed = time.monotonic()

    def close(self, ok: bool = True) -> None:
        self._fh.close()
        if ok:
            os.replace(self.partial, self.path)
            self.manifest_path.unlink(missing_ok=True)


def _remove_rejects_leftovers(manifest: dict[str, Any]) -> None:
    """Remove the temporary rejects files (`.NAME.<12 hex>.tmp`, as `atomic_open` names them) that
    a killed run left beside the rejects file its manifest names."""
    rejects = manifest.get("rejects")
    if not isinstance(rejects, str):
        return
    target = Path(rejects)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{12}}\.tmp")
    if target.parent.is_dir():
        for leftover in target.parent.iterdir():
            if pattern.fullmatch(leftover.name):
                leftover.unlink(missing_ok=True)
