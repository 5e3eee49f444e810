"""The review loop: `corpus export-review`, `corpus merge` and `corpus agree`.

Records go out to an annotation tool (Label Studio or doccano) with their annotations as
pre-annotations, come back with `corpus import`, are merged over the machine annotations layer by
layer, and two annotations of the same records can be compared for agreement.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from .common import RejectsWriter, check_paths, default_rejects, console, err_console, read_records, say

REVIEW_FORMATS = ("labelstudio", "doccano")


def export_review(
    format: str = typer.Argument(..., help="labelstudio or doccano."),
    file: Path = typer.Argument(..., help="Records JSONL to review (plain, .gz, or - for stdin)."),
    output: Path = typer.Option(..., "-o", "--output", help="Tasks to write: a JSON array for Label Studio, JSONL for doccano."),
    config: Optional[Path] = typer.Option(None, "--config", help="Label Studio: the labelling config's path; doccano: a path beside which the label types go (default: beside OUTPUT)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where invalid records go with their reasons (default: OUTPUT.rejects.jsonl)."),
    max_shown: int = typer.Option(20, "--max-shown", help="Print at most this many invalid records (all go to --rejects)."),
) -> None:
    """Write records as tasks for an annotation tool, their annotations as pre-annotations.

    Invalid records are not exported (a tool would show them wrongly); they go to the rejects file."""
    from ..errors import InvalidLineError, Problem
    from ..jsonl import iter_lines
    from ..validate import check_record

    if format not in REVIEW_FORMATS:
        say(f"unknown review format {format!r}; known: {', '.join(REVIEW_FORMATS)}", err=True)
        raise typer.Exit(2)
    rejects_path = rejects or default_rejects(output)
    check_paths([str(file)], [output, rejects_path, config])
    with RejectsWriter(rejects_path) as rej:

        def reject(where: str, lineno: int, rid: str, problems: list[dict[str, str]], record: Any) -> None:
            rej.write({"file": where, "line": lineno, "id": rid, "problems": problems, "record": record})
            if rej.count <= max_shown:
                first = problems[0]
                say(f"{where}:{lineno}: {rid}: not exported: {first['code']} {first['message']}", err=True)

        def valid():  # type: ignore[no-untyped-def]
            bad: list[InvalidLineError] = []
            first: dict[str, str] = {}  # meta.id -> where: a tool's export could not be told apart on the way back
            for line in iter_lines(str(file), skip_invalid=True, errors=bad):
                for err in bad:  # a line that is not a record is a reject too, with its code
                    reject(err.path, err.lineno, "?", [{"code": err.code, "message": err.message}], {"_raw": err.line.rstrip("\r\n")})
                bad.clear()
                record = line.record
                problems = check_record(record)
                rid = (record.get("meta") or {}).get("id", "?") if isinstance(record.get("meta"), dict) else "?"
                where = f"{line.path}:{line.lineno}"
                if not problems and isinstance(rid, str) and first.setdefault(rid, where) != where:
                    problems = [Problem.make("E011", id=rid, first_line=first[rid])]
                if problems:
                    reject(line.path, line.lineno, rid, [{"code": p.code, "message": p.message} for p in problems], record)
                    continue
                yield record
            for err in bad:
                reject(err.path, err.lineno, "?", [{"code": err.code, "message": err.message}], {"_raw": err.line.rstrip("\r\n")})

        if format == "labelstudio":
            from ..exporters import labelstudio

            count, config_path = labelstudio.write(valid(), output, config)
            beside = f"the labelling config to {config_path}"
        else:
            from ..exporters import doccano

            count, type_paths = doccano.write(valid(), output, config)
            beside = "the label types to " + " and ".join(map(str, type_paths))
    say(f"wrote {count} tasks to {output} and {beside}; {rej.count} invalid records not exported"
        + (f" (reasons in {rejects_path})" if rej.count and rejects_path else ""))
    if count == 0:
        raise typer.Exit(1)


def merge(
    machine: Path = typer.Argument(..., help="Machine-annotated records JSONL."),
    human: Path = typer.Argument(..., help="Reviewed records JSONL (from `corpus import labelstudio|doccano`)."),
    output: str = typer.Option(..., "-o", "--output", help="Merged records JSONL (.gz, or - for stdout)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write counts, conflicts and unmatched ids as JSON here."),
    max_shown: int = typer.Option(20, "--max-shown", help="Print at most this many conflicts (all go to --report)."),
) -> None:
    """Merge reviewed layers over machine annotations: a layer the human touched replaces the machine's.

    A line of either input that is not a record stops the merge with its file:line and code, and
    nothing is written."""
    from ..jsonl import atomic_open, write_jsonl
    from ..merge import MergeReport
    from ..merge import merge as merge_records

    check_paths([str(machine), str(human)], [output, report])
    rep = MergeReport()
    written = write_jsonl(output, merge_records(read_records(str(machine)), read_records(str(human)), rep))
    out = err_console if output == "-" else console
    table = Table(title="merge")
    table.add_column("records")
    table.add_column("count", justify="right")
    for name, n in (("machine", rep.machine), ("human", rep.human), ("merged", rep.merged),
                    ("matched but not reviewed (predictions only)", rep.not_reviewed),
                    ("kept as machine (conflict)", rep.unchanged), ("machine only (passed through)", len(rep.unmatched_machine)),
                    ("human only (written, flagged in meta.merge)", len(rep.unmatched_human)), ("written", written)):
        table.add_row(name, f"{n:,}")
    out.print(table)
    if rep.layers_replaced:
        out.print(Text("layers replaced by the review: " + ", ".join(f"{k} {v}" for k, v in sorted(rep.layers_replaced.items()))))
    if rep.conflicts:
        conflicts = Table(title=f"conflicts ({len(rep.conflicts)})")
        for col in ("id", "kind", "detail"):
            conflicts.add_column(col, overflow="fold")
        for c in rep.conflicts[:max_shown]:
            conflicts.add_row(Text(str(c.id)), Text(c.kind), Text(c.detail))  # ids and labels come from the data
        out.print(conflicts)
        if len(rep.conflicts) > max_shown:
            out.print(Text(f"... and {len(rep.conflicts) - max_shown} more" + (f" in {report}" if report else " (use --report)")))
    if report is not None:
        with atomic_open(report) as fh:
            fh.write(json.dumps(rep.to_json(), ensure_ascii=False, indent=2) + "\n")
        out.print(Text(f"report written to {report}"))


def _fmt(x: Any) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _f1(scores: dict[str, float] | None) -> float | None:
    return None if scores is None else scores["f1"]


def agree(
    a: Path = typer.Argument(..., help="Records JSONL: annotator A."),
    b: Path = typer.Argument(..., help="Records JSONL: annotator B, the same texts."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON instead of tables."),
) -> None:
    """Inter-annotator agreement: span F1 per label (exact and overlap), Cohen's kappa per layer over tokens."""
    from ..agree import agree as compute
    from ..registry import load_registry

    check_paths([str(a), str(b)])
    reg = load_registry()
    result = compute(read_records(str(a)), read_records(str(b)), reg)
    data = result.to_json(reg)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console.print(f"{data['records']} records compared; {len(data['only_a'])} only in A, {len(data['only_b'])} only in B")
    layers = Table(title="per layer")
    for col in ("layer", "tokens", "kappa", "spans A", "spans B", "exact F1", "overlap F1"):
        layers.add_column(col, justify="left" if col == "layer" else "right")
    for layer, row in data["layers"].items():
        layers.add_row(layer, f"{row['tokens']:,}", _fmt(row["kappa"]), str(row["a"]), str(row["b"]), _fmt(_f1(row["exact"])), _fmt(_f1(row["overlap"])))
    console.print(layers)
    labels = Table(title="per label")
    for col in ("layer", "label", "A", "B", "exact P", "exact R", "exact F1", "overlap F1", "same attrs"):
        labels.add_column(col, justify="left" if col in ("layer", "label") else "right")
    for label in reg.labels:
        row = data["labels"].get(label)
        if row is None:
            continue
        ex = row["exact"]
        same = row["attrs_agree"] if reg.attrs[label] else None
        labels.add_row(row["layer"], label, str(row["a"]), str(row["b"]), _fmt(ex["precision"]), _fmt(ex["recall"]), _fmt(ex["f1"]),
                       _fmt(row["overlap"]["f1"]), _fmt(same))
    console.print(labels)
    if data["relations"]:
        rels = Table(title="relations (exact: label, head and child span)")
        for col in ("label", "A", "B", "F1"):
            rels.add_column(col, justify="left" if col == "label" else "right")
        for label, row in sorted(data["relations"].items()):
            rels.add_row(Text(str(label)), str(row["a"]), str(row["b"]), _fmt(_f1(row["exact"])))
        console.print(rels)
