"""`corpus train stances`: a stance model from records with gold stances (reviewed or imported)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import check_paths, console, err_console, track

app = typer.Typer(help="Train a learned layer from records with gold annotations.", no_args_is_help=True)


@app.command("stances")
def stances(
    inputs: list[Path] = typer.Argument(..., help="Records JSONL with gold stances: STANCE spans with HOLDER/TARGET relations, or meta.gold_stances (corpus import seesaw)."),
    output: Path = typer.Option(..., "-o", "--output", help="Model folder to write (new, empty, or an earlier model of this command)."),
    licence: str = typer.Option("as the training data", "--licence", help="The licence of the training data, written into the model card."),
    name: Optional[str] = typer.Option(None, "--name", help="A name for the model (default: the output folder's name)."),
    c: float = typer.Option(0.3, "--c", help="Inverse regularisation strength of the logistic regression."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Least probability of favor or against for a stance to be written (default: thresholds per polarity chosen on grouped inner folds of the training data)."),
) -> None:
    """Train the stance model (`stances_v2`) and write it with its model card."""
    check_paths([str(p) for p in inputs], [output])  # a missing input, or an output that is one (E090-E092)
    _train(inputs, output, licence, name, c, threshold)  # a coded error is one line (the CLI's handler)


def _train(inputs: list[Path], output: Path, licence: str, name: str | None, c: float, threshold: float | None) -> None:
    from ..errors import CODES, CorpusError
    from ..jsonl import read_jsonl
    from ..stance_training import featurize, model_card, train, write_model

    for path in inputs:
        if path.resolve() == output.resolve() or output.resolve() in path.resolve().parents:
            raise CorpusError("E153", CODES["E153"].format(cause=f"the output {output} is an input or holds one ({path})"))
        if not path.is_file():
            raise CorpusError("E153", CODES["E153"].format(cause=f"{path}: no such file"))

    def records():  # type: ignore[no-untyped-def]
        for path in inputs:
            yield from read_jsonl(str(path))

    examples = list(track(featurize(records()), "parse and label", unit="records"))
    model = train(examples, c=c, threshold=threshold, meta={"name": name or output.name, "sources": [str(p) for p in inputs], "licence": licence})
    card = model_card(model, sources=[p.name for p in inputs], licence=licence)
    write_model(model, output, card)
    t = model.meta["training"]
    console.print(f"trained on {t['records']} records ({t['labels'].get('favor', 0)} favor, {t['labels'].get('against', 0)} against pairs "
                  f"of {t['candidates']}); model and card in {output}")
    if t["labels"].get("favor", 0) == 0 or t["labels"].get("against", 0) == 0:
        err_console.print("[yellow]note: one polarity has no training pair; the model never predicts it[/]")
