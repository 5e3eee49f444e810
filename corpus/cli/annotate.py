"""`corpus annotate`: one parse per article, the selected layers, records out."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import RejectsWriter, console, err_console, track


def annotate(
    input: Path = typer.Argument(..., help="Records JSONL (from `corpus convert` or `corpus import`)."),
    output: str = typer.Option(..., "-o", "--output", help="Annotated records JSONL to write (or a directory of Parquet shards with --engine ray)."),
    layers: str = typer.Option("all", "--layers", help="Comma-separated layers: entities,statistics,quotes,stances (default all)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where records that fail go (default: OUTPUT.rejects.jsonl)."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (default: every core)."),
    batch_size: int = typer.Option(32, "--batch-size", help="Records per batch sent to a worker."),
    resume: bool = typer.Option(False, "--resume", help="Keep the records a killed or earlier run already wrote (by meta.id) and do the rest."),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or ray (Ray Data; needs the [ray] extra)."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster to join (default: a local Ray instance)."),
    stances: str = typer.Option("model", "--stances", help="model (stances_v2, learned; the shipped model is CC BY-NC-SA 4.0) or rules (stances_v1)."),
    stances_model: Optional[str] = typer.Option(None, "--stances-model", help="A stance model folder from `corpus train stances` (default: the shipped one)."),
) -> None:
    """Annotate records with entities, statistics, quotes and stances from one spaCy parse."""
    from ..converters import Reject
    from ..engine import ResumableWriter, default_workers, run_local
    from ..errors import CorpusError
    from ..jsonl import read_jsonl
    from ..pipeline import check_stances, parse_layers

    try:
        selected = parse_layers(layers)
        if "stances" in selected:
            check_stances(stances, stances_model)
    except CorpusError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    options = {"stances": stances, "stances_model": stances_model}  # how the workers build their Annotator
    n_workers = workers or default_workers()
    if engine == "ray":
        from ..engines_ray import run_ray

        summary = run_ray(str(input), output, selected, address=address, batch_size=batch_size, rejects=rejects, options=options)
        console.print(summary)
        return
    if engine != "local":
        err_console.print(f"[red]E055 unknown engine {engine!r}; known engines: local, ray[/]")
        raise typer.Exit(2)
    if output == "-":
        err_console.print("[red]annotate writes a file (it is resumable); use -o FILE[/]")
        raise typer.Exit(2)
    writer = ResumableWriter(output, resume=resume)
    if writer.kept:
        err_console.print(f"resuming: {writer.kept} records already annotated in {writer.partial if writer.partial.exists() else output}")
    todo = (r for r in read_jsonl(str(input)) if not (writer.done and (r.get("meta") or {}).get("id") in writer.done))
    rejects_path = rejects or f"{output}.rejects.jsonl"
    written = 0
    ok = False
    try:
        with RejectsWriter(rejects_path) as rej:
            for item in track(run_local(todo, selected, workers=n_workers, batch_size=batch_size, options=options), f"annotate ({n_workers} workers)"):
                if isinstance(item, Reject):
                    rej.write(item.to_json())
                    err_console.print(f"[yellow]rejected[/] {item.source}: {item.code} {item.reason}", highlight=False)
                else:
                    writer.write(item)
                    written += 1
                    if written % 256 == 0:
                        writer.flush()
        ok = True
    finally:
        writer.close(ok=ok)
    console.print(f"annotated {written} records ({', '.join(selected)}) to {output}" + (f" after {writer.kept} resumed" if writer.kept else "") + f"; rejected {rej.count}" + (f" (reasons in {rejects_path})" if rej.count else ""))
    if written + writer.kept == 0:
        raise typer.Exit(1)
