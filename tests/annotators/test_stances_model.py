"""Tests of the learned stances layer (stances_v2): the model file, the component, the shipped model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from annotators.stances_model import CLASSES, DEFAULT_MODEL, FORMAT_VERSION, Candidate, StanceModel, predict
from annotators.errors import AnnotatorError
from corpus.errors import CorpusError
from corpus.record import new_record
from corpus.validate import check_record

TEXT = ("Governor Helen Marsh sharply criticized Mayor Lena Fischer on Tuesday. "
        "Senator Paul Ortega praised the new stadium plan, and he thanked the city council for its support.")


@pytest.fixture(scope="module")
def annotator() -> Any:
    from corpus.pipeline import Annotator

    return Annotator("all")


def _toy() -> StanceModel:
    coef = np.zeros((3, 3))
    coef[0] = [2.0, -1.0, 0.0]  # "cue=favor" pushes favor
    coef[1] = [-1.0, 2.0, 0.0]  # "cue=against" pushes against
    coef[2] = [0.0, 0.0, 1.0]
    return StanceModel(["cue=favor", "cue=against", "far"], coef, np.array([0.0, 0.0, 1.0]), CLASSES, {"threshold": 0.4})


def _cand(feats: list[str], target: str = "plan", sentence: tuple[int, int] = (0, 5)) -> Candidate:
    return Candidate(sentence, None, "Helen Marsh", (3, 4), target, 2, feats)


def test_stances_model_json_round_trip_scores_the_same(tmp_path: Path) -> None:
    model = _toy()
    model.to_disk(tmp_path / "m", card="# card\n")
    loaded = StanceModel.from_disk(tmp_path / "m")
    cands = [_cand(["cue=favor"]), _cand(["cue=against", "unknown feature"]), _cand(["far"])]
    assert np.allclose(loaded.scores(cands), model.scores(cands))
    data = json.loads((tmp_path / "m" / "model.json").read_text())
    assert data["format_version"] == FORMAT_VERSION and data["features"] == ["cue=favor", "cue=against", "far"]
    assert (tmp_path / "m" / "README.md").read_text() == "# card\n"


def test_stances_model_predict_keeps_one_stance_per_sentence_holder_and_target() -> None:
    got = predict(_toy(), [_cand(["cue=favor"]), _cand(["cue=favor", "cue=favor"]), _cand(["far"], target="road"), _cand(["cue=against"], sentence=(5, 9))])
    assert [(p.candidate.sentence, p.polarity, p.candidate.target_name) for p in got] == [((0, 5), "favor", "plan"), ((5, 9), "against", "plan")]


def test_stances_model_predict_thresholds_per_polarity_and_per_holder_limit() -> None:
    cands = [_cand(["cue=favor", "far"]), _cand(["cue=against"], target="road"), _cand(["cue=favor"], target="bridge")]
    model = _toy()
    model.meta.update({"thresholds": {"favor": 0.4, "against": 0.99}})
    assert sorted(p.candidate.target_name for p in predict(model, cands)) == ["bridge", "plan"]
    model.meta["per_holder"] = 1  # the best-scored stance of the sentence's holder only
    assert [p.candidate.target_name for p in predict(model, cands)] == ["bridge"]
    # a decision given by the caller wins over the model's own, and probabilities can be handed in
    got = predict(model, cands, probs=model.scores(cands), decision={"thresholds": None, "threshold": 0.4, "per_holder": 0})
    assert sorted(p.candidate.target_name for p in got) == ["bridge", "plan", "road"]


def test_stances_model_predict_limits_per_sentence_and_per_holder_in_the_article() -> None:
    model = _toy()
    strong, weak = ["cue=favor", "cue=favor"], ["cue=favor", "far"]
    cands = [_cand(strong, target="plan"), _cand(weak, target="road"), _cand(strong, target="bridge", sentence=(5, 9)),
             _cand(weak, target="park", sentence=(9, 12))]
    model.meta.update({"threshold": 0.2})
    assert len(predict(model, cands)) == 4
    # one per sentence: the sentence with two loses its weaker one
    got = predict(model, cands, decision={"per_sentence": 1})
    assert sorted(p.candidate.target_name for p in got) == ["bridge", "park", "plan"]
    # two favor stances of one holder in the article: the best-scored two, wherever they are
    got = predict(model, cands, decision={"per_holder_doc": 2})
    assert sorted(p.candidate.target_name for p in got) == ["bridge", "plan"]
    # a pair the rule layer wrote is skipped and takes no place under the limit
    got = predict(model, cands, decision={"per_holder_doc": 2}, skip={((0, 5), "helen marsh", "plan")})
    assert sorted(p.candidate.target_name for p in got) == ["bridge", "road"]  # road: the first of two equal ones


def test_stances_model_salience_ranks_the_most_named_first() -> None:
    from collections import Counter

    from annotators.stances_model import _salience

    ranks = _salience(Counter({"helen marsh": 4, "lena fischer": 2, "city council": 1, "paul ortega": 1, "a": 1, "b": 1}))
    assert ranks["helen marsh"] == "1" and ranks["lena fischer"] == "2" and ranks["b"] == ">5"
    assert _salience(Counter()) == {}


def test_stances_model_candidates_carry_salience(annotator: Any) -> None:
    from annotators.stances import StanceAnnotator
    from annotators.stances_model import candidates

    text = ("Mayor Lena Fischer opened the bridge. Lena Fischer thanked the workers. "
            "Governor Helen Marsh criticized Lena Fischer over the cost.")
    doc = annotator.nlp(text)
    cands = candidates(doc, StanceAnnotator(annotator.nlp, "stances_rules"))
    marsh = [c for c in cands if c.holder_name == "Helen Marsh" and c.target_name == "Lena Fischer"]
    assert marsh and "trank=1" in marsh[0].features and "hrank=1" not in marsh[0].features
    assert all(any(f.startswith("hrank=") for f in c.features) and any(f.startswith("trank=") for f in c.features) for c in cands)


def test_stances_model_gate_builds_only_the_pairs_it_passes(tmp_path: Path) -> None:
    from annotators.stances import StanceAnnotator
    from annotators.stances_model import Gate, candidates
    from corpus.pipeline import Annotator

    nlp = Annotator("entities,quotes").nlp
    doc = nlp(TEXT)
    rules = StanceAnnotator(nlp, "rules")
    every = candidates(doc, rules)
    gate = Gate({"h=AUTHOR": -5.0, "t=CHUNK": 1.0}, 0.0, 0.5)  # by someone the text names, not the author
    kept = candidates(doc, rules, gate=gate)
    assert kept and len(kept) < len(every)
    view = [(c.holder_name, c.target_name, c.features) for c in kept]
    assert view == [(c.holder_name, c.target_name, c.features) for c in every if gate.keeps(c.features)]
    model = _toy()
    model.gate = gate
    model.to_disk(tmp_path / "m")
    loaded = StanceModel.from_disk(tmp_path / "m")
    assert loaded.gate is not None and loaded.gate.to_dict() == gate.to_dict()


def test_stances_model_arrays_read_the_parse_as_spacy_does() -> None:
    """The layer reads the parse from arrays, not Token objects: the same noun chunks, heads,
    children, subtrees, phrase texts and target names as spaCy and the rule layer give."""
    from annotators.stances import StanceAnnotator, _Context
    from annotators.stances_model import _Arrays, _chunk_name, _Lexicon, _noun_chunks, _span_root
    from corpus.pipeline import Annotator

    nlp = Annotator("entities,quotes").nlp
    text = TEXT + (" The president of the council, Mark Ode, said his plan would hurt the city's poorest families."
                   " \"We oppose the new tax on fuel,\" the mayor's office said in a statement.")
    doc = nlp(text)
    rules = StanceAnnotator(nlp, "rules")
    lexicon = _Lexicon(rules)
    a = _Arrays(doc, lexicon)
    ctx = _Context(doc)
    chunks = list(doc.noun_chunks)
    assert chunks and _noun_chunks(doc, a, lexicon) == [(c.start, c.end) for c in chunks]
    for tok in doc:
        assert a.children(tok.i) == [c.i for c in tok.children]
        assert a.subtree(tok.i) == {t.i for t in tok.subtree}
        assert a.span_text(tok.left_edge.i, tok.i + 1) == doc[tok.left_edge.i:tok.i + 1].text
    for c in chunks:
        root = _span_root(doc, a.heads, c.start, c.end)
        assert root == c.root.i
        assert _chunk_name(doc, a, ctx, rules, root, (c.start, c.end), a.children(root)) == rules._name(doc, ctx, c.root, (c.start, c.end))
    cues = rules.cues(doc)
    assert cues == sorted(cues, key=lambda x: x[1]) and {doc[i].lemma_ for k, i in cues if k == "VERB"} >= {"criticize", "praise", "oppose"}


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("Greg Craig", "Gregory B. Craig", True),
        ("Edward O’Callaghan", "Ed O'Callaghan", True),
        ("Justice Department", "United States Department of Justice", True),
        ("Marsh", "Helen Marsh", True),
        ("Anna Marsh", "Helen Marsh", False),
        ("Paul Ortega", "Paula Ortiz", False),
        ("Bob Harlan", "Robert Harlan", True),
        ("Bill Okafor", "William J. Okafor Jr.", True),
        ("Ted Marsh", "Edward Marsh", True),
        ("Bill Okafor", "William Ngata Okafor", True),
        ("Tom Harlan", "Timothy Harlan", False),
        ("Bob Harlan", "Robert Okafor", False),
        ("House Committee", "Senate Ethics Committee", False),
        (None, "Helen Marsh", False),
    ],
)
def test_stance_names_match_as_seesaw_writes_them(a: str | None, b: str, same: bool) -> None:
    from corpus.evaluate import _same_entity

    assert _same_entity(a and a.lower(), b.lower()) is same


@pytest.mark.parametrize(
    "content,code",
    [
        (None, "E150"),
        ("not json", "E151"),
        (json.dumps({"format": "something-else", "format_version": FORMAT_VERSION}), "E151"),
        (json.dumps({"format": "news-corpus/stances-model", "format_version": FORMAT_VERSION + 1}), "E152"),
        (json.dumps({"format": "news-corpus/stances-model", "format_version": FORMAT_VERSION, "classes": list(CLASSES),
                     "features": ["a", "b"], "coef": [[1, 2, 3]], "intercept": [0, 0, 0]}), "E151"),
        (json.dumps({"format": "news-corpus/stances-model", "format_version": FORMAT_VERSION, "classes": ["yes", "no"],
                     "features": [], "coef": [], "intercept": [0, 0]}), "E151"),
        (json.dumps({"format": "news-corpus/stances-model", "format_version": FORMAT_VERSION, "classes": list(CLASSES),
                     "features": [], "coef": [], "intercept": [0, 0, 0], "gate": {"features": ["a"], "weights": [], "bias": 0, "cutoff": 0}}), "E151"),
    ],
)
def test_stances_model_bad_folder_is_a_coded_error(tmp_path: Path, content: str | None, code: str) -> None:
    if content is not None:
        (tmp_path / "model.json").write_text(content)
    with pytest.raises(AnnotatorError) as info:
        StanceModel.from_disk(tmp_path)
    assert info.value.code == code and str(tmp_path) in info.value.message


def test_stances_model_shipped_model_loads_and_names_its_licence() -> None:
    model = StanceModel.from_disk(DEFAULT_MODEL)
    assert len(model.features) > 100 and 0 < model.meta["threshold"] < 1
    card = (DEFAULT_MODEL / "README.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 4.0" in card and "SEESAW" in card


def _stances(record: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    text = record["text"]
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for rel in record["relations"]:
        h = rel["head_span"]
        if h["label"] == "STANCE":
            st = out.setdefault((h["start"], h["end"]), {"polarity": h["attrs"]["polarity"], "holder": None})
            c = rel["child_span"]
            st[rel["label"].lower()] = (c.get("attrs") or {}).get("name") or text[c["start"]:c["end"]]
    return [(s["holder"], s["polarity"], s["target"]) for s in out.values()]


def test_stances_model_default_annotate_writes_valid_stances(annotator: Any) -> None:
    (record,) = annotator([new_record(TEXT, source="test")])
    assert check_record(record) == []
    assert record["meta"]["annotators"]["stances"].startswith("stances.v2")
    got = _stances(record)
    assert ("Helen Marsh", "against", "Lena Fischer") in got
    assert ("Paul Ortega", "favor", "new stadium plan") in got
    stance_spans = [(s["start"], s["end"]) for s in record["spans"] if s["label"] == "STANCE"]
    assert len(stance_spans) == len(set(stance_spans)) == len(got)  # one span per stance: no two stances merge


@pytest.mark.parametrize("text", ["The weather was sunny and markets rose on Monday.", "Rain is expected in the north on Friday."])
def test_stances_model_finds_nothing_without_agents(annotator: Any, text: str) -> None:
    (record,) = annotator([new_record(text, source="test")])
    assert check_record(record) == [] and _stances(record) == []


def test_stances_model_rules_switch_keeps_the_rule_layer() -> None:
    from corpus.pipeline import Annotator

    (record,) = Annotator("entities,quotes,stances", stances="rules")([new_record("Germany supports the new climate agreement.", source="t")])
    assert record["meta"]["annotators"]["stances"].startswith("stances.v1")
    assert _stances(record) == [("Germany", "favor", "new climate agreement")]


def test_stances_model_unknown_switch_is_refused() -> None:
    from corpus.pipeline import Annotator

    with pytest.raises(CorpusError) as info:
        Annotator("entities,stances", stances="magic")
    assert info.value.code == "E055"


def test_stances_model_pipeline_saved_and_loaded_in_a_subprocess(tmp_path: Path) -> None:
    """`nlp.to_disk` saves the model with the pipeline; a fresh process loads it and finds the same stances."""
    import spacy

    import annotators  # noqa: F401

    from corpus.pipeline import MODEL

    nlp = spacy.load(MODEL)
    for name in ("entities_v1", "quotes_v1"):
        nlp.add_pipe(name)
    nlp.add_pipe("stances_v2").initialize()
    nlp.to_disk(tmp_path / "pipe")
    assert json.loads((tmp_path / "pipe" / "stances_v2" / "model.json").read_text())["features"]
    code = (
        "import sys, spacy, annotators\n"
        "from annotators.base import annotations_of\n"
        f"nlp = spacy.load({str(tmp_path / 'pipe')!r})\n"
        f"doc = nlp({TEXT!r})\n"
        "print(len(annotations_of(doc)['stances'].spans))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    doc = nlp(TEXT)
    from annotators.base import annotations_of

    assert int(out.stdout.strip()) == len(annotations_of(doc)["stances"].spans) > 0
