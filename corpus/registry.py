"""The label registry, read from `schemas/labels.json` (shipped in the wheel as `corpus.schemas`).

This module is the only place Python learns which labels, attributes and relation triples exist;
everything else asks it. A failed lookup lists what does exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import CorpusError

__all__ = ["Registry", "AttrSpec", "load_registry", "load_record_schema", "LAYERS"]

LAYERS = ("entities", "quotes", "stances", "statistics")

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


@dataclass(frozen=True)
class AttrSpec:
    name: str
    types: tuple[str, ...]
    enum: tuple[Any, ...] | None
    required: bool

    def check(self, value: Any) -> str | None:
        """Return why `value` is not allowed, or None when it is."""
        ok = any(
            isinstance(value, _JSON_TYPES[t]) and not (t in ("number", "integer") and isinstance(value, bool))
            for t in self.types
        )
        if not ok:
            return f"expected {' or '.join(self.types)}, got {type(value).__name__} {value!r}"
        if self.enum is not None and value not in self.enum:
            return f"{value!r} is not one of {list(self.enum)}"
        if isinstance(value, float) and value != value:  # NaN cannot round-trip through JSON
            return "NaN is not a number a record may carry"
        return None


@dataclass(frozen=True)
class Registry:
    """Labels per layer, attributes per label, allowed relation triples."""

    layers: dict[str, tuple[str, ...]]
    attrs: dict[str, dict[str, AttrSpec]]
    relations: dict[str, tuple[frozenset[str], frozenset[str]]]
    overlapping: dict[str, bool]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for labels in self.layers.values() for label in labels)

    def layer_of(self, label: str) -> str:
        for layer, labels in self.layers.items():
            if label in labels:
                return layer
        raise CorpusError("E033", f"label {label!r} is not in the registry; known labels: {', '.join(self.labels)}")

    def labels_of(self, layer: str) -> tuple[str, ...]:
        try:
            return self.layers[layer]
        except KeyError:
            raise CorpusError("E033", f"layer {layer!r} is not in the registry; known layers: {', '.join(self.layers)}") from None

    def allows(self, label: str, head_label: str, child_label: str) -> bool:
        heads_children = self.relations.get(label)
        return heads_children is not None and head_label in heads_children[0] and child_label in heads_children[1]

    def relation_layer(self, head_label: str) -> str:
        """Relations belong to the layer of their head span (a QUOTE's SOURCE is a quotes relation)."""
        return self.layer_of(head_label)


def _read_json(name: str) -> Any:
    return json.loads(resources.files("corpus.schemas").joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    data = _read_json("labels.json")
    layers: dict[str, tuple[str, ...]] = {}
    attrs: dict[str, dict[str, AttrSpec]] = {}
    overlapping: dict[str, bool] = {}
    for layer, spec in data["layers"].items():
        layers[layer] = tuple(spec["labels"])
        overlapping[layer] = bool(spec.get("overlapping", True))
        for label, label_spec in spec["labels"].items():
            attrs[label] = {
                name: AttrSpec(
                    name=name,
                    types=tuple(a["type"]) if isinstance(a["type"], list) else (a["type"],),
                    enum=tuple(a["enum"]) if "enum" in a else None,
                    required=bool(a.get("required", False)),
                )
                for name, a in label_spec.get("attrs", {}).items()
            }
    relations = {
        label: (frozenset(r["head"]), frozenset(r["child"])) for label, r in data["relations"].items()
    }
    return Registry(layers=layers, attrs=attrs, relations=relations, overlapping=overlapping)


@lru_cache(maxsize=1)
def load_record_schema() -> dict[str, Any]:
    schema: dict[str, Any] = _read_json("record.schema.json")
    return schema
