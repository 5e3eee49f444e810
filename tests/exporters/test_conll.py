from __future__ import annotations

from pathlib import Path

from corpus.exporters.conll import write_conll

from ..factories import article


def test_conll_writes_iob2_per_sentence_with_docstart(tmp_path: Path) -> None:
    write_conll([article(1), article(2)], tmp_path / "train.conll")
    lines = (tmp_path / "train.conll").read_text(encoding="utf-8").split("\n")
    assert lines.count("-DOCSTART- -X- -X- O") == 2
    rows = [line.split(" ") for line in lines if line and not line.startswith("-DOCSTART-")]
    assert rows[0] == ["Maria", "-X-", "_", "B-PERSON"]
    assert rows[1] == ["Lopez1", "-X-", "_", "I-PERSON"]
    assert ["Lima", "-X-", "_", "B-GPE"] in rows
    assert all(len(r) == 4 and r[0].strip() for r in rows)  # no whitespace tokens
