"""`corpus show`: annotated records as one self-contained HTML page to review in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import console, err_console


def show(
    files: list[Path] = typer.Argument(..., help="Record JSONL files (plain, .gz, or - for stdin)."),
    output: str = typer.Option(..., "-o", "--output", help="HTML file to write (- for stdout); it needs no network to open."),
    per_page: int = typer.Option(20, "--per-page", min=1, help="Articles per page."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Show only the first N records."),
    title: Optional[str] = typer.Option(None, "--title", help="Page title (default: the input file names)."),
) -> None:
    """Write a review page: each article with its layers highlighted, one toggle per layer, relations and counts."""
    from itertools import chain, islice

    from ..errors import CorpusError
    from ..jsonl import atomic_open, iter_lines
    from ..show import render_page

    lines = chain.from_iterable(iter_lines(str(f)) for f in files)
    try:
        html, summary = render_page(islice(lines, limit), title=title or " ".join(str(f) for f in files), per_page=per_page)
    except CorpusError as exc:
        err_console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from exc
    with atomic_open(output) as fh:
        fh.write(html)
    out = err_console if output == "-" else console
    note = f"; {summary.with_problems} with problems (listed in the page)" if summary.with_problems else ""
    out.print(f"wrote {summary.records} articles to {output}{note}", highlight=False)
    if summary.records == 0:
        raise typer.Exit(1)
