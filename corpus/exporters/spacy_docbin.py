"""spaCy DocBin per split: entities in `doc.ents`, the other layers in `doc.spans[layer]`, so
`spacy train` reads the files as they are."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from ..jsonl import atomic_open
from ..record import doc_from_record
from ..registry import load_registry

__all__ = ["write_docbin"]


def write_docbin(records: Iterable[dict[str, Any]], path: Path) -> int:
    import spacy
    from spacy.tokens import DocBin, Span

    reg = load_registry()
    vocab = spacy.blank("en").vocab
    db = DocBin(store_user_data=False)
    n = 0
    for rec in records:
        doc = doc_from_record(vocab, rec)
        ents, groups = [], {layer: [] for layer in reg.layers if layer != "entities"}  # type: ignore[var-annotated]
        for s in rec.get("spans", []):
            span = Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"])
            if (span.start_char, span.end_char) != (s["start"], s["end"]):
                raise CorpusError("E058", f"record {rec['meta']['id']}: span {s['label']} [{s['start']}:{s['end']}] disagrees with its tokens")
            layer = reg.layer_of(s["label"])
            (ents if layer == "entities" else groups[layer]).append(span)
        doc.ents = ents
        for layer, spans in groups.items():
            doc.spans[layer] = spans
        db.add(doc)
        n += 1
    with atomic_open(path, "wb") as fh:
        fh.write(db.to_bytes())
    return n
