from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.errors import CODES
from corpus.record import TokenIndex, make_relation, new_record, set_hashes
from corpus.validate import Validator, check_record

TEXT = (
    "WASHINGTON\n\nUS official Antony Blinken said on Thursday that an offensive in Rafah would be a mistake. "
    "Nearly 32,000 people have died."
)

Record = dict[str, Any]


def _at(phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def make_valid() -> Record:
    """One record with every layer and every relation label, valid by construction."""
    record = new_record(TEXT, source="test.txt")
    idx = TokenIndex(TEXT, record["tokens"])
    person = idx.span(*_at("Antony Blinken"), "PERSON", {"name": "Antony Blinken"})
    date = idx.span(*_at("Thursday"), "DATE")
    gpe = idx.span(*_at("Rafah"), "GPE")
    quote = idx.span(*_at("an offensive in Rafah would be a mistake"), "QUOTE", {"kind": "indirect"})
    cue = idx.span(*_at("said"), "CUE")
    source = idx.span(*_at("Antony Blinken"), "SOURCE", {"name": "Antony Blinken"})
    stance = idx.span(*_at("would be a mistake"), "STANCE", {"polarity": "against"})
    target = idx.span(*_at("an offensive in Rafah"), "TARGET")
    stat = idx.span(*_at("Nearly 32,000"), "STATISTIC", {"value": 32000, "unit": None, "approximator": "~", "kind": "count"})
    concept = idx.span(*_at("people"), "CONCEPT")
    record["spans"] = [person, date, gpe, quote, cue, source, stance, target, stat, concept]
    record["relations"] = [
        make_relation("SOURCE", quote, source),
        make_relation("CUE", quote, cue),
        make_relation("HOLDER", stance, person),
        make_relation("TARGET", stance, target),
        make_relation("CONCEPT", stat, concept),
    ]
    return set_hashes(record)


def span_of(record: Record, label: str) -> Record:
    return next(s for s in record["spans"] if s["label"] == label)


def rel_of(record: Record, label: str) -> Record:
    return next(r for r in record["relations"] if r["label"] == label)


def tok(record: Record, text: str) -> Record:
    return next(t for t in record["tokens"] if t["text"] == text)


# --- one mutation per rule: each breaks exactly that rule --------------------------------------


def _del_meta_id(r: Record) -> None:
    del r["meta"]["id"]


def _text_not_str(r: Record) -> None:
    r["text"] = 42


def _empty_text(r: Record) -> None:
    r["text"] = ""
    r["tokens"], r["spans"], r["relations"] = [], [], []


def _schema_version_2(r: Record) -> None:
    r["meta"]["schema_version"] = "2"


def _token_extra_key(r: Record) -> None:
    r["tokens"][0]["pos"] = "NOUN"


def _span_no_label(r: Record) -> None:
    del span_of(r, "DATE")["label"]


def _relation_no_child_span(r: Record) -> None:
    del rel_of(r, "CUE")["child_span"]


def _answer_maybe(r: Record) -> None:
    r["answer"] = "maybe"


def _negative_start(r: Record) -> None:
    span_of(r, "DATE")["start"] = -1


def _float_token_offset(r: Record) -> None:
    tok(r, "Thursday")["start"] = float(tok(r, "Thursday")["start"])  # JSON Schema calls 47.0 an integer


def _float_span_offset(r: Record) -> None:
    span_of(r, "DATE")["end"] = float(span_of(r, "DATE")["end"])


def _float_relation_head(r: Record) -> None:
    rel_of(r, "CUE")["head"] = float(rel_of(r, "CUE")["head"])


def _float_relation_copy(r: Record) -> None:
    rel_of(r, "CUE")["child_span"]["token_end"] = float(rel_of(r, "CUE")["child_span"]["token_end"])


def _bool_span_offset(r: Record) -> None:
    span_of(r, "DATE")["token_start"] = True


def _token_past_text(r: Record) -> None:
    r["tokens"][-1]["end"] = len(TEXT) + 1


def _token_text_differs(r: Record) -> None:
    tok(r, "US")["text"] = "UK"


def _token_id_wrong(r: Record) -> None:
    tok(r, "official")["id"] = 7


def _token_overlaps_previous(r: Record) -> None:
    t = tok(r, "official")
    t["start"] = t["start"] - 2
    t["text"] = TEXT[t["start"]:t["end"]]


def _token_ws_wrong(r: Record) -> None:
    tok(r, "US")["ws"] = False


def _token_gap(r: Record) -> None:
    r["tokens"] = [t for t in r["tokens"] if t["text"] != "\n\n"]  # the paragraph break is no longer covered
    for i, t in enumerate(r["tokens"]):
        t["id"] = i


def _span_empty(r: Record) -> None:
    span_of(r, "DATE")["end"] = span_of(r, "DATE")["start"]


def _span_past_text(r: Record) -> None:
    n = len(TEXT)
    r["spans"].append({"start": n - 1, "end": n + 3, "token_start": len(r["tokens"]) - 1, "token_end": len(r["tokens"]) - 1, "label": "CUE"})


def _span_tokens_disagree(r: Record) -> None:
    span_of(r, "DATE")["token_start"] -= 1


def _span_starts_with_whitespace(r: Record) -> None:
    start, end = TEXT.index("\n\nUS"), TEXT.index("\n\nUS") + 4  # the "\n\n" is a token of its own
    idx = TokenIndex(TEXT, r["tokens"])
    r["spans"].append({"start": start, "end": end, "token_start": idx._by_start[start], "token_end": idx._by_end[end], "label": "GPE"})


def _span_unknown_label(r: Record) -> None:
    span_of(r, "DATE")["label"] = "WHEN"


def _quote_kind_not_in_enum(r: Record) -> None:
    span_of(r, "QUOTE")["attrs"]["kind"] = "reported"


def _stance_polarity_missing(r: Record) -> None:
    del span_of(r, "STANCE")["attrs"]["polarity"]


def _unknown_attr(r: Record) -> None:
    span_of(r, "DATE")["attrs"] = {"normalized": "2024-02-08"}


def _value_is_a_string(r: Record) -> None:
    span_of(r, "STATISTIC")["attrs"]["value"] = "32000"


def _value_is_a_bool(r: Record) -> None:
    span_of(r, "STATISTIC")["attrs"]["value"] = True


def _value_is_nan(r: Record) -> None:
    span_of(r, "STATISTIC")["attrs"]["value"] = float("nan")


def _entities_overlap(r: Record) -> None:
    idx = TokenIndex(TEXT, r["tokens"])
    r["spans"].append(idx.span(*_at("Blinken"), "ORG"))


def _span_text_differs(r: Record) -> None:
    span_of(r, "DATE")["text"] = "Friday"


def _span_duplicate(r: Record) -> None:
    r["spans"].append(dict(span_of(r, "CUE")))


def _triple_not_allowed(r: Record) -> None:
    rel_of(r, "SOURCE")["label"] = "CUE"  # CUE goes QUOTE -> CUE, not QUOTE -> SOURCE


def _relation_span_missing(r: Record) -> None:
    child = rel_of(r, "CONCEPT")["child_span"]
    child["start"], child["end"] = _at("people have died")[0], _at("died")[1]


def _relation_copy_tokens_stale(r: Record) -> None:
    rel = rel_of(r, "CUE")
    rel["child_span"]["token_end"] += 1
    rel["child"] += 1  # head/child agree with the copy, but the copy is not the span in `spans`


def _relation_head_wrong(r: Record) -> None:
    rel_of(r, "TARGET")["head"] -= 1


def _relation_unknown_label(r: Record) -> None:
    rel_of(r, "HOLDER")["label"] = "SAID_BY"


MUTATIONS: list[tuple[str, Callable[[Record], None]]] = [
    ("E010", _del_meta_id),
    ("E010", _text_not_str),
    ("E010", _empty_text),
    ("E010", _schema_version_2),
    ("E010", _token_extra_key),
    ("E010", _span_no_label),
    ("E010", _relation_no_child_span),
    ("E010", _answer_maybe),
    ("E010", _negative_start),
    ("E010", _float_token_offset),
    ("E010", _float_span_offset),
    ("E010", _float_relation_head),
    ("E010", _float_relation_copy),
    ("E010", _bool_span_offset),
    ("E020", _token_past_text),
    ("E021", _token_text_differs),
    ("E022", _token_id_wrong),
    ("E023", _token_overlaps_previous),
    ("E024", _token_ws_wrong),
    ("E025", _token_gap),
    ("E030", _span_empty),
    ("E030", _span_past_text),
    ("E031", _span_tokens_disagree),
    ("E032", _span_starts_with_whitespace),
    ("E033", _span_unknown_label),
    ("E034", _quote_kind_not_in_enum),
    ("E034", _stance_polarity_missing),
    ("E034", _unknown_attr),
    ("E034", _value_is_a_string),
    ("E034", _value_is_a_bool),
    ("E034", _value_is_nan),
    ("E035", _entities_overlap),
    ("E036", _span_text_differs),
    ("E037", _span_duplicate),
    ("E040", _triple_not_allowed),
    ("E041", _relation_span_missing),
    ("E041", _relation_copy_tokens_stale),
    ("E042", _relation_head_wrong),
    ("E043", _relation_unknown_label),
]


def test_validate_the_base_record_is_valid() -> None:
    record = make_valid()
    assert check_record(record) == []
    assert {s["label"] for s in record["spans"]} >= {"PERSON", "QUOTE", "CUE", "SOURCE", "STANCE", "TARGET", "STATISTIC", "CONCEPT"}


def test_validate_a_record_without_tokens_spans_or_relations_is_valid() -> None:
    assert check_record({"text": "Hello.", "meta": {"id": "a", "source": "s", "schema_version": "1"}}) == []


@pytest.mark.parametrize(("code", "mutate"), MUTATIONS, ids=[f"{c}-{m.__name__.lstrip('_')}" for c, m in MUTATIONS])
def test_validate_each_rule_gives_exactly_its_code(code: str, mutate: Callable[[Record], None]) -> None:
    record = make_valid()
    mutate(record)
    problems = check_record(record)
    assert [p.code for p in problems] == [code], problems
    assert problems[0].message  # readable, and formatted from its template
    assert str(problems[0]).startswith(f"{code} ")


def test_validate_every_record_rule_code_is_exercised() -> None:
    tested = {code for code, _ in MUTATIONS} | {"E011"}
    record_codes = {c for c in CODES if "E010" <= c <= "E043"}
    assert record_codes == tested


def test_validate_does_not_change_the_record() -> None:
    record = make_valid()
    _relation_head_wrong(record)
    before = copy.deepcopy(record)
    check_record(record)
    assert record == before


def test_validate_overlap_is_found_past_a_short_span_in_between() -> None:
    """[Antony Blinken said] overlaps [said] although [Blinken], which does not touch [said], sorts between them."""
    record = new_record(TEXT, source="t")
    idx = TokenIndex(TEXT, record["tokens"])
    record["spans"] = [idx.span(*_at("Antony Blinken said"), "PERSON"), idx.span(*_at("Blinken"), "NORP"), idx.span(*_at("said"), "ORG")]
    problems = check_record(set_hashes(record))
    assert [p.code for p in problems] == ["E035", "E035"]
    assert "0 PERSON" in problems[1].message and "2 ORG" in problems[1].message


def test_validate_different_layers_may_overlap() -> None:
    record = make_valid()
    # QUOTE contains GPE and TARGET; SOURCE coincides with PERSON: all allowed
    assert check_record(record) == []


def test_validate_duplicate_ids_across_records_are_E011() -> None:
    first, second, third = make_valid(), make_valid(), make_valid()
    third["meta"]["id"] = "another"
    validator = Validator()
    assert validator.check(first, "a.jsonl:1") == []
    problems = validator.check(second, "a.jsonl:2")
    assert [p.code for p in problems] == ["E011"]
    assert "a.jsonl:1" in problems[0].message
    assert validator.check(third, "a.jsonl:3") == []
    assert (validator.report.records, validator.report.invalid, dict(validator.report.codes)) == (3, 1, {"E011": 1})


def test_validate_check_file_reports_unreadable_lines_and_goes_on(tmp_path: Path) -> None:
    good = make_valid()
    other = make_valid()
    other["meta"]["id"] = "other"
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        (json.dumps(good) + "\n\nnot json\n[1]\n").encode() + b'{"x": "\xff"}\n' + (json.dumps(other) + "\n" + json.dumps(good) + "\n").encode()
    )
    validator = Validator()
    seen = [(line.lineno, [p.code for p in problems]) for line, problems in validator.check_file(str(path))]
    assert seen == [(1, []), (3, ["E001"]), (4, ["E002"]), (5, ["E050"]), (6, []), (7, ["E011"])]
    report = validator.report
    assert (report.records, report.invalid) == (6, 4)
    assert dict(report.codes) == {"E001": 1, "E002": 1, "E050": 1, "E011": 1}


