from __future__ import annotations

import hashlib
import os
import subprocess
import json
from pathlib import Path
from typing import Any

import datasets
import pytest
from huggingface_hub import DatasetCard

from corpus.errors import CorpusError
from corpus.export import MANIFEST, ExportOptions, export
from corpus.exporters.hf import CONFIGS, features
from corpus.jsonl import Line

from ..conftest import DEV_DATA, needs_dev_data
from ..factories import article


def _corpus(n: int = 30, start: int = 0) -> list[dict[str, Any]]:
    return [article(i, polarity=("favor", "against", "neutral")[i % 3]) for i in range(start, start + n)]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _load(folder: Path, config: str, cache: Path) -> Any:
    return datasets.load_dataset(str(folder), config, cache_dir=str(cache))


def test_hf_every_config_loads_with_its_declared_features(tmp_path: Path) -> None:
    result = export(_corpus(), tmp_path / "out", ExportOptions(test_size=0.2, validation_size=0.2, seed=1))
    hf = tmp_path / "out" / "hf"
    assert set(result.sizes) == {"train", "validation", "test"}
    for config in CONFIGS:
        ds = _load(hf, config, tmp_path / "cache")
        assert set(ds) == {"train", "validation", "test"}, config
        for split in ds.values():
            assert split.features == features(config), config
    default = datasets.load_dataset(str(hf), cache_dir=str(tmp_path / "cache"))
    assert default["train"].features == features("documents")
    ner = _load(hf, "ner", tmp_path / "cache")["train"]
    tag_names = ner.features["ner_tags"].feature.names  # what transformers' run_ner.py reads
    first_sentences = [r for r in ner if r["sentence"] == 0]
    assert first_sentences
    for row in first_sentences:  # "Maria LopezN supports the new dam planN ."
        assert row["tokens"][0] == "Maria"
        assert [tag_names[t] for t in row["ner_tags"]][:3] == ["B-PERSON", "I-PERSON", "O"]
    stances = _load(hf, "stances", tmp_path / "cache")["train"]
    assert stances.features["polarity"].names == ["favor", "against", "neutral"]
    assert all(r["article_id"] for r in stances)


