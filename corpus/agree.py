"""Inter-annotator agreement between two annotations of the same records.

Records are matched by `_input_hash` (recomputed from the text). Per label: span F1 on exact
matches (same start, end and label) and on overlaps (a span counts when a span of the other side
with the same label shares a character), and how often exactly matched spans carry the same
attributes (a QUOTE's kind, a STANCE's polarity). Per layer: Cohen's kappa over token labels, each token
labelled with the label of the span of that layer covering it, else `O` (the shortest span wins
where a layer's spans nest). Both sides are read on one token grid (spaCy's tokens cut at every
span edge of either side) and whitespace tokens are left out, so layout never counts as agreement.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import CODES, CorpusError
from .merge import input_hash, tokenize_at
from .record import span_key
from .registry import Registry, load_registry

__all__ = ["Agreement", "agree", "token_labels", "f1"]

Key = tuple[int, int, str]


def f1(matched_a: int, total_a: int, matched_b: int, total_b: int) -> dict[str, float]:
    """Precision of B against A, recall of A by B, and their harmonic mean (0 where undefined)."""
    p = matched_b / total_b if total_b else 0.0
    r = matched_a / total_a if total_a else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


@dataclass
class _Counts:
    a: int = 0
    b: int = 0
    exact: int = 0
    overlap_a: int = 0
    overlap_b: int = 0
    same_attrs: int = 0

    def add(self, other: "_Counts") -> None:
        self.a += other.a
        self.b += other.b
        self.exact += other.exact
        self.overlap_a += other.overlap_a
        self.overlap_b += other.overlap_b
        self.same_attrs += other.same_attrs

    def to_json(self) -> dict[str, Any]:
        """Counts and scores; a score is None (not 0) when neither side has a span to score."""
        empty = self.a == 0 and self.b == 0
        return {"a": self.a, "b": self.b,
                "exact": None if empty else f1(self.exact, self.a, self.exact, self.b),
                "overlap": None if empty else f1(self.overlap_a, self.a, self.overlap_b, self.b),
                "attrs_agree": self.same_attrs / self.exact if self.exact else None}


@dataclass
class Agreement:
    """Agreement figures: per label span F1, per layer kappa and micro F1, relation F1, and coverage."""

    records: int = 0
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    labels: dict[str, _Counts] = field(default_factory=dict)
    relations: dict[str, _Counts] = field(default_factory=dict)
    tokens: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    def kappa(self, layer: str) -> float | None:
        """Cohen's kappa of the layer's token labels; None when undefined (one label on both sides)."""
        from sklearn.metrics import cohen_kappa_score

        la, lb = self.tokens.get(layer, ([], []))
        if not la or len(set(la) | set(lb)) < 2:
            return None
        return float(cohen_kappa_score(la, lb))

    def layer_counts(self, layer: str, registry: Registry) -> _Counts:
        total = _Counts()
        for label, counts in self.labels.items():
            if registry.layer_of(label) == layer:
                total.add(counts)
        return total

    def to_json(self, registry: Registry | None = None) -> dict[str, Any]:
        reg = registry or load_registry()
        layers = {}
        for layer in reg.layers:
            la, _ = self.tokens.get(layer, ([], []))
            layers[layer] = {"kappa": self.kappa(layer), "tokens": len(la), **self.layer_counts(layer, reg).to_json()}
        return {
            "records": self.records,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "layers": layers,
            "labels": {label: {"layer": reg.layer_of(label), **c.to_json()} for label, c in self.labels.items()},
            # attrs_agree: of the spans both sides marked exactly alike, the share whose attributes are equal too
            "relations": {label: {"a": c.a, "b": c.b, "exact": f1(c.exact, c.a, c.exact, c.b)} for label, c in self.relations.items()},
        }


def _overlaps(span: Key, others: list[Key]) -> bool:
    return any(o[2] == span[2] and o[0] < span[1] and span[0] < o[1] for o in others)


def token_labels(tokens: list[dict[str, Any]], spans: Iterable[Key]) -> list[str]:
    """Each token's label: that of the shortest span covering it, else `O`."""
    labels = ["O"] * len(tokens)
    width = [0] * len(tokens)
    starts = [t["start"] for t in tokens]
    from bisect import bisect_left

    for start, end, label in spans:
        i = bisect_left(starts, start)
        while i < len(tokens) and tokens[i]["end"] <= end:
            w = end - start
            if labels[i] == "O" or w < width[i] or (w == width[i] and label < labels[i]):
                labels[i], width[i] = label, w
            i += 1
    return labels


