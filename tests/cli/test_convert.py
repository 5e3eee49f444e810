from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.cli import app
from corpus.jsonl import read_jsonl
from corpus.validate import Validator

from ..conftest import DEV_DATA, needs_dev_data
from ..converters.test_init import build_tree

runner = CliRunner()


def _valid(path: Path) -> int:
    validator = Validator()
    for _, problems in validator.check_file(str(path)):
        assert problems == []
    return validator.report.records


def test_cli_convert_prints_counts_and_writes_rejects(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "in")
    out = tmp_path / "out" / "records.jsonl"
    result = runner.invoke(app, ["convert", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rejects = Path(f"{out}.rejects.jsonl")
    assert f"wrote 7 records to {out}; rejected 5 (reasons in {rejects})" in result.stdout
    assert _valid(out) == 7
    reasons = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["source"], r["code"]) for r in reasons] == [
        ("news/.DS_Store", "E094"), ("news/README", "E052"), ("news/deep/deeper/f.warc.gz#3", "E052"), ("news/deep/deeper/f.warc.gz#4", "E053"), ("news/notes.docx", "E052")]
    assert all(r["reason"] for r in reasons)
    assert "rejected news/notes.docx: E052" in result.stderr


def test_cli_convert_twice_gives_byte_identical_output(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "in")
    for suffix in (".jsonl", ".jsonl.gz"):
        first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        assert runner.invoke(app, ["convert", str(root), "-o", str(first)]).exit_code == 0
        assert runner.invoke(app, ["convert", str(root), "-o", str(second)]).exit_code == 0
        assert first.read_bytes() == second.read_bytes()


def test_cli_convert_text_field_options(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["sid", "headline", "body", "when", "link", "by"],
                                  ["s1", "Bill passes", "The Senate passed the bill on Tuesday.", "2021-03-04", "https://ex.com/1", "Jane Roe"]])
    out = tmp_path / "r.jsonl"
    args = ["convert", str(path), "-o", str(out), "--text-field", "body", "--title-field", "headline", "--date-field", "when",
            "--url-field", "link", "--id-field", "sid", "--author-field", "by"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    [record] = read_jsonl(out)
    meta = record["meta"]
    assert (meta["id"], meta["title"], meta["date"], meta["url"], meta["author"]) == ("s1", "Bill passes", "2021-03-04", "https://ex.com/1", "Jane Roe")
    assert _valid(out) == 1


def test_cli_convert_preset_option(tmp_path: Path) -> None:
    path = tmp_path / "np.jsonl"
    path.write_text(json.dumps({"maintext": "Markets fell on Monday.", "title": "Markets", "date_publish": "2020-01-01"}) + "\n", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert runner.invoke(app, ["convert", str(path), "-o", str(out), "--preset", "news-please"]).exit_code == 0
    assert next(read_jsonl(out))["meta"]["date"] == "2020-01-01"


def test_cli_convert_unknown_preset_stops_before_converting(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["convert", str(tmp_path / "a.txt"), "-o", str(out), "--preset", "gdelt"])
    assert result.exit_code == 2
    assert "known presets: news-please, cc-news, wikinews" in result.stderr
    assert not out.exists()


def test_cli_convert_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("ANKARA\n\nThe minister spoke.", encoding="utf-8")
    result = runner.invoke(app, ["convert", str(tmp_path / "a.txt"), "-o", "-"])
    assert result.exit_code == 0
    [line] = result.stdout.splitlines()
    assert json.loads(line)["meta"]["dateline"] == "ANKARA"
    assert "wrote 1 records to -" in result.stderr


def test_cli_convert_nothing_converted_exits_1_and_names_stay_as_written(tmp_path: Path) -> None:
    (tmp_path / "[red]empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = runner.invoke(app, ["convert", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    assert f"rejected {tmp_path.name}/[red]empty.txt: E051" in result.stderr
    assert "wrote 0 records" in result.stdout


def test_cli_convert_explicit_rejects_path(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "b.txt").write_text("Fine.", encoding="utf-8")
    rejects = tmp_path / "why.jsonl"
    result = runner.invoke(app, ["convert", str(tmp_path / "a.pdf"), str(tmp_path / "b.txt"), "-o", str(tmp_path / "r.jsonl"), "--rejects", str(rejects)])
    assert result.exit_code == 0
    assert [json.loads(line)["code"] for line in rejects.read_text(encoding="utf-8").splitlines()] == ["E052"]


@pytest.mark.devdata
@needs_dev_data("wikinews")
def test_cli_convert_wikinews_dev_data_gives_295_valid_records(tmp_path: Path) -> None:
    out = tmp_path / "wn.jsonl"
    inputs = sorted(str(p) for p in (DEV_DATA / "wikinews").glob("*.csv"))
    result = runner.invoke(app, ["convert", *inputs, "-o", str(out)])  # the layout is recognised without --preset
    assert result.exit_code == 0, result.output
    assert "wrote 295 records" in result.stdout and "rejected 0" in result.stdout
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "295 records, all valid" in result.stdout


def test_cli_convert_output_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The minister spoke.", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF")
    out = tmp_path / "records.jsonl"
    for _ in range(2):
        result = runner.invoke(app, ["convert", str(tmp_path), "-o", str(out)])
        assert result.exit_code == 0
        assert "wrote 1 records" in result.stdout and "rejected 1" in result.stdout
