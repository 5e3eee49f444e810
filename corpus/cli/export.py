"""`corpus export` and `corpus build`: leak-free splits and datasets that training jobs load."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from rich.markup import escape

from .common import RejectsWriter, check_paths, console, err_console, track
from .convert import AuthorField, DateField, IdField, MinChars, Preset, TextField, TitleField, UrlField, convert_options

FORMAT_HELP = "Comma-separated: hf (Hugging Face Parquet + card), spacy (DocBin), conll, prodigy."


def _options(formats: str, test_size: float, validation_size: float, seed: int, group_by: str, near_duplicates: float, stratify: bool,
             license: Optional[str], splits_from: Optional[Path] = None, resplit: bool = False, skip_invalid: bool = False,
             rejects: Optional[Path] = None, overwrite: bool = False) -> Any:
    from ..export import ExportOptions

    return ExportOptions(
        formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
        test_size=test_size, validation_size=validation_size, seed=seed, group_by=group_by,
        near_duplicates=near_duplicates or None, stratify=stratify, license=license, splits_from=splits_from, resplit=resplit,
        skip_invalid=skip_invalid, rejects=rejects, overwrite=overwrite,
    )


def _summary(result: Any, out: Path) -> None:
    """Split sizes asked and got, rows per config, and per-layer label shares per split."""
    splits = [sp for sp in ("train", "validation", "test") if result.sizes.get(sp)]
    sizes = Table(title="split sizes")
    sizes.add_column("config")
    for sp in splits:
        sizes.add_column(sp, justify="right")
    sizes.add_row("articles asked", *[str(result.plan.asked.get(sp, 0)) for sp in splits])
    sizes.add_row("articles", *[str(result.sizes[sp]) for sp in splits], end_section=True)
    for config, per in result.counts.items():
        sizes.add_row(config, *[str(per.get(sp, 0)) for sp in splits])
    console.print(sizes)
    for layer, rows in result.shares.items():
        if not rows:
            continue
        shares = Table(title=f"{layer}: label shares per split")
        shares.add_column("label")
        for sp in splits:
            shares.add_column(sp, justify="right")
        for label, per in rows.items():
            shares.add_row(escape(label), *[f"{per.get(sp, 0.0):.1%}" for sp in splits])
        console.print(shares)
    for d in result.plan.deviations():
        err_console.print(f"[yellow]size[/] {escape(d)}", highlight=False)
    for w in result.warnings:
        if w not in result.plan.deviations():
            err_console.print(f"[yellow]warning[/] {escape(w)}", highlight=False)
    if result.rejects is not None:
        console.print(f"rejected {result.invalid} invalid record(s): {escape(str(result.rejects))}", highlight=False)
    for fmt, path in result.written.items():
        console.print(f"{fmt}: {escape(str(path))}", highlight=False)


def _run_export(records: Any, out: Path, options: Any, **kwargs: Any) -> Any:
    """Export; a `CorpusError` (E100-E102, E057, E058) reaches the CLI's one error handler."""
    from ..export import export

    return export(records, out, options, **kwargs)


def _lines(path: Path) -> Any:
    """The input's records with their line numbers, and its non-JSON lines as errors to report,
    read afresh on each call (export reads twice: to validate and split, then to write)."""
    from ..errors import CorpusError, InvalidLineError
    from ..jsonl import iter_lines

    if str(path) == "-":
        raise CorpusError("E058", "export reads its input twice (to split, then to write); give a file, not -")
    passes = iter(["validate + split", "write"])

    def lines() -> Iterator[Any]:
        errors: list[InvalidLineError] = []
        for line in iter_lines(str(path), skip_invalid=True, errors=errors):
            while errors:
                yield errors.pop(0)
            yield line
        yield from errors

    def read() -> Iterator[Any]:
        return track(lines(), next(passes, "read"))

    return read


GROUP_HELP = "article (default), paragraph, or any meta key (source, story, date...)."
SPLITS_FROM_HELP = "An earlier export folder, build folder or splits.json whose articles keep their splits (default: the target's own, if any)."
LICENSE_HELP = "Licence in the dataset card (default: the sources' licence when known, e.g. cc-by-2.5 for Wikinews, else other)."


