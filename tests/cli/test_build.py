from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from corpus.cli import app

from ..conftest import SEED


def test_build_converts_annotates_validates_and_exports(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(SEED, articles / SEED.name)
    for i, city in enumerate(["Lima", "Oslo", "Accra", "Porto", "Manila", "Bergen"]):
        (articles / f"story{i}.txt").write_text(
            f"{city.upper()}\nThe mayor of {city}, Ana Ruiz{i}, said on Monday that 1,{i}00 homes were flooded.\n"
            f"“We will rebuild,” Ruiz{i} told reporters.\n",
            encoding="utf-8",
        )
    (articles / "notes.docx").write_bytes(b"PK\x03\x04")  # an unknown format: rejected, not lost
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", str(articles), "-o", str(out), "--workers", "1", "--test-size", "0.2", "--validation-size", "0.2"])
    assert result.exit_code == 0, result.output
    annotated = [json.loads(line) for line in (out / "annotated.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(annotated) == 7
    assert all(set(r["meta"]["annotators"]) == {"entities", "statistics", "quotes", "stances"} for r in annotated)
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["stage"], r["code"]) for r in rejects] == [("convert", "E052")]
    splits = json.loads((out / "hf" / "splits.json").read_text(encoding="utf-8"))
    assert len(splits["articles"]) == 7
    assert (out / "hf" / "README.md").read_text(encoding="utf-8").startswith("---\nconfigs:")
    assert "dataset:" in result.output
