from __future__ import annotations

import json
from pathlib import Path

from corpus.exporters.doccano import label_types, labels_paths_for, to_line, write
from corpus.record import TokenIndex, new_record
from corpus.registry import load_registry

from ..factories import article


def test_doccano_line_is_the_relation_layout_with_code_point_offsets() -> None:
    text = "Fans 😀 cheered Rami."
    rec = new_record(text, source="t.txt")
    idx = TokenIndex(text, rec["tokens"])
    start = text.index("Rami")
    rec["spans"] = [idx.span(start, start + 4, "PERSON")]
    line = to_line(rec)
    assert line["entities"] == [{"id": 1, "start_offset": start, "end_offset": start + 4, "label": "PERSON"}]
    assert line["relations"] == [] and line["span_attrs"] == []
    assert line["meta"] == rec["meta"] and line["text"] == text


def test_doccano_line_relations_point_at_entity_ids_and_attrs_travel_beside() -> None:
    rec = article(1)
    line = to_line(rec)
    by_id = {e["id"]: e for e in line["entities"]}
    assert len(line["relations"]) == len(rec["relations"])
    for rel, out in zip(rec["relations"], line["relations"]):
        assert out["type"] == rel["label"]
        assert by_id[out["from_id"]]["start_offset"] == rel["head_span"]["start"]
        assert by_id[out["to_id"]]["label"] == rel["child_span"]["label"]
    assert [a for a in line["span_attrs"] if a[2] == "QUOTE"][0][3] == {"kind": "direct"}
    assert len(line["span_attrs"]) == sum(1 for s in rec["spans"] if "attrs" in s)


def test_doccano_label_types_list_every_span_and_relation_label() -> None:
    reg = load_registry()
    types = label_types()
    assert [t["text"] for t in types["span_types"]] == list(reg.labels)
    assert [t["text"] for t in types["relation_types"]] == list(reg.relations)


def test_doccano_write_jsonl_and_label_types_beside(tmp_path: Path) -> None:
    out = tmp_path / "review.jsonl"
    count, paths = write([article(1), article(2)], out)
    assert count == 2 and paths == list(labels_paths_for(out).values())
    assert paths == [tmp_path / "review.span_types.json", tmp_path / "review.relation_types.json"]
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["meta"]["id"] for x in lines] == [article(1)["meta"]["id"], article(2)["meta"]["id"]]
    assert json.loads(paths[0].read_text(encoding="utf-8")) == label_types()["span_types"]
    assert json.loads(paths[1].read_text(encoding="utf-8")) == label_types()["relation_types"]
