from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from corpus.cli import app
from corpus.jsonl import write_jsonl
from corpus.record import new_record

from ..test_validate import make_valid

runner = CliRunner()


def _row(output: str, *cells: str) -> bool:
    """Whether some table row holds these cells in this order."""
    for line in output.splitlines():
        parts = [p.strip() for p in line.strip("│┃ ").split("│")]
        if [p for p in parts if p] == list(cells):
            return True
    return False


def test_cli_stats_prints_records_tokens_spans_and_relations(tmp_path: Path) -> None:
    annotated = make_valid()
    plain = new_record("Nothing to see here.", source="plain.txt")
    path = tmp_path / "r.jsonl"
    write_jsonl(path, [annotated, plain])
    result = runner.invoke(app, ["stats", str(path)])
    assert result.exit_code == 0, result.output
    tokens = len(annotated["tokens"]) + len(plain["tokens"])
    words = tokens - 1  # the "\n\n" token of the annotated text is not a word
    assert _row(result.stdout, "2", str(tokens), str(words))
    for layer, label in [("entities", "PERSON"), ("entities", "DATE"), ("quotes", "QUOTE"), ("stances", "STANCE"), ("statistics", "CONCEPT")]:
        assert _row(result.stdout, layer, label, "1")
    for label in ["SOURCE", "CUE", "HOLDER", "TARGET", "CONCEPT"]:
        assert _row(result.stdout, label, "1")


def test_cli_stats_sums_several_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    write_jsonl(a, [make_valid()])
    write_jsonl(b, [make_valid()])
    result = runner.invoke(app, ["stats", str(a), str(b)])
    assert result.exit_code == 0
    assert _row(result.stdout, "quotes", "QUOTE", "2")


def test_cli_stats_on_a_bad_line_says_so_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "x"}\n{broken\n', encoding="utf-8")
    result = runner.invoke(app, ["stats", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2" in result.stderr and "E001" in result.stderr
