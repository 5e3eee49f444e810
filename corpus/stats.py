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


def collect(records: Iterable[dict[str, Any]]) -> Stats:
    reg = load_registry()
    layer_of = {label: layer for layer, labels in reg.layers.items() for label in labels}
    st = Stats()
    for rec in records:
        st.records += 1
        tokens = rec.get("tokens") or []
        st.tokens += len(tokens)
        st.words += sum(1 for t in tokens if not t["text"].isspace())
        for span in rec.get("spans", []):
            st.spans[(layer_of.get(span["label"], "?"), span["label"])] += 1
        for rel in rec.get("relations", []):
            st.relations[rel["label"]] += 1
    return st
