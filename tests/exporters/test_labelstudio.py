from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from corpus.exporters.labelstudio import config_path_for, label_config, to_task, write
from corpus.importers.labelstudio import attribute_controls, to_utf16
from corpus.record import TokenIndex, new_record
from corpus.registry import load_registry

from ..factories import article


def test_labelstudio_config_has_one_label_per_registry_label_and_the_relations() -> None:
    reg = load_registry()
    root = ET.fromstring(label_config())
    labels = root.find("Labels")
    assert labels is not None and labels.get("name") == "label" and labels.get("toName") == "text"
    values = [lab.get("value") for lab in labels.findall("Label")]
    assert values == list(reg.labels)
    assert len({lab.get("background") for lab in labels.findall("Label")}) == len(values)  # distinct colours
    text = root.find("Text")
    assert text is not None and text.get("name") == "text" and text.get("value") == "$text"
    assert [r.get("value") for r in root.iter("Relation")] == list(reg.relations)


def test_labelstudio_config_has_a_per_region_control_for_every_attribute() -> None:
    root = ET.fromstring(label_config())
    controls = {el.get("name"): el for el in root.iter() if el.get("perRegion") == "true"}
    assert set(controls) == set(attribute_controls())
    assert controls["QUOTE_kind"].tag == "Choices" and controls["QUOTE_kind"].get("required") == "true"
    assert [c.get("value") for c in controls["STANCE_polarity"].findall("Choice")] == ["favor", "against", "neutral"]
    assert controls["STATISTIC_value"].tag == "TextArea"
    boxes = {b.get("whenLabelValue"): b for b in root.findall("View") if b.get("visibleWhen") == "region-selected"}
    assert controls["STATISTIC_unit"] in list(boxes["STATISTIC"])


def test_labelstudio_task_carries_text_meta_and_spans_with_attributes_on_the_same_region() -> None:
    rec = article(2)
    task = to_task(rec)
    assert task["data"]["text"] == rec["text"] and task["data"]["meta"] == rec["meta"]
    result = task["predictions"][0]["result"]
    regions = [r for r in result if r["type"] == "labels"]
    assert len(regions) == len(rec["spans"])
    stat = next(r for r in regions if r["value"]["labels"] == ["STATISTIC"])
    per_region = {r["from_name"]: r for r in result if r.get("id") == stat["id"] and r["type"] != "labels"}
    assert per_region["STATISTIC_value"]["value"]["text"] == ["1002"]
    assert per_region["STATISTIC_unit"]["value"]["text"] == ["null"]
    assert per_region["STATISTIC_kind"]["value"]["choices"] == ["count"]
    relations = [r for r in result if r["type"] == "relation"]
    assert len(relations) == len(rec["relations"])
    ids = {r["id"] for r in regions}
    assert all(r["from_id"] in ids and r["to_id"] in ids and r["direction"] == "right" for r in relations)


def test_labelstudio_task_offsets_are_utf16_after_an_emoji() -> None:
    text = "Fans 😀😀 cheered Rami in 北京."
    rec = new_record(text, source="t.txt")
    idx = TokenIndex(text, rec["tokens"])
    start = text.index("Rami")
    rec["spans"] = [idx.span(start, start + 4, "PERSON")]
    value = to_task(rec)["predictions"][0]["result"][0]["value"]
    assert (value["start"], value["end"]) == (start + 2, start + 6) == (to_utf16(text, start), to_utf16(text, start + 4))
    assert value["text"] == "Rami"


def test_labelstudio_record_without_spans_has_no_predictions() -> None:
    task = to_task(new_record("Nothing to see here.", source="t.txt"))
    assert "predictions" not in task and task["data"]["text"] == "Nothing to see here."


def test_labelstudio_write_streams_a_json_array_and_the_config_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "review" / "tasks.json"
    count, config = write((article(i) for i in range(3)), out)
    assert count == 3 and config == tmp_path / "review" / "tasks.config.xml" == config_path_for(out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["meta"]["id"] for t in tasks] == [article(i)["meta"]["id"] for i in range(3)]
    ET.fromstring(config.read_text(encoding="utf-8"))


def test_labelstudio_write_of_no_records_is_an_empty_array(tmp_path: Path) -> None:
    count, _ = write([], tmp_path / "tasks.json")
    assert count == 0 and json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8")) == []
