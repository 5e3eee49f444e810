from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from corpus.cli import app
from corpus.jsonl import read_jsonl, write_jsonl
from corpus.merge import MergeReport, assemble, input_hash, merge, merge_pair, touched_layers
from corpus.record import new_record, span_key
from corpus.registry import load_registry
from corpus.validate import Validator, check_record

from .factories import article

REG = load_registry()


def _human(machine: dict[str, Any], keep: set[str], extra: list[dict[str, Any]] | None = None, reviewed: list[str] | None = None,
           change: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A reviewed copy of `machine` holding only the spans with labels in `keep` (plus `extra`),
    with `change[label]` replacing that label's attrs, and the relations among what is left."""
    spans = []
    for s in machine["spans"]:
        if s["label"] in keep:
            s = {"start": s["start"], "end": s["end"], "label": s["label"], "attrs": (change or {}).get(s["label"], s.get("attrs"))}
            spans.append({k: v for k, v in s.items() if v is not None})
    spans += extra or []
    keys = {span_key(s) for s in spans}
    rels = [(r["label"], span_key(r["head_span"]), span_key(r["child_span"])) for r in machine["relations"]]
    rels = [r for r in rels if r[1] in keys and r[2] in keys]
    meta = {k: v for k, v in machine["meta"].items()}
    if reviewed is not None:
        meta["reviewed_layers"] = reviewed
    record = assemble(machine["text"], meta, spans, rels)
    assert check_record(record) == []
    return record


def _labels(record: dict[str, Any]) -> list[str]:
    return sorted(s["label"] for s in record["spans"])


def _layer_spans(record: dict[str, Any], layer: str) -> list[tuple[Any, ...]]:
    return sorted((s["start"], s["end"], s["label"], json.dumps(s.get("attrs"), sort_keys=True)) for s in record["spans"] if REG.layer_of(s["label"]) == layer)


def test_merge_touched_layers_are_span_layers_plus_reviewed_layers() -> None:
    machine = article(1)
    human = _human(machine, {"QUOTE", "CUE", "SOURCE"}, reviewed=["statistics"])
    assert touched_layers(human) == {"quotes", "statistics"}
    assert touched_layers(_human(machine, set())) == set()


def test_merge_human_layer_replaces_the_machine_layer_and_untouched_layers_stay() -> None:
    machine = article(1)
    human = _human(machine, {"QUOTE", "SOURCE"}, change={"QUOTE": {"kind": "mixed"}})  # the reviewer removed the CUE
    human["meta"]["review"] = {"tool": "labelstudio", "origin": "annotation", "annotator": "ann@example.org"}
    merged, conflicts = merge_pair(machine, human)
    assert merged["meta"]["review"]["annotator"] == "ann@example.org"
    assert conflicts == []
    assert _layer_spans(merged, "quotes") == _layer_spans(human, "quotes")
    assert [s["attrs"] for s in merged["spans"] if s["label"] == "QUOTE"] == [{"kind": "mixed"}]
    for layer in ("entities", "stances", "statistics"):
        assert _layer_spans(merged, layer) == _layer_spans(machine, layer)
    assert sorted(r["label"] for r in merged["relations"]) == ["CONCEPT", "HOLDER", "SOURCE", "TARGET"]  # CUE went with its span
    assert merged["meta"]["reviewed_layers"] == ["quotes"]
    assert merged["meta"]["annotators"]["quotes"] == "human"
    assert merged["tokens"] == machine["tokens"]
    assert check_record(merged) == []


def test_merge_reviewed_layer_without_spans_removes_the_machine_layer() -> None:
    machine = article(1)
    human = _human(machine, set(), reviewed=["statistics"])
    merged, _ = merge_pair(machine, human)
    assert _layer_spans(merged, "statistics") == []
    assert "CONCEPT" not in [r["label"] for r in merged["relations"]]
    assert _layer_spans(merged, "entities") == _layer_spans(machine, "entities")


def test_merge_untouched_record_is_the_machine_record_again() -> None:
    machine = article(1)
    merged, conflicts = merge_pair(machine, _human(machine, set()))
    assert conflicts == [] and merged["spans"] == machine["spans"]
    assert sorted(map(json.dumps, merged["relations"])) == sorted(map(json.dumps, machine["relations"]))


def test_merge_kept_relation_pointing_at_a_span_the_human_removed_is_a_reported_conflict() -> None:
    machine = article(1)
    human = _human(machine, {"GPE", "DATE"})  # entities reviewed: the PERSON, the stance's holder, is gone
    merged, conflicts = merge_pair(machine, human)
    assert [c.kind for c in conflicts] == ["dangling-relation"]
    assert "HOLDER" in conflicts[0].detail and "PERSON" in conflicts[0].detail
    assert "HOLDER" not in [r["label"] for r in merged["relations"]]
    assert check_record(merged) == []


def test_merge_span_added_inside_a_machine_token_gets_its_own_token() -> None:
    machine = article(1)
    start = machine["text"].rindex("Lopez1")  # the speaker, which is no entity yet
    human = _human(machine, {"PERSON", "GPE", "DATE"}, extra=[{"start": start, "end": start + 5, "label": "PERSON"}])  # without the 1
    merged, conflicts = merge_pair(machine, human)
    assert conflicts == [] and check_record(merged) == []
    assert ("PERSON", "Lopez") in [(s["label"], merged["text"][s["start"]:s["end"]]) for s in merged["spans"]]
    assert len(merged["tokens"]) > len(machine["tokens"])


def test_merge_unmatched_records_on_both_sides_are_written_and_reported() -> None:
    machines = [article(1), article(2)]
    humans = [_human(machines[0], {"QUOTE", "SOURCE", "CUE"}), _human(article(3), {"PERSON"})]
    report = MergeReport()
    out = list(merge(machines, humans, report))
    assert [r["meta"]["id"] for r in out] == [machines[0]["meta"]["id"], machines[1]["meta"]["id"], article(3)["meta"]["id"]]
    assert out[1] is machines[1]  # passed through untouched
    assert out[2]["meta"]["merge"] == {"status": "human-only", "reason": "no machine record has this text"}
    assert report.unmatched_machine == [machines[1]["meta"]["id"]]
    assert report.unmatched_human == [article(3)["meta"]["id"]]
    assert (report.machine, report.human, report.merged) == (2, 2, 1)
    assert report.layers_replaced == {"quotes": 1}


def test_merge_same_id_with_a_different_text_is_a_conflict_and_both_are_kept() -> None:
    machine = article(1)
    other = article(1, extra="The council met again.")
    other["meta"]["id"] = machine["meta"]["id"]
    report = MergeReport()
    out = list(merge([machine], [other], report))
    assert out[0] is machine
    assert out[1]["meta"]["id"] == machine["meta"]["id"] + "-human"
    assert out[1]["meta"]["merge"]["original_id"] == machine["meta"]["id"]
    assert "differs" in out[1]["meta"]["merge"]["reason"]
    assert [c.kind for c in report.conflicts] == ["text-differs"]
    validator = Validator()
    assert all(validator.check(r, str(i)) == [] for i, r in enumerate(out))


def test_merge_matches_by_text_when_the_input_hash_is_missing_or_stale() -> None:
    machine = article(1)
    human = _human(machine, {"PERSON"})
    del human["_input_hash"]
    stale = _human(article(2), {"PERSON"})
    stale["_input_hash"] = 12345
    report = MergeReport()
    out = list(merge([machine, article(2)], [human, stale], report))
    assert report.merged == 2 and report.unmatched_human == [] and report.unmatched_machine == []
    assert len(out) == 2


def test_merge_second_human_record_for_one_machine_record_is_flagged_not_lost() -> None:
    machine = article(1)
    first, second = _human(machine, {"PERSON"}), _human(machine, {"GPE"})
    report = MergeReport()
    out = list(merge([machine], [first, second], report))
    assert len(out) == 2
    assert out[1]["meta"]["merge"]["status"] == "human-only"
    assert [c.kind for c in report.conflicts] == ["duplicate-human"]
    assert len({r["meta"]["id"] for r in out}) == 2


def test_merge_invalid_human_record_is_not_used_and_is_reported_with_the_record() -> None:
    machine = article(1)
    broken = _human(machine, {"PERSON"})
    broken["spans"][0]["label"] = "PER"
    report = MergeReport()
    out = list(merge([machine], [broken], report))
    assert out == [machine]
    assert [c.kind for c in report.conflicts] == ["invalid-human"]
    assert report.to_json()["conflicts"][0]["data"]["spans"][0]["label"] == "PER"


def test_merge_record_carrying_only_the_tools_predictions_reviews_nothing() -> None:
    machine = article(1)
    stale = _human(machine, {"PERSON"})  # an older machine run came back unreviewed
    stale["meta"]["review"] = {"tool": "labelstudio", "origin": "predictions", "task": 3}
    report = MergeReport()
    assert list(merge([machine], [stale], report)) == [machine]
    assert (report.merged, report.not_reviewed, report.unmatched_machine, report.unmatched_human) == (0, 1, [], [])


def test_merge_invalid_machine_record_passes_through_and_is_reported() -> None:
    machine = new_record("Lima is calm.", source="t.txt")
    machine["spans"] = [{"start": 0, "end": 5, "token_start": 0, "token_end": 1, "label": "GPE"}]  # "Lima " ends in a space
    report = MergeReport()
    assert list(merge([machine], [], report)) == [machine]
    assert [c.kind for c in report.conflicts] == ["invalid-machine"] and "E032" in report.conflicts[0].detail


def test_merge_input_hash_is_recomputed_from_the_text() -> None:
    rec = article(1)
    assert input_hash({"text": rec["text"]}) == rec["_input_hash"]


def test_merge_cli_writes_valid_output_and_a_json_report(tmp_path: Path) -> None:
    machines = [article(1), article(2)]
    write_jsonl(tmp_path / "machine.jsonl", machines)
    write_jsonl(tmp_path / "human.jsonl", [_human(machines[0], {"GPE"}), _human(article(3), set())])
    result = CliRunner().invoke(app, ["merge", str(tmp_path / "machine.jsonl"), str(tmp_path / "human.jsonl"),
                                      "-o", str(tmp_path / "merged.jsonl"), "--report", str(tmp_path / "report.json")])
    assert result.exit_code == 0, result.output
    assert "dangling-relation" in result.output
    merged = list(read_jsonl(tmp_path / "merged.jsonl"))
    assert len(merged) == 3
    validator = Validator()
    assert all(validator.check(r, str(i)) == [] for i, r in enumerate(merged))
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"machine": 2, "human": 2, "merged": 1, "unchanged": 0, "not_reviewed": 0,
                                "unmatched_machine": 1, "unmatched_human": 1, "conflicts": 1}
    assert report["conflicts"][0]["kind"] == "dangling-relation" and report["conflicts"][0]["code"] == "E086"
