from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.errors import CorpusError
from corpus.exporters.labelstudio import to_task
from corpus.importers import ImportOptions
from corpus.importers.labelstudio import LABELS, Utf16Offsets, decode_attr, from_utf16, read, task_to_record, to_utf16
from corpus.registry import load_registry
from corpus.validate import check_record

from ..factories import article

TEXTS = [
    "plain ASCII text",
    "emoji 😀 inside",
    "👍🏽 skin tone modifier, then text",
    "family 👨‍👩‍👧 is one grapheme of five code points",
    "flag 🇺🇸 is two regional indicators",
    "combining: e\u0301 and a\u0308 and \u0915\u094d\u0937",
    "CJK 中文 in the BMP and 𠀀𠀁 outside it",
    "😀😀😀",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_labelstudio_utf16_offsets_agree_with_python_utf16_encoding(text: str) -> None:
    conv = Utf16Offsets(text)
    assert conv.length16 == len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        units = len(text[:i].encode("utf-16-le")) // 2
        assert conv.to_utf16(i) == units
        assert conv.from_utf16(units) == i


def test_labelstudio_utf16_emoji_counts_two_units_and_combining_marks_one() -> None:
    text = "a😀b e\u0301c"
    assert to_utf16(text, 2) == 3  # after the emoji: one code point, two code units
    assert from_utf16(text, 3) == 2
    assert to_utf16(text, 6) == 7  # the combining acute is a BMP code point: one and one
    assert from_utf16(text, 7) == 6


def test_labelstudio_utf16_offset_inside_a_surrogate_pair_is_an_error() -> None:
    with pytest.raises(CorpusError, match="between the two halves") as exc:
        from_utf16("a😀b", 2)
    assert exc.value.code == "E081"


@pytest.mark.parametrize("offset", [-1, 6])
def test_labelstudio_utf16_offset_outside_the_text_is_an_error(offset: int) -> None:
    with pytest.raises(CorpusError):
        from_utf16("a😀b", offset + (1 if offset > 0 else 0))
    with pytest.raises(CorpusError):
        to_utf16("a😀b", offset)


def test_labelstudio_labels_table_maps_every_registry_label_to_itself() -> None:
    assert LABELS == {label: label for label in load_registry().labels}


@pytest.mark.parametrize(
    ("text", "label", "attr", "expected"),
    [
        ("32000", "STATISTIC", "value", 32000),
        ("2.5", "STATISTIC", "value", 2.5),
        ("null", "STATISTIC", "unit", None),
        ("USD", "STATISTIC", "unit", "USD"),
        ("5", "STATISTIC", "unit", "5"),  # a string attribute keeps digits as text
        ('"quoted"', "SOURCE", "name", '"quoted"'),
        ("null", "SOURCE", "name", "null"),  # name cannot be null, so the word stays a word
        ("Antony Blinken", "SOURCE", "name", "Antony Blinken"),
    ],
)
def test_labelstudio_decode_attr_follows_the_attribute_types(text: str, label: str, attr: str, expected: Any) -> None:
    value = decode_attr(text, load_registry().attrs[label][attr])
    assert value == expected and type(value) is type(expected)


TEXT = "Rami 😀 said the plan “would fail”, citing nearly 300 victims."


def _region(rid: str, sub: str, label: str, text: str = TEXT) -> dict[str, Any]:
    start = text.index(sub)
    s16, e16 = to_utf16(text, start), to_utf16(text, start + len(sub))
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s16, "end": e16, "text": sub, "labels": [label]}}


def _attr(rid: str, control: str, kind: str, value: Any) -> dict[str, Any]:
    key = "choices" if kind == "choices" else "text"
    return {"id": rid, "from_name": control, "to_name": "text", "type": kind, "value": {"start": 0, "end": 1, key: [value]}}


def _task(result: list[dict[str, Any]], annotations: list[dict[str, Any]] | None = None, **data: Any) -> dict[str, Any]:
    task: dict[str, Any] = {"id": 7, "data": {"text": TEXT, **data}, "predictions": [{"model_version": "m", "result": result}]}
    if annotations is not None:
        task["annotations"] = annotations
    return task


