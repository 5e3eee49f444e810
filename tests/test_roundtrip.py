"""Records -> Label Studio -> records and records -> doccano -> records keep spans, attributes and relations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from corpus.cli import app
from corpus.exporters.doccano import to_line
from corpus.exporters.labelstudio import to_task
from corpus.importers.doccano import line_to_record
from corpus.importers.labelstudio import task_to_record
from corpus.jsonl import read_jsonl, write_jsonl
from corpus.record import TokenIndex, make_relation, new_record, span_key, tokenize
from corpus.registry import AttrSpec, load_registry
from corpus.validate import check_record

from .factories import article

REG = load_registry()
ENTITY_LABELS = REG.layers["entities"]
OTHER_LABELS = tuple(label for layer, labels in REG.layers.items() if layer != "entities" for label in labels)

# pieces of words: ASCII, accents precomposed and combining, CJK in and outside the BMP, emoji with
# modifiers, ZWJ sequences and flags (all outside the BMP: two UTF-16 units per code point)
PIECES = ["a", "b", "Z", "7", "é", "e\u0301", "n\u0303", "中", "文", "𠀀", "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇺🇸", "ß", "-", ",", "'"]
SEPARATORS = [" ", " ", " ", "\n", "  ", "\n\n"]

words = st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join)
strings = st.lists(st.sampled_from(PIECES + [" ", "n", "u", "l"]), max_size=8).map("".join).filter(lambda s: s.strip() != "null")
numbers = st.one_of(st.integers(-10**9, 10**12), st.floats(allow_nan=False, allow_infinity=False, width=32))


def _value(spec: AttrSpec) -> st.SearchStrategy[Any]:
    if spec.enum is not None:
        return st.sampled_from(spec.enum)
    options = []
    if "number" in spec.types or "integer" in spec.types:
        options.append(numbers)
    if "string" in spec.types:
        options.append(strings)  # "null" is the one string a nullable string attribute cannot be (see README)
    if "null" in spec.types:
        options.append(st.none())
    return st.one_of(options)


def _attrs(draw: Any, label: str) -> dict[str, Any]:
    attrs = {}
    for name, spec in REG.attrs[label].items():
        if spec.required or draw(st.booleans()):
            attrs[name] = draw(_value(spec))
    return attrs


@st.composite
def records(draw: Any) -> dict[str, Any]:
    """A valid record over random non-ASCII text: non-overlapping entities, overlapping spans of the
    other layers with valid attributes, and relations the registry allows."""
    parts = draw(st.lists(words, min_size=1, max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts) - 1, max_size=len(parts) - 1))
    text = parts[0] + "".join(s + w for s, w in zip(seps, parts[1:]))
    tokens = tokenize(text)
    rec = new_record(text, source="prop.txt", tokens=tokens)
    idx = TokenIndex(text, tokens)
    solid = [i for i, t in enumerate(tokens) if not t["text"].isspace()]
    spans: dict[tuple[int, int, str], dict[str, Any]] = {}

    def draw_span(labels: tuple[str, ...]) -> dict[str, Any]:
        i, j = sorted(draw(st.lists(st.sampled_from(solid), min_size=2, max_size=2)))
        label = draw(st.sampled_from(labels))
        return idx.span(tokens[i]["start"], tokens[j]["end"], label, _attrs(draw, label))

    taken: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(0, 3))):
        span = draw_span(ENTITY_LABELS)
        if all(span["end"] <= s or span["start"] >= e for s, e in taken):
            taken.append((span["start"], span["end"]))
            spans.setdefault(span_key(span), span)
    for _ in range(draw(st.integers(0, 5))):
        span = draw_span(OTHER_LABELS)
        spans.setdefault(span_key(span), span)
    pairs = [(label, h, c) for label in REG.relations for h in spans.values() for c in spans.values()
             if h is not c and REG.allows(label, h["label"], c["label"])]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=4, unique_by=lambda p: (p[0], span_key(p[1]), span_key(p[2])))) if pairs else []
    rec["spans"] = sorted(spans.values(), key=span_key)
    rec["relations"] = [make_relation(label, h, c) for label, h, c in chosen]
    assert check_record(rec) == []
    return rec


def _canon(record: dict[str, Any]) -> tuple[list[str], list[str]]:
    spans = sorted(json.dumps(s, sort_keys=True) for s in record["spans"])
    rels = sorted(json.dumps(r, sort_keys=True) for r in record["relations"])
    return spans, rels


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(records())
def test_roundtrip_labelstudio_predictions_keep_spans_attrs_relations_and_meta(record: dict[str, Any]) -> None:
    task = json.loads(json.dumps(to_task(record)))
    back = task_to_record(task, "tasks.json#0")
    assert check_record(back) == []
    assert _canon(back) == _canon(record)
    assert {k: v for k, v in back["meta"].items() if k != "review"} == record["meta"]
    assert back["meta"]["review"]["origin"] == "predictions"
    assert back["tokens"] == record["tokens"]


@FAST
@given(records())
def test_roundtrip_labelstudio_submitted_annotation_keeps_spans_attrs_relations(record: dict[str, Any]) -> None:
    task = json.loads(json.dumps(to_task(record)))
    result = task.pop("predictions", [{"result": []}])[0]["result"]
    task["annotations"] = [{"id": 1, "completed_by": 1, "was_cancelled": False, "result": result}]
    back = task_to_record(task, "tasks.json#0")
    assert check_record(back) == []
    assert _canon(back) == _canon(record)
    assert back["meta"]["reviewed_layers"] == list(REG.layers)


@FAST
@given(records())
def test_roundtrip_doccano_keeps_spans_attrs_relations_and_meta(record: dict[str, Any]) -> None:
    line = json.loads(json.dumps(to_line(record)))
    back = line_to_record(line, "review.jsonl:1")
    assert check_record(back) == []
    assert _canon(back) == _canon(record)
    assert {k: v for k, v in back["meta"].items() if k != "reviewed_layers"} == record["meta"]


def test_roundtrip_cli_export_review_import_and_merge_give_back_the_machine_records(tmp_path: Path) -> None:
    machine = [article(i) for i in range(3)]
    write_jsonl(tmp_path / "machine.jsonl", machine)
    runner = CliRunner()
    for fmt, out in (("labelstudio", "tasks.json"), ("doccano", "review.jsonl")):
        result = runner.invoke(app, ["export-review", fmt, str(tmp_path / "machine.jsonl"), "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["import", fmt, str(tmp_path / out), "-o", str(tmp_path / f"{fmt}.jsonl")])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["merge", str(tmp_path / "machine.jsonl"), str(tmp_path / f"{fmt}.jsonl"), "-o", str(tmp_path / f"{fmt}.merged.jsonl")])
        assert result.exit_code == 0, result.output
        merged = list(read_jsonl(tmp_path / f"{fmt}.merged.jsonl"))
        assert [_canon(r) for r in merged] == [_canon(r) for r in machine]
        assert all(check_record(r) == [] for r in merged)
    assert (tmp_path / "tasks.config.xml").exists() and (tmp_path / "review.span_types.json").exists()


def test_roundtrip_cli_export_review_leaves_invalid_records_out_with_reasons(tmp_path: Path) -> None:
    bad = new_record("Lima is calm.", source="t.txt")
    bad["spans"] = [{"start": 0, "end": 5, "token_start": 0, "token_end": 1, "label": "GPE"}]  # "Lima " ends in a space
    write_jsonl(tmp_path / "in.jsonl", [article(1), bad])
    result = CliRunner().invoke(app, ["export-review", "labelstudio", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "tasks.json")])
    assert result.exit_code == 0, result.output
    assert len(json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))) == 1
    rejects = [json.loads(x) for x in (tmp_path / "tasks.json.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rejects] == [bad["meta"]["id"]] and rejects[0]["problems"][0]["code"].startswith("E03")
