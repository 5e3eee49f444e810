"""`corpus stats`: what a records file holds, as tables."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from .common import console, err_console


def stats(files: list[Path] = typer.Argument(..., help="Record JSONL files.")) -> None:
    """Records, tokens, spans per layer and label, relations per label."""
    from itertools import chain

    from ..jsonl import read_jsonl
    from ..stats import collect

    from ..errors import CorpusError

    try:
        st = collect(chain.from_iterable(read_jsonl(str(f)) for f in files))
    except (OSError, EOFError, CorpusError) as exc:  # counts over part of a file would mislead: stop and say where
        err_console.print(f"cannot read: {exc} (`corpus validate` lists every bad line)", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    head = Table(title="corpus")
    head.add_column("records", justify="right")
    head.add_column("tokens", justify="right")
    head.add_column("words", justify="right")
    head.add_row(f"{st.records:,}", f"{st.tokens:,}", f"{st.words:,}")
    console.print(head)
    spans = Table(title="spans")
    for col in ("layer", "label", "count"):
        spans.add_column(col, justify="right" if col == "count" else "left")
    for (layer, label), n in sorted(st.spans.items()):
        spans.add_row(layer, label, f"{n:,}")
    console.print(spans)
    rels = Table(title="relations")
    rels.add_column("label")
    rels.add_column("count", justify="right")
    for label, n in sorted(st.relations.items()):
        rels.add_row(label, f"{n:,}")
    console.print(rels)
