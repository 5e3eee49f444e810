from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from corpus.cli import app
from corpus.jsonl import write_jsonl

from ..test_validate import make_valid

runner = CliRunner()


def _records(n: int) -> list[dict]:
    out = []
    for i in range(n):
        record = make_valid()
        record["meta"]["id"] = f"rec{i}"
        out.append(record)
    return out


def test_cli_validate_valid_file_exits_0_and_prints_the_rate(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    write_jsonl(path, _records(3))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 records, all valid" in result.stdout
    assert "records/s" in result.stdout
    assert result.stderr == ""


def test_cli_validate_prints_file_line_id_code_message_and_exits_1(tmp_path: Path) -> None:
    records = _records(3)
    records[1]["spans"][1]["label"] = "WHEN_" + "X" * 120  # a long message must stay on one line
    records[2]["meta"]["id"] = "rec0"
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records[:2]) + "\n\n" + json.dumps(records[2]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:2: rec1: E033 span 1 has label 'WHEN_XXX")
    assert lines[0].endswith("STATISTIC, CONCEPT")
    assert lines[1] == f"{path}:4: rec0: E011 meta.id 'rec0' already used on line {path}:1"
    assert "2 invalid" in result.stdout
    assert "E011" in result.stdout and "E033" in result.stdout  # the summary table


def test_cli_validate_writes_rejects_with_reasons(tmp_path: Path) -> None:
    records = _records(2)
    records[0]["tokens"][2]["ws"] = False
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(records[0]) + "\nnot json\n" + json.dumps(records[1]) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(app, ["validate", str(path), "--rejects", str(rejects)])
    assert result.exit_code == 1
    written = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["file"], r["line"], r["id"], [p["code"] for p in r["problems"]]) for r in written] == [
        (str(path), 1, "rec0", ["E024"]), (str(path), 2, "?", ["E001"])]
    assert written[0]["record"] == records[0]
    assert written[1]["record"] == {"_raw": "not json"}
    assert f"invalid records written to {rejects}" in result.stdout


def test_cli_validate_max_shown_limits_printing_not_counting(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("[1]\n" * 5, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--max-shown", "2"])
    assert result.exit_code == 1
    assert len([line for line in result.stderr.splitlines() if ": E002 " in line]) == 2
    assert "... and 3 more problems" in result.stderr
    assert "5 records, 5 invalid" in result.stdout


def test_cli_validate_reads_stdin_and_gzip(tmp_path: Path) -> None:
    gz = tmp_path / "ok.jsonl.gz"
    write_jsonl(gz, _records(2))
    assert runner.invoke(app, ["validate", str(gz)]).exit_code == 0
    bad = make_valid()
    bad["spans"][0]["end"] += 1
    result = runner.invoke(app, ["validate", "-"], input=json.dumps(bad) + "\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:1: ")


def test_cli_validate_missing_file_and_empty_file_exit_1(tmp_path: Path) -> None:
    ok = tmp_path / "ok.jsonl"
    write_jsonl(ok, _records(1))
    result = runner.invoke(app, ["validate", str(ok), str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1
    # refused before any work: no "0 records, all valid", no count of the file that is there
    assert result.stderr == f"E090 cannot read {tmp_path / 'missing.jsonl'}: no such file or directory\n"
    assert result.stdout == ""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(empty)])
    assert result.exit_code == 1
    assert "0 records" in result.stdout
