"""Records out to doccano for review: JSONL in doccano's relation-extraction layout.

Each line holds `text`, `entities` [{id, start_offset, end_offset, label}] (code points, as doccano
counts them) and `relations` [{id, from_id, to_id, type}]. doccano has no span attributes, so they
travel beside the annotations in `span_attrs` ([start, end, label, attrs] per span) together with
the record's `meta` and `review_layers`; doccano keeps unknown columns as example metadata and
writes them back on export, and `corpus import doccano` reads them from there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..jsonl import atomic_open, dumps
from ..record import span_key
from ..registry import LAYERS, load_registry
from .labelstudio import colours

__all__ = ["to_line", "label_types", "write", "labels_paths_for"]

def to_line(record: dict[str, Any]) -> dict[str, Any]:
    """One record as a doccano relation-extraction line (entity and relation ids start at 1)."""
    ids: dict[tuple[int, int, str], int] = {}
    entities = []
    attrs = []
    for i, span in enumerate(record.get("spans", []), start=1):
        ids[span_key(span)] = i
        entities.append({"id": i, "start_offset": span["start"], "end_offset": span["end"], "label": span["label"]})
        if "attrs" in span:
            attrs.append([span["start"], span["end"], span["label"], span["attrs"]])
    relations = [
        {"id": i, "from_id": ids[span_key(rel["head_span"])], "to_id": ids[span_key(rel["child_span"])], "type": rel["label"]}
        for i, rel in enumerate(record.get("relations", []), start=1)
    ]
    return {"text": record["text"], "entities": entities, "relations": relations,
            "meta": record["meta"], "span_attrs": attrs, "review_layers": list(LAYERS)}


def label_types() -> dict[str, list[dict[str, Any]]]:
    """The span and relation types to create in the doccano project, in its label-import layout."""
    reg = load_registry()

    def types(names: Iterable[str]) -> list[dict[str, Any]]:
        return [{"text": name, "prefix_key": None, "suffix_key": None, "background_color": colour, "text_color": "#ffffff"}
                for name, colour in colours(names).items()]

    return {"span_types": types(reg.labels), "relation_types": types(reg.relations)}


def labels_paths_for(output: str | Path) -> dict[str, Path]:
    """Where the label types go: beside the lines, `review.jsonl` -> `review.span_types.json` and
    `review.relation_types.json` (doccano imports each kind on its own page, as a JSON list)."""
    out = Path(output)
    stem = out.name.removesuffix(".jsonl")
    return {kind: out.with_name(f"{stem}.{kind}.json") for kind in ("span_types", "relation_types")}


def write(records: Iterable[dict[str, Any]], output: str | Path, labels: str | Path | None = None) -> tuple[int, list[Path]]:
    """Write the lines (atomically) and the two label-type files beside them (or beside `labels`);
    return the count and the label-type paths."""
    paths = labels_paths_for(labels if labels is not None else output)
    count = 0
    with atomic_open(output) as fh:
        for record in records:
            fh.write(dumps(to_line(record)) + "\n")
            count += 1
    types = label_types()
    for kind, path in paths.items():
        with atomic_open(path) as fh:
            fh.write(json.dumps(types[kind], indent=2) + "\n")
    return count, list(paths.values())
