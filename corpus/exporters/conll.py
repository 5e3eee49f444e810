"""CoNLL-2003 style NER per split: `-DOCSTART-` between articles, one word per line
(`word -X- _ TAG`, IOB2 tags), a blank line between sentences."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..jsonl import atomic_open
from .views import ner_rows

__all__ = ["write_conll"]


def write_conll(records: Iterable[dict[str, Any]], path: Path) -> int:
    n = 0
    with atomic_open(path) as fh:
        for rec in records:
            fh.write("-DOCSTART- -X- -X- O\n\n")
            for row in ner_rows(rec):
                for word, tag in zip(row["tokens"], row["ner_tags"]):
                    fh.write(f"{word.replace(' ', '_')} -X- _ {tag}\n")
                fh.write("\n")
            n += 1
    return n
