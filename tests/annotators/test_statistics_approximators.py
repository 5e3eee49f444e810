"""The statistics evaluation script: the authored approximator set (scripts/data/approximators.jsonl), its scoring, and the error summary."""

from __future__ import annotations

import json
import runpy
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT

SCRIPT = ROOT / "scripts" / "evaluate_statistics.py"
SET = ROOT / "scripts" / "data" / "approximators.jsonl"


@pytest.fixture(scope="module")
def script() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT))


def test_the_authored_set_is_well_formed_and_covers_every_approximator(script: dict[str, Any]) -> None:
    items = script["read_approximator_set"](SET)
    assert len(items) >= 60
    by_kind = Counter(item["approximator"] for item in items)
    assert set(by_kind) >= {"=", "~", "<", ">"}
    assert by_kind["="] >= 10  # sentences that state no approximator, including traps ("some of the 12")
    words = " ".join(item["text"].lower() for item in items)
    for cue in ("about", "nearly", "more than", "at least", "up to", "some", "roughly", "almost", "over", "under", "fewer than", "between"):
        assert cue in words, cue


def test_the_scores_count_right_wrong_and_missed(script: dict[str, Any]) -> None:
    items = [
        {"text": "About 40 came.", "value": 40, "approximator": "~"},
        {"text": "Over 9 left.", "value": 9, "approximator": ">"},
        {"text": "Some 3 stayed.", "value": 3, "approximator": "~"},
        {"text": "12 slept.", "value": 12, "approximator": "="},
    ]
    found = [
        [{"value": 40, "approximator": "~"}],
        [{"value": 9, "approximator": "<"}],
        [{"value": 4, "approximator": "~"}],  # another value: the statistic was not found
        [{"value": 12}],  # no approximator written means "="
    ]
    scores = script["approximator_scores"](items, found)
    assert (scores["correct"], scores["total"]) == (2, 4)
    assert scores["missed"] == ["Some 3 stayed."]
    assert scores["wrong"] == [("Over 9 left.", ">", "<")]


def test_a_malformed_item_is_one_coded_line(script: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "About 5.", "value": 5, "approximator": "about"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        script["read_approximator_set"](bad)


@pytest.mark.parametrize(
    "text,value,approximator",
    [
        ("Roughly 90 lorries queued at the border.", 90, "~"),
        ("No more than 6 boats may moor here.", 6, "<"),
        ("The fund needs in excess of $2 million.", 2000000, ">"),
        ("Some of the 40 flats were empty.", 40, "="),  # "some of" is not "some 40"
        ("Pensioners aged 70 or over travel free.", 70, ">"),
    ],
)
def test_the_layer_reads_the_approximator_of_sentences_outside_the_set(script: dict[str, Any], text: str, value: float, approximator: str) -> None:
    from corpus.pipeline import Annotator
    from corpus.record import new_record

    (record,) = Annotator(["statistics"])([new_record(text, source="t", id="a")])
    assert isinstance(record, dict)
    found = [s["attrs"] for s in record["spans"] if s["label"] == "STATISTIC"]
    scores = script["approximator_scores"]([{"text": text, "value": value, "approximator": approximator}], [found])
    assert scores["correct"] == 1, found


def test_the_error_summary_names_a_units_class(script: dict[str, Any]) -> None:
    unit_class = script["_unit_class"]
    assert [unit_class(u) for u in (None, "%", "USD", "kilometer", "USD / share", "% / year")] == ["none", "percent", "money", "measure", "rate", "rate"]
