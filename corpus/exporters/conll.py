"""CoNLL-2003 style NER per split: `-DOCSTART-` between articles, one word per line
(`word -X- _ TAG`, IOB2 tags), a blank line between sentences."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..jsonl import atomic_open
from .views import ner_rows

__all__ = ["write_conll", "conll_document"]


def conll_document(record: dict[str, Any]) -> str:
    """One record as a CoNLL-2003 document: `-DOCSTART-`, then its sentences."""
    parts = ["-DOCSTART- -X- -X- O\n\n"]
    for row in ner_rows(record):
        parts.extend(f"{word.replace(' ', '_')} -X- _ {tag}\n" for word, tag in zip(row["tokens"], row["ner_tags"]))
        parts.append("\n")
    return "".join(parts)


def write_conll(records: Iterable[dict[str, Any]], path: Path) -> int:
    n = 0
    with atomic_open(path) as fh:
        for rec in records:
            fh.write(conll_document(rec))
            n += 1
    return n
