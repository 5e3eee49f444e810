from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.converters import FORMATS, Reject, convert_paths, source_name
from corpus.jsonl import write_jsonl
from corpus.validate import Validator

from .test_html import page
from .test_warc import build_warc

TEXT = "ANKARA\n\nThe minister said talks would resume next week."


def build_tree(root: Path) -> Path:
    """One file of every format, nested, plus files that must be rejected or passed over."""
    (root / "news" / "deep" / "deeper").mkdir(parents=True)
    (root / "news" / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "news" / "deep" / "b.html").write_text(page(), encoding="utf-8")
    (root / "news" / "deep" / "c.jsonl").write_text(json.dumps({"text": "Markets fell on Monday."}) + "\n", encoding="utf-8")
    (root / "news" / "deep" / "deeper" / "d.csv").write_text("text,title\nRain is expected.,Weather\n", encoding="utf-8")
    (root / "news" / "deep" / "deeper" / "E.TXT").write_text("Upper-case extensions count too.", encoding="utf-8")
    build_warc(root / "news" / "deep" / "deeper" / "f.warc.gz")
    (root / "news" / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / "news" / "README").write_text("no extension", encoding="utf-8")
    (root / "news" / ".DS_Store").write_bytes(b"\x00")
    return root / "news"


def test_init_directory_is_walked_recursively_in_order_and_dispatched_by_extension(tmp_path: Path) -> None:
    items = list(convert_paths([build_tree(tmp_path)]))
    sources = [i["meta"]["source"] if isinstance(i, dict) else i.source for i in items]
    assert sources == [
        "news/.DS_Store",
        "news/README",
        "news/a.txt",
        "news/deep/b.html",
        "news/deep/c.jsonl:line1",
        "news/deep/deeper/E.TXT",
        "news/deep/deeper/d.csv:row1",
        "news/deep/deeper/f.warc.gz#2",
        "news/deep/deeper/f.warc.gz#3",
        "news/deep/deeper/f.warc.gz#4",
        "news/deep/deeper/f.warc.gz#5",
        "news/notes.docx",
    ]
    rejects = {i.source: i for i in items if isinstance(i, Reject)}
    assert (rejects["news/.DS_Store"].code, rejects["news/.DS_Store"].reason) == ("E094", "news/.DS_Store: a hidden file, not an article; not read")
    assert rejects["news/notes.docx"].code == "E052"
    assert "'.docx'" in rejects["news/notes.docx"].reason and ".warc.gz" in rejects["news/notes.docx"].reason
    assert rejects["news/README"].code == "E052"
    records = [i for i in items if isinstance(i, dict)]
    assert records[0]["meta"]["dateline"] == "ANKARA"
    validator = Validator()
    assert all(validator.check(r, r["meta"]["source"]) == [] for r in records)


def test_init_unknown_extension_given_directly_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "article.pdf").write_bytes(b"%PDF-1.4")
    [reject] = convert_paths([tmp_path / "article.pdf"])
    assert isinstance(reject, Reject)
    assert (reject.source, reject.code) == ("article.pdf", "E052")
    for fmt in FORMATS:
        assert fmt in reject.reason


def test_init_missing_input_is_rejected(tmp_path: Path) -> None:
    [reject] = convert_paths([tmp_path / "nope.txt"])
    assert isinstance(reject, Reject)
    assert reject.code == "E053" and "no such file" in reject.reason


def test_init_unreadable_input_is_a_reject_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    items = list(convert_paths([tmp_path / "a.txt", tmp_path / "b.txt"]))
    assert isinstance(items[0], Reject) and items[0].code == "E053" and "Permission denied" in items[0].reason
    assert isinstance(items[1], dict)


def test_init_source_names_do_not_depend_on_where_the_tree_is(tmp_path: Path) -> None:
    first = build_tree(tmp_path / "one")
    second = build_tree(tmp_path / "two" / "elsewhere")
    ids = [[i["meta"]["id"] for i in convert_paths([root]) if isinstance(i, dict)] for root in (first, second)]
    assert ids[0] == ids[1]
    assert source_name(first / "a.txt", first) == "news/a.txt"
    assert source_name(first / "a.txt", first / "a.txt") == "a.txt"


def test_init_same_input_twice_gives_byte_identical_output(tmp_path: Path) -> None:
    root = build_tree(tmp_path)
    out1, out2 = tmp_path / "one.jsonl.gz", tmp_path / "two.jsonl.gz"
    write_jsonl(out1, (i for i in convert_paths([root]) if isinstance(i, dict)))
    write_jsonl(out2, (i for i in convert_paths([root]) if isinstance(i, dict)))
    assert out1.read_bytes() == out2.read_bytes()


def test_init_hidden_folders_are_not_entered_and_are_reported_once_with_broken_links(tmp_path: Path) -> None:
    (tmp_path / "in" / ".git" / "objects").mkdir(parents=True)
    (tmp_path / "in" / ".git" / "objects" / "ab12").write_bytes(b"\x78\x01")
    (tmp_path / "in" / ".cache").mkdir()
    (tmp_path / "in" / ".cache" / "old.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "gone.txt").symlink_to(tmp_path / "in" / "missing.txt")
    items = list(convert_paths([tmp_path / "in"]))
    assert [(i["meta"]["source"] if isinstance(i, dict) else (i.source, i.code)) for i in items] == [
        ("in/.cache", "E094"), ("in/.git", "E094"), "in/a.txt", ("in/gone.txt", "E053")]
    assert [i.reason for i in items if isinstance(i, Reject) and i.code == "E094"] == [
        "in/.cache: a hidden folder, not articles; not read", "in/.git: a hidden folder, not articles; not read"]


def test_init_exclude_passes_over_files_in_a_walk_but_not_files_named_directly(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "records.jsonl"
    write_jsonl(out, [{"text": "An earlier output."}])
    walked = list(convert_paths([tmp_path], exclude=[out]))
    assert [i["meta"]["source"] for i in walked if isinstance(i, dict)] == [f"{tmp_path.name}/a.txt"]
    named = list(convert_paths([out], exclude=[out]))
    assert [i["text"] for i in named if isinstance(i, dict)] == ["An earlier output."]