def _keys(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["label"], record["text"][s["start"]:s["end"]]) for s in record["spans"]]


def test_labelstudio_import_converts_utf16_offsets_after_an_emoji() -> None:
    record = task_to_record(_task([_region("a", "said", "CUE"), _region("b", "victims", "CONCEPT")]), "t.json#7")
    assert _keys(record) == [("CUE", "said"), ("CONCEPT", "victims")]
    assert record["spans"][0]["start"] == TEXT.index("said")
    assert check_record(record) == []


def test_labelstudio_import_human_annotation_wins_over_predictions() -> None:
    human = {"id": 3, "completed_by": {"id": 1, "email": "ann@example.org"}, "updated_at": "2024-01-02T00:00:00Z",
             "result": [_region("x", "Rami", "PERSON")]}
    record = task_to_record(_task([_region("a", "said", "CUE")], annotations=[human]), "t.json#7")
    assert _keys(record) == [("PERSON", "Rami")]
    assert record["meta"]["review"]["annotator"] == "ann@example.org"
    assert record["meta"]["review"]["origin"] == "annotation"
    assert record["meta"]["reviewed_layers"] == ["entities"]


def test_labelstudio_import_latest_annotation_wins_and_skipped_ones_do_not_count() -> None:
    older = {"id": 1, "updated_at": "2024-01-01T00:00:00Z", "result": [_region("x", "Rami", "PERSON")]}
    newer = {"id": 2, "updated_at": "2024-03-01T00:00:00Z", "result": [_region("x", "Rami", "GPE")]}
    skipped = {"id": 3, "updated_at": "2024-09-01T00:00:00Z", "was_cancelled": True, "result": []}
    record = task_to_record(_task([], annotations=[older, newer, skipped]), "t.json#7")
    assert _keys(record) == [("GPE", "Rami")]
    only_skipped = task_to_record(_task([_region("a", "said", "CUE")], annotations=[skipped]), "t.json#7")
    assert _keys(only_skipped) == [("CUE", "said")]  # falls back to the predictions
    assert "reviewed_layers" not in only_skipped["meta"]
    assert only_skipped["meta"]["review"] == {"tool": "labelstudio", "origin": "predictions", "task": 7}


def test_labelstudio_import_reviewed_layers_include_the_exported_layers_even_when_emptied() -> None:
    human = {"id": 1, "result": []}  # the reviewer deleted every pre-annotation
    record = task_to_record(_task([_region("a", "said", "CUE")], annotations=[human], review_layers=["quotes", "stances"]), "t.json#7")
    assert record["spans"] == []
    assert record["meta"]["reviewed_layers"] == ["quotes", "stances"]


def test_labelstudio_import_reads_attributes_from_per_region_controls() -> None:
    result = [
        _region("q", "would fail", "QUOTE"), _attr("q", "QUOTE_kind", "choices", "direct"),
        _region("s", "nearly 300", "STATISTIC"), _attr("s", "STATISTIC_value", "textarea", "300"),
        _attr("s", "STATISTIC_unit", "textarea", "null"), _attr("s", "STATISTIC_kind", "choices", "count"),
        _attr("s", "STATISTIC_approximator", "choices", "~"),
        _attr("s", "QUOTE_kind", "choices", "direct"),  # left over from a relabelled region: not a STATISTIC attribute
    ]
    record = task_to_record(_task(result), "t.json#7")
    attrs = {s["label"]: s.get("attrs") for s in record["spans"]}
    assert attrs == {"QUOTE": {"kind": "direct"}, "STATISTIC": {"value": 300, "unit": None, "kind": "count", "approximator": "~"}}


def test_labelstudio_import_missing_required_attribute_is_an_error() -> None:
    with pytest.raises(CorpusError, match="kind") as exc:
        task_to_record(_task([_region("q", "would fail", "QUOTE")]), "t.json#7")
    assert exc.value.code == "E085"


