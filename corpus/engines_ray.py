"""The Ray Data engine: the same per-batch `Annotator` as the local engine, as a class-based
`map_batches` UDF (the model loads once per actor), for corpora past one machine.

Input is JSONL read line by line (`read_text`, sharded over the cluster) so no record is forced
through an Arrow schema; a line that is not a JSON object becomes a reject, as locally. Output is
JSONL written from the driver (a `.jsonl` path) or sharded Parquet with `id` and `record` (JSON)
columns (any other path, a directory); rejects go to a JSONL file written from the driver either
way. Order is preserved, so the output is the local engine's, byte for byte. Leaves one CPU free
for read tasks: actors taking every CPU is Ray Data's known hang.
"""

from __future__ import annotations

import json
from typing import Any

from .converters import Reject
from .errors import CODES, CorpusError
from .jsonl import atomic_open, dumps

__all__ = ["run_ray", "AnnotateBatch"]


class AnnotateBatch:
    """The map_batches UDF: JSON lines in, annotated JSON lines (or rejects) out."""

    def __init__(self, layers: tuple[str, ...], model: str | None = None) -> None:
        from .pipeline import MODEL, Annotator

        self.annotator = Annotator(layers, model=model or MODEL)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        from .engine import _annotate

        items = [_parse(str(line), str(path)) for line, path in zip(batch["text"], batch["path"]) if str(line).strip()]
        ids, lines, rejected = [], [], []
        for item in _annotate(items, self.annotator):
            if isinstance(item, Reject):
                ids.append(item.source)
                lines.append(dumps(item.to_json()))
                rejected.append(True)
            else:
                ids.append(item["meta"]["id"])
                lines.append(dumps(item))
                rejected.append(False)
        return {"id": ids, "record": lines, "rejected": rejected}


def _parse(line: str, path: str) -> dict[str, Any] | Reject:
    """A record, or a reject naming the file (Ray's line reader gives no line numbers)."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        return Reject(path, "E001", f"a line is not valid JSON: {exc}", raw=line)
    if not isinstance(record, dict):
        return Reject(path, "E002", CODES["E002"].format(line="?", kind=type(record).__name__), raw=line)
    return record


def run_ray(input: str, output: str, layers: tuple[str, ...], *, address: str | None = None, batch_size: int = 8,
            rejects: str | None = None, workers: int | None = None, model: str | None = None) -> str:
    """Annotate `input` on a Ray cluster with `workers` actors (default: the cluster's CPUs less one)."""
    import ray

    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        if workers and workers > max(1, cpus - 1):
            raise CorpusError("E123", CODES["E123"].format(
                cause=f"--workers {workers}: the cluster has {cpus} CPUs; each actor takes one and reading needs one more, so at most {max(1, cpus - 1)}"))
        actors = workers or max(1, cpus - 1)
        ray.data.DataContext.get_current().execution_options.preserve_order = True
        ds = ray.data.read_text(input, include_paths=True).map_batches(
            AnnotateBatch,
            fn_constructor_kwargs={"layers": layers, "model": model},
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        rejects_path = rejects or f"{output.rstrip('/')}.rejects.jsonl"
        written = rejected = 0
        if output.endswith(".jsonl"):
            with atomic_open(output) as out, atomic_open(rejects_path) as rej:
                for batch in ds.iter_batches(batch_format="numpy", batch_size=256):
                    for line, is_reject in zip(batch["record"], batch["rejected"]):
                        (rej if is_reject else out).write(str(line) + "\n")
                        rejected += bool(is_reject)
                        written += not is_reject
        else:
            ds = ds.materialize()
            ds.filter(lambda row: not row["rejected"]).select_columns(["id", "record"]).write_parquet(output)
            with atomic_open(rejects_path) as rej:
                for row in ds.filter(lambda row: row["rejected"]).iter_rows():
                    rej.write(str(row["record"]) + "\n")
                    rejected += 1
            written = ds.count() - rejected
    finally:
        if started:
            ray.shutdown()
    return (f"annotated {written} records ({', '.join(layers)}) with Ray ({actors} actors on {cpus} CPUs) to {output}; rejected {rejected}"
            + (f" (reasons in {rejects_path})" if rejected else ""))
