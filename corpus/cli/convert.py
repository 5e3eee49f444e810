"""`corpus convert`: raw articles to records."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import RejectsWriter, check_paths, default_rejects, say, say_rejected, track

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
    min_chars: int = typer.Option(200, "--min-chars", min=0, help="HTML pages (also in WARC) with less main text than this are rejected (E051): navigation and index pages are not articles."),
) -> None:
    """Convert articles into records (text, meta, tokens), one JSON object per line.

    Every input ends up in the output or in the rejects file with its reason: files it cannot read,
    paths it passes over (hidden, FIFOs), and second copies of an article (the same meta.id)."""
    from ..converters import ConvertOptions, Reject, convert_paths
    from ..converters.tabular import PRESETS
    from ..jsonl import write_jsonl

    if preset is not None and preset not in PRESETS:
        say(f"unknown preset {preset!r}; known presets: {', '.join(PRESETS)}", err=True)
        raise typer.Exit(2)
    fields = {k: v for k, v in {"text": text_field, "title": title_field, "url": url_field, "date": date_field, "id": id_field, "author": author_field}.items() if v}
    options = ConvertOptions(preset=preset, fields=fields, min_chars=min_chars)
    rejects_path = rejects or default_rejects(output)
    check_paths([str(p) for p in inputs], [output, rejects_path])
    duplicates = 0
    with RejectsWriter(rejects_path) as rej:

        def records():  # type: ignore[no-untyped-def]
            nonlocal duplicates
            # the output and rejects files may sit inside an input folder: a second run must not read them back
            made = [p for p in (output, rejects_path) if p]
            for item in track(convert_paths(inputs, options, exclude=made), "convert", unit="items"):
                if isinstance(item, Reject):
                    rej.write(item.to_json())
                    duplicates += item.code == "E093"
                    say_rejected(item.source, item.code, item.reason)
                else:
                    yield item

        items = records()
        try:
            written = write_jsonl(output, items)
        finally:
            items.close()  # the progress bar ends before an error is reported, not after it
    summary = f"wrote {written} records to {output}; rejected {rej.count}" + (f", {duplicates} of them as duplicates" if duplicates else "")
    summary += f" (reasons in {rejects_path})" if rej.count and rejects_path else ""
    say(summary, err=output == "-")
    if written == 0:
        raise typer.Exit(1)
