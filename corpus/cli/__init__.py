"""The `corpus` command line. Each command lives in its own module; this table is the whole CLI.

Heavy libraries (spaCy, datasets) are imported inside the commands that need them, so
`corpus validate` starts in a fraction of a second. Every error that ends a command is reported
here, once, as one coded line on stderr (`--debug` adds the traceback); see `describe`.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import traceback
from typing import Any

import typer
from typer.core import TyperGroup

from ..errors import CODES, CorpusError
from ..jsonl import WRITE_ERRNOS
from . import annotate, convert, evaluate, export, importers, stats, validate
from . import show
from . import review
from .common import err_console

__all__ = ["app", "main", "describe"]

# Exit codes: 0 done; 1 bad input or a file problem (one coded line says which); 2 a wrong command
# line (click's usage errors); 70 an internal error (a bug: E099); 130 interrupted (E098).
EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 70, 130


def describe(exc: BaseException) -> tuple[str, int]:
    """The one line a user sees for an exception that ended a command, and the exit code."""
    if isinstance(exc, CorpusError):
        return str(exc), EXIT_ERROR
    if isinstance(exc, KeyboardInterrupt):
        return f"E098 {CODES['E098']}", EXIT_INTERRUPTED
    if isinstance(exc, OSError):
        code = "E091" if exc.errno in WRITE_ERRNOS else "E090"
        path = exc.filename if exc.filename is not None else "a file"
        return f"{code} {CODES[code].format(path=path, cause=exc.strerror or exc)}", EXIT_ERROR
    if isinstance(exc, RecursionError):
        cause = "RecursionError: an input nested too deeply for Python's recursion limit"
    elif isinstance(exc, MemoryError):
        cause = "MemoryError: out of memory"
    else:
        cause = f"{type(exc).__name__}: {exc}"
    return f"E099 {CODES['E099'].format(cause=cause)}", EXIT_INTERNAL


def _passes_through(exc: BaseException) -> bool:
    """typer's own ways out (exit codes, usage errors), and a closed pipe that `main` handles."""
    if isinstance(exc, (SystemExit, typer.Exit, typer.Abort)):
        return True
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        return True
    return type(exc).__module__.startswith(("typer", "click"))


def _report(exc: BaseException, debug: bool) -> int:
    line, code = describe(exc)
    if debug:
        traceback.print_exception(exc)
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    return code


class _Guarded(TyperGroup):
    """The command group with the one error handler, so every command (and CliRunner tests) get it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BaseException as exc:
            if _passes_through(exc):
                raise
            raise typer.Exit(_report(exc, bool(ctx.params.get("debug")))) from exc


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"corpus (news-corpus) {version('news-corpus')}")
        raise typer.Exit()


app = typer.Typer(
    name="corpus",
    cls=_Guarded,
    help="Turn raw news articles into span-annotated, validated NLP training data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help text is shown as written: "[ray]" is an extra's name, not console markup
    rich_markup_mode=None,
)


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="On an error, show the Python traceback as well as the coded line."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Turn raw news articles into span-annotated, validated NLP training data."""


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


def main() -> None:
    # An over-limit write (`ulimit -f`) then fails with EFBIG, which is reported, instead of the
    # signal killing the process with a half-written temporary file.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        app()
    except BrokenPipeError:  # `corpus convert ... -o - | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
    except BaseException as exc:  # raised outside a command (while starting up): the same one line
        if _passes_through(exc):
            raise
        sys.exit(_report(exc, "--debug" in sys.argv[1:]))
