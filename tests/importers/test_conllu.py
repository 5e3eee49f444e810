from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.importers import ImportOptions
from corpus.importers.conllu import LABELS, EntityError, Mention, parse_entities, read
from corpus.registry import load_registry
from corpus.validate import check_record

from ..conftest import DEV_DATA, needs_dev_data


def _row(i: str, form: str, upos: str, xpos: str, head: int | str, deprel: str, misc: str = "_") -> str:
    return "\t".join([i, form, form.lower(), upos, xpos, "_", str(head), deprel, "_", misc])


DOC = "\n".join([
    "# newdoc id = doc1",
    "# global.Entity = GRP-etype-infstat-salience-centering-minspan-link-identity",
    "# meta::title = Silva visits Zürich",
    "# meta::sourceURL = https://example.org/silva",
    "# meta::dateCreated = 2020-01-02",
    "# newpar",
    "# sent_id = doc1-1",
    "# text = President Ana Silva's team met in Zürich.",
    _row("1", "President", "PROPN", "NNP", 2, "nmod:desc", "Entity=(2-organization-new-x-cf1-1-coref(1-person-new-x-cf1-2-coref-Ana_Silva"),
    _row("2", "Ana", "PROPN", "NNP", 5, "nmod:poss"),
    "3-4\tSilva's\t_\t_\t_\t_\t_\t_\t_\t_",
    _row("3", "Silva", "PROPN", "NNP", 2, "flat"),
    _row("4", "'s", "PART", "POS", 2, "case", "Entity=1)"),
    _row("5", "team", "NOUN", "NN", 6, "nsubj", "Entity=2)"),
    _row("6", "met", "VERB", "VBD", 0, "root"),
    _row("7", "in", "ADP", "IN", 8, "case"),
    _row("8", "Zürich", "PROPN", "NNP", 6, "obl", "Entity=(3-place-new-x-cf2-1-sgl-Zürich)|SpaceAfter=No"),
    _row("9", ".", "PUNCT", ".", 6, "punct"),
    "",
    "# sent_id = doc1-2",
    "# text = She said it was fine.",
    _row("1", "She", "PRON", "PRP", 2, "nsubj", "Entity=(1-person-giv-x-cf1-1-coref-Ana_Silva)"),
    _row("2", "said", "VERB", "VBD", 0, "root"),
    _row("3", "it", "PRON", "PRP", 5, "nsubj", "Entity=(4-abstract-new-x-cf1-1-sgl)"),
    _row("4", "was", "AUX", "VBD", 5, "cop"),
    _row("5", "fine", "ADJ", "JJ", 2, "ccomp", "SpaceAfter=No"),
    _row("6", ".", "PUNCT", ".", 2, "punct"),
    "",
    "# newpar",
    "# sent_id = doc1-3",
    "# text = The Zürich Film Festival opens Monday.",
    _row("1", "The", "DET", "DT", 4, "det", "Entity=(5-event-new-x-cf1-1-coref"),
    _row("2", "Zürich", "PROPN", "NNP", 4, "compound", "Entity=(3-place-giv-x-cf1-1-coref-Zürich)"),
    _row("3", "Film", "PROPN", "NNP", 4, "compound"),
    _row("4", "Festival", "PROPN", "NNP", 5, "nsubj", "Entity=5)"),
    _row("5", "opens", "VERB", "VBZ", 0, "root"),
    _row("6", "Monday", "PROPN", "NNP", 5, "obl:tmod", "Entity=(6-time-new-x-cf1-1-sgl)|SpaceAfter=No"),
    _row("7", ".", "PUNCT", ".", 5, "punct"),
    "",
    "",
])


def _import(tmp_path: Path, content: str, name: str = "doc.conllu", **settings: Any) -> tuple[list[dict[str, Any]], list[Reject]]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items = list(read([tmp_path], ImportOptions(settings=settings)))
    return [i for i in items if isinstance(i, dict)], [i for i in items if isinstance(i, Reject)]


def _ents(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(record["text"][s["start"]:s["end"]], s["label"]) for s in record["spans"]]


