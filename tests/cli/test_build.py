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
    splits = json.loads((out / "splits.json").read_text(encoding="utf-8"))
    assert len(splits["articles"]) == 7
    assert (out / "hf" / "README.md").read_text(encoding="utf-8").startswith("---\n")
    assert sorted(p.name for p in (out / "hf").iterdir()) == ["README.md", "data"]
    assert "dataset:" in result.output


def _story(folder: Path, i: int) -> None:
    city = ["Lima", "Oslo", "Accra", "Porto", "Manila", "Bergen", "Quito", "Dakar"][i % 8]
    (folder / f"story{i:02d}.txt").write_text(
        f"{city.upper()}\nThe council of {city} voted {i} times on Monday to fund {i + 3} new schools in district {i}.\n", encoding="utf-8")


def test_build_rebuild_keeps_every_split_and_writes_format_siblings(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(12):
        _story(articles, i)
    out = tmp_path / "build"
    args = ["build", str(articles), "-o", str(out), "--workers", "1", "--layers", "entities", "--format", "hf,conll,prodigy"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert {"hf", "conll", "prodigy", "splits.json", "records.jsonl", "annotated.jsonl"} <= {p.name for p in out.iterdir()}
    before = {a: v["split"] for a, v in json.loads((out / "splits.json").read_text(encoding="utf-8"))["articles"].items()}
    for i in range(12, 30):
        _story(articles, i)
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    after = {a: v["split"] for a, v in json.loads((out / "splits.json").read_text(encoding="utf-8"))["articles"].items()}
    assert len(after) == 30
    assert {a: after[a] for a in before} == before


def test_build_refuses_a_folder_that_is_not_ours(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(3):
        _story(articles, i)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "records.jsonl").write_text("precious\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(articles), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 1
    assert "E101" in result.output and "Traceback" not in result.output
    assert (out / "records.jsonl").read_text(encoding="utf-8") == "precious\n"
    assert [p.name for p in out.iterdir()] == ["records.jsonl"]


def test_build_missing_input_is_one_coded_line_and_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(tmp_path / "nosuch.csv"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "E090" in result.output and "nosuch.csv" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_build_takes_convert_presets_and_field_options(tmp_path: Path) -> None:
    rows = ["url,date,title,text"]
    for i in range(5):
        rows.append(f'https://example.org/{i},2024-05-0{i + 1},Council vote {i},"The council of Lima voted on Monday to fund {i + 3} new schools."')
    csv = tmp_path / "news.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", str(csv), "-o", str(out), "--workers", "1", "--layers", "entities", "--preset", "wikinews"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["title"] for r in records] == [f"Council vote {i}" for i in range(5)]
    assert records[0]["meta"]["url"] == "https://example.org/0"
    bad = CliRunner().invoke(app, ["build", str(csv), "-o", str(tmp_path / "b2"), "--preset", "nosuch"])
    assert bad.exit_code == 2 and "unknown preset" in bad.output


def test_build_stances_rules_keeps_the_permissive_rule_layer(tmp_path: Path) -> None:
    """The shipped stance model is CC BY-NC-SA; `--stances rules` builds with the rule layer only,
    and a bad model folder is refused before any work."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(10):
        _story(articles, i)
    out = tmp_path / "build"
    result = CliRunner().invoke(app, ["build", str(articles), "-o", str(out), "--workers", "1", "--stances", "rules"])
    assert result.exit_code == 0, result.output
    annotated = [json.loads(line) for line in (out / "annotated.jsonl").read_text(encoding="utf-8").splitlines()]
    assert annotated and all(r["meta"]["annotators"]["stances"].startswith("stances.v1/") for r in annotated)
    bad = CliRunner().invoke(app, ["build", str(articles), "-o", str(tmp_path / "other"), "--stances-model", str(tmp_path / "nowhere")])
    assert bad.exit_code == 1 and "E150" in bad.output and not (tmp_path / "other").exists()
