"""spaCy DocBin per split, lossless: `spacy train` reads the files as they are, and `read_docbin`
gives back the JSONL records they were made from.

Each record becomes a `Doc` with the record's own tokens; entities in `doc.ents`, every layer in
`doc.spans[layer]`; sentence starts from the same sentence split as the `ner` view; and as plain
data in `user_data` (so `DocBin(store_user_data=True)` keeps it): `doc._.layers[layer]` holds the
layer's spans with their attributes and its relations, exactly as the annotators write them, and
`doc._.record` the rest of the record (meta with its id, hashes, answer, ...).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from ..jsonl import atomic_open
from ..record import canonical_order, doc_from_record, tokens_from_doc
from ..registry import load_registry

__all__ = ["write_docbin", "read_docbin", "DocBinWriter", "record_doc", "doc_record"]

# What the Doc holds by itself (text, tokens) or in `doc._.layers` (spans, relations).
_IN_DOC = ("text", "tokens", "spans", "relations")


def _extensions() -> None:
    from spacy.tokens import Doc

    import annotators.base  # noqa: F401  (registers doc._.layers)

    if not Doc.has_extension("record"):
        Doc.set_extension("record", default=None)


def record_doc(vocab: Any, rec: dict[str, Any]) -> Any:
    """The record as a Doc that keeps all of it (see the module docstring)."""
    from spacy.tokens import Span

    from annotators.base import write_layer

    from .views import sentences

    _extensions()
    reg = load_registry()
    doc = doc_from_record(vocab, rec)
    layers: dict[str, dict[str, list[dict[str, Any]]]] = {layer: {"spans": [], "relations": []} for layer in reg.layers}
    ents = []
    for s in rec.get("spans", []):
        span = Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"])
        if (span.start_char, span.end_char) != (s["start"], s["end"]):
            raise CorpusError("E058", f"record {rec['meta']['id']}: span {s['label']} [{s['start']}:{s['end']}] disagrees with its tokens")
        layer = reg.layer_of(s["label"])
        layers[layer]["spans"].append(s)
        if layer == "entities":
            ents.append(span)
    for r in rec.get("relations", []):
        layers[reg.relation_layer(r["head_span"]["label"])]["relations"].append(r)
    doc.ents = ents
    for layer, data in layers.items():
        write_layer(doc, layer, data)
    if len(doc):
        starts = {a for a, _ in sentences(rec)} | {0}
        for token in doc:
            token.is_sent_start = token.i in starts
    doc._.record = {k: v for k, v in rec.items() if k not in _IN_DOC}
    return doc


def doc_record(doc: Any) -> dict[str, Any]:
    """The record a `record_doc` Doc was made from (after `DocBin` storage: tuples become lists)."""
    from annotators.base import layers_of

    _extensions()
    if doc._.record is None:
        raise CorpusError("E058", "this Doc carries no record (was the DocBin written by corpus export with store_user_data?)")
    rec: dict[str, Any] = _plain(dict(doc._.record))
    rec["text"] = doc.text
    rec["tokens"] = tokens_from_doc(doc)
    rec["spans"], rec["relations"] = [], []
    for layer in layers_of(doc).values():
        rec["spans"].extend(_plain(list(layer["spans"])))
        rec["relations"].extend(_plain(list(layer["relations"])))
    return canonical_order(rec)


def _plain(value: Any) -> Any:
    """msgpack gives tuples back for lists; JSON data has lists."""
    return json.loads(json.dumps(value))


class DocBinWriter:
    """One DocBin per split (DocBin keeps docs as compact arrays), written when closed."""

    def __init__(self, folder: Path) -> None:
        import spacy

        self.folder = folder
        self.vocab = spacy.blank("en").vocab
        self.bins: dict[str, Any] = {}

    def add(self, record: dict[str, Any], split: str) -> None:
        from spacy.tokens import DocBin

        self.bins.setdefault(split, DocBin(store_user_data=True)).add(record_doc(self.vocab, record))

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


def read_docbin(path: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a DocBin file written by `write_docbin` or `corpus export --format spacy`."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    for doc in DocBin().from_disk(path).get_docs(vocab):
        yield doc_record(doc)
