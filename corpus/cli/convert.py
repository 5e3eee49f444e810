"""`corpus convert`: raw articles to records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .common import RejectsWriter, check_paths, default_rejects, say, say_rejected, track

PRESETS_HELP = "Field layout of JSON/CSV inputs: news-please, cc-news or wikinews."

# How articles are read, shared by `convert` and `build` (one declaration, the same flags on both).
Preset = Annotated[Optional[str], typer.Option("--preset", help=PRESETS_HELP)]
TextField = Annotated[Optional[str], typer.Option("--text-field", help="Field holding the article text.")]
TitleField = Annotated[Optional[str], typer.Option("--title-field")]
UrlField = Annotated[Optional[str], typer.Option("--url-field")]
DateField = Annotated[Optional[str], typer.Option("--date-field")]
IdField = Annotated[Optional[str], typer.Option("--id-field", help="Field whose value becomes meta.id (else a hash of source and text).")]
AuthorField = Annotated[Optional[str], typer.Option("--author-field")]
MinChars = Annotated[int, typer.Option("--min-chars", min=0, help="HTML pages (also in WARC) with less main text than this are rejected (E051): navigation and index pages are not articles.")]


def convert_options(preset: str | None, min_chars: int, **fields: str | None) -> Any:
    """The `ConvertOptions` of the reading flags; an unknown preset is a usage error (exit 2)."""
    from ..converters import ConvertOptions
    from ..converters.tabular import PRESETS

    if preset is not None and preset not in PRESETS:
        say(f"unknown preset {preset!r}; known presets: {', '.join(PRESETS)}", err=True)
        raise typer.Exit(2)
    return ConvertOptions(preset=preset, fields={k: v for k, v in fields.items() if v}, min_chars=min_chars)


def convert(
    inputs: list[Path] = typer.Argument(..., help="Files or directories (.txt .html .jsonl .json .csv .warc[.gz]); directories are walked recursively."),
    output: str = typer.Option(..., "-o", "--output", help="Records JSONL to write (.gz to compress, - for stdout)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where to write rejected inputs with their reasons (default: OUTPUT.rejects.jsonl)."),
    preset: Preset = None,
    text_field: TextField = None,
    title_field: TitleField = None,
    url_field: UrlField = None,
    date_field: DateField = None,
    id_field: IdField = None,
    author_field: AuthorField = None,
    min_chars: MinChars = 200,
) -> None:
    """Convert articles into records (text, meta, tokens), one JSON object per line.

    Every input ends up in the output or in the rejects file with its reason: files it cannot read,
    paths it passes over (hidden, FIFOs), and second copies of an article (the same meta.id)."""
    from ..converters import Reject, convert_paths
    from ..jsonl import write_jsonl

    options = convert_options(preset, min_chars, text=text_field, title=title_field, url=url_field, date=date_field, id=id_field, author=author_field)
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