def test_conllu_text_has_sentences_on_lines_and_paragraphs_apart(tmp_path: Path) -> None:
    (record,), rejects = _import(tmp_path, DOC)
    assert rejects == []
    assert record["text"] == "President Ana Silva's team met in Zürich.\nShe said it was fine.\n\nThe Zürich Film Festival opens Monday."
    assert check_record(record) == []


def test_conllu_keeps_only_proper_name_mentions_and_counts_the_rest(tmp_path: Path) -> None:
    (record,), _ = _import(tmp_path, DOC)
    assert _ents(record) == [("Ana Silva", "PERSON"), ("Zürich", "GPE"), ("The Zürich Film Festival", "EVENT"), ("Monday", "DATE")]
    info = record["meta"]["import"]
    assert info["mentions"] == 8 and info["entities"] == 4
    assert info["dropped"] == {"not a name (head is not a proper noun)": 3, "inside or across a longer name": 1}
    assert info["entities"] + sum(info["dropped"].values()) == info["mentions"]


def test_conllu_concatenative_multiword_tokens_are_split_like_spacy(tmp_path: Path) -> None:
    (record,), _ = _import(tmp_path, DOC)
    assert [t["text"] for t in record["tokens"]][:5] == ["President", "Ana", "Silva", "'s", "team"]


def test_conllu_document_meta_comes_from_its_comments(tmp_path: Path) -> None:
    (record,), _ = _import(tmp_path, DOC)
    meta = record["meta"]
    assert (meta["title"], meta["url"], meta["date"], meta["doc_id"]) == ("Silva visits Zürich", "https://example.org/silva", "2020-01-02", "doc1")
    assert meta["source"] == f"{tmp_path.name}/doc.conllu"
    (again,), _ = _import(tmp_path, DOC)
    assert again["meta"]["id"] == meta["id"]


def test_conllu_without_text_comments_uses_space_after(tmp_path: Path) -> None:
    content = "\n".join([
        _row("1", "Hello", "INTJ", "UH", 0, "root", "SpaceAfter=No"),
        _row("2", ",", "PUNCT", ",", 1, "punct"),
        _row("3", "Lisbon", "PROPN", "NNP", 1, "vocative", "Entity=(1-place-new)|SpaceAfter=No"),
        _row("4", "!", "PUNCT", ".", 1, "punct"),
        "", "",
    ])
    (record,), _ = _import(tmp_path, content)
    assert record["text"] == "Hello, Lisbon!"
    assert _ents(record) == [("Lisbon", "GPE")]
    assert record["meta"]["doc_id"] is None and check_record(record) == []


def test_conllu_name_edge_inside_a_fused_token_is_dropped_and_counted(tmp_path: Path) -> None:
    content = "\n".join([
        "# text = Visit del Prado",
        _row("1", "Visit", "VERB", "VB", 0, "root"),
        "2-3\tdel\t_\t_\t_\t_\t_\t_\t_\t_",
        _row("2", "de", "ADP", "IN", 4, "case"),
        _row("3", "el", "DET", "DT", 4, "det", "Entity=(1-place-new"),
        _row("4", "Prado", "PROPN", "NNP", 1, "obl", "Entity=1)"),
        "", "",
    ])
    (record,), _ = _import(tmp_path, content)
    assert record["text"] == "Visit del Prado"
    assert [t["text"] for t in record["tokens"]] == ["Visit", "del", "Prado"]
    assert record["spans"] == []
    assert record["meta"]["import"]["dropped"] == {"edge inside a multiword token": 1}


def test_conllu_plural_person_names_are_norp_and_coordinations_are_not_names(tmp_path: Path) -> None:
    content = "\n".join([
        "# text = Afghans and Iranians",
        _row("1", "Afghans", "PROPN", "NNPS", 0, "root", "Entity=(1-person-new(2-person-new)"),
        _row("2", "and", "CCONJ", "CC", 3, "cc"),
        _row("3", "Iranians", "PROPN", "NNPS", 1, "conj", "Entity=(3-person-new)1)"),
        "", "",
    ])
    (record,), _ = _import(tmp_path, content)
    assert _ents(record) == [("Afghans", "NORP"), ("Iranians", "NORP")]
    assert record["meta"]["import"]["dropped"] == {"coordination of mentions (each is its own mention)": 1}


