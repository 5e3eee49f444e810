from __future__ import annotations

import copy
from typing import Any

import pytest

from corpus.evaluate import evaluate, overlaps
from corpus.record import TokenIndex, make_relation, new_record, set_hashes
from corpus.validate import check_record

TEXT = "The minister said 12,000 people fled Rafah. “We will stay,” Ali Hassan told reporters, opposing the plan."


def _gold() -> dict[str, Any]:
    rec = new_record(TEXT, source="test", id="doc1")
    idx = TokenIndex(TEXT, rec["tokens"])

    def sp(s: str, label: str, attrs: dict[str, Any] | None = None, nth: int = 0) -> dict[str, Any]:
        start = TEXT.index(s) if nth == 0 else TEXT.index(s, TEXT.index(s) + 1)
        return idx.span(start, start + len(s), label, attrs)

    stat = sp("12,000", "STATISTIC", {"value": 12000, "unit": None, "approximator": "=", "kind": "count"})
    concept = sp("people", "CONCEPT")
    quote = sp("We will stay,", "QUOTE", {"kind": "direct"})
    source = sp("Ali Hassan", "SOURCE", {"name": "Ali Hassan"})
    cue = sp("told reporters", "CUE")
    person = sp("Ali Hassan", "PERSON", {"name": "Ali Hassan"})
    gpe = sp("Rafah", "GPE", {"name": "Rafah"})
    stance = sp("opposing", "STANCE", {"polarity": "against"})
    target = sp("the plan", "TARGET", {"name": "the plan"})
    rec["spans"] = sorted([stat, concept, quote, source, cue, person, gpe, stance, target], key=lambda s: (s["start"], s["label"]))
    rec["relations"] = [
        make_relation("CONCEPT", stat, concept),
        make_relation("SOURCE", quote, source),
        make_relation("CUE", quote, cue),
        make_relation("HOLDER", stance, person),
        make_relation("TARGET", stance, target),
    ]
    set_hashes(rec)
    assert check_record(rec) == []
    return rec


def test_evaluate_gold_against_itself_is_perfect_everywhere() -> None:
    gold = _gold()
    report = evaluate([gold], [copy.deepcopy(gold)])
    for layer in ("entities", "quotes", "statistics", "stances"):
        assert report[layer]["f1"] == 1.0, layer
        assert report[layer]["overlap"]["f1"] == 1.0, layer
        for label, d in report[layer]["labels"].items():
            assert (d["precision"], d["recall"], d["f1"]) == (1.0, 1.0, 1.0), label
    assert report["quotes"]["source_accuracy"]["accuracy"] == 1.0
    assert report["quotes"]["cue_accuracy"]["accuracy"] == 1.0
    assert report["quotes"]["direct_overlap"]["f1"] == 1.0
    assert report["statistics"]["value"]["f1"] == 1.0
    assert report["statistics"]["value_unit"]["f1"] == 1.0
    assert report["statistics"]["approximator_accuracy"]["accuracy"] == 1.0
    assert report["stances"]["triplet"]["f1"] == 1.0
    assert report["stances"]["holder_polarity"]["f1"] == 1.0


def test_evaluate_one_span_shifted_by_one_character_drops_exact_but_not_overlap() -> None:
    gold = _gold()
    pred = copy.deepcopy(gold)
    gpe = next(s for s in pred["spans"] if s["label"] == "GPE")
    gpe["end"] -= 1  # "Rafa": 4 of 5 characters shared
    report = evaluate([gold], [pred], layers=["entities"])
    ents = report["entities"]
    assert ents["labels"]["GPE"]["f1"] == 0.0
    assert ents["labels"]["GPE"]["overlap"]["f1"] == 1.0
    assert ents["labels"]["PERSON"]["f1"] == 1.0
    # 2 gold entities, 2 predicted, 1 exact match: P = R = F1 = 0.5
    assert (ents["precision"], ents["recall"], ents["f1"]) == (0.5, 0.5, 0.5)
    assert (ents["tp"], ents["fp"], ents["fn"]) == (1, 1, 1)


def test_evaluate_wrong_value_and_missing_source_are_counted() -> None:
    gold = _gold()
    pred = copy.deepcopy(gold)
    next(s for s in pred["spans"] if s["label"] == "STATISTIC")["attrs"]["value"] = 1200
    for rel in pred["relations"]:
        if rel["label"] == "CONCEPT":
            rel["head_span"]["attrs"]["value"] = 1200
    pred["relations"] = [r for r in pred["relations"] if r["label"] != "SOURCE"]
    report = evaluate([gold], [pred], layers=["quotes", "statistics"])
    assert report["statistics"]["value"]["f1"] == 0.0
    assert report["statistics"]["f1"] == 1.0  # the spans themselves are right
    assert report["quotes"]["source_accuracy"] == {"accuracy": 0.0, "correct": 0, "total": 1}
    assert report["quotes"]["cue_accuracy"]["accuracy"] == 1.0


def test_evaluate_missing_prediction_counts_every_gold_span_as_missed() -> None:
    gold = _gold()
    report = evaluate([gold], [], layers=["entities"])
    assert report["entities"]["recall"] == 0.0
    assert report["records"]["missing_predictions"] == 1


def test_evaluate_conll_label_map_merges_gpe_into_loc_and_drops_numbers() -> None:
    pytest.importorskip("corpus.importers.conll")
    gold = _gold()
    pred = copy.deepcopy(gold)
    next(s for s in pred["spans"] if s["label"] == "GPE")["label"] = "LOC"
    report = evaluate([gold], [pred], layers=["entities"], label_map="conll")
    assert report["entities"]["f1"] == 1.0
    assert set(report["entities"]["labels"]) == {"LOC", "PER"}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((0, 10), (0, 10), True), ((0, 10), (4, 10), True), ((0, 10), (6, 10), False), ((0, 4), (4, 8), False), ((0, 10), (2, 30), False)],
)
def test_evaluate_overlap_needs_half_of_each_span(a: tuple[int, int], b: tuple[int, int], expected: bool) -> None:
    assert overlaps({"start": a[0], "end": a[1]}, {"start": b[0], "end": b[1]}) is expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("donald trump", "trump", True),
        ("sen. ted cruz", "ted cruz", True),
        ("republicans", "republican party", True),
        ("mr. obama's", "barack obama", True),
        ("hillary clinton", "bill clinton", False),
        ("the senate", "the house", False),
        ("mr.", "obama", False),
        ("jane roe, 59, of leeds, england.", "jane roe", True),  # the punctuation a source span carries
        ("(mr. roe)", "roe", True),
        ("jane roe,", "john roe", False),
        ("--", "jane roe", False),
    ],
)
def test_evaluate_names_match_despite_titles_and_plurals(a: str, b: str, same: bool) -> None:
    from corpus.evaluate import _same_name

    assert _same_name(a, b) is same


def test_evaluate_a_stance_without_holder_is_the_authors_on_both_sides() -> None:
    """SEESAW's "None" subject and a STANCE with no HOLDER relation both mean the article's own voice."""
    gold = _gold()
    gold["meta"]["gold_stances"] = [{"sentence": 1, "holder": None, "polarity": "against", "target": "the plan"}]
    pred = copy.deepcopy(gold)
    pred["relations"] = [r for r in pred["relations"] if r["label"] != "HOLDER"]
    report = evaluate([gold], [pred], layers=["stances"])
    assert report["stances"]["triplet"]["f1"] == 1.0
    named = copy.deepcopy(gold)  # a named holder is not the author
    report = evaluate([gold], [named], layers=["stances"])
    assert report["stances"]["triplet"]["f1"] == 0.0
