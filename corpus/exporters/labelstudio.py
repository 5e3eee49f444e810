"""Records out to Label Studio for review: tasks with pre-annotations, and the labelling config.

Each record becomes a task: `data.text`, `data.meta` (the record's meta, restored on import) and
`data.review_layers`, with the spans and relations as `predictions`. A span is a `labels` region;
each of its attributes is a per-region result with the region's id from a control named
`LABEL_attr` (a `Choices` for closed lists such as `QUOTE_kind`, a `TextArea` otherwise, holding
the value as written or as JSON: `32000`, `null`). Label Studio keeps per-region results on export
and shows them as editable fields when the region is selected, so the reviewer can correct them.
Offsets go out in UTF-16 code units, as Label Studio counts them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..importers.labelstudio import Utf16Offsets, attribute_controls, encode_attr, is_choice
from ..jsonl import atomic_open
from ..record import span_key
from ..registry import LAYERS, Registry, load_registry

__all__ = ["label_config", "to_task", "write", "config_path_for", "colours"]

# one colour per label, in registry order: Tableau 20 then the dark tones of Vega's category20b
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#5254a3", "#8ca252", "#bd9e39", "#ad494a", "#a55194",
)


def colours(names: Iterable[str]) -> dict[str, str]:
    """A distinct background colour per name (cycling only past 30 names), the same on every run."""
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def label_config(registry: Registry | None = None) -> str:
    """The labelling config XML: one `Label` per registry label, the allowed relations, and a
    per-region control for every attribute, shown when a region with that label is selected."""
    reg = registry or load_registry()
    view = ET.Element("View")
    ET.SubElement(view, "Style").text = ".htx-text { white-space: pre-wrap; }"
    labels = ET.SubElement(view, "Labels", name="label", toName="text")
    for label, colour in colours(reg.labels).items():
        ET.SubElement(labels, "Label", value=label, background=colour)
    ET.SubElement(view, "Text", name="text", value="$text")
    relations = ET.SubElement(view, "Relations")
    for label in reg.relations:
        ET.SubElement(relations, "Relation", value=label)
    by_label: dict[str, list[tuple[str, Any]]] = {}
    for control, (label, spec) in attribute_controls(reg).items():
        by_label.setdefault(label, []).append((control, spec))
    for label, controls in by_label.items():
        box = ET.SubElement(view, "View", visibleWhen="region-selected", whenTagName="label", whenLabelValue=label)
        for control, spec in controls:
            types = " or ".join(spec.types)
            ET.SubElement(box, "Header", value=f"{label} {spec.name} ({types}{', required' if spec.required else ''})", size="6")
            common = {"name": control, "toName": "text", "perRegion": "true"}
            if spec.required:
                common["required"] = "true"
            if is_choice(spec):
                choices = ET.SubElement(box, "Choices", {**common, "choice": "single-radio", "showInline": "true"})
                for value in spec.enum or ():
                    ET.SubElement(choices, "Choice", value=str(value))
            else:
                hint = "a number" if "number" in spec.types else "text"
                if "null" in spec.types:
                    hint += ", or null"
                ET.SubElement(box, "TextArea", {**common, "maxSubmissions": "1", "editable": "true", "placeholder": hint})
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _region_id(index: int) -> str:
    return f"s{index}"


def to_task(record: dict[str, Any], registry: Registry | None = None) -> dict[str, Any]:
    """One record as a Label Studio task with its annotations as predictions."""
    reg = registry or load_registry()
    text: str = record["text"]
    offsets = Utf16Offsets(text)
    controls = {(label, spec.name): name for name, (label, spec) in attribute_controls(reg).items()}
    result: list[dict[str, Any]] = []
    ids: dict[tuple[int, int, str], str] = {}
    for i, span in enumerate(record.get("spans", [])):
        rid = _region_id(i)
        ids[span_key(span)] = rid
        start, end = offsets.to_utf16(span["start"]), offsets.to_utf16(span["end"])
        where = {"id": rid, "to_name": "text"}
        result.append({**where, "from_name": "label", "type": "labels",
                       "value": {"start": start, "end": end, "text": text[span["start"]:span["end"]], "labels": [span["label"]]}})
        for attr, value in (span.get("attrs") or {}).items():
            control = controls[(span["label"], attr)]
            spec = reg.attrs[span["label"]][attr]
            if is_choice(spec):
                result.append({**where, "from_name": control, "type": "choices", "value": {"start": start, "end": end, "choices": [value]}})
            else:
                result.append({**where, "from_name": control, "type": "textarea", "value": {"start": start, "end": end, "text": [encode_attr(value)]}})
    for rel in record.get("relations", []):
        result.append({"from_id": ids[span_key(rel["head_span"])], "to_id": ids[span_key(rel["child_span"])],
                       "type": "relation", "direction": "right", "labels": [rel["label"]]})
    annotators = (record["meta"].get("annotators") or {})
    version = "; ".join(f"{k}={v}" for k, v in sorted(annotators.items())) or "corpus"
    task: dict[str, Any] = {"data": {"text": text, "meta": record["meta"], "review_layers": list(LAYERS)}}
    if result:
        task["predictions"] = [{"model_version": version, "result": result}]
    return task


def config_path_for(output: str | Path) -> Path:
    """Where the labelling config goes: beside the tasks, `tasks.json` -> `tasks.config.xml`."""
    out = Path(output)
    stem = out.name.removesuffix(".json")
    return out.with_name(f"{stem}.config.xml")


def write(records: Iterable[dict[str, Any]], output: str | Path, config: str | Path | None = None) -> tuple[int, Path]:
    """Write the tasks as one JSON array (streamed, atomically) and the labelling config beside it.

    Returns the number of tasks and the config's path.
    """
    reg = load_registry()
    config_path = Path(config) if config is not None else config_path_for(output)
    count = 0
    with atomic_open(output) as fh:
        fh.write("[")
        for record in records:
            fh.write(",\n" if count else "\n")
            fh.write(json.dumps(to_task(record, reg), ensure_ascii=False))
            count += 1
        fh.write("\n]\n")
    with atomic_open(config_path) as fh:
        fh.write(label_config(reg))
    return count, config_path
