from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.importers import ImportOptions
from corpus.importers.brat import LABELS, quote_kind, read
from corpus.registry import load_registry
from corpus.validate import check_record

from ..conftest import DEV_DATA, needs_dev_data

TEXT = "The mayor said that the bridge would reopen. “It is safe,” she added.\n\nRead more here."


def _write(folder: Path, name: str, text: str, ann: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")


def _ann(text: str, rows: list[tuple[str, str, list[tuple[int, int]]]], extra: str = "") -> str:
    """brat lines for (id, label, pieces), with the surface text brat would write (a newline as a space)."""
    lines = []
    for aid, label, pieces in rows:
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        surface = re.sub(r"\s", " ", " ".join(text[a:b] for a, b in pieces))
        lines.append(f"{aid}\t{label} {offsets}\t{surface}")
    return "\n".join(lines) + "\n" + extra


def _at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = [m.start() for m in re.finditer(re.escape(sub), text)][nth]
    return start, start + len(sub)


def _records(inputs: list[Path], **settings: Any) -> tuple[list[dict[str, Any]], list[Reject]]:
    items = list(read(inputs, ImportOptions(settings=settings)))
    return [i for i in items if isinstance(i, dict)], [i for i in items if isinstance(i, Reject)]


def _texts(record: dict[str, Any], label: str) -> list[str]:
    return [record["text"][s["start"]:s["end"]] for s in record["spans"] if s["label"] == label]


def _attribution_ann() -> str:
    rows = [
        ("T1", "Source", [_at(TEXT, "The mayor")]),
        ("T2", "Cue", [_at(TEXT, "said")]),
        ("T3", "Content", [_at(TEXT, "that the bridge would reopen")]),
        ("T4", "Attribution", [_at(TEXT, "said")]),
        ("T5", "Source", [_at(TEXT, "she")]),
        ("T6", "Cue", [_at(TEXT, "added")]),
        ("T7", "Content", [_at(TEXT, "“It is safe,”")]),
        ("T8", "Attribution", [_at(TEXT, "added")]),
        ("T9", "Discard", [_at(TEXT, "Read more here.")]),
    ]
    events = "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\nE2\tAttribution:T8 Content:T7 Cue:T6 Source:T5\n"
    return _ann(TEXT, rows, events)


def test_brat_attribution_events_become_quotes_with_source_and_cue(tmp_path: Path) -> None:
    _write(tmp_path, "article", TEXT, _attribution_ann())
    records, rejects = _records([tmp_path])
    assert rejects == []
    (record,) = records
    assert check_record(record) == []
    assert _texts(record, "QUOTE") == ["that the bridge would reopen", "“It is safe,”"]
    assert _texts(record, "SOURCE") == ["The mayor", "she"]
    assert _texts(record, "CUE") == ["said", "added"]
    kinds = {record["text"][s["start"]:s["end"]]: s["attrs"]["kind"] for s in record["spans"] if s["label"] == "QUOTE"}
    assert kinds == {"that the bridge would reopen": "indirect", "“It is safe,”": "direct"}
    pairs = Counter((r["label"], record["text"][r["head_span"]["start"]:r["head_span"]["end"]], record["text"][r["child_span"]["start"]:r["child_span"]["end"]]) for r in record["relations"])
    assert pairs == Counter({
        ("SOURCE", "that the bridge would reopen", "The mayor"): 1,
        ("CUE", "that the bridge would reopen", "said"): 1,
        ("SOURCE", "“It is safe,”", "she"): 1,
        ("CUE", "“It is safe,”", "added"): 1,
    })
    meta = record["meta"]
    assert meta["import"]["attributions"] == 2
    assert meta["import"]["dropped"] == {"span Discard": 1}  # counted, not silently lost
    assert meta["annotator"] is None and meta["primary"] is True
    assert meta["source"] == f"{tmp_path.name}/article.ann" and meta["text_source"] == f"{tmp_path.name}/article.txt"


def test_brat_discontinuous_span_becomes_pieces_with_the_same_relations(tmp_path: Path) -> None:
    text = "“We will win,” Ms. Diaz said, “and we will win big.”"
    a, b = _at(text, "“We will win,”"), _at(text, "“and we will win big.”")
    rows = [("T1", "Content", [a, b]), ("T2", "Source", [_at(text, "Ms. Diaz")]), ("T3", "Cue", [_at(text, "said")])]
    _write(tmp_path, "doc", text, _ann(text, rows, "E1\tAttribution Content:T1 Source:T2 Cue:T3\n"))
    (record,), _ = _records([tmp_path])
    assert check_record(record) == []
    assert _texts(record, "QUOTE") == ["“We will win,”", "“and we will win big.”"]
    assert sorted((r["label"], r["head_span"]["start"]) for r in record["relations"]) == [("CUE", a[0]), ("CUE", b[0]), ("SOURCE", a[0]), ("SOURCE", b[0])]
    assert record["meta"]["import"]["discontinuous spans split"] == 1


def test_brat_repeated_content_roles_all_get_relations(tmp_path: Path) -> None:
    text = "Officials said the road was closed and that repairs would start soon."
    rows = [
        ("T1", "Source", [_at(text, "Officials")]),
        ("T2", "Cue", [_at(text, "said")]),
        ("T3", "Content", [_at(text, "the road was closed")]),
        ("T4", "Content", [_at(text, "that repairs would start soon")]),
    ]
    _write(tmp_path, "doc", text, _ann(text, rows, "E1\tAttribution Source:T1 Cue:T2 Content:T3 Content2:T4\n"))
    (record,), _ = _records([tmp_path])
    assert Counter(r["label"] for r in record["relations"]) == Counter({"SOURCE": 2, "CUE": 2})


def test_brat_offsets_that_do_not_match_the_text_reject_the_file(tmp_path: Path) -> None:
    text = "The minister said nothing."
    _write(tmp_path, "doc", text, "T1\tSource 4 12\tThe mini\n")
    records, rejects = _records([tmp_path])
    assert records == []
    (reject,) = rejects
    assert reject.code == "E062"
    assert "T1" in reject.reason and "'The mini'" in reject.reason and "'minister'" in reject.reason


def test_brat_offsets_past_the_end_reject_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "doc", "Short.", "T1\tSource 0 40\tShort. and more\n")
    _, (reject,) = _records([tmp_path])
    assert reject.code == "E062" and "outside the text" in reject.reason


