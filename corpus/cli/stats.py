"""`corpus stats`: what a records file holds, as tables."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from .common import check_paths, console, say


def stats(
    files: list[Path] = typer.Argument(..., help="Record JSONL files."),
    max_shown: int = typer.Option(20, "--max-shown", help="Print at most this many unreadable lines (all are counted)."),
) -> None:
    """Records, tokens, spans per layer and label, relations per label.

    A line that is not a record is named (file:line: CODE) and left out of the counts; the command
    then exits 1, so counts over part of a file are never taken for the whole."""
    from collections.abc import Iterator
    from typing import Any

    from ..errors import InvalidLineError
    from ..jsonl import iter_lines
    from ..stats import collect

    check_paths([str(f) for f in files])
    bad: list[InvalidLineError] = []

    def records() -> Iterator[dict[str, Any]]:
        for f in files:
            for line in iter_lines(str(f), skip_invalid=True, errors=bad):
                yield line.record

    st = collect(records())
    for err in bad[:max_shown]:
        say(str(err), err=True)
    head = Table(title="corpus")
    head.add_column("records", justify="right")
    head.add_column("tokens", justify="right")
    head.add_column("words", justify="right")
    head.add_row(f"{st.records:,}", f"{st.tokens:,}", f"{st.words:,}")
    console.print(head)
    spans = Table(title="spans")
    for col in ("layer", "label", "count"):
        spans.add_column(col, justify="right" if col == "count" else "left")
    for (layer, label), n in sorted(st.spans.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        spans.add_row(Text(str(layer)), Text(str(label)), f"{n:,}")  # labels come from the data: shown as written
    console.print(spans)
    rels = Table(title="relations")
    rels.add_column("label")
    rels.add_column("count", justify="right")
    for label, n in sorted(st.relations.items(), key=lambda kv: str(kv[0])):
        rels.add_row(Text(str(label)), f"{n:,}")
    console.print(rels)
    problems = []
    if bad:
        problems.append(f"{len(bad)} line{'s' if len(bad) > 1 else ''} not read (not a JSON object)")
    if st.malformed:
        problems.append(f"{st.malformed} record{'s' if st.malformed > 1 else ''} not counted (malformed tokens, spans or relations)")
    if problems:
        say("; ".join(problems) + ": the counts leave them out; `corpus validate` lists every problem", err=True, style="red")
        raise typer.Exit(1)
