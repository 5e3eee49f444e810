"""Label Studio JSON exports back into records; also the one place UTF-16 offsets are converted.

A task's human annotation wins (the latest one that was not skipped); a task nobody annotated
falls back to its predictions, marked `meta.review.origin = "predictions"` so that `corpus merge`
does not mistake them for a review. Region results of the `Labels` control become spans, per-region
`Choices`/`TextArea` results named `LABEL_attr` become span attributes, and `relation` results
become relations. `data.meta` (written by `corpus export-review labelstudio`) restores the record's
meta. Label Studio counts offsets in UTF-16 code units (JavaScript strings), Python in code points:
`Utf16Offsets` converts between the two, refusing an offset that splits a surrogate pair.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..converters import Reject
from ..errors import CODES, CorpusError, InvalidLineError
from ..jsonl import iter_lines, loads
from ..merge import assemble_checked
from ..record import stable_id
from ..registry import LAYERS, AttrSpec, Registry, load_registry
from . import ImportOptions, walk_files

__all__ = [
    "LABELS",
    "Utf16Offsets",
    "to_utf16",
    "from_utf16",
    "attribute_controls",
    "encode_attr",
    "decode_attr",
    "read",
    "read_tasks",
    "task_to_record",
]

FORMAT = "Label Studio"
LABELS: dict[str, str] = {label: label for label in load_registry().labels}
"""Label Studio label -> our label. The exported config uses our labels verbatim."""

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """Offsets in one text as code points (Python `str` indices) and as UTF-16 code units (JavaScript).

    Only characters outside the Basic Multilingual Plane (emoji, some CJK) differ: each is one code
    point but two code units. Combining marks are ordinary BMP characters and count one in both.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral16 = [i + k for k, i in enumerate(self._astral)]
        self.length16 = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of code-point offset `offset`."""
        if not 0 <= offset <= len(self.text):
            raise CorpusError("E081", f"offset {offset} lies outside the text (length {len(self.text)} code points)")
        return offset + bisect_left(self._astral, offset)

    def from_utf16(self, offset: int) -> int:
        """The code-point offset of UTF-16 offset `offset`; an offset inside a surrogate pair is an error."""
        if not 0 <= offset <= self.length16:
            raise CorpusError("E081", f"UTF-16 offset {offset} lies outside the text (length {self.length16} code units)")
        before = bisect_left(self._astral16, offset)
        if before and self._astral16[before - 1] + 1 == offset:
            ch = self.text[self._astral[before - 1]]
            raise CorpusError("E081", f"UTF-16 offset {offset} falls between the two halves of {ch!r} (U+{ord(ch):04X})")
        return offset - before


def to_utf16(text: str, offset: int) -> int:
    """Code-point offset -> UTF-16 code-unit offset in `text`."""
    return Utf16Offsets(text).to_utf16(offset)


def from_utf16(text: str, offset: int) -> int:
    """UTF-16 code-unit offset -> code-point offset in `text`."""
    return Utf16Offsets(text).from_utf16(offset)


def attribute_controls(registry: Registry | None = None) -> dict[str, tuple[str, AttrSpec]]:
    """Per-region control name -> (label, attribute spec), one control per attribute of each label."""
    reg = registry or load_registry()
    return {f"{label}_{name}": (label, spec) for label in reg.labels for name, spec in reg.attrs[label].items()}


def is_choice(spec: AttrSpec) -> bool:
    """Attributes with a closed list of string values are shown as `Choices`; the rest as `TextArea`."""
    return spec.enum is not None and all(isinstance(v, str) for v in spec.enum)


def encode_attr(value: Any) -> str:
    """An attribute value as the text of a TextArea: strings as they are, anything else as JSON (`null`, `32000`)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def decode_attr(text: str, spec: AttrSpec) -> Any:
    """The value a TextArea's text stands for, given the attribute's types.

    JSON `null`, numbers and booleans are read as such when the attribute allows them; otherwise a
    string attribute takes the text as written. So a unit of `null` is JSON null, never the word.
    """
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = text
    else:
        if isinstance(parsed, (str, list, dict)) or spec.check(parsed) is not None:
            parsed = text
    return parsed


def _annotation(task: dict[str, Any]) -> dict[str, Any] | None:
    """The human annotation that wins: the latest one not skipped (by updated_at, else created_at, else order)."""
    done = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        return None
    order = {id(a): i for i, a in enumerate(done)}
    return max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), order[id(a)]))


def _prediction(task: dict[str, Any]) -> dict[str, Any] | None:
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    return preds[-1] if preds else None


def _who(annotation: dict[str, Any]) -> Any:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or who.get("id")
    return who


