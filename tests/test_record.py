from __future__ import annotations

import re

import pytest
import spacy

from corpus.errors import CorpusError
from corpus.record import (
    SCHEMA_VERSION,
    TokenIndex,
    doc_from_record,
    make_relation,
    new_record,
    set_hashes,
    canonical_order,
    span_from_spacy,
    span_key,
    stable_id,
    tokenize,
)
from corpus.validate import check_record

TEXT = "Dr. Smith's co-worker paid $5.5m in 2020."


def test_record_stable_id_is_deterministic_and_separates_parts() -> None:
    assert stable_id("a.txt", "text") == stable_id("a.txt", "text")
    assert re.fullmatch(r"[0-9a-f]{16}", stable_id("a.txt", "text"))
    assert stable_id("a.txt", "text") != stable_id("b.txt", "text")
    assert stable_id("ab", "c") != stable_id("a", "bc")  # parts are joined with a separator


def test_record_new_record_has_every_meta_key_and_is_valid() -> None:
    record = new_record(TEXT, source="s.txt", title="T", extra="kept")
    meta = record["meta"]
    assert meta["id"] == stable_id("s.txt", TEXT)
    assert meta["schema_version"] == SCHEMA_VERSION == "1"
    assert (meta["title"], meta["url"], meta["date"], meta["dateline"], meta["language"], meta["extra"]) == ("T", None, None, None, "en", "kept")
    assert (record["spans"], record["relations"], record["_view_id"]) == ([], [], "spans_manual")
    assert "answer" not in record  # a raw article carries no human decision
    assert new_record(TEXT, source="gold", answer="accept")["answer"] == "accept"
    assert check_record(record) == []


def test_record_new_record_explicit_id_wins() -> None:
    assert new_record(TEXT, source="s", id="mine")["meta"]["id"] == "mine"


def test_record_tokens_rebuild_the_text_and_number_from_zero() -> None:
    tokens = tokenize(TEXT)
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    rebuilt = "".join(t["text"] + (" " if t["ws"] else "") for t in tokens)
    assert rebuilt == TEXT
    for t in tokens:
        assert TEXT[t["start"]:t["end"]] == t["text"]


def test_record_tokenize_cuts_split_a_token_only_where_asked() -> None:
    cut = TEXT.index("orker")
    tokens = tokenize(TEXT, cuts=[cut, 0, len(TEXT), TEXT.index("paid")])  # edges and existing boundaries change nothing
    texts = [t["text"] for t in tokens]
    assert texts[texts.index("w") : texts.index("w") + 2] == ["w", "orker"]
    assert len(tokens) == len(tokenize(TEXT)) + 1
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    w = tokens[texts.index("w")]
    assert (w["start"], w["end"], w["ws"]) == (cut - 1, cut, False)
    assert tokens[texts.index("orker")]["ws"] is True  # the last piece keeps the whitespace
    record = new_record(TEXT, source="s", tokens=tokens)
    assert check_record(record) == []


def test_record_tokenize_without_cuts_matches_spacy() -> None:
    doc = spacy.blank("en").make_doc(TEXT)
    assert [t["text"] for t in tokenize(TEXT)] == [t.text for t in doc]


def test_record_token_index_span_on_token_boundaries() -> None:
    record = new_record(TEXT, source="s")
    idx = TokenIndex(TEXT, record["tokens"])
    span = idx.span(TEXT.index("Dr."), TEXT.index("Smith") + 5, "PERSON", {"name": "Dr. Smith"})
    assert span == {"start": 0, "end": 9, "token_start": 0, "token_end": 1, "label": "PERSON", "attrs": {"name": "Dr. Smith"}}
    assert "attrs" not in idx.span(0, 3, "CUE", {})


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [(1, 3, "E031"), (0, 2, "E031"), (4, 10, "E031"), (5, 5, "E030"), (6, 3, "E030"), (-1, 3, "E030"), (36, 99, "E030")],
)
def test_record_token_index_refuses_spans_off_token_boundaries(start: int, end: int, code: str) -> None:
    idx = TokenIndex(TEXT, tokenize(TEXT))
    with pytest.raises(CorpusError) as info:
        idx.span(start, end, "ORG")
    assert info.value.code == code


def test_record_span_from_spacy_agrees_with_token_index() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc(TEXT)
    ent = doc.char_span(TEXT.index("$"), TEXT.index("m in") + 1, label="MONEY")
    assert ent is not None
    idx = TokenIndex(TEXT, tokenize(TEXT))
    assert span_from_spacy(ent) == idx.span(ent.start_char, ent.end_char, "MONEY")
    assert span_from_spacy(ent, label="STATISTIC", attrs={"value": 5.5})["attrs"] == {"value": 5.5}


