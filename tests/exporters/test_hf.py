from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from corpus.export import ExportOptions, export
from corpus.exporters.hf import CONFIGS, features

from ..factories import article


def _corpus(n: int = 30) -> list[dict[str, Any]]:
    return [article(i, polarity=("favor", "against", "neutral")[i % 3]) for i in range(n)]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_hf_every_config_loads_with_its_declared_features(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    result = export(_corpus(), tmp_path, ExportOptions(test_size=0.2, validation_size=0.2, seed=1))
    assert set(result.sizes) == {"train", "validation", "test"}
    for config in CONFIGS:
        ds = datasets.load_dataset(str(tmp_path), config)
        assert set(ds) == {"train", "validation", "test"}, config
        for split in ds.values():
            assert split.features == features(config), config
    default = datasets.load_dataset(str(tmp_path))
    assert default["train"].features == features("documents")
    ner = datasets.load_dataset(str(tmp_path), "ner")["train"]
    tag_names = ner.features["ner_tags"].feature.names
    first_sentences = [r for r in ner if r["sentence"] == 0]
    assert first_sentences
    for row in first_sentences:  # "Maria LopezN supports the new dam planN ."
        assert row["tokens"][0] == "Maria"
        assert [tag_names[t] for t in row["ner_tags"]][:3] == ["B-PERSON", "I-PERSON", "O"]
    stances = datasets.load_dataset(str(tmp_path), "stances")["train"]
    assert stances.features["polarity"].names == ["favor", "against", "neutral"]
    assert all(r["article_id"] for r in stances)


def test_hf_rows_carry_article_ids_of_their_split(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    result = export(_corpus(), tmp_path, ExportOptions(seed=4))
    for config in CONFIGS[1:]:
        for split, ds in datasets.load_dataset(str(tmp_path), config).items():
            assert {result.plan.split_of(a) for a in ds["article_id"]} == {split}


def test_hf_same_input_same_bytes(tmp_path: Path) -> None:
    records = _corpus()
    options = ExportOptions(formats=("hf", "spacy", "conll", "prodigy"), seed=9)
    export(records, tmp_path / "a", options)
    export(records, tmp_path / "b", options)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_hf_split_without_a_label_or_attribute_still_loads(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    records = _corpus(12)
    for rec in records[:6]:  # half the articles lose their statistic's unit attribute and their dates
        for span in rec["spans"]:
            if span["label"] == "STATISTIC":
                span["attrs"].pop("unit")
        rec["spans"] = [s for s in rec["spans"] if s["label"] != "DATE"]
    export(records, tmp_path, ExportOptions(seed=2))
    stats = datasets.load_dataset(str(tmp_path), "statistics")
    assert any(u is None for split in stats.values() for u in split["unit"])
    docs = datasets.load_dataset(str(tmp_path), "documents")
    assert sum(len(split) for split in docs.values()) == 12


def test_hf_card_declares_configs_and_tables(tmp_path: Path) -> None:
    export(_corpus(), tmp_path, ExportOptions(seed=1))
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nconfigs:\n")
    for config in CONFIGS:
        assert f"config_name: {config}" in card
    assert "## Split sizes" in card and "## Label counts" in card and "## Limitations" in card
    assert "class_label" in card


def test_hf_paragraph_grouping_keeps_spans_inside_paragraphs(tmp_path: Path) -> None:
    result = export([article(1)], tmp_path, ExportOptions(group_by="paragraph", test_size=0.5, validation_size=0.0))
    assert result.records == 2
    assert any("share a source" in w for w in result.warnings)
    assert not any("cross a paragraph" in w for w in result.warnings)


def test_hf_export_streams_from_a_reader_and_matches_the_list(tmp_path: Path) -> None:
    from corpus.jsonl import read_jsonl, write_jsonl

    records = _corpus(20)
    write_jsonl(tmp_path / "in.jsonl", records)
    options = ExportOptions(formats=("hf", "spacy", "conll", "prodigy"), seed=5)
    export(records, tmp_path / "from_list", options)
    export(lambda: read_jsonl(tmp_path / "in.jsonl"), tmp_path / "from_file", options)
    assert _digest(tmp_path / "from_list") == _digest(tmp_path / "from_file")


def test_hf_a_failing_export_leaves_the_previous_files(tmp_path: Path) -> None:
    records = _corpus(12)
    export(records, tmp_path, ExportOptions(formats=("hf", "conll"), seed=1))
    before = _digest(tmp_path)

    def broken() -> Any:
        yield from records[:6]
        raise RuntimeError("disk gone")

    calls = iter([records, broken()])  # the first pass sees everything, the second breaks mid-way
    with pytest.raises(RuntimeError):
        export(lambda: next(calls), tmp_path, ExportOptions(formats=("hf", "conll"), seed=1))
    assert {k: v for k, v in _digest(tmp_path).items() if k != "splits.json"} == {k: v for k, v in before.items() if k != "splits.json"}
    assert not [p for p in tmp_path.rglob("*.tmp")]
