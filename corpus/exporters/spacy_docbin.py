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

__all__ = ["write_docbin", "DocBinWriter", "record_doc"]


def record_doc(vocab: Any, rec: dict[str, Any]) -> Any:
    """The record as a Doc: its own tokens, entities in `doc.ents`, other layers in `doc.spans`."""
    from spacy.tokens import Span

    reg = load_registry()
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
    return doc


class DocBinWriter:
    """One DocBin per split (DocBin keeps docs as compact arrays), written when closed."""

    def __init__(self, folder: Path) -> None:
        import spacy

        self.folder = folder
        self.vocab = spacy.blank("en").vocab
        self.bins: dict[str, Any] = {}

    def add(self, record: dict[str, Any], split: str) -> None:
        from spacy.tokens import DocBin

        self.bins.setdefault(split, DocBin(store_user_data=False)).add(record_doc(self.vocab, record))

    def abort(self) -> None:
        self.bins.clear()  # nothing is on disk before close

    def close(self) -> None:
        for split, db in sorted(self.bins.items()):
            with atomic_open(self.folder / f"{split}.spacy", "wb") as fh:
                fh.write(db.to_bytes())


def write_docbin(records: Iterable[dict[str, Any]], path: Path) -> int:
    """All `records` as one DocBin file."""
    writer = DocBinWriter(path.parent)
    n = 0
    for rec in records:
        writer.add(rec, path.stem)
        n += 1
    writer.close()
    return n