def task_to_record(task: dict[str, Any], source: str, registry: Registry | None = None) -> dict[str, Any]:
    """One Label Studio task as a valid record; raises `CorpusError` (a stable code) when it cannot be one.

    `source` names the task in messages (`export.json#12`) and becomes `meta.source` when the task
    carries no `data.meta`."""
    reg = registry or load_registry()
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"]:
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise CorpusError("E080", CODES["E080"].format(source=source, format=FORMAT, cause=f"the task has no data.text (data keys: {keys})"))
    text: str = data["text"]
    annotation = _annotation(task)
    chosen = annotation if annotation is not None else _prediction(task)
    results = chosen.get("result") if chosen is not None else []
    if not isinstance(results, list):
        raise CorpusError("E080", CODES["E080"].format(source=source, format=FORMAT, cause="result is not a list"))
    spans, relations = _parse_results(results, text, source, reg)

    meta_in = data.get("meta")
    if isinstance(meta_in, dict) and isinstance(meta_in.get("id"), str) and isinstance(meta_in.get("source"), str):
        meta = dict(meta_in)
    else:
        meta = {"id": stable_id(source, text), "source": source}
    if annotation is not None:
        exported = [layer for layer in data.get("review_layers") or [] if layer in reg.layers]
        layers = set(exported) | set(meta.get("reviewed_layers") or []) | {reg.layer_of(s["label"]) for s in spans}
        meta["reviewed_layers"] = [layer for layer in LAYERS if layer in layers]
        meta["review"] = {"tool": "labelstudio", "origin": "annotation", "task": task.get("id"), "annotation": annotation.get("id"),
                          "annotator": _who(annotation), "updated_at": annotation.get("updated_at")}
    else:  # nobody reviewed it (whatever pre-annotations it had): `corpus merge` leaves the machine record alone
        meta["review"] = {"tool": "labelstudio", "origin": "predictions", "task": task.get("id")}
    return assemble_checked(text, meta, spans, relations, source, reg)


def _parse_results(results: list[Any], text: str, source: str, reg: Registry) -> tuple[list[dict[str, Any]], list[tuple[str, Any, Any]]]:
    """Spans and relations from one annotation's result list."""
    offsets = Utf16Offsets(text)
    controls = attribute_controls(reg)
    regions: dict[str, list[dict[str, Any]]] = {}
    per_region: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for item in results:
        if not isinstance(item, dict):
            raise CorpusError("E080", CODES["E080"].format(source=source, format=FORMAT, cause=f"a result is {type(item).__name__}, not an object"))
        kind = item.get("type")
        if kind == "relation":
            links.append(item)
        elif kind == "labels":
            regions[str(item.get("id"))] = _region_spans(item, text, offsets, source)
        elif kind in ("choices", "textarea") and item.get("from_name") in controls:
            per_region.append(item)
        else:
            raise CorpusError("E080", CODES["E080"].format(
                source=source, format=FORMAT,
                cause=f"result of type {kind!r} from control {item.get('from_name')!r} has no place in a record; "
                      f"known: labels, relation, and per-region attributes {', '.join(controls)}"))
    for item in per_region:
        label, spec = controls[item["from_name"]]
        targets = [s for s in regions.get(str(item.get("id")), []) if s["label"] == label]
        # a value left over from a label the region no longer has (the reviewer relabelled it) means nothing
        for span in targets:
            span.setdefault("attrs", {})[spec.name] = _attr_value(item, span, spec, source)
    spans = [s for group in regions.values() for s in group]
    relations = [rel for item in links for rel in _relations(item, regions, source, reg)]
    return spans, relations


def _region_spans(item: dict[str, Any], text: str, offsets: Utf16Offsets, source: str) -> list[dict[str, Any]]:
    value = item.get("value") or {}
    labels = value.get("labels")
    start16, end16 = value.get("start"), value.get("end")
    if not isinstance(labels, list) or not labels or not isinstance(start16, int) or not isinstance(end16, int):
        raise CorpusError("E080", CODES["E080"].format(source=source, format=FORMAT, cause=f"region {item.get('id')!r} lacks integer value.start/end or value.labels"))
    name = "|".join(map(str, labels))
    try:
        start, end = offsets.from_utf16(start16), offsets.from_utf16(end16)
    except CorpusError as exc:
        raise CorpusError("E081", CODES["E081"].format(source=source, label=name, start=start16, end=end16, cause=exc.message)) from exc
    if start >= end:
        raise CorpusError("E081", CODES["E081"].format(source=source, label=name, start=start16, end=end16, cause="the region is empty"))
    shown = value.get("text")
    if isinstance(shown, str) and shown != text[start:end]:
        raise CorpusError("E081", CODES["E081"].format(source=source, label=name, start=start16, end=end16,
                                                      cause=f"Label Studio shows {shown!r} but the text there is {text[start:end]!r}"))
    if text[start].isspace() or text[end - 1].isspace():
        raise CorpusError("E081", CODES["E081"].format(source=source, label=name, start=start16, end=end16,
                                                      cause=f"the selection {text[start:end]!r} starts or ends with whitespace; select the words only"))
    out = []
    for label in labels:
        ours = LABELS.get(label)
        if ours is None:
            raise CorpusError("E082", CODES["E082"].format(source=source, label=label, known=", ".join(LABELS)))
        out.append({"start": start, "end": end, "label": ours})
    return out


