"""What every annotator shares: how a component writes its layer onto the shared `Doc`.

A component reads the one parse and writes only its own layer: the spaCy spans go to
`doc.spans[layer]` (so displaCy and anyone's code can read them), and the record view (spans with
their attributes, and relations) goes to `doc._.annotations[layer]`, from which the runner builds
the record. Spans are made from spaCy `Span`s only, so offsets agree with tokens by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, SpanGroup

from corpus.record import make_relation, span_from_spacy

__all__ = ["LayerWriter", "LayerResult", "annotations_of", "trim"]

if not Doc.has_extension("annotations"):
    Doc.set_extension("annotations", default=None)


@dataclass
class LayerResult:
    """One layer in record form: spans (with attrs) and relations between them."""

    spans: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)


def annotations_of(doc: Doc) -> dict[str, LayerResult]:
    """The layers written on `doc` so far (created on first use)."""
    if doc._.annotations is None:
        doc._.annotations = {}
    result: dict[str, LayerResult] = doc._.annotations
    return result


def trim(span: Span) -> Span:
    """The span without whitespace tokens at its edges (no span may start or end in whitespace)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return span if (start, end) == (span.start, span.end) else doc[start:end]


class LayerWriter:
    """Collects one layer's spans and relations, then writes them onto the doc in one go.

    `add` returns the record span, which `relate` takes; a span added twice (same offsets and
    label) is stored once, so relations from several quotes can share one SOURCE span.
    """

    def __init__(self, doc: Doc, layer: str) -> None:
        self.doc = doc
        self.layer = layer
        self._spans: dict[tuple[int, int, str], dict[str, Any]] = {}
        self._spacy: list[Span] = []
        self._relations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        self._relation_keys: set[tuple[Any, ...]] = set()

    def add(self, span: Span, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        span = trim(span)
        if len(span) == 0:
            raise ValueError(f"{self.layer}: a {label} span holds only whitespace")
        key = (span.start_char, span.end_char, label)
        existing = self._spans.get(key)
        if existing is not None:
            if attrs:
                existing.setdefault("attrs", {}).update(attrs)
            return existing
        record_span = span_from_spacy(span, label, attrs)
        self._spans[key] = record_span
        self._spacy.append(Span(self.doc, span.start, span.end, label=label))
        return record_span

    def relate(self, label: str, head: dict[str, Any], child: dict[str, Any]) -> None:
        """Relate two record spans; the same relation twice is kept once."""
        key = (label, head["start"], head["end"], head["label"], child["start"], child["end"], child["label"])
        if key not in self._relation_keys:
            self._relation_keys.add(key)
            self._relations.append((label, head, child))

    def write(self) -> LayerResult:
        spans = sorted(self._spans.values(), key=lambda s: (s["start"], s["end"], s["label"]))
        relations = [make_relation(label, head, child) for label, head, child in self._relations]
        relations.sort(key=lambda r: (r["head_span"]["start"], r["label"], r["child_span"]["start"]))
        result = LayerResult(spans=spans, relations=relations)
        annotations_of(self.doc)[self.layer] = result
        self.doc.spans[self.layer] = SpanGroup(self.doc, name=self.layer, spans=sorted(self._spacy, key=lambda s: (s.start, s.end)))
        return result
