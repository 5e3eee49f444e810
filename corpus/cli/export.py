"""`corpus export` and `corpus build`: leak-free splits and datasets that training jobs load."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from .common import RejectsWriter, check_paths, console, err_console, track

FORMAT_HELP = "Comma-separated: hf (Hugging Face Parquet + card), spacy (DocBin), conll, prodigy."


def _options(formats: str, test_size: float, validation_size: float, seed: int, group_by: str, near_duplicates: float, stratify: bool, license: str) -> Any:
    from ..export import ExportOptions

    return ExportOptions(
        formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
        test_size=test_size, validation_size=validation_size, seed=seed, group_by=group_by,
        near_duplicates=near_duplicates or None, stratify=stratify, license=license,
    )


def _summary(result: Any, out: Path) -> None:
    sizes = Table(title="split sizes")
    splits = [sp for sp in ("train", "validation", "test") if result.sizes.get(sp)]
    sizes.add_column("config")
    for sp in splits:
        sizes.add_column(sp, justify="right")
    sizes.add_row("articles", *[str(result.sizes[sp]) for sp in splits], end_section=True)
    for config, per in result.counts.items():
        sizes.add_row(config, *[str(per.get(sp, 0)) for sp in splits])
    console.print(sizes)
    for w in result.warnings:
        err_console.print(f"[yellow]warning[/] {w}")
    for fmt, path in result.written.items():
        console.print(f"{fmt}: {path}")


def _run_export(records: Any, out: Path, options: Any) -> Any:
    from ..errors import CorpusError
    from ..export import export

    try:
        return export(records, out, options)
    except CorpusError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


GROUP_HELP = "article (default), paragraph, or any meta key (source, story, date...)."


def export_cmd(
    input: Path = typer.Argument(..., help="Annotated records JSONL."),
    output: Path = typer.Option(..., "-o", "--output", help="Directory to write."),
    formats: str = typer.Option("hf", "--format", help=FORMAT_HELP),
    test_size: float = typer.Option(0.1, "--test-size"),
    validation_size: float = typer.Option(0.1, "--validation-size"),
    seed: int = typer.Option(0, "--seed"),
    group_by: str = typer.Option("article", "--group-by", help=GROUP_HELP),
    near_duplicates: float = typer.Option(0.8, "--near-duplicates", help="MinHash Jaccard threshold for merging rewrites into one group; 0 turns it off."),
    stratify: bool = typer.Option(False, "--stratify/--no-stratify", help="Balance label distributions with scikit-learn (appending articles may then move old ones)."),
    license: str = typer.Option("other", "--license", help="Licence named in the dataset card."),
) -> None:
    """Split the records once (no group in two splits) and write every requested format."""
    from ..jsonl import read_jsonl

    check_paths([str(input)], [output])
    result = _run_export(lambda: read_jsonl(str(input)), output, _options(formats, test_size, validation_size, seed, group_by, near_duplicates, stratify, license))
    _summary(result, output)


def build(
    inputs: list[Path] = typer.Argument(..., help="Articles: files or directories, as for `corpus convert`."),
    output: Path = typer.Option(..., "-o", "--output", help="Build directory: records, annotations, rejects, and the dataset in OUTPUT/hf."),
    layers: str = typer.Option("all", "--layers"),
    workers: int = typer.Option(0, "--workers", help="Annotation worker processes (default: every core)."),
    formats: str = typer.Option("hf", "--format", help=FORMAT_HELP),
    test_size: float = typer.Option(0.1, "--test-size"),
    validation_size: float = typer.Option(0.1, "--validation-size"),
    seed: int = typer.Option(0, "--seed"),
    group_by: str = typer.Option("article", "--group-by", help=GROUP_HELP),
    near_duplicates: float = typer.Option(0.8, "--near-duplicates"),
    stratify: bool = typer.Option(False, "--stratify/--no-stratify"),
    license: str = typer.Option("other", "--license"),
) -> None:
    """Convert, annotate, validate and export in one command."""
    from ..converters import ConvertOptions, Reject, convert_paths
    from ..engine import default_workers, run_local
    from ..jsonl import read_jsonl, write_jsonl
    from ..pipeline import parse_layers
    from ..validate import Validator

    check_paths([str(p) for p in inputs], [output])
    output.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    rejects_path = output / "rejects.jsonl"
    counts: Counter[str] = Counter()
    records_path, annotated_path = output / "records.jsonl", output / "annotated.jsonl"
    with RejectsWriter(str(rejects_path)) as rej:
        # every stage streams from file to file, so memory does not grow with the corpus

        def converted() -> Iterator[dict[str, Any]]:
            for item in track(convert_paths(inputs, ConvertOptions()), "convert", unit="items"):
                if isinstance(item, Reject):
                    rej.write({"stage": "convert", **item.to_json()})
                    counts["convert rejected"] += 1
                else:
                    counts["converted"] += 1
                    yield item

        t = time.perf_counter()
        write_jsonl(records_path, converted())
        timings["convert"] = time.perf_counter() - t

        selected = parse_layers(layers)
        validator = Validator()
        validating = [0.0]

        def annotated() -> Iterator[dict[str, Any]]:
            stream = run_local(read_jsonl(records_path), selected, workers=workers or default_workers())
            for item in track(stream, "annotate + validate", total=counts["converted"]):
                if isinstance(item, Reject):
                    rej.write({"stage": "annotate", **item.to_json()})
                    counts["annotate rejected"] += 1
                    continue
                counts["annotated"] += 1
                started = time.perf_counter()
                problems = validator.check(item, item["meta"]["id"])
                validating[0] += time.perf_counter() - started
                if problems:
                    rej.write({"stage": "validate", "source": item["meta"]["id"], "problems": [str(p) for p in problems], "record": item})
                    counts["invalid"] += 1
                else:
                    counts["valid"] += 1
                    yield item

        t = time.perf_counter()
        write_jsonl(annotated_path, annotated())
        timings["annotate"] = time.perf_counter() - t - validating[0]
        timings["validate"] = validating[0]

    t = time.perf_counter()
    result = _run_export(lambda: read_jsonl(annotated_path), output / "hf", _options(formats, test_size, validation_size, seed, group_by, near_duplicates, stratify, license))
    timings["export"] = time.perf_counter() - t
    _summary(result, output / "hf")
    stages = Table(title="build")
    for col in ("stage", "records", "rejected", "seconds"):
        stages.add_column(col, justify="left" if col == "stage" else "right")
    stages.add_row("convert", str(counts["converted"]), str(counts["convert rejected"]), f"{timings['convert']:.1f}")
    stages.add_row("annotate", str(counts["annotated"]), str(counts["annotate rejected"]), f"{timings['annotate']:.1f}")
    stages.add_row("validate", str(counts["valid"]), str(counts["invalid"]), f"{timings['validate']:.1f}")
    stages.add_row("export", str(result.records), "0", f"{timings['export']:.1f}")
    console.print(stages)
    console.print(f"records: {records_path}; annotated: {annotated_path}; rejects ({rej.count}): {rejects_path}")
    console.print(f"[bold]dataset: {output / 'hf'}[/]  (datasets.load_dataset({str(output / 'hf')!r}, 'ner'))")
