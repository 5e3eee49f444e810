"""The Ray engine on a real cluster: `ray start --head` on loopback, joined with `--address`.

The cluster runs under `ray start --block` in its own session, with its own temporary folder, so
the teardown stops exactly the processes this test started (by pid), never another user's Ray as
`ray stop` would on a shared machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from corpus.jsonl import write_jsonl
from corpus.record import new_record

BIN = Path(sys.executable).parent
# loopback only: without the first, Ray swaps 127.0.0.1 for the machine's interface address;
# current Ray lets a driver in only with a token unless auth is disabled
RAY_ENV = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
SENTENCES = [
    "Officials in Lima said 40 people were hurt on Monday.",
    "The mayor of Oslo, Anne Berg, opened the bridge.",
    "Ruth Adeyemi told reporters the talks in Accra would resume.",
    "Prime Minister Lars Holm visited Bergen on Friday.",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-CPU Ray head node on 127.0.0.1; yields its address."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    head = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port", str(port), "--num-cpus", "2",
         "--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", temp],
        env=RAY_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        assert head.stdout is not None
        seen = []
        for line in head.stdout:  # `--block` prints this once every process of the node is up
            seen.append(line)
            if "Ray runtime started" in line:
                break
        else:
            pytest.fail("ray start --head failed:\n" + "".join(seen))
        yield f"127.0.0.1:{port}"
    finally:
        head.send_signal(signal.SIGTERM)  # `ray start --block` stops the node's processes when it is stopped
        try:
            head.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        _kill_leftovers(temp)
        shutil.rmtree(temp, ignore_errors=True)


def _kill_leftovers(temp: str) -> None:
    """Any process of this node still running: its command line names our temporary folder."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if temp.encode() in (proc / "cmdline").read_bytes():
                    os.kill(int(proc.name), signal.SIGKILL)
            except OSError:
                continue


def _corpus(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "corpus"), *args], env=RAY_ENV, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Twenty records with a malformed line after the third, and the local engine's output."""
    tmp = tmp_path_factory.mktemp("ray")
    inp = tmp / "in.jsonl"
    write_jsonl(inp, [new_record(f"{SENTENCES[i % 4]} Report {i}.", source=f"r{i}") for i in range(20)])
    lines = inp.read_text(encoding="utf-8").splitlines(keepends=True)
    inp.write_text("".join(lines[:3] + ['{"text": \n'] + lines[3:]), encoding="utf-8")
    local = _corpus("annotate", str(inp), "-o", str(tmp / "local.jsonl"), "--layers", "statistics", "--workers", "1")
    assert local.returncode == 0, local.stderr
    return {"dir": tmp, "input": inp, "local": (tmp / "local.jsonl").read_text(encoding="utf-8").splitlines()}


def test_ray_jsonl_output_is_the_local_engines(cluster: str, inputs: dict[str, Any]) -> None:
    out = inputs["dir"] / "ray.jsonl"
    result = _corpus("annotate", str(inputs["input"]), "-o", str(out), "--engine", "ray", "--address", cluster, "--layers", "statistics", "--batch-size", "4")
    assert result.returncode == 0, result.stderr
    assert "annotated 20 records" in result.stdout and "1 actors on 2 CPUs" in result.stdout
    assert out.read_text(encoding="utf-8").splitlines() == inputs["local"]
    (reject,) = [json.loads(line) for line in Path(f"{out}.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert reject["code"] == "E001" and reject["source"].endswith("in.jsonl")


def test_ray_parquet_output_writes_records_and_rejects(cluster: str, inputs: dict[str, Any]) -> None:
    out = inputs["dir"] / "shards"
    rejects = inputs["dir"] / "shards.rejects.jsonl"
    result = _corpus("annotate", str(inputs["input"]), "-o", str(out), "--engine", "ray", "--address", cluster, "--layers", "statistics", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "rejected 1" in result.stdout
    table = pq.read_table(out)
    assert table.column_names == ["id", "record"]
    assert sorted(table.column("record").to_pylist()) == sorted(inputs["local"])
    assert [json.loads(line)["code"] for line in rejects.read_text(encoding="utf-8").splitlines()] == ["E001"]


def test_ray_more_workers_than_the_cluster_holds_is_refused(cluster: str, inputs: dict[str, Any]) -> None:
    result = _corpus("annotate", str(inputs["input"]), "-o", str(inputs["dir"] / "x.jsonl"), "--engine", "ray", "--address", cluster, "--workers", "4")
    assert result.returncode == 1
    assert "E123 --workers 4: the cluster has 2 CPUs" in result.stderr and "Traceback" not in result.stderr
    assert not (inputs["dir"] / "x.jsonl").exists()
