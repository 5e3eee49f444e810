from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.cli import app
from corpus.converters import Reject
from corpus.engine import LocalEngine, ResumableWriter, _annotate_lines, batched, run_local, run_manifest
from corpus.jsonl import dumps, write_jsonl
from corpus.record import new_record

SENTENCES = [
    "Officials in Lima said 40 people were hurt on Monday.",
    "The mayor of Oslo, Anne Berg, opened the bridge.",
    "Ruth Adeyemi told reporters the talks in Accra would resume.",
    "About 3,000 workers joined the strike in Manila.",
    "Prime Minister Lars Holm visited Bergen on Friday.",
    "The council in Porto approved the budget.",
]
CORPUS = str(Path(sys.executable).with_name("corpus"))


def _records(n: int = 12, sentences: int = 1) -> list[dict[str, Any]]:
    return [new_record(" ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(sentences)) + f" Report {i}.", source=f"t{i}") for i in range(n)]


def _input(path: Path, records: list[dict[str, Any]], bad_after: int | None = None) -> Path:
    """Records as JSONL, with a malformed line after record `bad_after` if asked."""
    write_jsonl(path, records)
    if bad_after is not None:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines.insert(bad_after, '{"text": "cut short\n')
        path.write_text("".join(lines), encoding="utf-8")
    return path


def _annotate(*args: str) -> Any:
    return CliRunner().invoke(app, ["annotate", *args, "--layers", "statistics"])


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_engine_two_workers_write_the_same_bytes_as_one(tmp_path: Path) -> None:
    records = _records(14)
    # workers get records without their old tokens: a reject must still carry the record as read
    records.insert(5, {"meta": {"id": "no-text"}, "text": "   ", "tokens": [{"text": "   ", "start": 0, "end": 3, "id": 0, "ws": False}]})
    inp = _input(tmp_path / "in.jsonl", records, bad_after=9)
    for n in ("1", "2"):  # as users run it: a fresh process, whose workers share its model
        result = subprocess.run([CORPUS, "annotate", str(inp), "-o", str(tmp_path / f"w{n}.jsonl"), "--layers", "statistics", "--workers", n, "--batch-size", "3"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "w1.jsonl").read_bytes() == (tmp_path / "w2.jsonl").read_bytes()
    assert (tmp_path / "w1.jsonl.rejects.jsonl").read_bytes() == (tmp_path / "w2.jsonl.rejects.jsonl").read_bytes()
    assert [json.loads(line)["meta"]["id"] for line in _lines(tmp_path / "w2.jsonl")] == [r["meta"]["id"] for r in records if r["text"].strip()]
    rejected = [json.loads(line) for line in _lines(tmp_path / "w2.jsonl.rejects.jsonl")]
    assert [r["raw"] for r in rejected if r["source"] == "no-text"] == [records[5]]


def test_engine_batches_end_at_a_count_or_at_a_size_of_text() -> None:
    rej = Reject("in.jsonl:3", "E080", "not JSON")
    items: list[Any] = [{"text": "a" * 40}, {"text": "b" * 10}, rej, {"text": "c" * 70}, {"text": "d"}, {"text": "e"}, {"text": "f"}]
    assert [len(b) for b in batched(items, 3)] == [3, 3, 1]
    by_size = list(batched(items, 3, max_chars=50))
    assert [len(b) for b in by_size] == [2, 2, 3]  # 40+10 ends one; the reject counts no text; 70 alone is over
    assert [x for b in by_size for x in b] == items  # nothing lost, nothing reordered


def test_engine_a_malformed_line_is_rejected_with_file_and_line(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(4), bad_after=2)
    out = tmp_path / "out.jsonl"
    result = _annotate(str(inp), "-o", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert len(_lines(out)) == 4
    (reject,) = [json.loads(line) for line in _lines(tmp_path / "out.jsonl.rejects.jsonl")]
    assert reject["source"] == f"{inp}:3" and reject["code"] == "E001"
    assert f"rejected {inp}:3: E001" in result.output and "Traceback" not in result.output


def test_engine_a_bad_record_is_rejected_and_the_run_goes_on() -> None:
    records = _records(4)
    records.insert(2, {"meta": {"id": "no-text"}, "text": "   "})
    out = list(run_local(records, ("statistics",), workers=1, batch_size=2))
    assert [isinstance(o, Reject) for o in out] == [False, False, True, False, False]
    assert out[2].code == "E054" and "no text" in out[2].reason


def test_engine_lines_are_the_records_json_and_one_that_is_not_json_is_rejected_alone() -> None:
    records = _records(3)

    def annotator(batch: list[dict[str, Any]]) -> list[Any]:  # the second record's layer wrote a NaN
        return [{**r, "spans": [{"attrs": {"value": float("nan")}}]} if i == 1 else r for i, r in enumerate(batch)]

    out = _annotate_lines(records, annotator)
    assert out[0] == dumps(records[0]) and out[2] == dumps(records[2])
    assert isinstance(out[1], Reject) and out[1].code == "E054" and "JSON" in out[1].reason
    assert out[1].source == records[1]["meta"]["id"] and out[1].raw == records[1]  # the input, which can be written


def test_engine_one_worker_keeps_the_loaded_model_out_of_collections_until_closed() -> None:
    import gc

    with LocalEngine(("statistics",), workers=1) as engine:
        assert gc.get_freeze_count() > 0  # the model's objects, frozen once loaded
        assert len(list(engine.run(_records(2)))) == 2
    assert gc.get_freeze_count() == 0  # given back to the collector


def test_engine_run_lines_gives_the_bytes_run_gives() -> None:
    with LocalEngine(("statistics",), workers=1) as engine:
        records = _records(3)
        assert list(engine.run_lines(records, batch_size=2)) == [dumps(r) for r in engine.run(records, batch_size=2)]


_FORKED = """
import json, os, sys
from corpus.engine import LocalEngine
from tests.test_engine import _children, _records, _wait_gone
with LocalEngine(("statistics",), workers=2) as engine:
    children = _children(os.getpid())
    ids = [r["meta"]["id"] for r in engine.run(_records(4), batch_size=1)]
print(json.dumps({"children": len(children), "ids": ids, "alive": _wait_gone(children, seconds=5)}))
"""


def test_engine_workers_are_forked_children_that_stop_with_the_engine() -> None:
    # a fresh process, so no thread of another test makes the engine fall back to a fork server
    out = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-c", _FORKED], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    result = json.loads(out.stdout)
    assert result == {"children": 2, "ids": [r["meta"]["id"] for r in _records(4)], "alive": []}


def test_engine_with_threads_running_workers_load_their_own_model() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="someone's thread")
    thread.start()
    try:
        with pytest.warns(RuntimeWarning, match="someone's thread"):
            engine = LocalEngine(("statistics",), workers=2)
        with engine:
            two = list(engine.run(_records(5), batch_size=2))
    finally:
        stop.set()
        thread.join()
    assert two == list(run_local(_records(5), ("statistics",), workers=1, batch_size=2))


def test_engine_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(2))
    before = inp.read_bytes()
    for args in (["-o", str(inp)], ["-o", str(tmp_path / "out.jsonl"), "--rejects", str(inp)]):
        result = _annotate(str(inp), *args, "--workers", "1")
        assert result.exit_code == 1
        assert "E092" in result.output and "Traceback" not in result.output
    assert inp.read_bytes() == before


def test_engine_resume_completes_a_killed_run_without_duplicates(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(12))
    full = _annotate(str(inp), "-o", str(tmp_path / "full.jsonl"), "--workers", "1")
    assert full.exit_code == 0, full.output
    done = _lines(tmp_path / "full.jsonl")
    # what a killed run leaves: five records, a sixth cut off mid-line, the manifest, never renamed
    out = tmp_path / "out.jsonl"
    writer = ResumableWriter(str(out), _manifest(inp, "statistics", out))
    writer._fh.write("\n".join(done[:5]) + "\n" + done[5][:40])
    writer._fh.flush()
    resumed = _annotate(str(inp), "-o", str(out), "--workers", "2", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resuming: 5 records" in resumed.output
    assert _lines(out) == done
    assert not writer.partial.exists() and not writer.manifest_path.exists()


def test_engine_resume_refuses_another_run(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(6))
    other = _input(tmp_path / "other.jsonl", _records(7))
    out = tmp_path / "out.jsonl"
    ResumableWriter(str(out), _manifest(other, "statistics", out))._fh.write("{}\n")
    result = _annotate(str(inp), "-o", str(out), "--workers", "1", "--resume")
    assert result.exit_code == 1
    assert "E120" in result.output and f"input {other}" in result.output and "Traceback" not in result.output
    ResumableWriter(str(out), _manifest(inp, "quotes", out))
    result = _annotate(str(inp), "-o", str(out), "--workers", "1", "--resume")
    assert result.exit_code == 1 and "E120" in result.output and "layers quotes,stances vs now statistics" in result.output
    assert out.with_name("out.jsonl.partial").exists()  # a refused resume touches nothing


def test_engine_a_partial_output_we_did_not_write_is_refused(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(3))
    partial = tmp_path / "out.jsonl.partial"
    partial.write_text('{"meta": {"id": "someone else"}}\n', encoding="utf-8")
    for extra in ([], ["--resume"]):
        result = _annotate(str(inp), "-o", str(tmp_path / "out.jsonl"), "--workers", "1", *extra)
        assert result.exit_code == 1 and "E121" in result.output
    assert partial.read_text(encoding="utf-8") == '{"meta": {"id": "someone else"}}\n'


def test_engine_resume_ray_is_refused(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(2))
    result = _annotate(str(inp), "-o", str(tmp_path / "out"), "--engine", "ray", "--resume")
    assert result.exit_code == 1 and "E123" in result.output and "--resume" in result.output


def test_engine_kill_9_leaves_no_worker_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(300, sentences=6), bad_after=1)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    proc = subprocess.Popen([CORPUS, "annotate", str(inp), "-o", str(out), "--layers", "statistics", "--workers", "2", "--batch-size", "8"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (partial.exists() and partial.stat().st_size > 0):  # mid-run: records are being written
            assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
            time.sleep(0.1)
        workers = _children(proc.pid)
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _wait_gone(workers, seconds=5) == []
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert leftovers and all(name.startswith(".out.jsonl.rejects.jsonl.") for name in leftovers)
    resumed = subprocess.run([CORPUS, "annotate", str(inp), "-o", str(out), "--layers", "statistics", "--workers", "2", "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming:" in resumed.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    ids = [json.loads(line)["meta"]["id"] for line in _lines(out)]
    assert len(ids) == len(set(ids)) == 300
    assert len(_lines(tmp_path / "out.jsonl.rejects.jsonl")) == 1


def test_engine_a_worker_that_dies_stops_the_run_with_a_coded_error(tmp_path: Path) -> None:
    inp = _input(tmp_path / "in.jsonl", _records(300, sentences=6))
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([CORPUS, "annotate", str(inp), "-o", str(out), "--layers", "statistics", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    partial = out.with_name("out.jsonl.partial")
    while not (partial.exists() and partial.stat().st_size > 0):  # mid-run: records are being written
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before a worker could be killed"
        time.sleep(0.1)
    workers = _children(proc.pid)
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert "E124 a worker process died" in stderr and "Traceback" not in stderr
    assert partial.exists() and not out.exists()
    assert _wait_gone(workers, seconds=5) == []


def _manifest(inp: Path, layers: str, out: Path) -> dict[str, Any]:
    from corpus.pipeline import Annotator

    return run_manifest(inp, Annotator(layers), f"{out}.rejects.jsonl")


def _children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return sorted(found)


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    """The pids still alive (not exited, not zombies) after up to `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        alive = [p for p in pids if _alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