def test_hf_folder_holds_only_what_the_hub_needs_and_formats_are_siblings(tmp_path: Path) -> None:
    export(_corpus(12), tmp_path, ExportOptions(formats=("hf", "spacy", "conll", "prodigy"), seed=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["hf", "spacy", "conll", "prodigy", "splits.json", MANIFEST])
    assert sorted(p.name for p in (tmp_path / "hf").iterdir()) == ["README.md", "data"]
    assert all(p.suffix == ".parquet" for p in (tmp_path / "hf" / "data").rglob("*") if p.is_file())


def test_hf_two_exports_and_a_rebuild_load_their_own_rows_from_one_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a, b = tmp_path / "a", tmp_path / "b"
    # the same number of rows in every config and split: only the files' contents tell them apart
    export(_corpus(12), a, ExportOptions(seed=0))
    export(_corpus(12, start=100), b, ExportOptions(seed=0))
    ids_a = {r["meta"]["id"] for r in _corpus(12)}
    ids_b = {r["meta"]["id"] for r in _corpus(12, start=100)}
    for folder, ids in ((a, ids_a), (b, ids_b)):  # both dataset folders are called `hf`
        docs = _load(folder / "hf", "documents", cache)
        assert {i for split in docs.values() for i in split["id"]} == ids
    export(_corpus(12, start=200), a, ExportOptions(seed=0, overwrite=True, resplit=True))  # rebuild in place
    docs = _load(a / "hf", "documents", cache)
    assert {i for split in docs.values() for i in split["id"]} == {r["meta"]["id"] for r in _corpus(12, start=200)}


def test_hf_rows_carry_article_ids_of_their_split(tmp_path: Path) -> None:
    result = export(_corpus(), tmp_path, ExportOptions(seed=4))
    for config in CONFIGS[1:]:
        for split, ds in _load(tmp_path / "hf", config, tmp_path / "cache").items():
            assert {result.plan.split_of(a) for a in ds["article_id"]} == {split}


def test_hf_same_input_same_bytes(tmp_path: Path) -> None:
    records = _corpus()
    options = ExportOptions(formats=("hf", "spacy", "conll", "prodigy"), seed=9)
    export(records, tmp_path / "a", options)
    export(records, tmp_path / "b", options)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")


def test_hf_split_without_a_label_or_attribute_still_loads(tmp_path: Path) -> None:
    records = _corpus(12)
    for rec in records[:6]:  # half the articles lose their statistic's unit attribute and their dates
        for span in rec["spans"]:
            if span["label"] == "STATISTIC":
                span["attrs"].pop("unit")
        rec["spans"] = [s for s in rec["spans"] if s["label"] != "DATE"]
    export(records, tmp_path, ExportOptions(seed=2))
    stats = _load(tmp_path / "hf", "statistics", tmp_path / "cache")
    assert any(u is None for split in stats.values() for u in split["unit"])
    docs = _load(tmp_path / "hf", "documents", tmp_path / "cache")
    assert sum(len(split) for split in docs.values()) == 12


def test_hf_a_config_without_rows_in_a_split_is_left_out_and_the_card_says_so(tmp_path: Path) -> None:
    records = _corpus(20)
    result = export(records, tmp_path, ExportOptions(seed=3, stratify=False))
    test_ids = {a for a in result.plan.group_of if result.plan.split_of(a) == "test"}
    for rec in records:  # the test articles lose their stances: `stances` has no test rows
        if rec["meta"]["id"] in test_ids:
            rec["spans"] = [s for s in rec["spans"] if s["label"] not in ("STANCE", "TARGET")]
            rec["relations"] = [r for r in rec["relations"] if r["head_span"]["label"] != "STANCE"]
    export(records, tmp_path, ExportOptions(seed=3, overwrite=True))
    stances = _load(tmp_path / "hf", "stances", tmp_path / "cache")
    assert set(stances) == {"train", "validation"}
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    assert "`stances` has no rows in test" in card


def test_hf_card_is_ready_for_the_hub(tmp_path: Path) -> None:
    result = export(_corpus(), tmp_path, ExportOptions(seed=1, license="cc-by-4.0", name="Lima news"))
    card = DatasetCard.load(tmp_path / "hf" / "README.md")
    data = card.data
    assert data.license == "cc-by-4.0"
    assert data.language == ["en"]
    assert data.pretty_name == "Lima news"
    assert "token-classification" in data.task_categories and data.task_ids == ["named-entity-recognition"]
    assert data.size_categories == ["n<1K"]
    assert data.annotations_creators == ["machine-generated"]
    assert data.source_datasets == ["original"]
    infos = {i["config_name"]: i for i in data.dataset_info}
    assert {s["name"]: s["num_examples"] for s in infos["documents"]["splits"]} == {k: v for k, v in result.sizes.items()}
    assert {c["config_name"] for c in data.configs} == set(CONFIGS)
    assert "@software{news_corpus" in card.text
    assert "## Label shares per split" in card.text and "STANCE:favor" in card.text


def test_hf_card_takes_the_licence_of_known_sources(tmp_path: Path) -> None:
    records = _corpus(12)
    for i, rec in enumerate(records):
        rec["meta"]["url"] = f"https://en.wikinews.org/wiki/Story_{i}"
    export(records, tmp_path / "wn", ExportOptions(seed=1))
    assert DatasetCard.load(tmp_path / "wn" / "hf" / "README.md").data.license == "cc-by-2.5"
    records[0]["meta"]["url"] = "https://example.org/a"
    export(records, tmp_path / "mixed", ExportOptions(seed=1))
    assert DatasetCard.load(tmp_path / "mixed" / "hf" / "README.md").data.license == "other"


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


def test_hf_a_failing_export_leaves_the_earlier_export_whole(tmp_path: Path) -> None:
    records = _corpus(12)
    export(records, tmp_path, ExportOptions(formats=("hf", "conll"), seed=1))
    before = _digest(tmp_path)

    def broken() -> Any:
        yield from records[:6]
        raise RuntimeError("disk gone")

    calls = iter([records + _corpus(4, start=50), broken()])  # the first pass sees everything, the second breaks mid-way
    with pytest.raises(RuntimeError):
        export(lambda: next(calls), tmp_path, ExportOptions(formats=("hf", "conll"), seed=1, overwrite=True))
    assert _digest(tmp_path) == before  # splits.json included
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["hf", "conll", "splits.json", MANIFEST])


