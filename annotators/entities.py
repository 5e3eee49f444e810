"""Entities: the model's OntoNotes entities, with canonical names for people.

Baseline component: copies `doc.ents` into the entities layer and gives every PERSON mention the
full name of the longest earlier mention it is a part of ("Blinken" -> "Antony Blinken").
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .base import LayerWriter

__all__ = ["EntityAnnotator"]

NAMED = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})


class EntityAnnotator:
    """Writes the entities layer from `doc.ents`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        writer = LayerWriter(doc, "entities")
        full_names: list[tuple[str, ...]] = []
        for ent in doc.ents:
            attrs: dict[str, Any] = {}
            if ent.label_ == "PERSON":
                words = tuple(t.text for t in ent if not t.is_punct)
                name = next((f for f in full_names if len(f) > len(words) and _is_part(words, f)), words)
                if name is words and len(words) > 1:
                    full_names.append(words)
                attrs["name"] = " ".join(name)
            elif ent.label_ in NAMED:
                attrs["name"] = ent.text
            writer.add(ent, ent.label_, attrs)
        writer.write()
        return doc


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    n = len(short)
    return any(full[i:i + n] == short for i in range(len(full) - n + 1))