def _compare(a: dict[str, Any], b: dict[str, Any], out: Agreement, reg: Registry) -> None:
    attrs_a = {span_key(s): s.get("attrs") or {} for s in a.get("spans", [])}
    attrs_b = {span_key(s): s.get("attrs") or {} for s in b.get("spans", [])}
    spans_a, spans_b = set(attrs_a), set(attrs_b)
    by_label_a: dict[str, list[Key]] = defaultdict(list)
    by_label_b: dict[str, list[Key]] = defaultdict(list)
    for k in spans_a:
        by_label_a[k[2]].append(k)
    for k in spans_b:
        by_label_b[k[2]].append(k)
    for label in set(by_label_a) | set(by_label_b):
        reg.layer_of(label)  # an unknown label is an error, not a silent zero
        sa, sb = by_label_a.get(label, []), by_label_b.get(label, [])
        c = out.labels.setdefault(label, _Counts())
        c.a += len(sa)
        c.b += len(sb)
        both = set(sa) & set(sb)
        c.exact += len(both)
        c.same_attrs += sum(attrs_a[k] == attrs_b[k] for k in both)
        c.overlap_a += sum(_overlaps(k, sb) for k in sa)
        c.overlap_b += sum(_overlaps(k, sa) for k in sb)

    def rels(record: dict[str, Any]) -> Counter[tuple[str, Key, Key]]:
        return Counter((r["label"], span_key(r["head_span"]), span_key(r["child_span"])) for r in record.get("relations", []))

    ra, rb = rels(a), rels(b)
    for label in {k[0] for k in ra} | {k[0] for k in rb}:
        c = out.relations.setdefault(label, _Counts())
        c.a += sum(n for k, n in ra.items() if k[0] == label)
        c.b += sum(n for k, n in rb.items() if k[0] == label)
        c.exact += sum((ra & rb)[k] for k in ra if k[0] == label)

    cuts = {x for k in spans_a | spans_b for x in k[:2]}
    tokens = [t for t in tokenize_at(a["text"], cuts) if not t["text"].isspace()]
    for layer, labels in reg.layers.items():
        la = token_labels(tokens, (k for k in spans_a if k[2] in labels))
        lb = token_labels(tokens, (k for k in spans_b if k[2] in labels))
        seq_a, seq_b = out.tokens.setdefault(layer, ([], []))
        seq_a.extend(la)
        seq_b.extend(lb)


def agree(a: Iterable[dict[str, Any]], b: Iterable[dict[str, Any]], registry: Registry | None = None) -> Agreement:
    """Compare annotations A and B of the same records (matched by input hash; B is held in memory)."""
    reg = registry or load_registry()
    out = Agreement()
    pending: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rec in b:
        pending[input_hash(rec)].append(rec)
    for rec in a:
        candidates = pending.get(input_hash(rec))
        if not candidates:
            out.only_a.append(str(rec.get("meta", {}).get("id", "?")))
            continue
        rid = rec.get("meta", {}).get("id")
        pick = next((i for i, c in enumerate(candidates) if c.get("meta", {}).get("id") == rid), 0)
        _compare(rec, candidates.pop(pick), out, reg)
        out.records += 1
    out.only_b = [str(r.get("meta", {}).get("id", "?")) for recs in pending.values() for r in recs]
    if out.records == 0:
        raise CorpusError("E087", CODES["E087"].format(cause="no record of A has the text of a record of B; nothing to compare"))
    return out
