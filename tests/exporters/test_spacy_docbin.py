from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin

from corpus.exporters.spacy_docbin import write_docbin

from ..factories import article


def test_spacy_docbin_entities_in_ents_other_layers_in_spans(tmp_path: Path) -> None:
    rec = article(5)
    write_docbin([rec], tmp_path / "train.spacy")
    nlp = spacy.blank("en")
    (doc,) = DocBin().from_disk(tmp_path / "train.spacy").get_docs(nlp.vocab)
    assert doc.text == rec["text"]
    assert [(e.text, e.label_) for e in doc.ents] == [("Maria Lopez5", "PERSON"), ("Lima", "GPE"), ("Tuesday", "DATE")]
    assert {s.label_ for s in doc.spans["quotes"]} == {"QUOTE", "SOURCE", "CUE"}
    assert [s.text for s in doc.spans["statistics"] if s.label_ == "STATISTIC"] == ["1,005"]
    assert [s.label_ for s in doc.spans["stances"]] == ["STANCE", "TARGET"]


def test_spacy_docbin_round_trip_gives_back_the_records(tmp_path: Path) -> None:
    """JSONL -> DocBin -> JSONL: attributes, relations, meta and hashes all come back."""
    from corpus.exporters.spacy_docbin import read_docbin
    from corpus.jsonl import read_jsonl, write_jsonl
    from corpus.pipeline import Annotator
    from corpus.record import canonical_order, new_record

    texts = ["\u201cWe will not accept it,\u201d Mayor Anne Hidalgo said. Nearly 3,000 people marched in Lyon.",
             "Germany supports the new trade agreement, Chancellor Olaf Scholz said.", "Nothing happened."]
    machine = [r for r in Annotator("all")([new_record(t, source=f"t{i}") for i, t in enumerate(texts)]) if isinstance(r, dict)]
    records = [article(1), article(2, polarity="favor"), *machine]
    write_jsonl(tmp_path / "in.jsonl", records)
    original = list(read_jsonl(str(tmp_path / "in.jsonl")))
    write_docbin(original, tmp_path / "train.spacy")
    back = list(read_docbin(tmp_path / "train.spacy"))
    assert back == [canonical_order(r) for r in original]  # the order corpus writes records in
    assert any(s.get("attrs") for r in back for s in r["spans"]) and any(r["relations"] for r in back)


def test_spacy_docbin_keeps_attrs_relations_and_sentence_starts_for_spacy_users(tmp_path: Path) -> None:
    import annotators  # noqa: F401  (registers doc._.layers)

    rec = article(3)
    write_docbin([rec], tmp_path / "train.spacy")
    (doc,) = DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("en").vocab)
    assert doc._.record["meta"]["id"] == rec["meta"]["id"]
    (stat,) = [s for s in doc._.layers["statistics"]["spans"] if s["label"] == "STATISTIC"]
    assert stat["attrs"]["value"] == 1003
    assert {r["label"] for r in doc._.layers["quotes"]["relations"]} == {"SOURCE", "CUE"}
    starts = [t.i for t in doc if t.is_sent_start]
    assert [doc[i].text for i in starts] == ["Maria", "\u201c"]  # a sentence per line, as in the ner view