def _attr_value(item: dict[str, Any], span: dict[str, Any], spec: AttrSpec, source: str) -> Any:
    value = item.get("value") or {}
    where = {"source": source, "attr": spec.name, "label": span["label"], "start": span["start"], "end": span["end"]}
    given = value.get("choices") if item.get("type") == "choices" else value.get("text")
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list) or len(given) != 1 or not isinstance(given[0], str):
        raise CorpusError("E083", CODES["E083"].format(**where, cause=f"expected exactly one value, got {given!r}"))
    return given[0] if item.get("type") == "choices" else decode_attr(given[0], spec)


def _relations(item: dict[str, Any], regions: dict[str, list[dict[str, Any]]], source: str, reg: Registry) -> Iterator[tuple[str, Any, Any]]:
    """Relations of one `relation` result. A relation without a label takes the only one the registry
    allows between the two spans; a region with several labels uses the one the relation allows."""
    a, b = str(item.get("from_id")), str(item.get("to_id"))
    names = [n for n in item.get("labels") or [] if isinstance(n, str)]
    shown = "|".join(names) or "(no label)"
    if a not in regions or b not in regions:
        raise CorpusError("E084", CODES["E084"].format(source=source, label=shown, cause=f"region {a if a not in regions else b!r} is not a labelled region of this annotation"))
    direction = item.get("direction", "right")
    orientations = {"right": [(a, b)], "left": [(b, a)], "bi": [(a, b), (b, a)]}.get(direction)
    if orientations is None:
        raise CorpusError("E084", CODES["E084"].format(source=source, label=shown, cause=f"unknown direction {direction!r}"))
    wanted: list[str | None] = list(names) or [None]
    for name in wanted:
        options = []
        for head_id, child_id in orientations:
            for head in regions[head_id]:
                for child in regions[child_id]:
                    for label in ([name] if name else list(reg.relations)):
                        if reg.allows(label, head["label"], child["label"]):
                            options.append((label, (head["start"], head["end"], head["label"]), (child["start"], child["end"], child["label"])))
        if len(options) != 1:
            heads = "|".join(s["label"] for s in regions[a])
            children = "|".join(s["label"] for s in regions[b])
            why = "no allowed relation" if not options else f"{len(options)} possible readings"
            raise CorpusError("E084", CODES["E084"].format(source=source, label=name or shown, cause=f"{why} between {heads} and {children} (direction {direction})"))
        yield options[0]


def read_tasks(path: Path) -> list[Any]:
    """The tasks of a Label Studio JSON export (a list, or one task) or of a JSONL file of tasks."""
    raw = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".jsonl":
        return [loads(line) for line in raw.splitlines() if line.strip()]
    data = loads(raw)
    return data if isinstance(data, list) else [data]


def _tasks(path: Path) -> Iterator[tuple[str, Any] | Reject]:
    """(where, task) for each task of one file, or a Reject for what cannot be read: a JSONL line
    that is not JSON costs that line, a JSON file that is not JSON costs the file."""
    if path.suffix.lower() == ".jsonl":
        errors: list[InvalidLineError] = []
        for line in iter_lines(path, skip_invalid=True, errors=errors):
            yield from (_line_reject(path, err) for err in errors)
            errors.clear()
            task = line.record
            yield f"{path.name}#{task.get('id', line.lineno - 1)}", task
        yield from (_line_reject(path, err) for err in errors)
        return
    try:
        tasks = read_tasks(path)
    except (OSError, ValueError) as exc:
        yield Reject(str(path), "E080", CODES["E080"].format(source=path, format=FORMAT, cause=exc))
        return
    except RecursionError:  # `[[[[...` thousands deep
        yield Reject(str(path), "E080", CODES["E080"].format(source=path, format=FORMAT, cause="the JSON is nested too deeply to read"))
        return
    for n, task in enumerate(tasks):
        yield f"{path.name}#{task.get('id', n) if isinstance(task, dict) else n}", task


def _line_reject(path: Path, err: InvalidLineError) -> Reject:
    where = f"{path.name}:{err.lineno}"
    return Reject(where, "E080", CODES["E080"].format(source=where, format=FORMAT, cause=f"{err.code} {err.message}"), raw=err.line.rstrip("\r\n"))


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records from Label Studio JSON exports (files or directories of .json/.jsonl), one per task."""
    reg = load_registry()
    for path, _root in walk_files(inputs, (".json", ".jsonl")):
        for item in _tasks(path):
            if isinstance(item, Reject):
                yield item
                continue
            where, task = item
            if not isinstance(task, dict):
                yield Reject(where, "E080", CODES["E080"].format(source=where, format=FORMAT, cause=f"a task is {type(task).__name__}, not an object"))
                continue
            try:
                yield task_to_record(task, where, reg)
            except CorpusError as exc:
                yield Reject(where, exc.code, exc.message, raw=task)
            except RecursionError:  # a task that parsed but nests too deeply for the checks
                yield Reject(where, "E080", CODES["E080"].format(source=where, format=FORMAT, cause="the task is nested too deeply to read"))
