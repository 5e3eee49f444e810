"""`corpus convert`: raw articles to records."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .common import RejectsWriter, console, err_console, track

PRESETS_HELP = "Field layout of JSON/CSV inputs: news-please, cc-news or wikinews."


def convert(
    inputs: list[Path] = typer.Argument(..., help="Files or directories (.txt .html .jsonl .json .csv .warc[.gz]); directories are walked recursively."),
    output: str = typer.Option(..., "-o", "--output", help="Records JSONL to write (.gz to compress, - for stdout)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where to write rejected inputs with their reasons (default: OUTPUT.rejects.jsonl)."),
    preset: Optional[str] = typer.Option(None, "--preset", help=PRESETS_HELP),
    text_field: Optional[str] = typer.Option(None, "--text-field", help="Field holding the article text."),
    title_field: Optional[str] = typer.Option(None, "--title-field"),
    url_field: Optional[str] = typer.Option(None, "--url-field"),
    date_field: Optional[str] = typer.Option(None, "--date-field"),
    id_field: Optional[str] = typer.Option(None, "--id-field", help="Field whose value becomes meta.id (else a hash of source and text)."),
    author_field: Optional[str] = typer.Option(None, "--author-field"),
) -> None:
    """Convert articles into records (text, meta, tokens), one JSON object per line."""
    from ..converters import ConvertOptions, Reject, convert_paths
    from ..converters.tabular import PRESETS
    from ..jsonl import write_jsonl

    if preset is not None and preset not in PRESETS:
        err_console.print(f"unknown preset {preset!r}; known presets: {', '.join(PRESETS)}", markup=False, highlight=False)
        raise typer.Exit(2)
    fields = {k: v for k, v in {"text": text_field, "title": title_field, "url": url_field, "date": date_field, "id": id_field, "author": author_field}.items() if v}
    options = ConvertOptions(preset=preset, fields=fields)
    rejects_path = rejects or (None if output == "-" else f"{output}.rejects.jsonl")
    with RejectsWriter(rejects_path) as rej:

        def records():  # type: ignore[no-untyped-def]
            # the output and rejects files may sit inside an input folder: a second run must not read them back
            made = [p for p in (output, rejects_path) if p]
            for item in track(convert_paths(inputs, options, exclude=made), "convert", unit="items"):
                if isinstance(item, Reject):
                    rej.write(item.to_json())
                    # file names and reasons are shown as they are, never read as rich markup ("[red]x.txt")
                    err_console.print(f"[yellow]rejected[/] {escape(item.source)}: {item.code} {escape(item.reason)}", highlight=False, soft_wrap=True)
                else:
                    yield item

        written = write_jsonl(output, records())
    out = err_console if output == "-" else console
    summary = f"wrote {written} records to {output}; rejected {rej.count}" + (f" (reasons in {rejects_path})" if rej.count and rejects_path else "")
    out.print(summary, markup=False, highlight=False, soft_wrap=True)
    if written == 0:
        raise typer.Exit(1)
