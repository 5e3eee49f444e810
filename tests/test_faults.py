"""Fault injection: what a careless or hostile user can do to the `corpus` command line (issue 11).

Every test builds its own inputs, runs the CLI as a user does (typer's CliRunner, or the venv's
`corpus` in a subprocess where the process matters: a file-size limit, file permissions, the
entry point itself), and asserts the records kept, the rejects written with their reasons, the
exit code, and that no Python traceback is printed.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import json
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.cli import app, describe
from corpus.errors import CorpusError
from corpus.jsonl import read_jsonl, write_jsonl
from corpus.record import new_record

from .factories import article

CORPUS = Path(sys.executable).with_name("corpus")
runner = CliRunner()

# Articles written for these tests, each longer than convert's default --min-chars for HTML.
STORIES = [
    "The harbour authority said on Monday that the northern pier would close for repairs until the end of "
    "the summer. Ferry passengers will board at the southern terminal, where two extra gates are being built, "
    "and the authority expects short delays during the first weeks.",
    "A regional orchestra announced a free series of open-air concerts in the old market square. The conductor "
    "told reporters that the programme mixes well-known symphonies with new works by local composers, and that "
    "the first evening is planned for the second Friday of June.",
    "Farmers in the valley reported a strong apple harvest after a mild spring and a dry autumn. The cooperative "
    "said prices would stay close to last year's level, while a new cold store should let members sell their "
    "fruit later into the winter than before.",
]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, cwd: Path) -> Run:
    """Run a command in this process, from folder `cwd`, as `corpus ARGS` would from a shell there."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # escaped the error handler: the test should show it
    return Run(result.exit_code, result.stdout, result.stderr)


def corpus(*args: str, cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run the installed `corpus` command in a process of its own."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([str(CORPUS), *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env, **kwargs)


def no_traceback(result: Any) -> None:
    out = result.stdout + result.stderr
    assert "Traceback" not in out and 'File "' not in out, out


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def html_page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split(". "))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>".encode()


def build_warc(path: Path, urls: list[str]) -> list[int]:
    """An uncompressed WARC of HTML responses, one per url; returns where each record starts."""
    starts = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for url, story in zip(urls, STORIES):
            starts.append(fh.tell())
            body = html_page(url.rsplit("/", 1)[-1], story)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))
    return starts


def records_file(path: Path, n: int = 3) -> Path:
    write_jsonl(path, [article(i) for i in range(n)])
    return path


# -- 1. a missing input, for every command -------------------------------------------------------