def test_validate_check_file_on_a_valid_file_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    records = []
    for n in range(3):
        r = make_valid()
        r["meta"]["id"] = f"id{n}"
        records.append(json.dumps(r))
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    validator = Validator()
    assert all(problems == [] for _, problems in validator.check_file(str(path)))
    assert (validator.report.records, validator.report.invalid) == (3, 0)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.integers(-3, 200).map(float) | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
_PATHS = [
    ("text",), ("meta",), ("meta", "id"), ("tokens",), ("tokens", 3), ("tokens", 3, "start"), ("tokens", 3, "end"),
    ("tokens", 3, "ws"), ("spans",), ("spans", 1), ("spans", 1, "start"), ("spans", 1, "end"), ("spans", 1, "token_end"),
    ("spans", 1, "label"), ("spans", 3, "attrs"), ("spans", 8, "attrs", "value"), ("relations",), ("relations", 0, "head"),
    ("relations", 0, "head_span"), ("relations", 0, "child_span", "start"), ("relations", 0, "label"),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(_PATHS), value=_JSON)
def test_validate_never_crashes_on_a_damaged_record(path: tuple[Any, ...], value: Any) -> None:
    record: Any = make_valid()
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = check_record(record)
    assert all(p.code in CODES for p in problems)


def test_validate_tokens_off_the_fast_path_are_still_checked() -> None:
    """Prodigy's optional `disabled` key takes the full schema path; the rules still apply there."""
    record = make_valid()
    record["tokens"][0]["disabled"] = True
    assert check_record(record) == []
    record["tokens"][2]["ws"] = False
    assert [p.code for p in check_record(record)] == ["E024"]
    del record["tokens"][3]["ws"]
    assert [p.code for p in check_record(record)] == ["E010"]
