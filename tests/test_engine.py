from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.cli import app
from corpus.converters import Reject
from corpus.engine import ResumableWriter, run_local
from corpus.jsonl import read_jsonl, write_jsonl
from corpus.record import new_record

SENTENCES = [
    "Officials in Lima said 40 people were hurt on Monday.",
    "The mayor of Oslo, Anne Berg, opened the bridge.",
    "Ruth Adeyemi told reporters the talks in Accra would resume.",
    "About 3,000 workers joined the strike in Manila.",
    "Prime Minister Lars Holm visited Bergen on Friday.",
    "The council in Porto approved the budget.",
]


def _records(n: int = 12) -> list[dict[str, Any]]:
    return [new_record(f"{SENTENCES[i % len(SENTENCES)]} Report {i}.", source=f"t{i}") for i in range(n)]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_engine_two_workers_give_the_same_records_in_input_order() -> None:
    records = _records()
    one = list(run_local(records, ("entities",), workers=1, batch_size=3))
    two = list(run_local(records, ("entities",), workers=2, batch_size=3))
    assert one == two
    assert [r["meta"]["id"] for r in two] == [r["meta"]["id"] for r in records]


def test_engine_a_bad_record_is_rejected_and_the_run_goes_on() -> None:
    records = _records(4)
    records.insert(2, {"meta": {"id": "no-text"}, "text": "   "})
    out = list(run_local(records, ("entities",), workers=1, batch_size=2))
    assert [isinstance(o, Reject) for o in out] == [False, False, True, False, False]
    assert out[2].code == "E054" and "no text" in out[2].reason


def test_engine_resume_completes_a_killed_run_without_duplicates(tmp_path: Path) -> None:
    records = _records()
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, records)
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    full = runner.invoke(app, ["annotate", str(inp), "-o", str(tmp_path / "full.jsonl"), "--layers", "entities", "--workers", "1"])
    assert full.exit_code == 0, full.output
    # a killed run: five records written and a sixth cut off mid-line, never renamed into place
    done = _lines(tmp_path / "full.jsonl")
    partial = out.with_name(out.name + ".partial")
    partial.write_text("\n".join(done[:5]) + "\n" + done[5][:40], encoding="utf-8")
    resumed = runner.invoke(app, ["annotate", str(inp), "-o", str(out), "--layers", "entities", "--workers", "1", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert "resuming: 5 records" in resumed.output
    assert _lines(out) == done
    assert not partial.exists()


def test_engine_writer_without_resume_starts_over(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    out.with_name("o.jsonl.partial").write_text('{"meta": {"id": "old"}}\n', encoding="utf-8")
    writer = ResumableWriter(str(out))
    assert writer.done == set()
    writer.write({"meta": {"id": "new"}, "text": "x"})
    writer.close()
    assert [json.loads(line)["meta"]["id"] for line in _lines(out)] == ["new"]


def test_engine_ray_output_sorted_equals_local(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the [ray] extra is not installed")
    import ray

    records = _records(6)
    inp = tmp_path / "in.jsonl"
    write_jsonl(inp, records)
    from corpus.engines_ray import run_ray

    try:
        summary = run_ray(str(inp), str(tmp_path / "ray.jsonl"), ("entities",), batch_size=2)
    finally:
        ray.shutdown()
    assert "annotated 6 records" in summary
    local = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in run_local(records, ("entities",), workers=1)]
    assert sorted(_lines(tmp_path / "ray.jsonl")) == sorted(local)
    assert [r["meta"]["id"] for r in read_jsonl(tmp_path / "ray.jsonl")]
