from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.errors import CorpusError
from corpus.importers import ImportOptions
from corpus.importers.conll import LABELS, ONTONOTES_TO_CONLL, TO_CONLL, detect_scheme, read, tokens_for
from corpus.registry import load_registry
from corpus.validate import check_record

from ..conftest import DEV_DATA, needs_dev_data

IOB2 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
1996-08-22 CD I-NP O
"""

# The same annotation in IOB1: I- opens an entity; B- only splits two adjacent entities of one type.
IOB1 = IOB2.replace("B-ORG", "I-ORG").replace("B-MISC", "I-MISC").replace("B-PER", "I-PER").replace("B-LOC", "I-LOC")


def _import(tmp_path: Path, content: str, scheme: str | None = None, name: str = "data.txt", **settings: Any) -> tuple[list[dict[str, Any]], list[Reject]]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items = list(read([path], ImportOptions(scheme=scheme, settings=settings)))
    return [i for i in items if isinstance(i, dict)], [i for i in items if isinstance(i, Reject)]


def _ents(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"]]


def test_conll_one_record_per_document_with_text_rebuilt_from_tokens(tmp_path: Path) -> None:
    records, rejects = _import(tmp_path, IOB2)
    assert rejects == []
    assert [r["text"] for r in records] == ["EU rejects German call .\nPeter Blackburn", "BRUSSELS 1996-08-22"]
    assert [r["meta"]["doc_index"] for r in records] == [0, 1]
    assert _ents(records[0]) == [("EU", "ORG"), ("German", "NORP"), ("Peter Blackburn", "PERSON")]
    assert _ents(records[1]) == [("BRUSSELS", "GPE")]
    assert [t["text"] for t in records[0]["tokens"]] == ["EU", "rejects", "German", "call", ".", "\n", "Peter", "Blackburn"]
    assert all(check_record(r) == [] for r in records)
    assert records[0]["meta"]["import"]["scheme"] == "iob2"


def test_conll_iob1_is_detected_and_gives_the_same_spans(tmp_path: Path) -> None:
    iob2, _ = _import(tmp_path, IOB2, name="a.txt")
    iob1, rejects = _import(tmp_path, IOB1, name="b.txt")
    assert rejects == []
    assert [_ents(r) for r in iob1] == [_ents(r) for r in iob2]
    assert iob1[0]["meta"]["import"]["scheme"] == "iob1"


def test_conll_iob1_b_tag_splits_adjacent_entities(tmp_path: Path) -> None:
    content = "Germany I-LOC\nFrance B-LOC\nand O\nSpain I-LOC\n"
    (record,), _ = _import(tmp_path, content)
    assert _ents(record) == [("Germany", "GPE"), ("France", "GPE"), ("Spain", "GPE")]
    assert record["meta"]["import"]["scheme"] == "iob1"


@pytest.mark.parametrize(
    ("tags", "scheme"),
    [
        ([["B-PER", "I-PER", "O", "B-LOC"]], "iob2"),
        ([["I-PER", "I-PER", "O", "I-LOC", "B-LOC"]], "iob1"),
        ([["O", "O"], []], "iob2"),  # nothing to tell: both read the same
        ([["I-PER", "O"], ["O", "B-LOC"]], None),
    ],
)
def test_conll_detect_scheme(tags: list[list[str]], scheme: str | None) -> None:
    assert detect_scheme(tags)[0] == scheme


def test_conll_mixed_schemes_reject_the_file_unless_a_scheme_is_given(tmp_path: Path) -> None:
    content = "Paris I-LOC\nis O\nnice O\n\nin O\nMay O\nsaid O\nBerlin B-LOC\n"
    records, (reject,) = _import(tmp_path, content)
    assert records == [] and reject.code == "E064" and "--scheme" in reject.reason
    (record,), rejects = _import(tmp_path, content, scheme="iob1")
    assert rejects == [] and _ents(record) == [("Paris", "GPE"), ("Berlin", "GPE")]


def test_conll_forced_iob2_on_iob1_data_rejects_with_the_line(tmp_path: Path) -> None:
    records, (reject,) = _import(tmp_path, IOB1.replace("I-LOC", "B-LOC"), scheme="iob2")
    assert reject.code == "E064" and ":3:" in reject.reason and "I-ORG follows the sentence start" in reject.reason
    assert [r["meta"]["doc_index"] for r in records] == [1]  # the other document is fine


def test_conll_unknown_scheme_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError):
        _import(tmp_path, IOB2, scheme="bilou")


def test_conll_tokens_are_kept_exactly_as_written(tmp_path: Path) -> None:
    content = "Can't O\nU.S.-based O\n( O\nZürich B-LOC\n) O\n...and O\n"
    (record,), _ = _import(tmp_path, content)
    assert [t["text"] for t in record["tokens"]] == ["Can't", "U.S.-based", "(", "Zürich", ")", "...and"]
    assert record["text"] == "Can't U.S.-based ( Zürich ) ...and"
    assert _ents(record) == [("Zürich", "GPE")]
    assert check_record(record) == []


def test_conll_document_without_entities_has_no_spans(tmp_path: Path) -> None:
    (record,), rejects = _import(tmp_path, "-DOCSTART- -X- -X- O\n\nNothing O\nhere O\n. O\n")
    assert rejects == [] and record["spans"] == [] and check_record(record) == []


def test_conll_unknown_label_rejects_its_document_unless_mapped(tmp_path: Path) -> None:
    content = "Acme B-COMPANY\nsells O\n"
    records, (reject,) = _import(tmp_path, content)
    assert records == [] and reject.code == "E065" and "COMPANY" in reject.reason
    (record,), _ = _import(tmp_path, content, labels={"COMPANY": "ORG"})
    assert _ents(record) == [("Acme", "ORG")]


def test_conll_ontonotes_labels_pass_through(tmp_path: Path) -> None:
    (record,), _ = _import(tmp_path, "Monday B-DATE\nin O\nOhio B-GPE\n")
    assert _ents(record) == [("Monday", "DATE"), ("Ohio", "GPE")]


def test_conll_bad_lines_reject_the_file(tmp_path: Path) -> None:
    records, (reject,) = _import(tmp_path, "Paris B-LOC\nlonely\n")
    assert records == [] and reject.code == "E063" and ":2:" in reject.reason
    records, (reject,) = _import(tmp_path, "Paris X-LOC\n")
    assert reject.code == "E063" and "X-LOC" in reject.reason


def test_conll_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    first, _ = _import(tmp_path, IOB2)
    again, _ = _import(tmp_path, IOB2)
    assert [r["meta"]["id"] for r in first] == [r["meta"]["id"] for r in again]
    assert len({r["meta"]["id"] for r in first}) == 2


def test_conll_label_tables_round_trip_and_cover_the_names() -> None:
    entities = set(load_registry().labels_of("entities"))
    assert set(LABELS.values()) <= entities
    assert {TO_CONLL[ours] for ours in LABELS.values()} == set(LABELS)
    for ours, theirs in TO_CONLL.items():
        assert ONTONOTES_TO_CONLL[ours] == theirs
    numeric = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
    assert set(ONTONOTES_TO_CONLL) == entities - numeric
    assert set(ONTONOTES_TO_CONLL.values()) == set(LABELS)


def test_conll_tokens_for_keeps_whitespace_as_tokens() -> None:
    text, tokens, index = tokens_for([("a", " "), ("b", "\n\n"), ("c", "  "), ("d", "")])
    assert text == "a b\n\nc  d"
    assert [t["text"] for t in tokens] == ["a", "b", "\n\n", "c", " ", "d"]
    assert index == [0, 1, 3, 5]


@needs_dev_data("conllpp")
@pytest.mark.devdata
def test_conll_conllpp_dev_counts_match_the_file() -> None:
    path = DEV_DATA / "conllpp" / "conllpp_dev.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    docs = sum(line.startswith("-DOCSTART-") for line in lines)
    starts = Counter(line.split()[-1][2:] for line in lines if line.split() and line.split()[-1].startswith("B-"))
    items = list(read([path], ImportOptions()))
    records = [i for i in items if isinstance(i, dict)]
    assert len(records) == len(items) == docs
    got = Counter(s["label"] for r in records for s in r["spans"])
    assert got == Counter({LABELS[k]: v for k, v in starts.items()})
    assert all(check_record(r) == [] for r in records)