def export_cmd(
    input: Path = typer.Argument(..., help="Annotated records JSONL."),
    output: Path = typer.Option(..., "-o", "--output", help="Export folder: one sibling folder per format (OUTPUT/hf, OUTPUT/spacy, ...)."),
    formats: str = typer.Option("hf", "--format", help=FORMAT_HELP),
    test_size: float = typer.Option(0.1, "--test-size"),
    validation_size: float = typer.Option(0.1, "--validation-size"),
    seed: int = typer.Option(0, "--seed"),
    group_by: str = typer.Option("article", "--group-by", help=GROUP_HELP),
    near_duplicates: float = typer.Option(0.8, "--near-duplicates", help="MinHash Jaccard threshold for merging rewrites into one group; 0 turns it off."),
    stratify: bool = typer.Option(False, "--stratify/--no-stratify", help="Fill each split with its share of every label and class value too, so label shares match across splits."),
    license: Optional[str] = typer.Option(None, "--license", help=LICENSE_HELP),
    splits_from: Optional[Path] = typer.Option(None, "--splits-from", help=SPLITS_FROM_HELP),
    resplit: bool = typer.Option(False, "--resplit", help="Ignore the target's earlier splits.json and split afresh."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Export the valid records and write the invalid ones to --rejects (default: stop)."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="Rejects file for --skip-invalid (default: OUTPUT/export.rejects.jsonl, beside OUTPUT/hf)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an earlier export of ours in OUTPUT (never anything else)."),
) -> None:
    """Validate the records, split them once (no group in two splits) and write every requested format."""
    check_paths([str(input)], [output, rejects])
    options = _options(formats, test_size, validation_size, seed, group_by, near_duplicates, stratify, license,
                       splits_from, resplit, skip_invalid, rejects, overwrite)
    result = _run_export(_lines(input), output, options)
    _summary(result, output)


def build(
    inputs: list[Path] = typer.Argument(..., help="Articles: files or directories, as for `corpus convert`."),
    output: Path = typer.Option(..., "-o", "--output", help="Build folder: records, annotations, rejects, and one sibling folder per format (OUTPUT/hf, OUTPUT/spacy, ...)."),
    layers: str = typer.Option("all", "--layers"),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline to parse with: an installed package name or a saved folder (default: the pinned en_core_web_sm)."),
    stances: str = typer.Option("model", "--stances", help="model (stances_v2, learned; the shipped model is CC BY-NC-SA 4.0) or rules (stances_v1)."),
    stances_model: Optional[str] = typer.Option(None, "--stances-model", help="A stance model folder from `corpus train stances` (default: the shipped one)."),
    workers: int = typer.Option(0, "--workers", help="Annotation worker processes (default: every core)."),
    formats: str = typer.Option("hf", "--format", help=FORMAT_HELP),
    test_size: float = typer.Option(0.1, "--test-size"),
    validation_size: float = typer.Option(0.1, "--validation-size"),
    seed: int = typer.Option(0, "--seed"),
    group_by: str = typer.Option("article", "--group-by", help=GROUP_HELP),
    near_duplicates: float = typer.Option(0.8, "--near-duplicates"),
    stratify: bool = typer.Option(False, "--stratify/--no-stratify"),
    license: Optional[str] = typer.Option(None, "--license", help=LICENSE_HELP),
    splits_from: Optional[Path] = typer.Option(None, "--splits-from", help=SPLITS_FROM_HELP),
    resplit: bool = typer.Option(False, "--resplit", help="Ignore the build folder's earlier splits.json and split afresh."),
    preset: Preset = None,
    text_field: TextField = None,
    title_field: TitleField = None,
    url_field: UrlField = None,
    date_field: DateField = None,
    id_field: IdField = None,
    author_field: AuthorField = None,
    min_chars: MinChars = 200,
) -> None:
    """Convert, annotate, validate and export in one command. A rebuild into the same folder keeps
    every earlier article in its split."""
    from ..converters import Reject, convert_paths
    from ..engine import default_workers, run_local
    from ..export import claim
    from ..jsonl import read_jsonl, write_jsonl
    from ..pipeline import check_model, check_stances, parse_layers
    from ..validate import Validator

    check_model(model, layers)
    if "stances" in parse_layers(layers):
        check_stances(stances, stances_model)  # an unknown choice or a bad model folder, before any work
    reading = convert_options(preset, min_chars, text=text_field, title=title_field, url=url_field, date=date_field, id=id_field, author=author_field)
    check_paths([str(p) for p in inputs], [output])
    options = _options(formats, test_size, validation_size, seed, group_by, near_duplicates, stratify, license, splits_from, resplit)
    claim(output, ["records.jsonl", "annotated.jsonl", "rejects.jsonl"])
    timings: dict[str, float] = {}
    rejects_path = output / "rejects.jsonl"
    counts: Counter[str] = Counter()
    records_path, annotated_path = output / "records.jsonl", output / "annotated.jsonl"
    with RejectsWriter(str(rejects_path)) as rej:
        # every stage streams from file to file, so memory does not grow with the corpus

        def converted() -> Iterator[dict[str, Any]]:
            for item in track(convert_paths(inputs, reading), "convert", unit="items"):
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
            stream = run_local(read_jsonl(records_path), selected, workers=workers or default_workers(), model=model,
                               options={"stances": stances, "stances_model": stances_model})
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
    passes = iter(["export: validate + split", "export: write"])
    result = _run_export(lambda: track(read_jsonl(annotated_path), next(passes, "export"), total=counts["valid"]), output, options, replace_own=True)
    timings["export"] = time.perf_counter() - t
    _summary(result, output)
    stages = Table(title="build")
    for col in ("stage", "records", "rejected", "seconds"):
        stages.add_column(col, justify="left" if col == "stage" else "right")
    stages.add_row("convert", str(counts["converted"]), str(counts["convert rejected"]), f"{timings['convert']:.1f}")
    stages.add_row("annotate", str(counts["annotated"]), str(counts["annotate rejected"]), f"{timings['annotate']:.1f}")
    stages.add_row("validate", str(counts["valid"]), str(counts["invalid"]), f"{timings['validate']:.1f}")
    stages.add_row("export", str(result.records), str(result.invalid), f"{timings['export']:.1f}")
    console.print(stages)
    console.print(f"records: {escape(str(records_path))}; annotated: {escape(str(annotated_path))}; rejects ({rej.count}): {escape(str(rejects_path))}", highlight=False)
    if "hf" in result.written:
        hf = str(result.written["hf"])
        console.print(f"[bold]dataset: {escape(hf)}[/]  (datasets.load_dataset({escape(repr(hf))}, 'ner'))", highlight=False)