def test_conllu_unmapped_types_are_counted_and_settings_can_map_them(tmp_path: Path) -> None:
    content = "\n".join(["# text = Iodine", _row("1", "Iodine", "PROPN", "NNP", 0, "root", "Entity=(1-substance-new)"), "", ""])
    (record,), _ = _import(tmp_path, content)
    assert record["spans"] == [] and record["meta"]["import"]["dropped"] == {"type substance (no OntoNotes counterpart)": 1}
    (mapped,), _ = _import(tmp_path, content, labels={"substance": "PRODUCT"})
    assert _ents(mapped) == [("Iodine", "PRODUCT")]


def test_conllu_malformed_entity_brackets_reject_the_document(tmp_path: Path) -> None:
    broken = DOC.replace("Entity=5)", "Entity=9)")
    records, (reject,) = _import(tmp_path, broken)
    assert records == [] and reject.code == "E067" and "9)" in reject.reason


def test_conllu_tokens_that_disagree_with_the_text_reject_the_document(tmp_path: Path) -> None:
    records, (reject,) = _import(tmp_path, DOC.replace("# text = She said", "# text = He said"))
    assert records == [] and reject.code == "E066" and "'She'" in reject.reason


def test_conllu_bad_columns_reject_the_file(tmp_path: Path) -> None:
    records, (reject,) = _import(tmp_path, "1\tHello\thello\n\n")
    assert records == [] and reject.code == "E063" and ":1:" in reject.reason


def test_conllu_one_record_per_newdoc(tmp_path: Path) -> None:
    second = DOC.replace("doc1", "doc2")
    records, _ = _import(tmp_path, DOC + second)
    assert [r["meta"]["doc_id"] for r in records] == ["doc1", "doc2"]
    assert len({r["meta"]["id"] for r in records}) == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["(1-person)", "", "(2-place", "2)"], [Mention(0, 0, "1", "1-person", 1), Mention(2, 3, "2", "2-place", 3)]),
        (["(1-event(2-person", "2)", "1)"], [Mention(0, 2, "1", "1-event", 1), Mention(0, 1, "2", "2-person", 1)]),
        (["(5-time-x)4)"], None),  # 4) closes nothing
        (["(1-person"], None),  # never closed
        (["", ""], []),
    ],
)
def test_conllu_parse_entities(values: list[str], expected: list[Mention] | None) -> None:
    words = [(v, 1 if i < 2 else i + 1) for i, v in enumerate(values)]
    if expected is None:
        with pytest.raises(EntityError):
            parse_entities(words)
    else:
        assert parse_entities(words) == expected


def test_conllu_label_table_targets_are_entity_labels() -> None:
    assert {v for v in LABELS.values() if v is not None} <= set(load_registry().labels_of("entities"))


@needs_dev_data("gum-news")
@pytest.mark.devdata
def test_conllu_gum_news_counts_add_up() -> None:
    folder = DEV_DATA / "gum-news" / "conllu"
    files = sorted(folder.glob("*.conllu"))
    opened = 0  # mentions counted straight from the files: each "(" in an Entity= value opens one
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) == 10:
                opened += sum(item[len("Entity="):].count("(") for item in cols[9].split("|") if item.startswith("Entity="))
    items = list(read([folder], ImportOptions()))
    records = [i for i in items if isinstance(i, dict)]
    assert len(records) == len(items) == len(files)
    mentions = sum(r["meta"]["import"]["mentions"] for r in records)
    assert mentions == opened
    for r in records:
        info = r["meta"]["import"]
        assert info["entities"] + sum(info.get("dropped", {}).values()) + info.get("duplicate mentions stored once", 0) == info["mentions"]
        assert check_record(r) == []
    labels = Counter(s["label"] for r in records for s in r["spans"])
    assert labels["PERSON"] > 300 and labels["GPE"] > 150 and labels["ORG"] > 300
