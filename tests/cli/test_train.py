"""`corpus train stances` on a few records made here: the review loop from gold stances back to annotation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.cli import app
from corpus.record import new_record

SENTENCES = [
    "Governor Helen Marsh sharply criticized Mayor Lena Fischer on Tuesday.",
    "Senator Paul Ortega praised the new stadium plan.",
    "Germany supports the new climate agreement.",
    "France rejected the proposal of the commission.",
    "Angela Merkel praised Emmanuel Macron's leadership.",
    "Senator Paul Ortega attacked Governor Helen Marsh on Friday.",
]


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Records whose stances a reviewer accepted (made here by the rule layer), and one with
    sentence-level gold as `corpus import seesaw` writes it."""
    from corpus.pipeline import Annotator

    annotator = Annotator("all", stances="rules")
    records: list[dict[str, Any]] = [r for r in annotator([new_record(s, source=f"t{i}") for i, s in enumerate(SENTENCES)]) if isinstance(r, dict)]
    assert sum(1 for r in records for s in r["spans"] if s["label"] == "STANCE") >= 5
    text = "Mayor Lena Fischer condemned the toll road.\nShe welcomed the new tram line."
    seesaw = new_record(text, source="s", sentences=[[0, 43], [44, len(text)]], gold_stances=[
        {"sentence": 0, "holder": "Lena Fischer", "polarity": "against", "target": "toll road"},
        {"sentence": 1, "holder": "Lena Fischer", "polarity": "favor", "target": "new tram line"},
    ])
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records + [seesaw]), encoding="utf-8")
    return path


def test_train_stances_writes_a_model_that_annotate_uses(gold_file: Path, tmp_path: Path) -> None:
    from annotators.stances_model import StanceModel
    from corpus.pipeline import Annotator
    from corpus.validate import check_record

    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["train", "stances", str(gold_file), "-o", str(out), "--licence", "CC0-1.0"])
    assert result.exit_code == 0, result.output
    model = StanceModel.from_disk(out)
    assert model.meta["training"]["records"] == len(SENTENCES) + 1
    assert model.meta["training"]["labels"]["favor"] > 0 and model.meta["training"]["labels"]["against"] > 0
    assert "CC0-1.0" in (out / "README.md").read_text(encoding="utf-8")
    (record,) = Annotator("entities,quotes,stances", stances_model=str(out))([new_record(SENTENCES[1], source="x")])
    assert check_record(record) == []
    # retraining into the same folder is allowed: it is a model this command wrote
    again = CliRunner().invoke(app, ["train", "stances", str(gold_file), "-o", str(out)])
    assert again.exit_code == 0, again.output


def test_train_stances_without_gold_stances_is_a_coded_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps(new_record("Germany supports the new climate agreement.", source="p")) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "stances", str(plain), "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "E153" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m").exists()


def test_train_stances_refuses_a_folder_it_did_not_write(gold_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "stances", str(gold_file), "-o", str(out)])
    assert result.exit_code == 1 and "E154" in result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me" and not (out / "model.json").exists()


def test_annotate_with_a_broken_model_folder_is_a_coded_error(tmp_path: Path) -> None:
    from corpus.errors import CorpusError
    from corpus.pipeline import Annotator

    (tmp_path / "model.json").write_text(json.dumps({"format": "news-corpus/stances-model", "format_version": 0}), encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        Annotator("entities,stances", stances_model=str(tmp_path))
    assert info.value.code == "E152"


def test_annotate_cli_switches_between_model_and_rules(gold_file: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(new_record(SENTENCES[2], source="in")) + "\n", encoding="utf-8")
    model = tmp_path / "model"
    assert CliRunner().invoke(app, ["train", "stances", str(gold_file), "-o", str(model), "--name", "tiny"]).exit_code == 0
    seen = {}
    for args, want in ((["--stances", "rules"], "stances.v1/"), (["--stances-model", str(model)], "stances.v2+tiny/"), ([], "stances.v2+seesaw-dev/")):
        out = tmp_path / f"out{len(seen)}.jsonl"
        result = CliRunner().invoke(app, ["annotate", str(src), "-o", str(out), "--workers", "1", *args])
        assert result.exit_code == 0, result.output
        (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert record["meta"]["annotators"]["stances"].startswith(want)
        seen[want] = record
    broken = CliRunner().invoke(app, ["annotate", str(src), "-o", str(tmp_path / "x.jsonl"), "--stances-model", str(tmp_path / "nowhere")])
    assert broken.exit_code == 1 and "E150" in broken.output and not (tmp_path / "x.jsonl").exists()
