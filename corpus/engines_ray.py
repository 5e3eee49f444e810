"""The Ray Data engine: the same per-batch `Annotator` as the local engine, as a class-based
`map_batches` UDF (the model loads once per actor), for corpora past one machine.

Input is JSONL read line by line (`read_text`, sharded over the cluster) so no record is forced
through an Arrow schema. Output is JSONL written from the driver (a `.jsonl` path) or sharded
Parquet with `id` and `record` (JSON) columns (any other path, a directory). Leaves one CPU free
for read tasks: actors taking every CPU is Ray Data's known hang.
"""

from __future__ import annotations

import json
from typing import Any

from .converters import Reject
from .jsonl import atomic_open, dumps

__all__ = ["run_ray", "AnnotateBatch"]


class AnnotateBatch:
    """The map_batches UDF: JSON lines in, annotated JSON lines (or rejects) out."""

    def __init__(self, layers: tuple[str, ...], options: dict[str, Any] | None = None) -> None:
        from .pipeline import Annotator

        self.annotator = Annotator(layers, **(options or {}))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        records = [json.loads(line) for line in batch["text"] if line.strip()]
        ids, lines, rejected = [], [], []
        for item in self.annotator(records):
            if isinstance(item, Reject):
                ids.append(item.source)
                lines.append(dumps(item.to_json()))
                rejected.append(True)
            else:
                ids.append(item["meta"]["id"])
                lines.append(dumps(item))
                rejected.append(False)
        return {"id": ids, "record": lines, "rejected": rejected}


def run_ray(input: str, output: str, layers: tuple[str, ...], *, address: str | None = None, batch_size: int = 32, rejects: str | None = None,
            options: dict[str, Any] | None = None) -> str:
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    actors = max(1, cpus - 1)
    ds = ray.data.read_text(input).map_batches(
        AnnotateBatch,
        fn_constructor_kwargs={"layers": layers, "options": options},
        batch_size=batch_size,
        batch_format="numpy",
        concurrency=actors,
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
        rejected = ds.filter(lambda row: row["rejected"]).count()
        written = ds.count() - rejected
    return f"annotated {written} records ({', '.join(layers)}) with Ray ({actors} actors on {cpus} CPUs) to {output}; rejected {rejected}"
