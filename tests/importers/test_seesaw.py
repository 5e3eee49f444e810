"""SEESAW importer: sentence offsets, placed triplets, meta-only triplets, refusals and rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.importers import ImportOptions, seesaw
from corpus.validate import check_record
from tests.conftest import DEV_DATA, needs_dev_data

PEOPLE = [["People"], ["Main"], ["A"]]


def _write(root: Path, sentences: list[str], stances: dict[str, list[dict[str, Any]]], entities: list[list[Any]], *, name: str = "TRIPLET_007_DOCUMENT_1", story: dict[str, Any] | None = None) -> Path:
    for sub in ("articles", "annotations", "meta"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    article = {"title": "A title", "text": [{"id": i, "text": s} for i, s in enumerate(sentences)]}
    (root / "articles" / f"{name}.json").write_text(json.dumps(article), encoding="utf-8")
    annotation = {"title": "A title", "entity lists": entities, "sentence-level stances": stances, "entity sentiments": {}, "entity ideologies": {}, "article ideology": []}
    (root / "annotations" / f"{name}.json").write_text(json.dumps(annotation), encoding="utf-8")
    if story is not None:
        (root / "meta" / f"{name.split('_DOCUMENT')[0]}.json").write_text(json.dumps(story), encoding="utf-8")
    return root


def _triplet(subject: str, sentiment: str, obj: str, i: int = 0) -> dict[str, Any]:
    return {"id": i, "subject": subject, "sentiment": sentiment, "object": obj, "annotators": ["A"]}


def _one(root: Path) -> dict[str, Any]:
    items = list(seesaw.read([root], ImportOptions()))
    assert len(items) == 1
    assert not isinstance(items[0], Reject), items[0]
    record = items[0]
    assert check_record(record) == []
    return record


def _surface(record: dict[str, Any], span: dict[str, Any]) -> str:
    return record["text"][span["start"]:span["end"]]


def test_seesaw_text_keeps_sentences_recoverable(tmp_path: Path) -> None:
    sentences = ["First line.", "", "Washington CNN —\n\nSecond one.", "  Third. "]
    record = _one(_write(tmp_path, sentences, {}, []))
    assert record["text"] == "\n".join(sentences)
    assert [record["text"][a:b] for a, b in record["meta"]["sentences"]] == sentences
    assert record["spans"] == [] and record["meta"]["gold_stances"] == []


def test_seesaw_places_holder_stance_and_target(tmp_path: Path) -> None:
    entities = [["Barack Obama", *PEOPLE], ["Republican Party", ["Organization"], ["Main"], ["A"]]]
    root = _write(tmp_path, ["Mr. Obama blasted Republicans for the delay."], {"0": [_triplet("Barack Obama", "NEG", "Republican Party")]}, entities)
    record = _one(root)
    by_label = {s["label"]: s for s in record["spans"]}
    assert _surface(record, by_label["PERSON"]) == "Obama" and by_label["PERSON"]["attrs"] == {"name": "Barack Obama"}
    assert _surface(record, by_label["TARGET"]) == "Republicans" and by_label["TARGET"]["attrs"] == {"name": "Republican Party"}
    assert _surface(record, by_label["STANCE"]) == "blasted" and by_label["STANCE"]["attrs"] == {"polarity": "against"}
    assert sorted((r["label"], r["child_span"]["label"]) for r in record["relations"]) == [("HOLDER", "PERSON"), ("TARGET", "TARGET")]
    assert record["meta"]["gold_stances"] == [
        {"sentence": 0, "holder": "Barack Obama", "polarity": "against", "target": "Republican Party", "annotators": ["A"], "located": True}
    ]


def test_seesaw_unfound_mentions_stay_in_meta_only(tmp_path: Path) -> None:
    entities = [["Barack Obama", *PEOPLE], ["Loretta Lynch", *PEOPLE]]
    stances = {"0": [_triplet("Barack Obama", "POS", "Loretta Lynch")], "1": [_triplet("Barack Obama", "NEG", "Loretta Lynch")]}
    record = _one(_write(tmp_path, ["“No one can claim she’s unqualified,” he said.", "Obama spoke on Sunday."], stances, entities))
    assert record["spans"] == [] and record["relations"] == []
    gold = record["meta"]["gold_stances"]
    assert [g["located"] for g in gold] == [False, False]
    assert gold[0]["unlocated"] == "holder not found in the sentence"
    assert gold[1]["unlocated"] == "target not found in the sentence"
    assert gold[0]["polarity"] == "favor"


def test_seesaw_placeholders_author_and_unlisted(tmp_path: Path) -> None:
    entities = [["abortion", ["Topic"], ["Main"], ["A"]]]
    stances = {"0": [_triplet("None", "NEG", "abortion"), _triplet("Not in the list", "POS", "abortion", 1)]}
    record = _one(_write(tmp_path, [" Abortion is wrong, the column says. "], stances, entities))
    stance = next(s for s in record["spans"] if s["label"] == "STANCE")
    assert _surface(record, stance) == "Abortion is wrong, the column says."  # the whole sentence, edges stripped
    assert [r["label"] for r in record["relations"]] == ["TARGET"]  # no HOLDER for the article's own voice
    first, second = record["meta"]["gold_stances"]
    assert first["holder"] is None and first["located"] is True
    assert second["holder"] == "Not in the list" and second["unlocated"] == "holder not in the entity list"


def test_seesaw_shared_surname_is_not_guessed(tmp_path: Path) -> None:
    entities = [["Joe Biden", *PEOPLE], ["Beau Biden", *PEOPLE], ["Donald Trump", *PEOPLE]]
    record = _one(_write(tmp_path, ["Biden praised Trump on Monday."], {"0": [_triplet("Joe Biden", "POS", "Donald Trump")]}, entities))
    assert record["spans"] == []
    assert record["meta"]["gold_stances"][0]["unlocated"] == "holder not found in the sentence"


def test_seesaw_name_inside_another_listed_name_is_not_a_mention(tmp_path: Path) -> None:
    entities = [["Hillary Clinton", *PEOPLE], ["Clinton Foundation", ["Organization"], ["Main"], ["A"]], ["donors", ["People"], ["Salient"], ["A"]]]
    record = _one(_write(tmp_path, ["The Clinton Foundation thanked donors."], {"0": [_triplet("Hillary Clinton", "POS", "donors")]}, entities))
    assert record["spans"] == []


def test_seesaw_two_stances_in_one_sentence_get_distinct_anchors(tmp_path: Path) -> None:
    entities = [["Barack Obama", *PEOPLE], ["Congress", ["Organization"], ["Main"], ["A"]], ["Loretta Lynch", *PEOPLE]]
    stances = {"0": [_triplet("Barack Obama", "NEG", "Congress"), _triplet("Barack Obama", "POS", "Loretta Lynch", 1)]}
    record = _one(_write(tmp_path, ["Obama criticized Congress and praised Lynch."], stances, entities))
    stances_ = [s for s in record["spans"] if s["label"] == "STANCE"]
    assert sorted(_surface(record, s) for s in stances_) == ["criticized", "criticized Congress and praised"]
    assert sum(s["label"] == "PERSON" and _surface(record, s) == "Obama" for s in record["spans"]) == 1  # shared, not duplicated
    assert len(record["relations"]) == 4


@pytest.mark.parametrize(
    ("name", "types", "present", "absent"),
    [
        ("Barack Obama", ["People"], ["Barack Obama", "Obama"], []),
        ("Republican Party", ["People"], ["Republicans", "GOP"], ["Party"]),
        ("conservatives", ["People"], ["conservatives"], []),
        ("United States Department of Justice", ["Organization"], ["Department of Justice", "Justice Department"], []),
        ("Supreme Court of the United States", ["Organization"], ["Supreme Court"], []),
        ("Hillary Rodham Clinton", ["People"], ["Hillary Clinton", "Clinton"], ["Rodham"]),
        ("Martin Luther King Jr.", ["People"], ["Martin King", "King"], ["Jr."]),
    ],
)
def test_seesaw_surface_forms(name: str, types: list[str], present: list[str], absent: list[str]) -> None:
    forms = seesaw.surface_forms(name, types)
    assert all(p in forms for p in present), forms
    assert not any(a in forms for a in absent), forms


@pytest.mark.parametrize(
    ("types", "label"),
    [(["People"], "PERSON"), (["Organization", "Organization"], "ORG"), (["GPE"], "GPE"), (["Topic"], "SOURCE"), (["People", "Organization"], "SOURCE")],
)
def test_seesaw_holder_label_from_types(tmp_path: Path, types: list[str], label: str) -> None:
    entities = [["Jane Roe", types, ["Main"], ["A"]], ["the tax bill", ["Topic"], ["Main"], ["A"]]]
    record = _one(_write(tmp_path, ["Jane Roe opposed the tax bill."], {"0": [_triplet("Jane Roe", "NEG", "the tax bill")]}, entities))
    holder = next(r["child_span"] for r in record["relations"] if r["label"] == "HOLDER")
    assert holder["label"] == label and holder["attrs"] == {"name": "Jane Roe"}


def test_seesaw_story_meta(tmp_path: Path) -> None:
    story = {"story_time": "2015-03-21", "story_title": "Story", "story_topic": "us_senate", "Split": "train",
             "Meta info for article 1": {"source": "CNN", "url": "http://x.test/a", "title": "t", "bias_label": 0}}
    record = _one(_write(tmp_path, ["One sentence."], {}, [], story=story))
    meta = record["meta"]
    assert (meta["story"], meta["outlet"], meta["url"], meta["date"], meta["bias_label"], meta["split"]) == ("TRIPLET_007", "CNN", "http://x.test/a", "2015-03-21", 0, "train")
    assert meta["source"] == f"{tmp_path.name}/articles/TRIPLET_007_DOCUMENT_1.json"
    again = list(seesaw.read([tmp_path / "articles" / "TRIPLET_007_DOCUMENT_1.json"], ImportOptions()))[0]
    assert isinstance(again, dict) and again["meta"]["id"] == meta["id"]


@pytest.mark.parametrize(
    ("stances", "code"),
    [
        ({"0": [_triplet("A B", "MAYBE", "C D")]}, "E072"),
        ({"5": [_triplet("A B", "POS", "C D")]}, "E071"),
        ({"0": [{"subject": "A B"}]}, "E070"),
    ],
)
def test_seesaw_rejects_bad_annotations(tmp_path: Path, stances: dict[str, Any], code: str) -> None:
    items = list(seesaw.read([_write(tmp_path, ["One sentence."], stances, [])], ImportOptions()))
    assert len(items) == 1 and isinstance(items[0], Reject) and items[0].code == code


def test_seesaw_rejects_missing_inputs(tmp_path: Path) -> None:
    root = _write(tmp_path, ["One sentence."], {}, [])
    (root / "annotations" / "TRIPLET_007_DOCUMENT_1.json").unlink()
    missing = list(seesaw.read([root, tmp_path / "nowhere"], ImportOptions()))
    assert [r.code for r in missing if isinstance(r, Reject)] == ["E075", "E070"]


@needs_dev_data("seesaw-dev")
@pytest.mark.devdata
def test_seesaw_dev_set_imports_whole_and_valid() -> None:
    items = list(seesaw.read([DEV_DATA / "seesaw-dev"], ImportOptions()))
    records = [r for r in items if isinstance(r, dict)]
    assert len(records) == len(items) == len(list((DEV_DATA / "seesaw-dev" / "articles").glob("*.json")))
    assert all(check_record(r) == [] for r in records)
    want = 0
    for path in (DEV_DATA / "seesaw-dev" / "annotations").glob("*.json"):
        want += sum(len(v) for v in json.loads(path.read_text(encoding="utf-8"))["sentence-level stances"].values())
    gold = [g for r in records for g in r["meta"]["gold_stances"]]
    assert len(gold) == want
    assert sum(g["located"] for g in gold) == sum(1 for r in records for s in r["spans"] if s["label"] == "STANCE")