def test_hf_refuses_a_folder_that_is_not_ours_and_touches_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("my notes\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        export(_corpus(12), tmp_path, ExportOptions(seed=1, overwrite=True))
    assert info.value.code == "E101"
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_hf_replaces_an_earlier_export_only_when_asked_and_never_a_user_file(tmp_path: Path) -> None:
    export(_corpus(12), tmp_path, ExportOptions(formats=("hf", "conll"), seed=1))
    with pytest.raises(CorpusError) as info:
        export(_corpus(12), tmp_path, ExportOptions(seed=1))
    assert info.value.code == "E102"
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")  # beside the export: left alone
    export(_corpus(14), tmp_path, ExportOptions(formats=("hf",), seed=1, overwrite=True))
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "conll").exists()  # the earlier export's conll is ours and is retired with it
    (tmp_path / "hf" / "mine.md").write_text("mine\n", encoding="utf-8")  # inside a folder we would replace
    before = _digest(tmp_path)
    with pytest.raises(CorpusError) as info:
        export(_corpus(14), tmp_path, ExportOptions(seed=1, overwrite=True))
    assert info.value.code == "E101" and "mine.md" in info.value.message
    assert _digest(tmp_path) == before


def _broken_records() -> list[Any]:
    records = _corpus(12)
    records[2]["spans"][0]["start"] = -1  # negative offset
    records[4]["spans"][0]["label"] = "VILLAIN"  # unknown label
    records[6]["relations"][0]["child_span"] = dict(records[6]["relations"][0]["child_span"], start=0, end=1)  # missing span
    records.append(json.loads(json.dumps(records[0])))  # a duplicate id
    return [Line(("in.jsonl", n, r)) for n, r in enumerate(records, start=1)]


def test_hf_invalid_records_stop_the_export_with_their_lines(tmp_path: Path) -> None:
    lines = _broken_records()
    with pytest.raises(CorpusError) as info:
        export(lines, tmp_path / "out", ExportOptions(seed=1))
    assert info.value.code == "E100"
    listed = info.value.message.splitlines()[1:]
    assert [line.split(":")[1] for line in listed] == ["3", "5", "7", "13"]
    assert listed[0] == f"in.jsonl:3: {lines[2].record['meta']['id']}: E010"  # the schema forbids a negative offset
    assert listed[3].endswith(": E011")
    assert not (tmp_path / "out").exists()


