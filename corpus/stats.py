"""Corpus statistics: records, tokens, spans per layer and label, relations per label."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .registry import load_registry

__all__ = ["Stats", "collect"]


@dataclass
class Stats:
    records: int = 0
    tokens: int = 0
    words: int = 0
    spans: Counter[tuple[str, str]] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    malformed: int = 0
    """Records whose tokens, spans or relations are not shaped as the schema says (not counted in
    the tables; `corpus validate` says what is wrong with them)."""


def collect(records: Iterable[dict[str, Any]]) -> Stats:
    reg = load_registry()
    layer_of = {label: layer for layer, labels in reg.layers.items() for label in labels}
    st = Stats()
    for rec in records:
        st.records += 1
        try:
            tokens = rec.get("tokens") or []
            words = sum(1 for t in tokens if not t["text"].isspace())
            spans = Counter((layer_of.get(span["label"], "?"), span["label"]) for span in rec.get("spans") or [])
            relations = Counter(rel["label"] for rel in rec.get("relations") or [])
        except (KeyError, TypeError, AttributeError):
            st.malformed += 1
            continue
        st.tokens += len(tokens)
        st.words += words
        st.spans.update(spans)
        st.relations.update(relations)
    return st
