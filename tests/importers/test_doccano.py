from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.errors import CorpusError
from corpus.exporters.doccano import to_line
from corpus.importers import ImportOptions
from corpus.importers.doccano import LABELS, line_to_record, read
from corpus.registry import load_registry
from corpus.validate import check_record

from ..factories import article

TEXT = "Rami 😀 said the plan “would fail”, citing 300 victims in 北京."


def _at(sub: str, label: str, eid: int | None = None) -> Any:
    start = TEXT.index(sub)
    if eid is None:
        return [start, start + len(sub), label]
    return {"id": eid, "start_offset": start, "end_offset": start + len(sub), "label": label}


def _keys(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["label"], record["text"][s["start"]:s["end"]]) for s in record["spans"]]


def test_doccano_labels_table_maps_every_registry_label_to_itself() -> None:
    assert LABELS == {label: label for label in load_registry().labels}


def test_doccano_import_sequence_labelling_offsets_are_code_points() -> None:
    record = line_to_record({"text": TEXT, "label": [_at("Rami", "PERSON"), _at("北京", "GPE"), _at("victims", "CONCEPT")]}, "a.jsonl:1")
    assert _keys(record) == [("PERSON", "Rami"), ("CONCEPT", "victims"), ("GPE", "北京")]
    assert check_record(record) == []
    assert record["meta"]["source"] == "a.jsonl:1"


def test_doccano_import_reads_the_older_labels_key() -> None:
    record = line_to_record({"text": TEXT, "labels": [_at("Rami", "PERSON")]}, "a.jsonl:1")
    assert _keys(record) == [("PERSON", "Rami")]


def test_doccano_import_relation_variant_builds_relations() -> None:
    line = {"text": TEXT, "entities": [_at("said", "CUE", 10), _at("Rami", "SOURCE", 11), _at("would fail", "QUOTE", 12)],
            "relations": [{"id": 1, "from_id": 12, "to_id": 11, "type": "SOURCE"}, {"id": 2, "from_id": 12, "to_id": 10, "type": "CUE"}],
            "span_attrs": [[TEXT.index("would fail"), TEXT.index("would fail") + 10, "QUOTE", {"kind": "direct"}]]}
    record = line_to_record(line, "a.jsonl:1")
    assert sorted((r["label"], r["child_span"]["label"]) for r in record["relations"]) == [("CUE", "CUE"), ("SOURCE", "SOURCE")]
    assert [s.get("attrs") for s in record["spans"] if s["label"] == "QUOTE"] == [{"kind": "direct"}]
    assert check_record(record) == []


def test_doccano_import_required_attribute_doccano_cannot_carry_is_an_error() -> None:
    line = {"text": TEXT, "entities": [_at("would fail", "QUOTE", 1)], "relations": []}
    with pytest.raises(CorpusError, match="doccano cannot carry attributes") as exc:
        line_to_record(line, "a.jsonl:4")
    assert exc.value.code == "E083"
    assert "a.jsonl:4" in exc.value.message


def test_doccano_import_relation_to_a_missing_entity_is_an_error() -> None:
    line = {"text": TEXT, "entities": [_at("said", "CUE", 1)], "relations": [{"id": 1, "from_id": 9, "to_id": 1, "type": "CUE"}]}
    with pytest.raises(CorpusError, match="entity 9 does not exist") as exc:
        line_to_record(line, "a.jsonl:1")
    assert exc.value.code == "E084"


def test_doccano_import_relation_the_registry_does_not_allow_is_an_error() -> None:
    line = {"text": TEXT, "entities": [_at("said", "CUE", 1), _at("Rami", "PERSON", 2)], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "HOLDER"}]}
    with pytest.raises(CorpusError, match="CUE -> PERSON is not an allowed relation"):
        line_to_record(line, "a.jsonl:1")


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"text": TEXT, "label": [_at("Rami", "PER")]}, "E082"),
        ({"text": TEXT, "label": [[0, 999, "PERSON"]]}, "E081"),
        ({"text": TEXT, "label": [[0, 5, "PERSON"]]}, "E081"),  # "Rami " ends with a space
        ({"text": TEXT, "label": ["positive"]}, "E080"),  # a text-classification project
        ({"label": []}, "E080"),
        ({"text": TEXT, "label": [_at("Rami", "PERSON"), [0, 2, "ORG"]]}, "E085"),  # entities overlap
    ],
)
def test_doccano_import_bad_lines_are_errors_with_codes(line: dict[str, Any], code: str) -> None:
    with pytest.raises(CorpusError) as exc:
        line_to_record(line, "a.jsonl:1")
    assert exc.value.code == code


def test_doccano_import_line_without_annotations_is_a_record_without_spans() -> None:
    record = line_to_record({"text": TEXT, "label": []}, "a.jsonl:1")
    assert record["spans"] == [] and check_record(record) == []


def test_doccano_import_identical_spans_from_two_users_count_once() -> None:
    record = line_to_record({"text": TEXT, "label": [_at("Rami", "PERSON"), _at("Rami", "PERSON")]}, "a.jsonl:1")
    assert _keys(record) == [("PERSON", "Rami")]


def test_doccano_import_restores_meta_and_attributes_of_an_exported_record() -> None:
    rec = article(4)
    back = line_to_record(json.loads(json.dumps(to_line(rec))), "a.jsonl:1")
    assert back["spans"] == rec["spans"]
    assert {k: v for k, v in back["meta"].items() if k != "reviewed_layers"} == rec["meta"]
    assert back["meta"]["reviewed_layers"] == ["entities", "quotes", "stances", "statistics"]


def test_doccano_import_reads_our_columns_when_doccano_nests_them_in_its_meta() -> None:
    line = to_line(article(5))
    nested = {"id": 17, "text": line["text"], "entities": line["entities"], "relations": line["relations"],
              "meta": {k: line[k] for k in ("meta", "span_attrs", "review_layers")}}
    back = line_to_record(nested, "a.jsonl:1")
    assert back["meta"]["id"] == article(5)["meta"]["id"]
    assert back["spans"] == article(5)["spans"]


def test_doccano_read_yields_records_and_rejects_and_goes_on_after_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "admin.jsonl"
    lines = [json.dumps(to_line(article(1))), "{not json", json.dumps({"text": TEXT, "label": [_at("Rami", "PER")]}), json.dumps(to_line(article(2)))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read([tmp_path], ImportOptions()))
    assert [type(i).__name__ for i in items] == ["dict", "Reject", "Reject", "dict"]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.source, r.code) for r in rejects] == [("admin.jsonl:2", "E001"), ("admin.jsonl:3", "E082")]
    assert all(check_record(i) == [] for i in items if isinstance(i, dict))


def test_doccano_read_accepts_a_json_array(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([to_line(article(1)), {"text": TEXT, "label": []}]), encoding="utf-8")
    records = list(read([path], ImportOptions()))
    assert len(records) == 2 and all(isinstance(r, dict) for r in records)