def test_labelstudio_import_relation_without_label_takes_the_only_allowed_one_and_left_is_reversed() -> None:
    result = [
        _region("q", "would fail", "QUOTE"), _attr("q", "QUOTE_kind", "choices", "direct"),
        _region("c", "said", "CUE"), _region("p", "Rami", "SOURCE"),
        {"from_id": "q", "to_id": "c", "type": "relation", "direction": "right", "labels": []},
        {"from_id": "p", "to_id": "q", "type": "relation", "direction": "left", "labels": ["SOURCE"]},
    ]
    record = task_to_record(_task(result), "t.json#7")
    rels = sorted((r["label"], r["head_span"]["label"], r["child_span"]["label"]) for r in record["relations"])
    assert rels == [("CUE", "QUOTE", "CUE"), ("SOURCE", "QUOTE", "SOURCE")]
    assert check_record(record) == []


def test_labelstudio_import_relation_the_registry_does_not_allow_is_an_error() -> None:
    result = [_region("c", "said", "CUE"), _region("p", "Rami", "PERSON"),
              {"from_id": "c", "to_id": "p", "type": "relation", "direction": "right", "labels": ["SOURCE"]}]
    with pytest.raises(CorpusError, match="no allowed relation") as exc:
        task_to_record(_task(result), "t.json#7")
    assert exc.value.code == "E084"


def test_labelstudio_import_unknown_label_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(CorpusError, match="known labels: PERSON") as exc:
        task_to_record(_task([_region("a", "Rami", "PER")]), "t.json#7")
    assert exc.value.code == "E082"


def test_labelstudio_import_shown_text_that_differs_from_the_offsets_is_an_error() -> None:
    region = _region("a", "said", "CUE")
    region["value"]["text"] = "sai"
    with pytest.raises(CorpusError, match="Label Studio shows 'sai'") as exc:
        task_to_record(_task([region]), "t.json#7")
    assert exc.value.code == "E081"


def test_labelstudio_import_selection_with_trailing_space_is_refused_not_trimmed() -> None:
    with pytest.raises(CorpusError, match="starts or ends with whitespace") as exc:
        task_to_record(_task([_region("a", "said ", "CUE")]), "t.json#7")
    assert exc.value.code == "E081"
    assert "t.json#7" in exc.value.message


def test_labelstudio_import_span_inside_a_token_gets_its_own_token() -> None:
    record = task_to_record(_task([_region("a", "Ram", "PERSON")]), "t.json#7")
    assert _keys(record) == [("PERSON", "Ram")]
    assert check_record(record) == []


def test_labelstudio_import_task_without_results_is_a_record_without_spans() -> None:
    task = {"id": 9, "data": {"text": TEXT}}
    record = task_to_record(task, "t.json#9")
    assert record["spans"] == [] and record["relations"] == []
    assert record["meta"]["source"] == "t.json#9"
    assert record["meta"]["review"]["origin"] == "predictions"  # no submitted annotation
    assert check_record(record) == []


def test_labelstudio_import_restores_the_meta_of_an_exported_record() -> None:
    rec = article(3)
    back = task_to_record(json.loads(json.dumps(to_task(rec))), "t.json#0")
    assert back["meta"] == {**rec["meta"], "review": {"tool": "labelstudio", "origin": "predictions", "task": None}}
    assert back["spans"] == rec["spans"]


def test_labelstudio_read_yields_records_and_rejects_with_reasons(tmp_path: Path) -> None:
    good = to_task(article(1))
    bad = _task([_region("a", "Rami", "PER")])
    (tmp_path / "export.json").write_text(json.dumps([good, bad, "not a task", {"data": {}}]), encoding="utf-8")
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    items = list(read([tmp_path], ImportOptions()))
    records = [i for i in items if isinstance(i, dict)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(records) == 1 and check_record(records[0]) == []
    assert sorted(r.code for r in rejects) == ["E080", "E080", "E080", "E082"]
    assert any(r.source == "export.json#7" for r in rejects)


def test_labelstudio_read_accepts_jsonl_tasks(tmp_path: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(json.dumps(to_task(article(i))) for i in range(3)) + "\n", encoding="utf-8")
    records = list(read([path], ImportOptions()))
    assert [r["meta"]["id"] for r in records] == [article(i)["meta"]["id"] for i in range(3)]  # type: ignore[index]
