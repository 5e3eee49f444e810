"""The `corpus` command line. Each command lives in its own module; this table is the whole CLI.

Heavy libraries (spaCy, datasets) are imported inside the commands that need them, so
`corpus validate` starts in a fraction of a second.
"""

from __future__ import annotations

import typer

from . import annotate, convert, evaluate, export, importers, stats, validate
from . import show
from . import review
from . import train

__all__ = ["app", "main"]

app = typer.Typer(
    name="corpus",
    help="Turn raw news articles into span-annotated, validated NLP training data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("convert")(convert.convert)
app.command("validate")(validate.validate)
app.command("stats")(stats.stats)
app.command("import")(importers.import_)
app.command("annotate")(annotate.annotate)
app.command("evaluate")(evaluate.evaluate)
app.command("export")(export.export_cmd)
app.command("build")(export.build)
app.command("show")(show.show)
app.command("merge")(review.merge)
app.command("agree")(review.agree)
app.command("export-review")(review.export_review)
app.add_typer(train.app, name="train")


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `corpus convert ... -o - | head`: the reader has what it wanted
        import os
        import sys

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
