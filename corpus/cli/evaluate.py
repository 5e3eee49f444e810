"""`corpus evaluate GOLD PRED`: precision, recall and F1 per layer and label, and layer scores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from .common import check_paths, console, read_records


def _fmt(d: dict[str, Any]) -> tuple[str, str, str]:
    return f"{d['precision']:.3f}", f"{d['recall']:.3f}", f"{d['f1']:.3f}"


def evaluate(
    gold: Path = typer.Argument(..., help="Gold records JSONL."),
    pred: Path = typer.Argument(..., help="Predicted records JSONL (same texts)."),
    layers: Optional[str] = typer.Option(None, "--layers", help="Comma-separated layers to score (default: all)."),
    label_map: Optional[str] = typer.Option(None, "--label-map", help="Map entity labels before scoring: conll (PER/ORG/LOC/MISC)."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Score only these labels (comma-separated, after mapping)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON (keys precision, recall, f1 per layer and label)."),
) -> None:
    """Score predicted records against gold records.

    A line that is not a record stops the run with its file:line and code: scores over part of a
    file would mislead."""
    from ..evaluate import evaluate as run

    check_paths([str(gold), str(pred)])
    report = run(
        read_records(str(gold)),
        read_records(str(pred)),
        layers=[x.strip() for x in layers.split(",")] if layers else None,
        label_map=label_map,
        labels=[x.strip() for x in labels.split(",")] if labels else None,
    )
    if as_json:
        print(json.dumps(report, indent=2, sort_keys=True))
        return
    table = Table(title=Text(f"{gold} vs {pred}"))
    for col in ("layer", "label", "P", "R", "F1", "P~", "R~", "F1~", "gold"):
        table.add_column(col, justify="left" if col in ("layer", "label") else "right")
    extras = Table(title="layer scores")
    for col in ("layer", "score", "value", "n"):
        extras.add_column(col, justify="left" if col in ("layer", "score") else "right")
    for layer, res in report.items():
        if layer == "records":
            continue
        for label, d in res["labels"].items():
            table.add_row(layer, Text(str(label)), *_fmt(d), *_fmt(d["overlap"]), str(d["support"]))  # labels come from the data
        if res["labels"]:
            table.add_row(layer, "[bold]all[/]", *_fmt(res), *_fmt(res["overlap"]), str(res["tp"] + res["fn"]), end_section=True)
        for name, d in res.items():
            if not isinstance(d, dict) or name in ("overlap", "labels"):
                continue
            if "accuracy" in d:
                extras.add_row(layer, name, "-" if d["accuracy"] is None else f"{d['accuracy']:.3f}", str(d["total"]))
            else:
                extras.add_row(layer, f"{name} P/R/F1", "/".join(_fmt(d)), str(d["tp"] + d["fn"]))
    console.print(table)
    if extras.row_count:
        console.print(extras)
    rec = report["records"]
    console.print(f"{rec['gold']} gold records; {rec['missing_predictions']} without a prediction; {rec['extra_predictions']} predictions without gold. P~/R~/F1~: overlap match.")
