"""Merge a human review back into machine annotations, layer by layer.

Records are matched by `_input_hash`, recomputed from the text (so a missing or stale hash, or one
another tool computed, still matches). For each matched record, every layer the human *touched*
replaces the machine's version of it; the others stay. A layer is touched when the human record
has any span of that layer, or lists the layer in `meta.reviewed_layers` (how a reviewer says "I
removed every quote on purpose"). Relations belong to their head span's layer. Nothing is dropped:
unmatched machine records pass through, unmatched human records are written with `meta.merge`
saying why, and every conflict is reported. A human record marked `meta.review.origin ==
"predictions"` (a task nobody reviewed, imported from the tool's pre-annotations) reviews nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import CODES, CorpusError
from .record import TokenIndex, make_relation, new_record, set_hashes, span_key, tokenize
from .registry import LAYERS, Registry, load_registry
from .validate import check_record

__all__ = ["assemble", "tokenize_at", "input_hash", "touched_layers", "merge_pair", "merge", "MergeReport", "Conflict", "describe"]

SpanKey = tuple[int, int, str]
_TOKEN_FIELDS = ("start", "end", "token_start", "token_end", "label", "attrs")


def input_hash(record: dict[str, Any]) -> int:
    """The record's `_input_hash` as `set_hashes` computes it from the text (stored values are not trusted)."""
    return int(set_hashes({"text": record["text"]})["_input_hash"])


def tokenize_at(text: str, cuts: Iterable[int]) -> list[dict[str, Any]]:
    """`record.tokenize(text, cuts)`, handing it only the cuts that are not token boundaries already
    (the result is the same; `tokenize` compares every token with every cut, slow on long articles)."""
    tokens = tokenize(text)
    edges = {t["start"] for t in tokens} | {t["end"] for t in tokens}
    extra = [c for c in cuts if c not in edges]
    return tokenize(text, cuts=extra) if extra else tokens


