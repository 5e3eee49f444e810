"""`corpus show`: annotated records as one self-contained HTML page to review in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import check_paths, say


def show(
    files: list[Path] = typer.Argument(..., help="Record JSONL files (plain, .gz, or - for stdin)."),
    output: str = typer.Option(..., "-o", "--output", help="HTML file to write (- for stdout); it needs no network to open."),
    per_page: int = typer.Option(20, "--per-page", min=1, help="Articles per page."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Show only the first N records."),
    title: Optional[str] = typer.Option(None, "--title", help="Page title (default: the input file names)."),
) -> None:
    """Write a review page: each article with its layers highlighted, one toggle per layer, relations and counts.

    A line that is not a record is named (file:line: CODE) and left out of the page; the command then exits 1."""
    from itertools import chain, islice

    from ..errors import InvalidLineError
    from ..jsonl import atomic_open, iter_lines
    from ..show import render_page

    check_paths([str(f) for f in files], [output])
    bad: list[InvalidLineError] = []
    lines = chain.from_iterable(iter_lines(str(f), skip_invalid=True, errors=bad) for f in files)
    html, summary = render_page(islice(lines, limit), title=title or " ".join(str(f) for f in files), per_page=per_page)
    for err in bad:
        say(str(err), err=True)
    if summary.records == 0:
        say(f"no records to show in {' '.join(str(f) for f in files)}; nothing written", err=True)
        raise typer.Exit(1)
    with atomic_open(output) as fh:
        fh.write(html)
    note = f"; {summary.with_problems} with problems (listed in the page)" if summary.with_problems else ""
    note += f"; {len(bad)} line{'s' if len(bad) > 1 else ''} not read (not a JSON object)" if bad else ""
    say(f"wrote {summary.records} articles to {output}{note}", err=output == "-")
    if bad:
        raise typer.Exit(1)
