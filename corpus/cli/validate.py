"""`corpus validate`: every record against the schema and the semantic rules."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .common import RejectsWriter, check_paths, console, say


def validate(
    files: list[Path] = typer.Argument(..., help="Record JSONL files (plain, .gz, or - for stdin)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Write invalid records with their reasons to this JSONL file (never one of the inputs)."),
    max_shown: int = typer.Option(50, "--max-shown", help="Print at most this many problems (all are counted and written to --rejects)."),
) -> None:
    """Check records; print `file:line: id: CODE message` per problem; exit 1 if any record is invalid."""
    from ..errors import CorpusError
    from ..validate import Validator

    check_paths([str(f) for f in files], [rejects])
    validator = Validator()
    shown = 0
    unreadable = 0
    first: dict[str, str] = {}  # code -> its first problem, as printed: the summary's example
    started = time.perf_counter()
    with RejectsWriter(rejects) as rej:
        for path in files:
            try:
                for line, problems in validator.check_file(str(path)):
                    if not problems:
                        continue
                    meta = line.record.get("meta")
                    rid = meta.get("id", "?") if isinstance(meta, dict) else "?"
                    for p in problems:
                        where = f"{line.path}:{line.lineno}: {rid}: {p.code} {p.message}"
                        first.setdefault(p.code, where)
                        if shown < max_shown:
                            # one problem per physical line, never wrapped, so grep and editors can jump to it
                            say(where, err=True)
                        shown += 1
                    rej.write({"file": line.path, "line": line.lineno, "id": rid,
                               "problems": [{"code": p.code, "message": p.message} for p in problems],
                               "record": line.record})
            except (OSError, EOFError, CorpusError) as exc:  # unreadable part way (a gzip cut short): the next file is still checked
                unreadable += 1
                say(f"E090 cannot read {path}: {exc}", err=True)
    elapsed = time.perf_counter() - started
    report = validator.report
    if shown > max_shown:
        say(f"... and {shown - max_shown} more problems", err=True)
    if report.codes:
        table = Table(title="validation")
        table.add_column("code")
        table.add_column("problems", justify="right")
        table.add_column("first seen", overflow="fold")
        for code, n in sorted(report.codes.items()):
            table.add_row(code, str(n), Text(first.get(code, "")))
        console.print(table)
    rate = report.records / elapsed if elapsed > 0 else 0.0
    verdict = ("all valid", "green") if not report.invalid else (f"{report.invalid} invalid", "red")
    summary = Text.assemble(f"{report.records} records, ", verdict, f" ({rate:,.0f} records/s)")
    if unreadable:
        summary.append(f"; {unreadable} file{'s' if unreadable > 1 else ''} could not be read", style="red")
    if rejects and report.invalid:
        summary.append(f"; invalid records written to {rejects}")
    console.print(summary, highlight=False, soft_wrap=True)
    if report.invalid or unreadable or report.records == 0:
        raise typer.Exit(1)