def assemble(
    text: str,
    meta: dict[str, Any],
    spans: Sequence[dict[str, Any]],
    relations: Sequence[tuple[str, SpanKey, SpanKey]],
    base_tokens: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A record for `text` with these spans (start, end, label, attrs) and relations (label, head key, child key).

    Tokens are spaCy's, cut at every span edge and at every boundary of `base_tokens`, so gold
    offsets are kept exactly and an existing tokenization survives. Spans go through `TokenIndex`
    and relations through `make_relation`; an offset that cannot be placed raises `CorpusError`.
    """
    cuts: set[int] = set()
    for span in spans:
        cuts.update((span["start"], span["end"]))
    for tok in base_tokens or ():
        cuts.update((tok["start"], tok["end"]))
    tokens = tokenize_at(text, cuts)
    index = TokenIndex(text, tokens)
    built: dict[SpanKey, dict[str, Any]] = {}
    for span in spans:
        made = index.span(span["start"], span["end"], span["label"], span.get("attrs") or None)
        made.update({k: v for k, v in span.items() if k not in _TOKEN_FIELDS})
        built.setdefault(span_key(made), made)
    rels = []
    seen: set[tuple[str, SpanKey, SpanKey]] = set()
    for label, head, child in relations:
        if (label, head, child) in seen:
            continue
        seen.add((label, head, child))
        for key in (head, child):
            if key not in built:
                raise CorpusError("E041", f"relation {label}: its span {key[2]} [{key[0]}:{key[1]}] is not in spans")
        rels.append(make_relation(label, built[head], built[child]))
    rest = {k: v for k, v in meta.items() if k not in ("id", "source")}
    record = new_record(text, source=meta["source"], id=meta["id"], tokens=tokens, answer="accept", **rest)  # a human review
    record["spans"] = sorted(built.values(), key=lambda s: (s["start"], s["end"], s["label"]))
    record["relations"] = sorted(rels, key=lambda r: (span_key(r["head_span"]), span_key(r["child_span"]), r["label"]))
    return set_hashes(record)


def assemble_checked(text: str, meta: dict[str, Any], spans: Sequence[dict[str, Any]], relations: Sequence[tuple[str, SpanKey, SpanKey]], source: str, reg: Registry) -> dict[str, Any]:
    """`assemble`, then the validator: an imported review that would make an invalid record is
    refused as a whole (E085, the first problems named), never written half-right."""
    try:
        record = assemble(text, meta, spans, relations)
    except CorpusError as exc:
        raise CorpusError("E085", CODES["E085"].format(source=source, problems=exc)) from exc
    problems = check_record(record, reg)
    if problems:
        raise CorpusError("E085", CODES["E085"].format(source=source, problems="; ".join(str(p) for p in problems[:5])))
    return record


def touched_layers(human: dict[str, Any], registry: Registry | None = None) -> set[str]:
    """Layers the human reviewed: those with any span in the human record, plus `meta.reviewed_layers`."""
    reg = registry or load_registry()
    layers = {reg.layer_of(s["label"]) for s in human.get("spans", [])}
    listed = (human.get("meta") or {}).get("reviewed_layers") or []
    layers.update(layer for layer in listed if layer in reg.layers)
    return layers


@dataclass(frozen=True)
class Conflict:
    """One thing the merge could not reconcile silently: the record, a kind, the details."""

    id: str
    kind: str
    detail: str
    data: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "code": "E086", "detail": self.detail}
        if self.data is not None:
            out["data"] = self.data
        return out


@dataclass
class MergeReport:
    """What a merge did: counts, replaced layers, conflicts and the ids left unmatched on each side."""

    machine: int = 0
    human: int = 0
    merged: int = 0
    unchanged: int = 0
    not_reviewed: int = 0
    layers_replaced: Counter[str] = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)
    unmatched_machine: list[str] = field(default_factory=list)
    unmatched_human: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": {
                "machine": self.machine,
                "human": self.human,
                "merged": self.merged,
                "unchanged": self.unchanged,
                "not_reviewed": self.not_reviewed,
                "unmatched_machine": len(self.unmatched_machine),
                "unmatched_human": len(self.unmatched_human),
                "conflicts": len(self.conflicts),
            },
            "layers_replaced": dict(sorted(self.layers_replaced.items())),
            "conflicts": [c.to_json() for c in self.conflicts],
            "unmatched_machine": self.unmatched_machine,
            "unmatched_human": self.unmatched_human,
        }


def _rid(record: dict[str, Any]) -> str:
    meta = record.get("meta") or {}
    return str(meta.get("id", "?"))


def merge_pair(machine: dict[str, Any], human: dict[str, Any], registry: Registry | None = None) -> tuple[dict[str, Any], list[Conflict]]:
    """One merged record: the human's touched layers over the machine's others, plus the conflicts.

    A kept relation whose span is gone (the human removed the child it pointed at) is taken out and
    reported. If the result cannot be built or is invalid, the machine record is returned unchanged
    with a conflict that carries the human record.
    """
    reg = registry or load_registry()
    rid = _rid(machine)
    touched = touched_layers(human, reg)
    spans = [s for s in machine.get("spans", []) if reg.layer_of(s["label"]) not in touched]
    spans += [s for s in human.get("spans", []) if reg.layer_of(s["label"]) in touched]
    keys = {span_key(s) for s in spans}
    conflicts: list[Conflict] = []
    relations: list[tuple[str, SpanKey, SpanKey]] = []
    candidates = [(r, "machine") for r in machine.get("relations", []) if reg.relation_layer(r["head_span"]["label"]) not in touched]
    candidates += [(r, "human") for r in human.get("relations", []) if reg.relation_layer(r["head_span"]["label"]) in touched]
    for rel, side in candidates:
        head, child = span_key(rel["head_span"]), span_key(rel["child_span"])
        missing = [k for k in (head, child) if k not in keys]
        if missing:
            gone = ", ".join(f"{k[2]} [{k[0]}:{k[1]}]" for k in missing)
            conflicts.append(Conflict(rid, "dangling-relation", f"{side} relation {rel['label']} {head[2]} [{head[0]}:{head[1]}] -> {child[2]} [{child[0]}:{child[1]}] points at {gone}, which the review removed; the relation is left out", rel))
            continue
        relations.append((rel["label"], head, child))
    meta = dict(machine["meta"])
    annotators = dict(meta.get("annotators") or {})
    for layer in sorted(touched, key=LAYERS.index):
        annotators[layer] = "human"
    if annotators:
        meta["annotators"] = annotators
    review = (human.get("meta") or {}).get("review")
    if review is not None:  # who reviewed, with which tool, when
        meta["review"] = review
    meta["reviewed_layers"] = sorted(set(meta.get("reviewed_layers") or []) | touched, key=lambda x: LAYERS.index(x) if x in LAYERS else len(LAYERS))
    try:
        merged = assemble(machine["text"], meta, spans, relations, base_tokens=machine.get("tokens"))
    except CorpusError as exc:
        return machine, [Conflict(rid, "unplaceable", f"the merged spans cannot be placed on the text ({exc}); the machine record is kept", human)]
    for key in ("answer", "_view_id"):
        if key in machine:
            merged[key] = machine[key]
    problems = check_record(merged, reg)
    if problems:
        detail = "; ".join(str(p) for p in problems[:5])
        return machine, [Conflict(rid, "invalid-merge", f"the merged record would be invalid ({detail}); the machine record is kept", human)]
    return merged, conflicts


def _not_reviewed(human: dict[str, Any]) -> bool:
    """A "human" record that only carries the tool's pre-annotations back (nobody submitted a review)."""
    review = (human.get("meta") or {}).get("review")
    return isinstance(review, dict) and review.get("origin") == "predictions"


class _HumanIndex:
    """Human records by input hash and by id, remembering which have been used."""

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self.records = list(records)
        self.by_hash: dict[int, list[int]] = {}
        self.by_id: dict[str, list[int]] = {}
        for i, rec in enumerate(self.records):
            self.by_hash.setdefault(input_hash(rec), []).append(i)
            self.by_id.setdefault(_rid(rec), []).append(i)
        self.used: set[int] = set()

    def take(self, machine: dict[str, Any], h: int) -> dict[str, Any] | None:
        free = [i for i in self.by_hash.get(h, []) if i not in self.used]
        if not free:
            return None
        same_id = [i for i in free if _rid(self.records[i]) == _rid(machine)]
        pick = (same_id or free)[0]
        self.used.add(pick)
        return self.records[pick]


def merge(machine: Iterable[dict[str, Any]], human: Iterable[dict[str, Any]], report: MergeReport | None = None, registry: Registry | None = None) -> Iterator[dict[str, Any]]:
    """Yield the merged corpus: machine records in their order (merged where reviewed), then the
    human records that matched none, flagged in `meta.merge`. The human file is held in memory;
    the machine file streams. Fill `report` as it goes."""
    reg = registry or load_registry()
    rep = report if report is not None else MergeReport()
    index = _HumanIndex(human)
    rep.human = len(index.records)
    for i, rec in enumerate(index.records):
        problems = check_record(rec, reg)
        if problems:
            index.used.add(i)
            detail = "; ".join(str(p) for p in problems[:5])
            rep.conflicts.append(Conflict(_rid(rec), "invalid-human", f"the human record is invalid and was not used ({detail})", rec))
    machine_ids: set[str] = set()
    machine_hashes: dict[int, str] = {}
    for rec in machine:
        rep.machine += 1
        rid = _rid(rec)
        machine_ids.add(rid)
        h = input_hash(rec)
        machine_hashes.setdefault(h, rid)
        human_rec = index.take(rec, h)
        if human_rec is None or _not_reviewed(human_rec):
            if human_rec is None:
                rep.unmatched_machine.append(rid)
            else:
                rep.not_reviewed += 1
            for j in index.by_id.get(rid, []):
                if input_hash(index.records[j]) != h:
                    rep.conflicts.append(Conflict(rid, "text-differs", "a human record has this id but a different text; the machine record passes through unchanged and the human one is written apart"))
                    break
            problems = check_record(rec, reg)
            if problems:
                detail = "; ".join(str(p) for p in problems[:3])
                rep.conflicts.append(Conflict(rid, "invalid-machine", f"the machine record is invalid ({detail}); it passes through unchanged"))
            yield rec
            continue
        try:
            merged, conflicts = merge_pair(rec, human_rec, reg)
        except CorpusError as exc:  # a machine record with labels the registry does not know
            merged, conflicts = rec, [Conflict(rid, "invalid-machine", f"the machine record cannot be merged ({exc}); it passes through unchanged", human_rec)]
        rep.conflicts.extend(conflicts)
        if merged is rec:
            rep.unchanged += 1
        else:
            rep.merged += 1
            rep.layers_replaced.update(touched_layers(human_rec, reg))
        yield merged
    used_ids = set(machine_ids)
    for i, rec in enumerate(index.records):
        if i in index.used:
            continue
        rid = _rid(rec)
        h = input_hash(rec)
        if h in machine_hashes:
            reason = f"a second human record for machine record {machine_hashes[h]}; the first one was merged"
            rep.conflicts.append(Conflict(rid, "duplicate-human", reason))
        elif rid in machine_ids:
            reason = f"its text differs from machine record {rid}'s"
        else:
            reason = "no machine record has this text"
        out = dict(rec)
        meta = dict(rec["meta"])
        flag: dict[str, Any] = {"status": "human-only", "reason": reason}
        new_id, n = rid, 1
        while new_id in used_ids:
            new_id = f"{rid}-human{'' if n == 1 else n}"
            n += 1
        if new_id != rid:
            flag["original_id"] = rid
            meta["id"] = new_id
        meta["merge"] = flag
        out["meta"] = meta
        used_ids.add(new_id)
        rep.unmatched_human.append(new_id)
        yield out


def describe(conflict: Conflict) -> str:
    """A conflict as one line with its code, as the CLI prints it."""
    return f"E086 {CODES['E086'].format(id=conflict.id, cause=conflict.detail)}"
