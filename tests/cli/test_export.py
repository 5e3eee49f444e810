from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from corpus.cli import app
from corpus.jsonl import write_jsonl

from ..factories import article


def _input(tmp_path: Path, bad: bool) -> Path:
    records = [article(i, polarity=("favor", "against", "neutral")[i % 3]) for i in range(12)]
    if bad:
        records[3]["spans"][0]["label"] = "VILLAIN"
    path = tmp_path / "in.jsonl"
    write_jsonl(path, records)
    if bad:
        with path.open("a", encoding="utf-8") as fh:
            fh.write("{not json\n")
    return path


def test_export_stops_on_invalid_records_with_one_line_each_and_writes_nothing(tmp_path: Path) -> None:
    path = _input(tmp_path, bad=True)
    result = CliRunner().invoke(app, ["export", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "E100 2 invalid record(s)" in result.output
    assert f"{path}:4: " in result.output and ": E033" in result.output
    assert f"{path}:13: ?: E001" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_export_skip_invalid_writes_rejects_and_the_rest(tmp_path: Path) -> None:
    path = _input(tmp_path, bad=True)
    result = CliRunner().invoke(app, ["export", str(path), "-o", str(tmp_path / "out"), "--skip-invalid", "--rejects", str(tmp_path / "bad.jsonl")])
    assert result.exit_code == 0, result.output
    rejects = [json.loads(line) for line in (tmp_path / "bad.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in rejects] == [f"{path}:4", f"{path}:13"]
    assert len(json.loads((tmp_path / "out" / "splits.json").read_text(encoding="utf-8"))["articles"]) == 11


def test_export_missing_input_is_one_coded_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path / "nosuch.jsonl"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "E090" in result.output and "nosuch.jsonl" in result.output and "Traceback" not in result.output


def test_export_into_an_earlier_export_needs_overwrite_and_keeps_splits(tmp_path: Path) -> None:
    path = _input(tmp_path, bad=False)
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["export", str(path), "-o", str(out)]).exit_code == 0
    before = json.loads((out / "splits.json").read_text(encoding="utf-8"))["articles"]
    again = CliRunner().invoke(app, ["export", str(path), "-o", str(out), "--seed", "5"])
    assert again.exit_code == 1 and "E102" in again.output
    replaced = CliRunner().invoke(app, ["export", str(path), "-o", str(out), "--seed", "5", "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert json.loads((out / "splits.json").read_text(encoding="utf-8"))["articles"] == before  # the earlier plan is kept
    copy = CliRunner().invoke(app, ["export", str(path), "-o", str(tmp_path / "other"), "--seed", "5", "--splits-from", str(out)])
    assert copy.exit_code == 0, copy.output
    assert json.loads((tmp_path / "other" / "splits.json").read_text(encoding="utf-8"))["articles"] == before


def test_export_refuses_rejects_equal_to_the_input(tmp_path: Path) -> None:
    path = _input(tmp_path, bad=True)
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["export", str(path), "-o", str(tmp_path / "out"), "--skip-invalid", "--rejects", str(path)])
    assert result.exit_code == 1 and "E092" in result.output
    assert path.read_bytes() == before
    into_input = CliRunner().invoke(app, ["export", str(path), "-o", str(path)])
    assert into_input.exit_code != 0 and ("E092" in into_input.output or "E101" in into_input.output)
    assert path.read_bytes() == before


def test_export_refuses_stdin_which_it_cannot_read_twice(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "-", "-o", str(tmp_path / "out")], input="{}\n")
    assert result.exit_code == 1 and "E058" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