def test_record_make_relation_points_at_token_ends_and_copies_spans() -> None:
    idx = TokenIndex(TEXT, tokenize(TEXT))
    head = idx.span(TEXT.index("$"), TEXT.index("m in") + 1, "STATISTIC", {"value": 5500000, "kind": "money"})
    child = idx.span(TEXT.index("co-"), TEXT.index("worker") + 6, "CONCEPT")
    rel = make_relation("CONCEPT", head, child)
    assert (rel["head"], rel["child"], rel["label"]) == (head["token_end"], child["token_end"], "CONCEPT")
    assert rel["head_span"] == head and rel["head_span"] is not head
    assert span_key(head) == (head["start"], head["end"], "STATISTIC")


def test_record_hashes_follow_the_annotations_not_the_meta() -> None:
    record = new_record(TEXT, source="s")
    input_hash, task_hash = record["_input_hash"], record["_task_hash"]
    assert isinstance(input_hash, int) and isinstance(task_hash, int)
    assert new_record(TEXT, source="other")["_input_hash"] == input_hash
    record["meta"]["title"] = "changed"
    assert set_hashes(record)["_task_hash"] == task_hash
    record["spans"] = [TokenIndex(TEXT, record["tokens"]).span(0, 3, "CUE")]
    set_hashes(record)
    assert record["_input_hash"] == input_hash
    assert record["_task_hash"] != task_hash


def test_record_doc_from_record_keeps_the_tokens_and_text() -> None:
    text = "WASHINGTON\n\nHello  world."
    record = new_record(text, source="s")
    doc = doc_from_record(spacy.blank("en").vocab, record)
    assert doc.text == text
    assert [t.text for t in doc] == [t["text"] for t in record["tokens"]]


def test_record_doc_from_record_refuses_tokens_that_do_not_rebuild_the_text() -> None:
    record = new_record(TEXT, source="s")
    record["tokens"] = record["tokens"][1:]
    with pytest.raises(CorpusError) as info:
        doc_from_record(spacy.blank("en").vocab, record)
    assert info.value.code == "E021"


def test_record_hashes_ignore_how_a_span_was_made_but_not_what_it_is() -> None:
    rec = new_record("Ada Lovelace wrote notes.", source="test")
    rec["spans"] = [TokenIndex(rec["text"], rec["tokens"]).span(0, 12, "PERSON")]
    set_hashes(rec)
    base = (rec["_input_hash"], rec["_task_hash"])
    rec["spans"][0]["source"] = "en_core_web_sm"  # provenance: Prodigy leaves it out of the hash
    rec["answer"] = "reject"
    assert (set_hashes(rec)["_input_hash"], rec["_task_hash"]) == base
    rec["spans"][0]["label"] = "ORG"
    assert set_hashes(rec)["_task_hash"] != base[1]
    assert rec["_input_hash"] == base[0]


def test_record_hashes_use_prodigys_default_keys() -> None:
    """Input keys text, image, html, input; task keys spans, label, options (not relations)."""
    rec = new_record("Ada Lovelace wrote notes.", source="test")
    person = TokenIndex(rec["text"], rec["tokens"]).span(0, 12, "PERSON")
    rec["spans"] = [person]
    base = (set_hashes(rec)["_input_hash"], rec["_task_hash"])
    for key, value in (("image", "a.png"), ("html", "<b>x</b>"), ("input", {"q": 1})):
        changed = set_hashes({**rec, key: value})
        assert changed["_input_hash"] != base[0] and changed["_task_hash"] != base[1], key
    for key, value in (("label", "PERSON"), ("options", [{"id": 1, "text": "yes"}])):
        changed = set_hashes({**rec, key: value})
        assert changed["_input_hash"] == base[0] and changed["_task_hash"] != base[1], key
    for key, value in (("relations", [make_relation("CUE", person, person)]), ("meta", {"id": "other"}), ("answer", "reject")):
        changed = set_hashes({**rec, key: value})
        assert (changed["_input_hash"], changed["_task_hash"]) == base, key


def test_record_canonical_order_makes_a_reordered_record_hash_the_same() -> None:
    rec = new_record("Ada Lovelace met Charles Babbage in London.", source="test")
    idx = TokenIndex(rec["text"], rec["tokens"])
    spans = [idx.span(0, 12, "PERSON"), idx.span(17, 32, "PERSON"), idx.span(36, 42, "GPE")]
    rels = [make_relation("HOLDER", spans[0], spans[2]), make_relation("HOLDER", spans[0], spans[1])]
    first = set_hashes(canonical_order({**rec, "spans": list(spans), "relations": list(rels)}))
    second = set_hashes(canonical_order({**rec, "spans": spans[::-1], "relations": rels[::-1]}))
    assert first == second
    assert [s["start"] for s in second["spans"]] == [0, 17, 36]
