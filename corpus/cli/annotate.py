"""`corpus annotate`: one parse per article, the selected layers, records out."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import RejectsWriter, console, err_console, track


def annotate(
    input: Path = typer.Argument(..., help="Records JSONL (from `corpus convert` or `corpus import`)."),
    output: str = typer.Option(..., "-o", "--output", help="Annotated records JSONL to write (.gz, or - for stdout)."),
    layers: str = typer.Option("all", "--layers", help="Comma-separated layers: entities,statistics,quotes,stances (default all)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where records that fail go (default: OUTPUT.rejects.jsonl)."),
    batch_size: int = typer.Option(64, "--batch-size", help="Records per batch handed to spaCy."),
) -> None:
    """Annotate records with entities, statistics, quotes and stances from one spaCy parse."""
    from ..converters import Reject
    from ..errors import CorpusError
    from ..jsonl import read_jsonl, write_jsonl
    from ..pipeline import Annotator

    try:
        annotator = Annotator(layers)
    except CorpusError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    rejects_path = rejects or (None if output == "-" else f"{output}.rejects.jsonl")
    with RejectsWriter(rejects_path) as rej:

        def records():  # type: ignore[no-untyped-def]
            for item in track(annotator.stream(read_jsonl(str(input)), batch_size=batch_size), "annotate"):
                if isinstance(item, Reject):
                    rej.write(item.to_json())
                    err_console.print(f"[yellow]rejected[/] {item.source}: {item.code} {item.reason}", highlight=False)
                else:
                    yield item

        written = write_jsonl(output, records())
    out = err_console if output == "-" else console
    out.print(f"annotated {written} records ({', '.join(annotator.layers)}) to {output}; rejected {rej.count}")
    if written == 0:
        raise typer.Exit(1)
