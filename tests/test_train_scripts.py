"""The training jobs consume real exports: breaking the export breaks these."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import convert_paths
from corpus.export import ExportOptions, export
from corpus.pipeline import Annotator

from .conftest import ROOT
from .factories import article


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article annotated by the pipeline, plus articles the tests write."""
    seed = [r for r in convert_paths([ROOT / "seeds"]) if isinstance(r, dict)]
    annotated = [r for r in Annotator("entities")(seed) if isinstance(r, dict)]
    records: list[dict[str, Any]] = annotated + [article(i, polarity=("favor", "against")[i % 2]) for i in range(24)]
    out = tmp_path_factory.mktemp("export")
    export(records, out, ExportOptions(formats=("hf", "spacy"), test_size=0.25, validation_size=0.15, seed=0))
    return out


def _run(script: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", [script, *args])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(ROOT / "scripts" / script), run_name="__main__")
    assert exit_info.value.code == 0


def test_train_ner_trains_on_the_docbin_export(exported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _run("train_ner.py", [str(exported / "spacy"), "--max-steps", "20"], monkeypatch)
    out = capsys.readouterr().out
    assert "NER precision" in out and "F1" in out


def test_train_stance_trains_on_the_stances_config(exported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _run("train_stance.py", [str(exported / "hf")], monkeypatch)
    out = capsys.readouterr().out
    assert "favor" in out and "against" in out and "precision" in out
