"""`corpus import FORMAT INPUT... -o records.jsonl`: gold annotations from other tools and corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import RejectsWriter, check_paths, default_rejects, say, say_rejected, track


def import_(
    format: str = typer.Argument(..., help="brat, conll, conllu, labelstudio, doccano, seesaw or cqe."),
    inputs: list[Path] = typer.Argument(..., help="Files or directories in that format."),
    output: str = typer.Option(..., "-o", "--output", help="Records JSONL to write (.gz, or - for stdout)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where rejected inputs go (default: OUTPUT.rejects.jsonl)."),
    scheme: Optional[str] = typer.Option(None, "--scheme", help="Tag scheme for conll: iob1 or iob2 (default: detected)."),
    label: Optional[list[str]] = typer.Option(None, "--label", help="Map a source label to ours, SOURCE=OURS (repeatable); overrides the importer's table."),
) -> None:
    """Import annotated data as records that `corpus validate` accepts."""
    from ..converters import Reject
    from ..errors import CorpusError
    from ..importers import ImportOptions, get_importer
    from ..jsonl import write_jsonl

    try:
        importer = get_importer(format)
    except CorpusError as exc:
        say(str(exc), err=True)
        raise typer.Exit(2) from exc
    labels = {}
    for pair in label or []:
        source_label, sep, ours = pair.partition("=")
        if not sep or not source_label or not ours:
            say(f"--label takes SOURCE=OURS, got {pair!r}", err=True)
            raise typer.Exit(2)
        labels[source_label] = ours
    options = ImportOptions(scheme=scheme, settings={"labels": labels} if labels else {})
    rejects_path = rejects or default_rejects(output)
    check_paths([str(p) for p in inputs], [output, rejects_path])
    with RejectsWriter(rejects_path) as rej:

        def records():  # type: ignore[no-untyped-def]
            for item in track(importer.read(list(inputs), options), f"import {format}", unit="records"):
                if isinstance(item, Reject):
                    rej.write(item.to_json())
                    say_rejected(item.source, item.code, item.reason)  # labels and ids are shown as written ("[b]")
                else:
                    yield item

        items = records()
        try:
            written = write_jsonl(output, items)
        finally:
            items.close()  # the progress bar ends before an error is reported, not after it
    say(f"wrote {written} records to {output}; rejected {rej.count}" + (f" (reasons in {rejects_path})" if rej.count and rejects_path else ""), err=output == "-")
    if written == 0:
        raise typer.Exit(1)
