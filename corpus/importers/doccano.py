"""doccano JSONL exports back into records.

Two layouts are read: sequence labelling (`label`, or the older `labels`: [[start, end, label], ...])
and relation extraction (`entities` [{id, start_offset, end_offset, label}] + `relations`
[{id, from_id, to_id, type}]). Offsets are code points. The columns `corpus export-review doccano`
adds (`meta`, `span_attrs`, `review_layers`) restore the record's meta and the span attributes,
which doccano cannot show; a span whose attributes are required but unknown (one the reviewer
added or moved) makes the line a reject that says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..converters import Reject
from ..errors import CODES, CorpusError, InvalidLineError
from ..jsonl import iter_lines, loads
from ..merge import assemble_checked
from ..record import stable_id
from ..registry import LAYERS, Registry, load_registry
from . import ImportOptions, walk_files

__all__ = ["LABELS", "read", "line_to_record"]

FORMAT = "doccano"
LABELS: dict[str, str] = {label: label for label in load_registry().labels}
"""doccano label -> our label. `corpus export-review doccano` uses our labels verbatim."""

_OURS = ("meta", "span_attrs", "review_layers")


def _columns(line: dict[str, Any]) -> dict[str, Any]:
    """Our extra columns, whether doccano wrote them back at the top level or nested in its `meta`."""
    found = {k: line[k] for k in _OURS if k in line}
    nested = line.get("meta")
    if isinstance(nested, dict) and any(k in nested for k in _OURS) and "schema_version" not in nested:
        found.update({k: nested[k] for k in _OURS if k in nested})
    return found


def _fail(source: str, cause: str) -> CorpusError:
    return CorpusError("E080", CODES["E080"].format(source=source, format=FORMAT, cause=cause))


def _spans_and_links(line: dict[str, Any], source: str) -> tuple[list[tuple[Any, int, int, str]], list[tuple[Any, Any, str]]]:
    """(entity id, start, end, label) and (from id, to id, type) from either layout."""
    if "entities" in line:
        entities, relations = line.get("entities") or [], line.get("relations") or []
        if not isinstance(entities, list) or not isinstance(relations, list):
            raise _fail(source, "entities and relations must be lists")
        spans = []
        for e in entities:
            if not isinstance(e, dict) or not {"start_offset", "end_offset", "label"} <= e.keys():
                raise _fail(source, f"entity {e!r} lacks start_offset, end_offset or label")
            spans.append((e.get("id"), e["start_offset"], e["end_offset"], e["label"]))
        links = []
        for r in relations:
            kind = r.get("type", r.get("label")) if isinstance(r, dict) else None
            if kind is None or "from_id" not in r or "to_id" not in r:
                raise _fail(source, f"relation {r!r} lacks from_id, to_id or type")
            links.append((r["from_id"], r["to_id"], kind))
        return spans, links
    triples = line.get("label", line.get("labels", []))
    if not isinstance(triples, list) or any(not (isinstance(t, list) and len(t) == 3) for t in triples):
        raise _fail(source, "label must be a list of [start, end, label] (is this a text-classification project?)")
    return [(None, s, e, lab) for s, e, lab in triples], []


def line_to_record(line: dict[str, Any], source: str, registry: Registry | None = None) -> dict[str, Any]:
    """One doccano line as a valid record; raises `CorpusError` (a stable code) when it cannot be one."""
    reg = registry or load_registry()
    text = line.get("text")
    if not isinstance(text, str) or not text:
        raise _fail(source, f"the line has no text (keys: {sorted(line)})")
    ours = _columns(line)
    attrs_by_key: dict[tuple[int, int, str], dict[str, Any]] = {}
    for item in ours.get("span_attrs") or []:
        if isinstance(item, list) and len(item) == 4 and isinstance(item[3], dict):
            attrs_by_key[(item[0], item[1], item[2])] = item[3]
    raw_spans, links = _spans_and_links(line, source)
    spans: list[dict[str, Any]] = []
    by_id: dict[Any, dict[str, Any]] = {}
    for eid, start, end, label in raw_spans:
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            raise CorpusError("E081", CODES["E081"].format(source=source, label=label, start=start, end=end, cause=f"offsets must be integers inside the text (length {len(text)})"))
        if text[start].isspace() or text[end - 1].isspace():
            raise CorpusError("E081", CODES["E081"].format(source=source, label=label, start=start, end=end,
                                                          cause=f"the selection {text[start:end]!r} starts or ends with whitespace; select the words only"))
        if label not in LABELS:
            raise CorpusError("E082", CODES["E082"].format(source=source, label=label, known=", ".join(LABELS)))
        span: dict[str, Any] = {"start": start, "end": end, "label": LABELS[label]}
        attrs = attrs_by_key.get((start, end, LABELS[label]))
        if attrs:
            span["attrs"] = dict(attrs)
        missing = [n for n, spec in reg.attrs[span["label"]].items() if spec.required and n not in (attrs or {})]
        if missing:
            raise CorpusError("E083", CODES["E083"].format(
                source=source, attr=missing[0], label=span["label"], start=start, end=end,
                cause="required, and doccano cannot carry attributes: this span was added or moved in doccano; "
                      "review this layer in Label Studio, or add the span's attributes to span_attrs"))
        spans.append(span)
        if eid is not None:
            by_id[eid] = span
    relations = []
    for a, b, kind in links:
        if a not in by_id or b not in by_id:
            raise CorpusError("E084", CODES["E084"].format(source=source, label=kind, cause=f"entity {a if a not in by_id else b!r} does not exist"))
        head, child = by_id[a], by_id[b]
        if not reg.allows(kind, head["label"], child["label"]):
            raise CorpusError("E084", CODES["E084"].format(source=source, label=kind, cause=f"{head['label']} -> {child['label']} is not an allowed relation"))
        relations.append((kind, (head["start"], head["end"], head["label"]), (child["start"], child["end"], child["label"])))
    meta_in = ours.get("meta")
    if isinstance(meta_in, dict) and isinstance(meta_in.get("id"), str) and isinstance(meta_in.get("source"), str):
        meta = dict(meta_in)
    else:
        meta = {"id": stable_id(source, text), "source": source}
    exported = [layer for layer in ours.get("review_layers") or [] if layer in reg.layers]
    if exported:  # everything in a doccano export is what the reviewer left there
        layers = set(exported) | set(meta.get("reviewed_layers") or [])
        meta["reviewed_layers"] = [layer for layer in LAYERS if layer in layers]
    unique = list({(s["start"], s["end"], s["label"], json.dumps(s.get("attrs"), sort_keys=True)): s for s in spans}.values())
    return assemble_checked(text, meta, unique, relations, source, reg)


def _lines(path: Path) -> Iterator[tuple[str, dict[str, Any] | InvalidLineError]]:
    if path.suffix.lower() == ".json":
        data = loads(path.read_text(encoding="utf-8-sig"))
        for n, item in enumerate(data if isinstance(data, list) else [data], start=1):
            yield f"{path.name}#{n}", item
        return
    errors: list[InvalidLineError] = []
    for line in iter_lines(path, skip_invalid=True, errors=errors):
        while errors:
            err = errors.pop(0)
            yield f"{path.name}:{err.lineno}", err
        yield f"{path.name}:{line.lineno}", line.record
    for err in errors:
        yield f"{path.name}:{err.lineno}", err


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records from doccano exports (JSONL, or a JSON array), one per line."""
    reg = load_registry()
    for path, _root in walk_files(inputs, (".jsonl", ".json", ".jsonl.gz")):
        try:
            for where, item in _lines(path):
                if isinstance(item, InvalidLineError):
                    yield Reject(where, item.code, item.message, raw=item.line)
                    continue
                if not isinstance(item, dict):
                    yield Reject(where, "E080", CODES["E080"].format(source=where, format=FORMAT, cause=f"a line is {type(item).__name__}, not an object"))
                    continue
                try:
                    yield line_to_record(item, where, reg)
                except CorpusError as exc:
                    yield Reject(where, exc.code, exc.message, raw=item)
        except CorpusError as exc:  # the file cannot be decoded
            yield Reject(str(path), exc.code, exc.message)
        except (OSError, ValueError) as exc:
            yield Reject(str(path), "E080", CODES["E080"].format(source=path, format=FORMAT, cause=exc))
        except RecursionError:  # `[[[[...` thousands deep
            yield Reject(str(path), "E080", CODES["E080"].format(source=path, format=FORMAT, cause="the JSON is nested too deeply to read"))