def test_brat_malformed_line_is_rejected_with_its_line_number(tmp_path: Path) -> None:
    _write(tmp_path, "doc", "Some text here.", "T1\tSource 0 4\tSome\nT2\tCue four five\tx\n")
    _, (reject,) = _records([tmp_path])
    assert reject.code == "E063" and ":2:" in reject.reason


def test_brat_annotator_files_in_another_folder_give_one_record_each(tmp_path: Path) -> None:
    text = "Senators said the bill would pass."
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "story.txt").write_text(text, encoding="utf-8")
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "story_cd34.ann").write_text(_ann(text, [("T1", "Source", [_at(text, "Senators")])]), encoding="utf-8")
    (tmp_path / "ann" / "story_ab12.ann").write_text(_ann(text, [("T1", "Cue", [_at(text, "said")])]), encoding="utf-8")
    records, rejects = _records([tmp_path / "ann", tmp_path / "text"])
    assert rejects == []
    assert [r["meta"]["annotator"] for r in records] == ["ab12", "cd34"]
    assert [r["meta"]["primary"] for r in records] == [True, False]
    assert len({r["meta"]["id"] for r in records}) == 2
    assert {r["meta"]["article"] for r in records} == {"story"}
    assert all(r["text"] == text and check_record(r) == [] for r in records)
    again, _ = _records([tmp_path / "ann", tmp_path / "text"])
    assert [r["meta"]["id"] for r in again] == [r["meta"]["id"] for r in records]


def test_brat_unpaired_files_are_rejected_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "lonely.txt").write_text("No annotations.", encoding="utf-8")
    (tmp_path / "orphan.ann").write_text("", encoding="utf-8")
    records, rejects = _records([tmp_path])
    assert records == []
    assert sorted((r.code, r.source.split("/")[-1]) for r in rejects) == [("E061", "lonely.txt"), ("E061", "orphan.ann")]
    assert any("no orphan.txt" in r.reason for r in rejects)


def test_brat_empty_ann_gives_a_record_without_spans(tmp_path: Path) -> None:
    _write(tmp_path, "doc", "Nothing was said here.", "")
    (record,), rejects = _records([tmp_path])
    assert rejects == [] and record["spans"] == [] and record["relations"] == []
    assert check_record(record) == []


def test_brat_whitespace_at_span_edges_is_stripped_not_shifted(tmp_path: Path) -> None:
    text = "He said  the plan works.\nThen he left."
    start, end = _at(text, " the plan works.\n")
    _write(tmp_path, "doc", text, _ann(text, [("T1", "Content", [(start, end)])]))
    (record,), _ = _records([tmp_path])
    assert check_record(record) == []
    assert _texts(record, "QUOTE") == ["the plan works."]
    (span,) = record["spans"]
    assert (span["start"], span["end"]) == (start + 1, end - 1)
    assert record["meta"]["import"]["span edges stripped of whitespace"] == 1


def test_brat_span_edge_inside_a_word_keeps_the_gold_offsets(tmp_path: Path) -> None:
    text = "Clinton’s team declined to comment."
    _write(tmp_path, "doc", text, _ann(text, [("T1", "Source", [_at(text, "Clinton")])]))
    (record,), _ = _records([tmp_path])
    assert check_record(record) == []
    assert _texts(record, "SOURCE") == ["Clinton"]
    assert [t["text"] for t in record["tokens"]][:2] == ["Clinton", "’s"]


