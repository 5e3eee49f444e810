"""`corpus validate`: every record against the schema and the semantic rules."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .common import RejectsWriter, console, err_console


def validate(
    files: list[Path] = typer.Argument(..., help="Record JSONL files (plain, .gz, or - for stdin)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Write invalid records with their reasons to this JSONL file."),
    max_shown: int = typer.Option(50, "--max-shown", help="Print at most this many problems (all are counted and written to --rejects)."),
) -> None:
    """Check records; print `file:line: id: CODE message` per problem; exit 1 if any record is invalid."""
    from ..errors import CODES, CorpusError
    from ..validate import Validator

    validator = Validator()
    shown = 0
    unreadable = 0
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
                        if shown < max_shown:
                            # one problem per physical line, never wrapped, so grep and editors can jump to it
                            err_console.print(f"{line.path}:{line.lineno}: {rid}: {p.code} {p.message}", markup=False, highlight=False, soft_wrap=True)
                        shown += 1
                    rej.write({"file": line.path, "line": line.lineno, "id": rid,
                               "problems": [{"code": p.code, "message": p.message} for p in problems],
                               "record": line.record})
            except (OSError, EOFError, CorpusError) as exc:  # missing, unreadable or a gzip cut short
                unreadable += 1
                err_console.print(f"{path}: cannot read: {exc}", markup=False, highlight=False, soft_wrap=True)
    elapsed = time.perf_counter() - started
    report = validator.report
    if shown > max_shown:
        err_console.print(f"... and {shown - max_shown} more problems")
    if report.codes:
        table = Table(title="validation")
        table.add_column("code")
        table.add_column("problems", justify="right")
        table.add_column("meaning")
        for code, n in sorted(report.codes.items()):
            table.add_row(code, str(n), CODES[code].split(":")[0][:70])
        console.print(table)
    rate = report.records / elapsed if elapsed > 0 else 0.0
    verdict = "[green]all valid[/]" if not report.invalid else f"[red]{report.invalid} invalid[/]"
    summary = f"{report.records} records, {verdict} ({rate:,.0f} records/s)"
    if unreadable:
        summary += f"; [red]{unreadable} file{'s' if unreadable > 1 else ''} could not be read[/]"
    if rejects and report.invalid:
        summary += f"; invalid records written to {rejects}"
    console.print(summary, highlight=False, soft_wrap=True)
    if report.invalid or unreadable or report.records == 0:
        raise typer.Exit(1)
