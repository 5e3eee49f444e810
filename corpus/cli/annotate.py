"""`corpus annotate`: one parse per article, the selected layers, records out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from .common import RejectsWriter, check_paths, console, err_console, track


def annotate(
    input: Path = typer.Argument(..., help="Records JSONL (from `corpus convert` or `corpus import`)."),
    output: str = typer.Option(..., "-o", "--output", help="Annotated records JSONL to write (or a directory of Parquet shards with --engine ray)."),
    layers: str = typer.Option("all", "--layers", help="Comma-separated layers: entities,statistics,quotes,stances (default all)."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where records that fail go (default: OUTPUT.rejects.jsonl)."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (default: every core; with --engine ray, actors: default the cluster's CPUs less one)."),
    batch_size: int = typer.Option(8, "--batch-size", help="Records per batch sent to a worker (small batches keep every worker busy to the end)."),
    resume: bool = typer.Option(False, "--resume", help="Finish a killed run: keep what it wrote (if it was the same input, layers and model) and do the rest."),
    engine: str = typer.Option("local", "--engine", help="local (process pool) or ray (Ray Data; needs the [ray] extra)."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster to join (default: a local Ray instance)."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy pipeline to parse with, a package name or a folder (default: the pinned en_core_web_sm)."),
    stances: str = typer.Option("model", "--stances", help="model (stances_v2, learned; the shipped model is CC BY-NC-SA 4.0) or rules (stances_v1)."),
    stances_model: Optional[str] = typer.Option(None, "--stances-model", help="A stance model folder from `corpus train stances` (default: the shipped one)."),
) -> None:
    """Annotate records with entities, statistics, quotes and stances from one spaCy parse."""
    from ..errors import CODES, CorpusError
    from ..pipeline import check_model, check_stances, parse_layers

    rejects_path = rejects or f"{output.rstrip('/')}.rejects.jsonl"
    check_paths([str(input)], [output, rejects_path])  # a missing input, or an output that is the input (E090-E092)
    selected = parse_layers(layers)
    if "stances" in selected:
        check_stances(stances, stances_model)  # an unknown choice or a bad model folder, before any worker starts
    options = {"stances": stances, "stances_model": stances_model}  # how every worker builds its Annotator
    if engine == "ray":
        if resume:
            raise CorpusError("E123", CODES["E123"].format(cause="--resume works with the local engine only; the Ray engine writes its output in one go"))
        check_model(model, selected)  # the actors load it: a model that cannot load or parse is one coded line here (E113, E110)
        from ..engines_ray import run_ray

        summary = run_ray(str(input), output, selected, address=address, batch_size=batch_size, rejects=rejects_path, workers=workers or None, model=model, options=options)
        console.print(summary, markup=False, highlight=False, soft_wrap=True)
        return
    if engine != "local":
        raise CorpusError("E055", CODES["E055"].format(cause=f"unknown engine {engine!r}; known engines: local, ray"))
    if output == "-":
        raise CorpusError("E123", CODES["E123"].format(cause="annotate writes a file (it is resumable); use -o FILE"))
    _annotate_local(input, output, selected, rejects_path, workers, batch_size, resume, model, options)


def _annotate_local(input: Path, output: str, selected: tuple[str, ...], rejects_path: str, workers: int, batch_size: int, resume: bool, model: str | None,
                    options: dict[str, Any]) -> None:
    from ..converters import Reject
    from ..engine import LocalEngine, ResumableWriter, default_workers, read_records, run_manifest

    n_workers = workers or default_workers()
    # the engine forks its workers now, before the progress bar starts its thread
    with LocalEngine(selected, workers=n_workers, model=model, options=options) as local:
        writer = ResumableWriter(output, run_manifest(input, local.annotator, rejects_path), resume=resume)
        if writer.kept:
            err_console.print(f"resuming: {writer.kept} records already annotated in {writer.partial}")
        todo = (r for r in read_records(input) if isinstance(r, Reject) or not (writer.done and (r.get("meta") or {}).get("id") in writer.done))
        written = 0
        ok = False
        try:
            with RejectsWriter(rejects_path) as rej:
                for item in track(local.run_lines(todo, batch_size), f"annotate ({n_workers} workers)"):
                    if isinstance(item, Reject):
                        rej.write(item.to_json())
                        err_console.print(f"rejected {item.source}: {item.code} {item.reason}", style="yellow", markup=False, highlight=False, soft_wrap=True)
                    else:
                        writer.write(item)
                        written += 1
            ok = True
        finally:
            writer.close(ok=ok)
    console.print(
        f"annotated {written} records ({', '.join(selected)}) to {output}" + (f" after {writer.kept} resumed" if writer.kept else "")
        + f"; rejected {rej.count}" + (f" (reasons in {rejects_path})" if rej.count else ""),
        markup=False, highlight=False, soft_wrap=True,
    )
    if written + writer.kept == 0:
        raise typer.Exit(1)