def test_brat_identical_spans_are_stored_once_and_relations_point_to_it(tmp_path: Path) -> None:
    text = "The agency said costs rose and said prices fell."
    rows = [
        ("T1", "Source", [_at(text, "The agency")]),
        ("T2", "Source", [_at(text, "The agency")]),
        ("T3", "Cue", [_at(text, "said", 0)]),
        ("T4", "Content", [_at(text, "costs rose")]),
        ("T5", "Cue", [_at(text, "said", 1)]),
        ("T6", "Content", [_at(text, "prices fell")]),
    ]
    events = "E1\tAttribution Source:T1 Cue:T3 Content:T4\nE2\tAttribution Source:T2 Cue:T5 Content:T6\n"
    _write(tmp_path, "doc", text, _ann(text, rows, events))
    (record,), _ = _records([tmp_path])
    assert check_record(record) == []  # no E037
    assert _texts(record, "SOURCE") == ["The agency"]
    assert sum(r["label"] == "SOURCE" for r in record["relations"]) == 2
    assert record["meta"]["import"]["duplicate spans stored once"] == 1


def test_brat_non_ascii_text_uses_code_point_offsets(tmp_path: Path) -> None:
    text = "In Zürich 🚀 Ms. Müller said: “Ça va très bien.”"
    rows = [("T1", "Person", [_at(text, "Ms. Müller")]), ("T2", "Content", [_at(text, "“Ça va très bien.”")])]
    _write(tmp_path, "doc", text, _ann(text, rows))
    (record,), _ = _records([tmp_path])
    assert check_record(record) == []
    assert _texts(record, "PERSON") == ["Ms. Müller"]
    assert _texts(record, "QUOTE") == ["“Ça va très bien.”"]


def test_brat_entity_labels_map_through_the_table_and_settings(tmp_path: Path) -> None:
    text = "Maria Lopez met officials of Acme Corp in Lisbon."
    rows = [
        ("T1", "Person", [_at(text, "Maria Lopez")]),
        ("T2", "Organization", [_at(text, "Acme Corp")]),
        ("T3", "Location", [_at(text, "Lisbon")]),
        ("T4", "Role", [_at(text, "officials")]),
    ]
    _write(tmp_path, "doc", text, _ann(text, rows, "R1\tWorksFor Arg1:T1 Arg2:T2\n"))
    (record,), _ = _records([tmp_path])
    assert [(s["label"], record["text"][s["start"]:s["end"]]) for s in record["spans"]] == [("PERSON", "Maria Lopez"), ("ORG", "Acme Corp"), ("GPE", "Lisbon")]
    assert record["meta"]["import"]["dropped"] == {"relation": 1, "span Role (unknown label)": 1}
    (mapped,), _ = _records([tmp_path], labels={"Location": "LOC", "Role": None})
    assert "LOC" in {s["label"] for s in mapped["spans"]}
    assert mapped["meta"]["import"]["dropped"] == {"relation": 1, "span Role": 1}


def test_brat_label_table_targets_are_registry_labels() -> None:
    known = set(load_registry().labels)
    assert {v for v in LABELS.values() if v is not None} <= known


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("“It is safe,”", "direct"),
        ('"We will not stop."', "direct"),
        ("the bridge was “perfectly safe” to use", "mixed"),
        ("the bridge would reopen", "indirect"),
        ("the minister’s plan doesn’t work", "indirect"),  # apostrophes are not quotation marks
        ("and nobody listened to us.”", "direct"),  # continues a quotation opened before the span
        ("“We were never told about it", "direct"),  # a quotation that runs on past the span
        ("“No.” Then the talks collapsed", "mixed"),
        ("", "indirect"),
    ],
)
def test_brat_quote_kind_follows_the_quotation_marks(content: str, kind: str) -> None:
    assert quote_kind(content) == kind


@needs_dev_data("polnear-dev")
@pytest.mark.devdata
def test_brat_polnear_counts_match_the_ann_files() -> None:
    root = DEV_DATA / "polnear-dev"
    direct: Counter[str] = Counter()
    for ann in sorted((root / "attributions").glob("*.ann")):
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if fields[0].startswith("T"):
                label, offsets = fields[1].split(" ", 1)
                direct[label] += len(offsets.split(";"))
            elif fields[0].startswith("E"):
                direct["events"] += 1
    records, rejects = _records([root])
    assert rejects == []
    assert len(records) == len(list((root / "attributions").glob("*.ann")))
    assert sum(r["meta"]["primary"] for r in records) == len(list((root / "text").glob("*.txt")))
    spans = Counter(s["label"] for r in records for s in r["spans"])
    assert spans == Counter({"SOURCE": direct["Source"], "CUE": direct["Cue"], "QUOTE": direct["Content"]})
    assert sum(r["meta"]["import"]["attributions"] for r in records) == direct["events"]
    dropped: Counter[str] = Counter()
    for r in records:
        dropped.update(r["meta"]["import"].get("dropped", {}))
    assert dropped["span Discard"] + dropped["span Discuss"] == sum(
        1 for ann in (root / "attributions").glob("*.ann") for line in ann.read_text(encoding="utf-8").splitlines() if re.match(r"T\d+\t(Discard|Discuss) ", line)
    )
    assert all(check_record(r) == [] for r in records)
