"""Importers: annotated corpora in other formats become records with gold spans and relations.

One module per format. Each exposes `read(inputs: list[Path], options: ImportOptions) ->
Iterator[dict | Reject]` and a declared `LABELS` table mapping the source's labels to ours.
`IMPORTERS` is the whole list; a failed lookup names the formats that exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..converters import Reject
from ..errors import CorpusError

__all__ = ["IMPORTERS", "ImportOptions", "get_importer", "Importer", "walk_files"]

IMPORTERS: dict[str, str] = {
    "brat": "corpus.importers.brat",
    "conll": "corpus.importers.conll",
    "conllu": "corpus.importers.conllu",
    "labelstudio": "corpus.importers.labelstudio",
    "doccano": "corpus.importers.doccano",
    "seesaw": "corpus.importers.seesaw",
    "cqe": "corpus.importers.cqe",
}


@dataclass(frozen=True)
class ImportOptions:
    """Options an importer may honour: a scheme (`iob1`/`iob2` for CoNLL) and extra settings."""

    scheme: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


class Importer(Protocol):
    def read(self, inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]: ...


def get_importer(name: str) -> Importer:
    if name not in IMPORTERS:
        raise CorpusError("E060", f"unknown import format {name!r}; known formats: {', '.join(IMPORTERS)}")
    module: Any = importlib.import_module(IMPORTERS[name])
    return module  # type: ignore[no-any-return]


def walk_files(inputs: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> Iterator[tuple[Path, Path]]:
    """(file, the input it was found under) for every input: a file as it is, a directory walked
    recursively in sorted order, hidden files left out, and only names ending in `suffixes` if given."""
    for root in inputs:
        if not root.is_dir():
            yield root, root
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and (suffixes is None or path.name.lower().endswith(suffixes)):
                yield path, root
