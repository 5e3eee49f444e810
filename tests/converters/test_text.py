from __future__ import annotations

from pathlib import Path

import pytest

from corpus.converters import Reject, convert_paths
from corpus.converters.text import article_record, find_dateline
from corpus.validate import check_record

from ..conftest import ROOT

BODY = "US Secretary of State Antony Blinken on Thursday said a major offensive would be a mistake."


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("ANKARA\n\n" + BODY, "ANKARA"),
        ("ANKARA\r\n" + BODY, "ANKARA"),
        ("\n  ANKARA\n" + BODY, "ANKARA"),
        ("WASHINGTON (AP) — " + BODY, "WASHINGTON"),
        ("LONDON, March 3 (Reuters) - " + BODY, "LONDON"),
        ("NEW YORK — " + BODY, "NEW YORK"),
        ("GAZA CITY, Gaza Strip (AP) — " + BODY, "GAZA CITY, Gaza Strip"),
        ("BEIJING, Sept. 12 (Xinhua) -- " + BODY, "BEIJING"),
    ],
)
def test_text_dateline_is_found(text: str, dateline: str) -> None:
    assert find_dateline(text) == dateline


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        "US officials said on Monday that talks would resume.",
        "The UN said 32,000 people — most of them civilians — had died.",
        "I — like many others — was surprised by the vote.",
        "FILE - In this photo, the minister speaks in Cairo.",
        "EDITOR'S NOTE — This story contains graphic descriptions.",
        "A - the first point - is simple.",
        "Ankara\n\n" + BODY,  # a place, but not a dateline in capitals
        "",
    ],
)
def test_text_no_dateline_where_there_is_none(text: str) -> None:
    assert find_dateline(text) is None


def test_text_file_becomes_a_valid_record_kept_exactly(tmp_path: Path) -> None:
    text = "ANKARA\n\n" + BODY + "\n\nHe said “no.”\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    [record] = convert_paths([tmp_path / "a.txt"])
    assert isinstance(record, dict)
    assert record["text"] == text
    assert record["meta"]["dateline"] == "ANKARA"
    assert record["meta"]["source"] == "a.txt"
    assert check_record(record) == []


def test_text_bom_is_dropped_and_crlf_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffWASHINGTON (AP) — Hello.\r\nMore.".encode("utf-8"))
    [record] = convert_paths([tmp_path / "a.txt"])
    assert isinstance(record, dict)
    assert record["text"] == "WASHINGTON (AP) — Hello.\r\nMore."
    assert record["meta"]["dateline"] == "WASHINGTON"
    assert check_record(record) == []


def test_text_undecodable_bytes_are_rejected_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Café in Zürich.".encode("latin-1"))
    [reject] = convert_paths([tmp_path / "latin1.txt"])
    assert isinstance(reject, Reject)
    assert (reject.source, reject.code) == ("latin1.txt", "E050")
    assert "UTF-8" in reject.reason


@pytest.mark.parametrize("content", ["", "   \n\t\n"])
def test_text_empty_article_is_rejected(tmp_path: Path, content: str) -> None:
    (tmp_path / "empty.txt").write_text(content, encoding="utf-8")
    [reject] = convert_paths([tmp_path / "empty.txt"])
    assert isinstance(reject, Reject)
    assert (reject.code, reject.reason) == ("E051", "empty.txt holds no article text")


def test_text_ids_depend_on_source_and_text() -> None:
    a = article_record(BODY, source="a.txt")
    b = article_record(BODY, source="b.txt")
    c = article_record(BODY + " More.", source="a.txt")
    assert isinstance(a, dict) and isinstance(b, dict) and isinstance(c, dict)
    assert article_record(BODY, source="a.txt") == a
    assert len({a["meta"]["id"], b["meta"]["id"], c["meta"]["id"]}) == 3


def test_text_explicit_dateline_is_kept() -> None:
    record = article_record("ANKARA\n" + BODY, source="a", dateline=None)
    assert isinstance(record, dict)
    assert record["meta"]["dateline"] is None


def test_text_seed_article_converts_with_its_dateline() -> None:
    [record] = convert_paths([ROOT / "seeds"])
    assert isinstance(record, dict)
    assert record["meta"]["dateline"] == "ANKARA"
    assert record["meta"]["source"] == "seeds/000_3a1a4e80164071cf.txt"
    assert check_record(record) == []
