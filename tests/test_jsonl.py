from __future__ import annotations

import gzip
import io
import json
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from corpus.errors import InvalidLineError
from corpus.jsonl import atomic_open, dumps, iter_lines, read_jsonl, write_jsonl
from corpus.record import TokenIndex, new_record, set_hashes
from corpus.validate import check_record

RECORDS = [{"n": 1, "text": "one"}, {"n": 2, "text": "two"}, {"n": 3, "text": "three"}]


def _lines(*objs: Any) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


def test_jsonl_roundtrip_keeps_records_and_order(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    assert write_jsonl(path, RECORDS) == 3
    assert list(read_jsonl(path)) == RECORDS
    assert path.read_text(encoding="utf-8") == "".join(dumps(r) + "\n" for r in RECORDS)


def test_jsonl_blank_lines_are_skipped_but_counted_in_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("\n" + _lines(RECORDS[0]) + "\n   \n" + _lines(RECORDS[1]) + "\n", encoding="utf-8")
    assert [(line.lineno, line.record["n"]) for line in iter_lines(path)] == [(2, 1), (5, 2)]


def test_jsonl_empty_file_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("", encoding="utf-8")
    assert list(read_jsonl(path)) == []


def test_jsonl_bad_line_in_the_middle_raises_with_path_lineno_and_cause(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(_lines(RECORDS[0]) + "\n" + '{"n": 2,\n' + _lines(RECORDS[2]), encoding="utf-8")
    reader = iter_lines(path)
    assert next(reader).record == RECORDS[0]
    with pytest.raises(InvalidLineError) as info:
        next(reader)
    err = info.value
    assert err.code == "E001"
    assert err.path == str(path)
    assert err.lineno == 3
    assert err.line == '{"n": 2,\n'
    assert isinstance(err.__cause__, json.JSONDecodeError)
    assert f"{path}:3:" in str(err)


def test_jsonl_skip_invalid_counts_every_bad_line_and_reads_on(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        (_lines(RECORDS[0]) + "not json\n" + "[1, 2]\n").encode() + b'{"n": "\xff"}\n' + _lines(RECORDS[2]).encode()
    )
    errors: list[InvalidLineError] = []
    lines = list(iter_lines(path, skip_invalid=True, errors=errors))
    assert [line.lineno for line in lines] == [1, 5]
    assert [(e.code, e.lineno) for e in errors] == [("E001", 2), ("E002", 3), ("E050", 4)]
    assert [r["n"] for r in read_jsonl(path, skip_invalid=True)] == [1, 3]


def test_jsonl_undecodable_line_names_its_line_and_chains_the_decode_error(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(_lines(RECORDS[0]).encode() + b'{"text": "caf\xe9"}\n')
    with pytest.raises(InvalidLineError) as info:
        list(iter_lines(path))
    assert (info.value.code, info.value.lineno) == ("E050", 2)
    assert "0xe9" in info.value.message
    assert isinstance(info.value.__cause__, UnicodeDecodeError)
    assert "\ufffd" in info.value.line  # the bad byte is shown, and the line can be written as UTF-8
    info.value.line.encode("utf-8")


@pytest.mark.parametrize("line", ['"a string"', "42", "null", "[]"])
def test_jsonl_json_that_is_not_an_object_is_E002(tmp_path: Path, line: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InvalidLineError) as info:
        list(read_jsonl(path))
    assert (info.value.code, info.value.lineno) == ("E002", 1)


def test_jsonl_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(_lines(*RECORDS).replace("\n", "\r\n").encode())
    assert [(line.lineno, line.record) for line in iter_lines(path)] == list(zip([1, 2, 3], RECORDS))


def test_jsonl_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _lines(*RECORDS).encode())
    assert list(read_jsonl(path)) == RECORDS


def test_jsonl_gzip_read_and_write_give_the_same_bytes_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    write_jsonl(first, RECORDS)
    write_jsonl(second, RECORDS)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(first.read_bytes()).decode() == "".join(dumps(r) + "\n" for r in RECORDS)
    assert list(read_jsonl(first)) == RECORDS


def test_jsonl_reads_gzip_written_by_another_tool(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl.gz"
    path.write_bytes(gzip.compress(("\n" + _lines(*RECORDS)).encode()))
    assert [line.lineno for line in iter_lines(path)] == [2, 3, 4]


def test_jsonl_non_ascii_is_written_as_is_and_offsets_stay_code_points(tmp_path: Path) -> None:
    # the emoji is one code point (two UTF-16 units, four UTF-8 bytes); "Zoé" has a combining accent
    text = "🎉 Zoe\u0301 threw a 🎉party🎉 for 👩\u200d👩\u200d👧 families."
    record = new_record(text, source="emoji.txt")
    index = TokenIndex(text, record["tokens"])
    name = index.span(2, 6, "PERSON")
    party = text.index("🎉party🎉")
    word = index.span(party, party + len("🎉party🎉"), "CONCEPT")
    record["spans"] = [name, word]
    set_hashes(record)
    path = tmp_path / "r.jsonl"
    write_jsonl(path, [record])
    assert "🎉" in path.read_text(encoding="utf-8")  # not \ud83c escapes
    back = next(read_jsonl(path))
    assert back == record
    assert check_record(back) == []
    assert (back["spans"][0]["start"], back["spans"][0]["end"]) == (2, 6)
    assert back["text"][2:6] == "Zoe\u0301"
    assert back["text"][word["start"]:word["end"]] == "🎉party🎉"
    for tok in back["tokens"]:
        assert back["text"][tok["start"]:tok["end"]] == tok["text"]


def test_jsonl_dash_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\xef\xbb\xbf" + ("\n" + _lines(*RECORDS)).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    lines = list(iter_lines("-"))
    assert [(line.path, line.lineno, line.record) for line in lines] == [("<stdin>", n, r) for n, r in zip([2, 3, 4], RECORDS)]
    assert not sys.stdin.closed  # reading stdin does not close it


def test_jsonl_dash_writes_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert write_jsonl("-", RECORDS) == 3
    assert capsys.readouterr().out == "".join(dumps(r) + "\n" for r in RECORDS)
    assert list(tmp_path.iterdir()) == []


def test_jsonl_atomic_write_failure_leaves_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_jsonl(path, RECORDS)
    before = path.read_bytes()

    def failing() -> Iterator[dict[str, Any]]:
        yield {"n": 10}
        yield {"n": 11}
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        write_jsonl(path, failing())
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]


def test_jsonl_atomic_write_failure_leaves_no_new_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "r.jsonl.gz"
    with pytest.raises(TypeError):
        write_jsonl(path, [{"n": 1}, {"bad": object()}])  # type: ignore[dict-item]
    assert not path.exists()
    assert list(path.parent.iterdir()) == []


def test_jsonl_atomic_open_new_file_follows_umask_and_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = tmp_path / "r.jsonl"
        write_jsonl(path, RECORDS)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        path.chmod(0o640)
        write_jsonl(path, RECORDS[:1])
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    finally:
        os.umask(umask)


def test_jsonl_atomic_open_binary_mode(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    with atomic_open(path, "wb") as fh:
        fh.write(b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"


def test_jsonl_reading_is_lazy_a_bad_last_line_is_not_read_for_the_first_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(_lines(*RECORDS).encode() + b'{"broken\xff')
    reader = read_jsonl(path)
    assert next(reader) == RECORDS[0]
    assert next(reader) == RECORDS[1]
    assert next(reader) == RECORDS[2]
    with pytest.raises(InvalidLineError):
        next(reader)


def test_jsonl_reading_is_lazy_the_first_record_arrives_before_the_writer_finishes(tmp_path: Path) -> None:
    """A FIFO whose writer waits until the reader has the first record: an eager reader deadlocks."""
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    got_first = threading.Event()
    wrote_second = threading.Event()

    def writer() -> None:
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(_lines(RECORDS[0]))
            fh.flush()
            got_first.wait(timeout=5)
            fh.write(_lines(RECORDS[1]))
            wrote_second.set()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    reader = read_jsonl(fifo)
    assert next(reader) == RECORDS[0]
    assert not wrote_second.is_set()  # an eager reader only returns once the writer gave up waiting
    got_first.set()
    assert list(reader) == [RECORDS[1]]
    thread.join(timeout=5)