COMMANDS = {
    "convert": ["convert", "{missing}", "-o", "out.jsonl"],
    "validate": ["validate", "{missing}"],
    "stats": ["stats", "{missing}"],
    "import": ["import", "doccano", "{missing}", "-o", "out.jsonl"],
    "annotate": ["annotate", "{missing}", "-o", "out.jsonl"],
    "evaluate": ["evaluate", "{missing}", "good.jsonl"],
    "export": ["export", "{missing}", "-o", "out"],
    "build": ["build", "{missing}", "-o", "out"],
    "show": ["show", "{missing}", "-o", "out.html"],
    "merge": ["merge", "good.jsonl", "{missing}", "-o", "out.jsonl"],
    "agree": ["agree", "{missing}", "good.jsonl"],
    "export-review": ["export-review", "labelstudio", "{missing}", "-o", "out.json"],
    "train": ["train", "stances", "{missing}", "-o", "model"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_faults_missing_input_is_one_coded_line_for_every_command(tmp_path: Path, command: str) -> None:
    records_file(tmp_path / "good.jsonl")
    missing = "nosuch.csv" if command in ("convert", "build") else "nosuch.jsonl"
    result = cli(*(a.format(missing=missing) for a in COMMANDS[command]), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"E090 cannot read {missing}: no such file or directory\n"
    no_traceback(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.jsonl"]  # nothing written, not even an empty output


def test_faults_missing_input_through_the_installed_command(tmp_path: Path) -> None:
    result = corpus("convert", "nosuch.csv", "-o", "out.jsonl", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "E090 cannot read nosuch.csv: no such file or directory\n")
    assert list(tmp_path.iterdir()) == []


def test_faults_debug_adds_the_traceback_to_the_coded_line(tmp_path: Path) -> None:
    result = corpus("--debug", "validate", "nosuch.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "CorpusError" in result.stderr
    assert result.stderr.endswith("E090 cannot read nosuch.jsonl: no such file or directory\n")


def test_faults_version_and_help_shown_as_written(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = cli("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"corpus (news-corpus) {version('news-corpus')}\n")
    help_text = cli("annotate", "--help", cwd=tmp_path).stdout
    assert "[ray]" in " ".join(help_text.split())  # an extra's name, not swallowed as console markup
    export_help = cli("export", "--help", cwd=tmp_path).stdout
    assert "--stratify / --no-stratify" in export_help and "<bool>" not in export_help


# -- 2. one bad item costs that item only ---------------------------------------------------------

def test_faults_warc_cut_inside_a_record_header_keeps_the_records_before_it(tmp_path: Path) -> None:
    urls = ["https://ex.com/harbour", "https://ex.com/concerts", "https://ex.com/apples"]
    whole = tmp_path / "whole.warc"
    starts = build_warc(whole, urls)
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole.read_bytes()[:starts[2] + 60])  # 60 bytes into the third record's WARC header
    result = cli("convert", "cut.warc", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert [r["meta"]["url"] for r in read_jsonl(tmp_path / "out.jsonl")] == urls[:2]
    [reject] = lines(tmp_path / "out.jsonl.rejects.jsonl")
    assert (reject["source"], reject["code"]) == ("cut.warc#2", "E053")
    assert "cut or damaged in the header of record 2" in reject["reason"] and "the 2 records before it are kept" in reject["reason"]


def test_faults_a_million_character_article_between_two_good_ones_is_converted(tmp_path: Path) -> None:
    long_text = ("The committee met again. " * 40_001)[:1_000_001]
    rows = [{"id": "a", "text": STORIES[0]}, {"id": "long", "text": long_text}, {"id": "b", "text": STORIES[1]}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = cli("convert", "in.jsonl", "--id-field", "id", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    out = list(read_jsonl(tmp_path / "out.jsonl"))
    assert [(r["meta"]["id"], len(r["text"])) for r in out] == [("a", len(STORIES[0])), ("long", 1_000_001), ("b", len(STORIES[1]))]
    assert out[1]["tokens"][-1]["end"] == 1_000_001
    assert "rejected 0" in result.stdout


NESTED = "[" * 100_000 + "]" * 100_000


def test_faults_a_deeply_nested_json_line_is_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": STORIES[0]}) + "\n" + NESTED + "\n" + json.dumps({"text": STORIES[1]}) + "\n", encoding="utf-8")
    result = cli("convert", "in.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert [r["text"] for r in read_jsonl(tmp_path / "out.jsonl")] == STORIES[:2]
    [reject] = lines(tmp_path / "out.jsonl.rejects.jsonl")
    assert (reject["source"], reject["code"], reject["raw"]) == ("in.jsonl:line2", "E001", NESTED)
    assert "nested too deeply" in reject["reason"]

    records = tmp_path / "records.jsonl"
    good = [article(0), article(1)]
    records.write_text(json.dumps(good[0]) + "\n" + NESTED + "\n" + json.dumps(good[1]) + "\n", encoding="utf-8")
    checked = cli("validate", "records.jsonl", "--rejects", "bad.jsonl", cwd=tmp_path)
    no_traceback(checked)
    assert checked.returncode == 1
    assert checked.stderr.startswith("records.jsonl:2: ?: E001 line 2 is not valid JSON: it is nested too deeply")
    assert "3 records, 1 invalid" in checked.stdout
    assert [(r["line"], r["problems"][0]["code"]) for r in lines(tmp_path / "bad.jsonl")] == [(2, "E001")]

    counted = cli("stats", "records.jsonl", cwd=tmp_path)
    no_traceback(counted)
    assert counted.returncode == 1
    assert "E001 records.jsonl:2: line 2 is not valid JSON" in counted.stderr and "1 line not read" in counted.stderr
    assert "│       2 │" in counted.stdout  # the two good records are counted

    shown = cli("show", "records.jsonl", "-o", "page.html", cwd=tmp_path)
    no_traceback(shown)
    assert shown.returncode == 1 and "wrote 2 articles" in shown.stdout
    assert "records.jsonl:3" in (tmp_path / "page.html").read_text(encoding="utf-8")


def test_faults_a_deeply_nested_label_studio_task_is_rejected_and_the_others_imported(tmp_path: Path) -> None:
    task = {"id": 7, "data": {"text": STORIES[2]}, "annotations": [{"id": 1, "result": []}]}
    (tmp_path / "tasks.jsonl").write_text(json.dumps(task) + "\n" + NESTED + "\n", encoding="utf-8")
    (tmp_path / "deep.json").write_text(NESTED, encoding="utf-8")
    result = cli("import", "labelstudio", "tasks.jsonl", "deep.json", "-o", "gold.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    assert [r["text"] for r in read_jsonl(tmp_path / "gold.jsonl")] == [STORIES[2]]
    rejects = lines(tmp_path / "gold.jsonl.rejects.jsonl")
    assert [(r["source"], r["code"]) for r in rejects] == [("tasks.jsonl:2", "E080"), ("deep.json", "E080")]
    assert all("nested too deeply" in r["reason"] for r in rejects)


def test_faults_console_markup_in_ids_and_labels_is_printed_as_written(tmp_path: Path) -> None:
    records = [new_record(STORIES[0], source="a.txt", id="[/x]"), new_record(STORIES[1], source="b.txt", id="[/x]")]
    records[1]["spans"] = [{"start": 0, "end": 1, "token_start": 0, "token_end": 0, "label": "[/bold]"}]
    write_jsonl(tmp_path / "marked.jsonl", records)
    checked = cli("validate", "marked.jsonl", cwd=tmp_path)
    no_traceback(checked)
    assert checked.returncode == 1
    assert "marked.jsonl:2: [/x]: E011 meta.id '[/x]' already used on line marked.jsonl:1" in checked.stderr
    assert "has label '[/bold]'" in checked.stderr
    counted = cli("stats", "marked.jsonl", cwd=tmp_path)
    no_traceback(counted)
    assert counted.returncode == 0 and "[/bold]" in counted.stdout

    doccano = {"text": STORIES[2], "label": [[4, 14, "[/b]"]]}
    (tmp_path / "doccano.jsonl").write_text(json.dumps(doccano) + "\n", encoding="utf-8")
    imported = cli("import", "doccano", "doccano.jsonl", "-o", "gold.jsonl", cwd=tmp_path)
    no_traceback(imported)
    assert imported.returncode == 1  # nothing could be imported
    assert "label '[/b]' is not in the registry" in imported.stderr
    [reject] = lines(tmp_path / "gold.jsonl.rejects.jsonl")
    assert reject["code"] == "E082"

    rows = [{"id": "[/x]", "text": STORIES[0]}, {"id": "[/x]", "text": STORIES[1]}]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    converted = cli("convert", "rows.jsonl", "--id-field", "id", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(converted)
    assert "rejected rows.jsonl:line2: E093 rows.jsonl:line2: duplicate of rows.jsonl:line1: meta.id '[/x]'" in converted.stderr


# -- 6. an output that is an input is refused ------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["validate", "X.jsonl", "--rejects", "X.jsonl"],
    ["validate", "X.jsonl", "--rejects", "./sub/../X.jsonl"],
    ["convert", "X.jsonl", "-o", "X.jsonl"],
    ["annotate", "X.jsonl", "-o", "X.jsonl"],
    ["merge", "X.jsonl", "other.jsonl", "-o", "X.jsonl"],
    ["show", "X.jsonl", "-o", "X.jsonl"],
    ["export-review", "doccano", "X.jsonl", "-o", "X.jsonl"],
    ["import", "doccano", "X.jsonl", "-o", "X.jsonl"],
    ["export", "X.jsonl", "-o", "X.jsonl"],
    ["build", "X.jsonl", "-o", "X.jsonl"],
    ["convert", "X.jsonl", "-o", "out.jsonl", "--rejects", "out.jsonl"],
])
def test_faults_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path: Path, args: list[str]) -> None:
    x = records_file(tmp_path / "X.jsonl")
    records_file(tmp_path / "other.jsonl")
    (tmp_path / "sub").mkdir()
    before = x.read_bytes()
    result = cli(*args, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("E092 ")
    assert "is also an input (X.jsonl)" in result.stderr or "is also another output of this command (out.jsonl)" in result.stderr
    assert x.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.jsonl", "other.jsonl", "sub"]


def test_faults_a_hard_link_to_the_input_is_the_input(tmp_path: Path) -> None:
    x = records_file(tmp_path / "X.jsonl")
    os.link(x, tmp_path / "same.jsonl")
    before = x.read_bytes()
    result = cli("validate", "X.jsonl", "--rejects", "same.jsonl", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.startswith("E092 same.jsonl is also an input (X.jsonl)")
    assert x.read_bytes() == before


# -- 7. duplicates ---------------------------------------------------------------------------------

def test_faults_the_same_csv_row_twice_is_one_record_and_one_duplicate_reject(tmp_path: Path) -> None:
    rows = [["url", "date", "title", "text"], ["https://ex.com/a", "2021-01-02", "Harbour", STORIES[0]],
            ["https://ex.com/b", "2021-01-03", "Concerts", STORIES[1]], ["https://ex.com/a", "2021-01-02", "Harbour", STORIES[0]]]
    with open(tmp_path / "dump.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = cli("convert", "dump.csv", "--preset", "wikinews", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0
    out = list(read_jsonl(tmp_path / "out.jsonl"))
    assert [r["meta"]["source"] for r in out] == ["dump.csv:row1", "dump.csv:row2"]
    [reject] = lines(tmp_path / "out.jsonl.rejects.jsonl")
    assert (reject["source"], reject["code"]) == ("dump.csv:row3", "E093")
    assert reject["reason"] == f"dump.csv:row3: duplicate of dump.csv:row1: meta.id {out[0]['meta']['id']!r} is already taken (the first copy is kept)"
    assert reject["raw"]["text"] == STORIES[0]  # the copy is in the rejects file, not lost
    assert "rejected 1, 1 of them as duplicates" in result.stdout

    twice = tmp_path / "twice.jsonl"
    twice.write_text((tmp_path / "out.jsonl").read_text(encoding="utf-8") * 2, encoding="utf-8")
    checked = cli("validate", "twice.jsonl", cwd=tmp_path)
    no_traceback(checked)
    assert checked.returncode == 1 and checked.stderr.count(": E011 meta.id ") == 2
    assert "{id!r}" not in checked.stdout and "{first_line}" not in checked.stdout  # the summary shows messages, not templates
    assert "already used on line" in checked.stdout
    counted = cli("stats", "twice.jsonl", cwd=tmp_path)
    no_traceback(counted)
    assert counted.returncode == 0 and "│       4 │" in counted.stdout


# -- 10. paths a folder walk passes over, and pages that are not articles --------------------------

def test_faults_a_fifo_in_a_converted_folder_is_rejected_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(STORIES[0], encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    result = corpus("convert", "in", "-o", "out.jsonl", cwd=tmp_path)  # reading the FIFO would block until the timeout
    no_traceback(result)
    assert result.returncode == 0
    assert [r["meta"]["source"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["in/a.txt"]
    assert [(r["source"], r["code"], r["reason"]) for r in lines(tmp_path / "out.jsonl.rejects.jsonl")] == [
        ("in/pipe.txt", "E094", "in/pipe.txt: a named pipe (FIFO), not a file; not read")]


def test_faults_a_navigation_page_is_not_an_article(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "nav.html").write_text('<html><body><nav><a href="/">Home</a></nav><div>News</div></body></html>', encoding="utf-8")
    (folder / "story.html").write_bytes(html_page("Harbour", STORIES[0]))
    result = cli("convert", "in", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert [r["meta"]["source"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["in/story.html"]
    [reject] = lines(tmp_path / "out.jsonl.rejects.jsonl")
    assert (reject["source"], reject["code"]) == ("in/nav.html", "E051")
    assert "9 characters ('Home News'), fewer than --min-chars 200" in reject["reason"]
    kept = cli("convert", "in", "-o", "all.jsonl", "--min-chars", "5", cwd=tmp_path)
    assert [r["text"] for r in read_jsonl(tmp_path / "all.jsonl")][0] == "Home\nNews"
    assert kept.returncode == 0


def _permissions_hold() -> None:
    """In the child before it runs `corpus`: root passes any permission check through its
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH capabilities; drop both so the file modes hold, as
    they do for any other user."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone from the bounding set, so from the exec'd program
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _needs_permissions() -> None:
    """Skip where file modes cannot be made to hold (root without CAP_SETPCAP to drop its overrides)."""
    try:
        subprocess.run(["true"], preexec_fn=_permissions_hold, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"file permissions cannot be enforced here: {exc}")


def test_faults_an_unreadable_subfolder_is_rejected_with_its_reason(tmp_path: Path) -> None:
    _needs_permissions()
    folder = tmp_path
    (folder / "in" / "locked").mkdir(parents=True)
    (folder / "in" / "a.txt").write_text(STORIES[0], encoding="utf-8")
    (folder / "in" / "locked" / "b.txt").write_text(STORIES[1], encoding="utf-8")
    (folder / "in" / "locked").chmod(0o000)
    try:
        result = corpus("convert", "in", "-o", "out/records.jsonl", cwd=folder, preexec_fn=_permissions_hold)
    finally:
        (folder / "in" / "locked").chmod(0o755)  # so that pytest can remove it
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert [r["meta"]["source"] for r in read_jsonl(folder / "out" / "records.jsonl")] == ["in/a.txt"]
    assert [(r["source"], r["code"], r["reason"]) for r in lines(folder / "out" / "records.jsonl.rejects.jsonl")] == [
        ("in/locked", "E094", "in/locked: cannot read this folder: Permission denied; not read")]


def test_faults_a_read_only_output_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    _needs_permissions()
    folder = tmp_path
    (folder / "a.txt").write_text(STORIES[0], encoding="utf-8")
    (folder / "ro").mkdir()
    (folder / "ro").chmod(0o555)
    result = corpus("convert", "a.txt", "-o", "ro/records.jsonl", cwd=folder, preexec_fn=_permissions_hold)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr == "E091 cannot write ro/records.jsonl: the folder ro is not writable\n"
    assert list((folder / "ro").iterdir()) == []


def test_faults_a_file_size_limit_fails_cleanly_and_leaves_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_text(STORIES[i % 3] + f" Item {i}.", encoding="utf-8")
    (tmp_path / "out").mkdir()
    limit = 64 * 1024  # the records (with their tokens) come to several times this

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = corpus("convert", "in", "-o", "out/records.jsonl", cwd=tmp_path, preexec_fn=small_files)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "E091 cannot write out/records.jsonl: File too large"
    assert list((tmp_path / "out").iterdir()) == []  # no output, no rejects file, no temporary file


def test_faults_a_full_disk_fails_cleanly_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """A 64 KiB filesystem, mounted for the run alone (a private mount namespace): ENOSPC, not EFBIG."""
    out = tmp_path / "out"
    out.mkdir()
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {out}"], capture_output=True, text=True) \
        if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {probe.stderr.strip() if probe else 'no unshare'}")
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_text(STORIES[i % 3] + f" Item {i}.", encoding="utf-8")
    script = f'mount -t tmpfs -o size=64k tmpfs out && "{CORPUS}" convert in -o out/records.jsonl; rc=$?; echo "left: $(ls -A out)"; exit $rc'
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "COLUMNS": "200"})
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "E091 cannot write out/records.jsonl: No space left on device"
    assert result.stdout.splitlines()[-1] == "left: "  # no output, no rejects file, no temporary file on the full disk


def test_faults_ctrl_c_is_one_coded_line_and_leaves_no_partial_file(tmp_path: Path) -> None:
    import signal
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):  # tens of seconds of work: the interrupt comes long before the end
        (folder / f"{i:03d}.txt").write_text(STORIES[i % 3] * 20 + f" Item {i}.", encoding="utf-8")
    (tmp_path / "out").mkdir()
    env = {**os.environ, "COLUMNS": "200"}
    # a shell without job control starts background jobs with SIGINT ignored, which a child inherits:
    # give the command the default disposition, as a terminal would
    proc = subprocess.Popen([str(CORPUS), "convert", "in", "-o", "out/records.jsonl"], cwd=tmp_path, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((tmp_path / "out").glob(".records.jsonl.*.tmp")):  # writing has begun: the handler is in place
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert "Traceback" not in stderr
    assert proc.returncode == 130
    assert stderr.splitlines()[-1] == "E098 interrupted; nothing was written under a final name by the step that was running"
    assert list((tmp_path / "out").iterdir()) == []  # neither the records nor the rejects, nor their temporary files


# -- 1. the handler itself ------------------------------------------------------------------------

@pytest.mark.parametrize(("exc", "line", "status"), [
    (CorpusError("E053", "a.txt: broken"), "E053 a.txt: broken", 1),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "in.jsonl"), "E090 cannot read in.jsonl: No such file or directory", 1),
    (OSError(errno.ENOSPC, "No space left on device", "out.jsonl"), "E091 cannot write out.jsonl: No space left on device", 1),
    (OSError(errno.EFBIG, "File too large"), "E091 cannot write a file: File too large", 1),
    (KeyboardInterrupt(), "E098 interrupted; nothing was written under a final name by the step that was running", 130),
    (RecursionError("maximum recursion depth exceeded"), "E099 internal error: RecursionError: an input nested too deeply for Python's recursion limit; re-run with --debug to see where, and report it", 70),
    (MemoryError(), "E099 internal error: MemoryError: out of memory; re-run with --debug to see where, and report it", 70),
    (KeyError("tokens"), "E099 internal error: KeyError: 'tokens'; re-run with --debug to see where, and report it", 70),
])
def test_faults_describe_gives_one_coded_line_and_an_exit_code(exc: BaseException, line: str, status: int) -> None:
    assert describe(exc) == (line, status)


@pytest.mark.parametrize(("exc", "code", "status"), [(KeyboardInterrupt(), "E098", 130), (RecursionError("deep"), "E099", 70), (MemoryError(), "E099", 70)])
def test_faults_an_unexpected_exception_in_a_command_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException, code: str, status: int) -> None:
    import corpus.stats

    def fail(records: Any) -> Any:
        raise exc

    monkeypatch.setattr(corpus.stats, "collect", fail)
    records_file(tmp_path / "r.jsonl")
    result = runner.invoke(app, ["stats", str(tmp_path / "r.jsonl")])
    assert result.exit_code == status
    assert result.stderr.startswith(code) and len(result.stderr.splitlines()) == 1
    debug = runner.invoke(app, ["--debug", "stats", str(tmp_path / "r.jsonl")])
    assert debug.exit_code == status and "Traceback" in debug.stderr


# -- non-record lines given to commands that need records -------------------------------------------

@pytest.mark.parametrize(("bad", "message"), [
    (json.dumps({"title": "no text here"}), "E010 bad.jsonl:2: ?: does not match the record schema at /: 'text' is a required property (and 1 more; `corpus validate` lists them)"),
    ("[1, 2]", "E002 bad.jsonl:2: line 2 is JSON but not an object (got list)"),
    ("{not json", "E001 bad.jsonl:2: line 2 is not valid JSON: Expecting property name enclosed in double quotes"),
])
@pytest.mark.parametrize("command", [["evaluate", "bad.jsonl", "good.jsonl"], ["merge", "good.jsonl", "bad.jsonl", "-o", "out.jsonl"],
                                     ["agree", "good.jsonl", "bad.jsonl"]])
def test_faults_a_non_record_line_stops_evaluate_merge_and_agree_with_its_place(tmp_path: Path, command: list[str], bad: str, message: str) -> None:
    records_file(tmp_path / "good.jsonl")
    (tmp_path / "bad.jsonl").write_text(json.dumps(article(0)) + "\n" + bad + "\n", encoding="utf-8")
    result = cli(*command, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr == message + "\n"
    assert not (tmp_path / "out.jsonl").exists()


# -- values JSON does not have ----------------------------------------------------------------------

def test_faults_nan_is_not_json_and_is_rejected_where_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": STORIES[0]}) + '\n{"text": "A short note.", "score": NaN}\n', encoding="utf-8")
    result = cli("convert", "in.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert [r["text"] for r in read_jsonl(tmp_path / "out.jsonl")] == [STORIES[0]]
    [reject] = lines(tmp_path / "out.jsonl.rejects.jsonl")
    assert (reject["source"], reject["code"]) == ("in.jsonl:line2", "E001") and "NaN is not JSON" in reject["reason"]
    (tmp_path / "items.json").write_text('[{"title": "Empty", "text": null, "score": Infinity}]', encoding="utf-8")
    result = cli("convert", "items.json", "-o", "items.jsonl", cwd=tmp_path)
    assert result.returncode == 1  # no records
    [reject] = lines(tmp_path / "items.jsonl.rejects.jsonl")
    assert reject["code"] == "E053" and "Infinity is not JSON" in reject["reason"]


def test_faults_a_reject_that_cannot_be_json_keeps_its_reason(tmp_path: Path) -> None:
    from corpus.cli.common import RejectsWriter

    with RejectsWriter(str(tmp_path / "rejects.jsonl")) as rej:
        rej.write({"source": "a.json#0", "code": "E051", "reason": "a.json#0 holds no article text", "raw": {"score": float("nan")}})
    [written] = lines(tmp_path / "rejects.jsonl")
    assert written.pop("raw_not_written").startswith("ValueError: Out of range float values are not JSON compliant")
    assert written == {"source": "a.json#0", "code": "E051", "reason": "a.json#0 holds no article text"}


def test_faults_a_device_output_is_written_in_place_and_a_folder_output_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    result = cli("convert", "a.txt", "-o", os.devnull, cwd=tmp_path)
    assert result.returncode == 0 and f"wrote 1 records to {os.devnull}; rejected 0" in result.stdout
    assert Path(os.devnull).is_char_device()  # not replaced by a regular file, and no rejects file beside it
    assert not Path(f"{os.devnull}.rejects.jsonl").exists()
    (tmp_path / "out").mkdir()
    result = cli("convert", "a.txt", "-o", "out", "--rejects", "r.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert (result.returncode, result.stderr) == (1, "E091 cannot write out: it is a folder; give a file name\n")
    assert list((tmp_path / "out").iterdir()) == [] and not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize("command", [["evaluate", "twice.jsonl", "good.jsonl"], ["evaluate", "good.jsonl", "twice.jsonl"],
                                     ["merge", "good.jsonl", "twice.jsonl", "-o", "out.jsonl"], ["agree", "twice.jsonl", "good.jsonl"]])
def test_faults_duplicate_ids_stop_the_commands_that_match_records_by_id(tmp_path: Path, command: list[str]) -> None:
    records_file(tmp_path / "good.jsonl", 2)
    (tmp_path / "twice.jsonl").write_text((tmp_path / "good.jsonl").read_text(encoding="utf-8") * 2, encoding="utf-8")
    rid = article(0)["meta"]["id"]
    result = cli(*command, cwd=tmp_path)
    no_traceback(result)
    assert (result.returncode, result.stderr) == (1, f"E011 twice.jsonl:3: {rid}: meta.id {rid!r} already used on line twice.jsonl:1\n")
    assert not (tmp_path / "out.jsonl").exists()


def test_faults_export_review_sends_a_second_copy_to_rejects(tmp_path: Path) -> None:
    records_file(tmp_path / "good.jsonl", 2)
    (tmp_path / "twice.jsonl").write_text((tmp_path / "good.jsonl").read_text(encoding="utf-8") * 2, encoding="utf-8")
    result = cli("export-review", "doccano", "twice.jsonl", "-o", "tasks.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0 and "wrote 2 tasks" in result.stdout and "2 invalid records not exported" in result.stdout
    assert [(r["line"], r["problems"][0]["code"]) for r in lines(tmp_path / "tasks.jsonl.rejects.jsonl")] == [(3, "E011"), (4, "E011")]
    assert len(lines(tmp_path / "tasks.jsonl")) == 2


@pytest.mark.parametrize(("format", "code"), [("labelstudio", "E080"), ("doccano", "E080"), ("cqe", "E070")])
def test_faults_a_deeply_nested_json_file_is_one_reject_for_every_json_importer(tmp_path: Path, format: str, code: str) -> None:
    (tmp_path / "deep.json").write_text(NESTED, encoding="utf-8")
    result = cli("import", format, "deep.json", "-o", "gold.jsonl", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1 and "wrote 0 records to gold.jsonl; rejected 1" in result.stdout
    [reject] = lines(tmp_path / "gold.jsonl.rejects.jsonl")
    assert reject["code"] == code and "nested too deeply" in reject["reason"]
