"""CQE importer: the value locator, the unit/kind/approximator tables, meta-only quantities and rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.importers import ImportOptions, cqe
from corpus.validate import check_record
from tests.conftest import DEV_DATA, needs_dev_data


def _file(tmp_path: Path, items: Any, name: str = "currency-model.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def _records(path: Path) -> list[dict[str, Any] | Reject]:
    return list(cqe.read([path], ImportOptions()))


@pytest.mark.parametrize(
    ("text", "golds", "want"),
    [
        ("net interest income sank 27 % in the quarter to $ 254 million.", [(254e6, None), (27, None)], ["$ 254 million", "27 %"]),
        ("montgomery county, md.- - $ 75 million of bonds of 1989", [(75e6, None)], ["$ 75 million"]),
        ("When she was five years old, she learned to ride a bike.", [(5, None)], ["five"]),
        ("Now, after ninety five years of age", [(95, None)], ["ninety five"]),
        ("it only cost thirteen dollars and forty-five cents", [(13.45, None)], ["thirteen dollars and forty-five cents"]),
        ("He is about 40 - 50 years old.", [(40, 50)], ["40 - 50"]),
        ("walls eight to 10 feet tall", [(8, 10)], ["eight to 10"]),
        ("more than 10 1/2 miles of cable", [(10.5, None)], ["10 1/2"]),
        ("½ teaspoon baking powder", [(0.5, None)], ["½"]),
        ("-5 degree fahrenheit", [(-5, None)], ["-5"]),
        ("how to convert - 20 degrees fahrenheit", [(-20, None)], ["- 20"]),
        ("It cost 1.8M dollars.", [(1.8e6, None)], ["1.8M"]),
        ("I'm 1.8m tall.", [(1.8, None)], ["1.8"]),
        ("losses in excess of 30 MUSD were reported", [(30e6, None)], ["30 MUSD"]),
        ("It costs three quarters billion us dollars.", [(7.5e8, None)], ["three quarters billion"]),
        ("10, 000 monkeys placed before 10, 000 pianos", [(10000, None), (10000, None)], ["10, 000", "10, 000"]),
        ("$ 20,000.00 $ 37,305.97 february expenses", [(20000, None), (37305.97, None)], ["$ 20,000.00", "$ 37,305.97"]),
        ("10 $ 30 $", [(10, None), (30, None)], ["10 $", "30 $"]),
        ("Am I eligible for a lone of 12,34,567.89 rupees", [(1234567.89, None)], ["12,34,567.89"]),
        # nothing must be located: the value is not written, or only something near it is
        ("Yo dude!", [], []),
        ("The price rose sharply.", [(12, None)], [None]),
        ("sold its remaining one - third interest", [(0.33, None)], [None]),
        ("the 1988 quarter also included gains", [(1989, None)], [None]),
        ("scp-173m", [(-173, None)], [None]),
        ("He is about 40 - 50 years old.", [(40, 55)], [None]),
    ],
)
def test_cqe_locate(text: str, golds: list[tuple[float, float | None]], want: list[str | None]) -> None:
    got = cqe.locate(text, golds)
    assert [text[at[0]:at[1]] if at else None for at in got] == want


def test_cqe_locate_same_value_twice_takes_two_places() -> None:
    text = "50 dollar 50 dollar"
    assert cqe.locate(text, [(50, None), (50, None)]) == [(0, 2), (10, 12)]
    assert cqe.locate("only 50 here", [(50, None), (50, None)]) == [(5, 7), None]


def test_cqe_full_item_maps_unit_kind_approximator_and_concepts(tmp_path: Path) -> None:
    item = {
        "text": "The Chinese e-commerce giant already generates more than 60 per cent of its revenue from advertising.",
        "quantities": [{"change": ">", "value": "60.0", "unit": "percent", "normalized_unit": "percentage",
                        "referred_concepts": "revenue, Chinese e-commerce giant, not in this text"}],
    }
    [record] = _records(_file(tmp_path, [item]))
    assert isinstance(record, dict) and check_record(record) == []
    stat = next(s for s in record["spans"] if s["label"] == "STATISTIC")
    assert record["text"][stat["start"]:stat["end"]] == "60"
    assert stat["attrs"] == {"value": 60, "unit": "%", "kind": "percent", "approximator": ">"}
    concepts = sorted(record["text"][r["child_span"]["start"]:r["child_span"]["end"]] for r in record["relations"])
    assert concepts == ["Chinese e-commerce giant", "revenue"]
    [gold] = record["meta"]["gold_quantities"]
    assert gold["located"] is True and gold["concepts_located"] == ["revenue", "Chinese e-commerce giant"]
    assert gold["concepts"][-1] == "not in this text" and gold["cqe_change"] == ">"


def test_cqe_unlocated_quantity_is_meta_only(tmp_path: Path) -> None:
    items = [{"text": "It only cost a few dollars.", "quantities": [{"value": "3", "normalized_unit": "dollar", "change": "~"}]},
             {"text": "Silica gel is used to absorb moisture.", "quantities": []}]
    records = _records(_file(tmp_path, items))
    assert all(isinstance(r, dict) and check_record(r) == [] and r["spans"] == [] for r in records)
    gold = records[0]["meta"]["gold_quantities"]  # type: ignore[index]
    assert gold == [{"value": 3, "unit": "USD", "kind": "money", "approximator": "~", "cqe_unit": "dollar", "located": False, "cqe_change": "~", "concepts": []}]
    assert records[1]["meta"]["gold_quantities"] == []  # type: ignore[index]


@pytest.mark.parametrize(
    ("cqe_unit", "unit", "kind"),
    [
        ("dollar", "USD", "money"),
        ("dollar per share", "USD / share", "money"),
        ("cent", "USD", "money"),  # value 7 cents is 0.07 USD
        ("percentage", "%", "percent"),
        ("percentage per year", "% / year", "percent"),
        ("kilometre", "kilometer", "quantity"),
        ("year of age", "year", "quantity"),
        ("consultant", None, "count"),  # a counted noun is a plain count, which has no unit
        ("-", None, "count"),
        ("count", None, "count"),
    ],
)
def test_cqe_unit_and_kind_tables(tmp_path: Path, cqe_unit: str, unit: str | None, kind: str) -> None:
    [record] = _records(_file(tmp_path, [{"text": "We saw 7 of them.", "quantities": [{"value": "7", "normalized_unit": cqe_unit}]}]))
    assert isinstance(record, dict) and check_record(record) == []
    [stat] = record["spans"]
    assert (stat["attrs"]["unit"], stat["attrs"]["kind"]) == (unit, kind)
    assert "approximator" not in stat["attrs"]  # no change given: nothing is guessed


def test_cqe_direction_change_gives_no_approximator(tmp_path: Path) -> None:
    item = {"text": "The contract was up 19 cents.", "quantities": [{"change": "up", "value": "19.0", "normalized_unit": "cent"}]}
    [record] = _records(_file(tmp_path, [item]))
    assert isinstance(record, dict)
    assert "approximator" not in record["spans"][0]["attrs"]
    assert record["meta"]["gold_quantities"][0]["cqe_change"] == "up"


def test_cqe_range_value(tmp_path: Path) -> None:
    item = {"text": "from up to 252 - 287 miles", "quantities": [{"value": "252.0-287.0", "normalized_unit": "mile"}]}
    [record] = _records(_file(tmp_path, [item], "dimension-model.json"))
    assert isinstance(record, dict) and check_record(record) == []
    assert record["spans"][0]["attrs"] == {"value": 252, "value_max": 287, "unit": "mile", "kind": "range"}


def test_cqe_meta_ids_are_stable_and_name_the_set(tmp_path: Path) -> None:
    items = [{"text": "Give me 5 dollars", "quantities": []}, {"text": "Give me 5 dollars", "quantities": []}]
    path = _file(tmp_path, items, "temperature-model.json")
    first, second = _records(path), _records(path)
    ids = [r["meta"]["id"] for r in first]  # type: ignore[index]
    assert ids == [r["meta"]["id"] for r in second]  # type: ignore[index]
    assert len(set(ids)) == 2
    assert {(r["meta"]["set"], r["meta"]["source"], r["meta"]["index"]) for r in first} == {("temperature", "temperature-model.json", 0), ("temperature", "temperature-model.json", 1)}  # type: ignore[index]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([{"text": "x 5", "quantities": [{"value": "five", "normalized_unit": "-"}]}], "E073"),
        ([{"text": "x 5", "quantities": [{"value": "5", "change": "sideways"}]}], "E074"),
        ([{"text": "   ", "quantities": []}], "E051"),
        ([{"quantities": []}], "E070"),
        ({"text": "not a list"}, "E070"),
    ],
)
def test_cqe_rejects(tmp_path: Path, items: Any, code: str) -> None:
    [item] = _records(_file(tmp_path, items))
    assert isinstance(item, Reject) and item.code == code


def test_cqe_reads_folders(tmp_path: Path) -> None:
    _file(tmp_path, [{"text": "1 m", "quantities": []}], "a.json")
    _file(tmp_path, [{"text": "2 m", "quantities": []}], "b.json")
    assert [r["meta"]["source"] for r in _records(tmp_path)] == ["a.json", "b.json"]  # type: ignore[index]
    empty = tmp_path / "empty"
    empty.mkdir()
    [reject] = _records(empty)
    assert isinstance(reject, Reject) and reject.code == "E070"


@needs_dev_data("quantities")
@pytest.mark.devdata
def test_cqe_dev_sets_import_whole_and_valid() -> None:
    for path in sorted((DEV_DATA / "quantities").glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8"))
        records = _records(path)
        assert len(records) == len(source) and all(isinstance(r, dict) and check_record(r) == [] for r in records)
        gold = [g for r in records for g in r["meta"]["gold_quantities"]]  # type: ignore[index]
        assert len(gold) == sum(len(i["quantities"]) for i in source)
        assert sum(g["located"] for g in gold) == sum(s["label"] == "STATISTIC" for r in records for s in r["spans"])  # type: ignore[index]
