from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.agree import agree, f1, token_labels
from corpus.cli import app
from corpus.errors import CorpusError
from corpus.jsonl import write_jsonl
from corpus.merge import assemble

from .factories import article

TEXT = "Maria Lopez met Ana in Lima today."


def _record(spans: list[tuple[str, str]], text: str = TEXT, rid: str = "r1") -> dict[str, Any]:
    out = []
    for sub, label in spans:
        start = text.index(sub)
        out.append({"start": start, "end": start + len(sub), "label": label})
    return assemble(text, {"id": rid, "source": "t.txt"}, out, [])


def test_agree_identical_annotations_give_f1_one_and_kappa_one() -> None:
    records = [article(1), article(2, polarity="favor")]
    data = agree(records, records).to_json()
    assert data["records"] == 2 and data["only_a"] == [] and data["only_b"] == []
    for label, row in data["labels"].items():
        assert row["exact"]["f1"] == 1.0 and row["overlap"]["f1"] == 1.0, label
    for layer, row in data["layers"].items():
        assert row["kappa"] == pytest.approx(1.0), layer
    assert all(row["exact"]["f1"] == 1.0 for row in data["relations"].values())


def test_agree_known_disagreement_matches_the_hand_computed_figures() -> None:
    a = _record([("Maria Lopez", "PERSON"), ("Lima", "GPE")])
    b = _record([("Maria", "PERSON"), ("Ana", "PERSON"), ("Lima", "GPE")])
    data = agree([a], [b]).to_json()
    person, gpe = data["labels"]["PERSON"], data["labels"]["GPE"]
    assert person["exact"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    # overlap: B's "Maria" overlaps A's "Maria Lopez" (P = 1/2), A's one span is overlapped (R = 1)
    assert person["overlap"]["precision"] == 0.5 and person["overlap"]["recall"] == 1.0
    assert person["overlap"]["f1"] == pytest.approx(2 / 3)
    assert gpe["exact"]["f1"] == 1.0
    assert data["layers"]["entities"]["exact"]["f1"] == pytest.approx(0.4)  # 2 * 1 / (2 + 3)
    # tokens: Maria Lopez met Ana in Lima today .
    # A: PERSON PERSON O O O GPE O O;  B: PERSON O O PERSON O GPE O O
    # po = 6/8; pe = (2*2 + 1*1 + 5*5) / 64 = 30/64; kappa = (48/64 - 30/64) / (34/64) = 9/17
    assert data["layers"]["entities"]["tokens"] == 8
    assert data["layers"]["entities"]["kappa"] == pytest.approx(9 / 17)
    assert data["layers"]["quotes"]["kappa"] is None  # no quote on either side: kappa is undefined
    assert data["layers"]["quotes"]["exact"] is None  # and so is F1, which is not 0


def test_agree_attrs_agree_counts_exact_matches_with_equal_attributes() -> None:
    a, b = article(1), article(1)
    for span in b["spans"]:
        if span["label"] == "QUOTE":
            span["attrs"] = {"kind": "indirect"}
    data = agree([a, article(2)], [b, article(2)]).to_json()
    assert data["labels"]["QUOTE"]["exact"]["f1"] == 1.0  # the same spans ...
    assert data["labels"]["QUOTE"]["attrs_agree"] == 0.5  # ... but one of two kinds differs
    assert data["labels"]["STANCE"]["attrs_agree"] == 1.0


def test_agree_token_labels_prefer_the_shortest_covering_span() -> None:
    tokens = [{"start": 0, "end": 3}, {"start": 4, "end": 7}, {"start": 8, "end": 11}]
    assert token_labels(tokens, [(0, 11, "QUOTE"), (4, 7, "SOURCE")]) == ["QUOTE", "SOURCE", "QUOTE"]
    assert token_labels(tokens, []) == ["O", "O", "O"]


def test_agree_f1_is_zero_where_a_side_is_empty() -> None:
    assert f1(0, 0, 0, 3) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert f1(2, 4, 1, 1) == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3)}


def test_agree_different_token_grids_are_compared_on_one_grid() -> None:
    a = _record([("Lope", "PERSON")])  # cut inside "Lopez" on one side only
    b = _record([("Lopez", "PERSON")])
    data = agree([a], [b]).to_json()
    assert data["layers"]["entities"]["tokens"] == 9  # "Lope" and "z" are two tokens for both sides
    assert data["labels"]["PERSON"]["overlap"]["f1"] == 1.0 and data["labels"]["PERSON"]["exact"]["f1"] == 0.0


def test_agree_matches_by_text_and_lists_the_unmatched() -> None:
    a = [_record([("Lima", "GPE")], rid="x"), _record([], text="Only in A.", rid="y")]
    b = [_record([("Lima", "GPE")], rid="other-id"), _record([], text="Only in B.", rid="z")]
    data = agree(a, b).to_json()
    assert data["records"] == 1 and data["only_a"] == ["y"] and data["only_b"] == ["z"]


def test_agree_nothing_in_common_is_an_error() -> None:
    with pytest.raises(CorpusError) as exc:
        agree([_record([], text="One.")], [_record([], text="Two.")])
    assert exc.value.code == "E087"


def test_agree_cli_prints_tables_and_json(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [_record([("Maria Lopez", "PERSON"), ("Lima", "GPE")])])
    write_jsonl(tmp_path / "b.jsonl", [_record([("Maria", "PERSON"), ("Ana", "PERSON"), ("Lima", "GPE")])])
    runner = CliRunner()
    table = runner.invoke(app, ["agree", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")])
    assert table.exit_code == 0, table.output
    assert "per layer" in table.output and "0.529" in table.output
    as_json = runner.invoke(app, ["agree", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--json"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.output)["layers"]["entities"]["kappa"] == pytest.approx(9 / 17)
