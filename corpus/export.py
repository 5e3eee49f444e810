"""`corpus export`: split once, then write every requested format with that one assignment."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .jsonl import atomic_open, write_jsonl
from .record import paragraphs, slice_record
from .registry import load_registry
from .splits import SPLITS, SplitPlan, plan_splits

__all__ = ["ExportOptions", "export", "FORMATS"]

FORMATS = ("hf", "spacy", "conll", "prodigy")


@dataclass
class ExportOptions:
    formats: tuple[str, ...] = ("hf",)
    test_size: float = 0.1
    validation_size: float = 0.1
    seed: int = 0
    group_by: str = "article"
    near_duplicates: float | None = 0.8
    stratify: bool = False
    license: str = "other"
    name: str = "news-corpus"


@dataclass
class ExportResult:
    plan: SplitPlan
    records: int
    sizes: Counter[str]
    written: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _by_paragraph(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Each paragraph as a record; returns them and how many spans and relations crossed a break."""
    parts, lost = [], 0
    for rec in records:
        pieces = [slice_record(rec, a, b, suffix=f"-p{n}") for n, (a, b) in enumerate(paragraphs(rec["text"]))]
        parts.extend(pieces)
        kept = sum(len(p["spans"]) + len(p["relations"]) for p in pieces)
        lost += len(rec.get("spans", [])) + len(rec.get("relations", [])) - kept
    return parts, lost


def export(records: list[dict[str, Any]], out: Path, options: ExportOptions) -> ExportResult:
    """Write `out/splits.json` and each format under `out` (hf: the directory itself)."""
    warnings: list[str] = []
    if options.group_by == "paragraph":
        records, lost = _by_paragraph(records)
        warnings.append("paragraphs of one article share a source: test scores on these splits will be optimistic")
        if lost:
            warnings.append(f"{lost} spans or relations cross a paragraph break and are not in the paragraph records")
    plan = plan_splits(records, test_size=options.test_size, validation_size=options.validation_size, seed=options.seed,
                       group_by=options.group_by, near_duplicates=options.near_duplicates, stratify=options.stratify)
    warnings += plan.warnings
    result = ExportResult(plan=plan, records=len(records), sizes=plan.sizes(), warnings=warnings)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_open(out / "splits.json") as fh:
        json.dump(plan.to_json(options.seed, options.group_by, options.test_size, options.validation_size), fh, indent=1, sort_keys=True)
        fh.write("\n")
    split_records = {sp: [r for r in records if plan.split_of(r["meta"]["id"]) == sp] for sp in SPLITS}
    split_records = {sp: rs for sp, rs in split_records.items() if rs}
    for fmt in options.formats:
        if fmt == "hf":
            from .exporters.hf import write_hf

            info = write_hf(records, plan.split_of, out, lambda info: dataset_card(info, records, plan, options, warnings))
            result.counts = info["counts"]
            result.written["hf"] = out
        elif fmt == "spacy":
            from .exporters.spacy_docbin import write_docbin

            for sp, rs in split_records.items():
                write_docbin(rs, out / "spacy" / f"{sp}.spacy")
            result.written["spacy"] = out / "spacy"
        elif fmt == "conll":
            from .exporters.conll import write_conll

            for sp, rs in split_records.items():
                write_conll(rs, out / "conll" / f"{sp}.conll")
            result.written["conll"] = out / "conll"
        elif fmt == "prodigy":
            for sp, rs in split_records.items():
                write_jsonl(out / "prodigy" / f"{sp}.jsonl", rs)
            result.written["prodigy"] = out / "prodigy"
        else:
            from .errors import CorpusError

            raise CorpusError("E058", f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")
    return result


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def dataset_card(info: dict[str, Any], records: list[dict[str, Any]], plan: SplitPlan, options: ExportOptions, warnings: list[str]) -> str:
    """The dataset card: YAML (configs, features) then what the data is, how it was made, fields,
    split sizes and label counts, licence and limitations."""
    from .exporters.hf import CONFIGS, card_yaml, features

    splits: list[str] = info["splits"]
    counts: dict[str, dict[str, int]] = info["counts"]
    reg = load_registry()
    annotators = sorted({f"{layer}: {name}" for r in records for layer, name in (r["meta"].get("annotators") or {}).items()})
    sources = Counter(str(r["meta"].get("source", "?")).split("/")[0].split(":")[0] for r in records)
    parts = ["---", card_yaml(splits, counts).rstrip(), "---", "", f"# {options.name}", ""]
    parts += [
        "News articles with span annotations in four layers: named entities (OntoNotes labels), quotes with "
        "their cues and sources, stances (holder, polarity, target) and statistics (normalised value, unit, "
        "approximator, and the concept counted). Made with the news-corpus toolkit.",
        "",
        "```python",
        "from datasets import load_dataset",
        'docs = load_dataset("PATH/TO/THIS/DIR")          # config "documents"',
        'ner = load_dataset("PATH/TO/THIS/DIR", "ner")    # also: quotes, stances, statistics',
        "```",
        "",
        "## How it was made",
        "",
        "Articles were converted to records, parsed once by spaCy, annotated by rule-based components reading that parse, "
        "and validated against the record schema before export. Annotators and model:",
        "",
    ]
    parts += [f"- {a}" for a in annotators] or ["- none (records carry no machine annotations)"]
    parts += ["", f"Splits: grouped by `{options.group_by}`" + (", near-duplicates (MinHash, Jaccard >= "
              f"{options.near_duplicates}) merged into one group" if options.near_duplicates and options.group_by != "paragraph" else "")
              + f"; each group's split is fixed by a hash of (seed {options.seed}, group), so no group is in two splits and "
              "adding articles does not move the ones already assigned. The assignment of every article is in `splits.json`.", ""]
    parts += ["## Configs and fields", ""]
    for config in CONFIGS:
        feats = features(config)
        parts.append(f"- `{config}`: " + ", ".join(f"`{k}`" for k in feats))
    parts += ["", "Offsets are Python string indices (code points) into the article text, end exclusive."]
    empty = [f"`{c}` has no rows in {', '.join(sp for sp in splits if not counts[c][sp])}" for c in CONFIGS if not all(counts[c][sp] for sp in splits)]
    if empty:
        parts += ["A split with no rows cannot be loaded by `datasets`, so it is left out of its config (and a config with no rows "
                  "at all is left out of the card): " + "; ".join(empty) + "."]
    parts += [""]
    parts += ["## Split sizes", "", _table(["config"] + splits, [[c] + [counts[c][sp] for sp in splits] for c in CONFIGS]), ""]
    label_rows = []
    for layer, labels in reg.layers.items():
        for label in labels:
            row = [info["labels"][sp].get(label, 0) for sp in splits]
            if any(row):
                label_rows.append([layer, label] + row)
    parts += ["## Label counts", "", _table(["layer", "label"] + splits, label_rows) if label_rows else "No spans.", ""]
    parts += ["## Sources and licence", "", f"Licence of this export: `{options.license}`. The texts keep the licences of their sources:", ""]
    parts += [_table(["source", "articles"], [[s, n] for s, n in sorted(sources.items())]), ""]
    parts += ["## Limitations", "",
              "- The annotations are machine-made by rules over a small English model; they are a first draft for review, not gold.",
              "- Stances and quote sources are only annotated where the rules are confident; recall is lower than precision by design.",
              "- `ner` sentences come from a rule-based sentencizer plus line breaks; whitespace tokens are left out of its rows."]
    parts += [f"- {w}" for w in warnings]
    return "\n".join(parts) + "\n"