def test_hf_skip_invalid_exports_the_rest_and_writes_rejects(tmp_path: Path) -> None:
    lines = _broken_records()
    result = export(lines, tmp_path / "out", ExportOptions(seed=1, skip_invalid=True))
    assert result.invalid == 4 and result.records == 9
    rejects = [json.loads(line) for line in (tmp_path / "out" / "export.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in rejects] == ["in.jsonl:3", "in.jsonl:5", "in.jsonl:7", "in.jsonl:13"]
    assert all(r["problems"] and r["record"] for r in rejects)
    docs = _load(tmp_path / "out" / "hf", "documents", tmp_path / "cache")
    assert sum(len(s) for s in docs.values()) == 9
    # the rejects are ours, named in the manifest: a clean re-export retires them with the rest
    export([line.record for line in lines if line.lineno in (1, 2, 4)] + _corpus(9, start=40), tmp_path / "out", ExportOptions(seed=1, overwrite=True))
    assert not (tmp_path / "out" / "export.rejects.jsonl").exists()


def test_hf_card_writes_value_lists_as_sequences_and_struct_lists_as_lists(tmp_path: Path) -> None:
    # `datasets` 3.x reads `list:` of a ClassLabel as a plain Python list (no `.feature`), and
    # `sequence:` of a struct as a struct of lists: each needs its own form
    export(_corpus(12), tmp_path, ExportOptions(seed=1))
    infos = {i["config_name"]: i["features"] for i in DatasetCard.load(tmp_path / "hf" / "README.md").data.dataset_info}
    ner = {f["name"]: f for f in infos["ner"]}
    assert "class_label" in ner["ner_tags"]["sequence"] and ner["tokens"]["sequence"] == "string"
    docs = {f["name"]: f for f in infos["documents"]}
    assert isinstance(docs["spans"]["list"], list) and "sequence" not in docs["spans"]


COMPAT_PYTHON = os.environ.get("DATASETS_COMPAT_PYTHON")


@pytest.mark.skipif(not COMPAT_PYTHON, reason="set DATASETS_COMPAT_PYTHON to a python with another datasets version (e.g. 3.0 or 3.6)")
def test_hf_loads_the_same_with_another_datasets_version(tmp_path: Path) -> None:
    export(_corpus(12), tmp_path, ExportOptions(seed=1))
    script = (
        "import sys, json, datasets\n"
        "ner = datasets.load_dataset(sys.argv[1], 'ner', cache_dir=sys.argv[2])['train']\n"
        "docs = datasets.load_dataset(sys.argv[1], 'documents', cache_dir=sys.argv[2])['train']\n"
        "print(json.dumps({'names': ner.features['ner_tags'].feature.names, 'rows': ner.num_rows, 'span': docs[0]['spans'][0]}))\n"
    )
    done = subprocess.run([str(COMPAT_PYTHON), "-c", script, str(tmp_path / "hf"), str(tmp_path / "cache-other")],
                          capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    ner = _load(tmp_path / "hf", "ner", tmp_path / "cache")["train"]
    docs = _load(tmp_path / "hf", "documents", tmp_path / "cache")["train"]
    assert theirs == {"names": ner.features["ner_tags"].feature.names, "rows": ner.num_rows, "span": docs[0]["spans"][0]}


def test_hf_an_export_killed_mid_swap_is_rolled_back_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os as os_module

    import corpus.export as export_module

    export(_corpus(12), tmp_path, ExportOptions(formats=("hf", "conll"), seed=1))
    before = _digest(tmp_path)
    real_replace = os_module.replace
    calls = {"n": 0}

    def dying_replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the earlier conll is moved away and the new one is in; then the process dies
            raise KeyboardInterrupt  # BaseException, like a kill: the rollback in _swap_in still runs
        real_replace(src, dst)

    monkeypatch.setattr(export_module.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        export(_corpus(14), tmp_path, ExportOptions(formats=("hf", "conll"), seed=1, overwrite=True))
    monkeypatch.setattr(export_module.os, "replace", real_replace)
    assert {k: v for k, v in _digest(tmp_path).items() if k != MANIFEST} == {k: v for k, v in before.items() if k != MANIFEST}
    # a crash that skips the rollback leaves a .replaced- folder: the next run puts the earlier items back
    replaced = tmp_path / ".replaced-dead"
    replaced.mkdir()
    real_replace(tmp_path / "conll", replaced / "conll")
    export_module._clean_leftovers(tmp_path)
    assert {k: v for k, v in _digest(tmp_path).items() if k != MANIFEST} == {k: v for k, v in before.items() if k != MANIFEST}
    export(_corpus(14), tmp_path, ExportOptions(formats=("hf", "conll"), seed=1, overwrite=True))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@needs_dev_data("wikinews")
@pytest.mark.devdata
def test_hf_wikinews_grows_12_40_all_without_moving_an_article_and_sizes_hold(tmp_path: Path) -> None:
    from corpus.converters import ConvertOptions, convert_paths

    files = sorted((DEV_DATA / "wikinews").glob("*.csv"))
    records = [r for r in convert_paths(files, ConvertOptions(preset="wikinews")) if isinstance(r, dict)]
    assert len(records) >= 40
    out = tmp_path / "build"
    before: dict[str, str] = {}
    for n in (12, 40, len(records)):
        result = export(records[:n], out, ExportOptions(seed=0, overwrite=True))
        after = {a: v["split"] for a, v in json.loads((out / "splits.json").read_text(encoding="utf-8"))["articles"].items()}
        assert {a: after[a] for a in before} == before
        for split, share in (("test", 0.1), ("validation", 0.1)):
            assert abs(result.sizes[split] - round(share * n)) <= 1
        before = after
    stratified = export(records[:40], tmp_path / "strat", ExportOptions(seed=0, stratify=True))
    assert stratified.sizes["test"] == 4 and stratified.sizes["validation"] == 4


def test_hf_documents_config_carries_every_registry_attribute() -> None:
    """A span attribute the registry allows but the `documents` config has no column for would be
    dropped from every exported record without a word."""
    from corpus.exporters.hf import features
    from corpus.exporters.views import ATTR_FIELDS
    from corpus.registry import load_registry

    registry_attrs = {attr for per_label in load_registry().attrs.values() for attr in per_label}
    span_columns = set(features("documents")["spans"].feature)
    assert registry_attrs <= set(ATTR_FIELDS)
    assert registry_attrs <= span_columns
