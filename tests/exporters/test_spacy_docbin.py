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
