"""`corpus export`: split once, then write every requested format with that one assignment."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .jsonl import atomic_open, dumps
from .record import paragraphs, slice_record
from .registry import load_registry
from .splits import SPLITS, SplitPlan, plan_from_sketches, sketch

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


Source = Union[Sequence[dict[str, Any]], Callable[[], Iterable[dict[str, Any]]]]


class _TextWriter:
    """One text file per split (CoNLL documents or Prodigy JSONL), each written atomically."""

    def __init__(self, folder: Path, suffix: str, render: Callable[[dict[str, Any]], str]) -> None:
        self.folder, self.suffix, self.render = folder, suffix, render
        self._files = contextlib.ExitStack()
        self._handles: dict[str, Any] = {}

    def add(self, record: dict[str, Any], split: str) -> None:
        fh = self._handles.get(split)
        if fh is None:
            fh = self._handles[split] = self._files.enter_context(atomic_open(self.folder / f"{split}{self.suffix}"))
        fh.write(self.render(record))

    def close(self) -> None:
        self._files.close()

    def abort(self) -> None:
        self._files.__exit__(RuntimeError, RuntimeError("export aborted"), None)


def _records(source: Source, group_by: str, lost: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """The records to export, read afresh on every call; with paragraph grouping each paragraph is
    a record, and the spans and relations crossing a paragraph break are counted into `lost`."""
    records = source() if callable(source) else source
    for rec in records:
        if group_by != "paragraph":
            yield rec
            continue
        pieces = [slice_record(rec, a, b, suffix=f"-p{n}") for n, (a, b) in enumerate(paragraphs(rec["text"]))]
        if lost is not None:
            kept = sum(len(p["spans"]) + len(p["relations"]) for p in pieces)
            lost[0] += len(rec.get("spans", [])) + len(rec.get("relations", [])) - kept
        yield from pieces


def export(records: Source, out: Path, options: ExportOptions) -> ExportResult:
    """Write `out/splits.json` and each format under `out` (hf: the directory itself).

    Two passes over `records` (a list, or a function that reads them afresh, e.g. from a file):
    the first sketches every article and decides the splits, the second streams each record into
    every format, so memory holds sketches, not the corpus.
    """
    from .errors import CorpusError

    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise CorpusError("E058", f"unknown format {', '.join(map(repr, unknown))}; known formats: {', '.join(FORMATS)}")
    warnings: list[str] = []
    lost = [0]
    near = bool(options.near_duplicates)
    sketches = []
    annotators: set[str] = set()
    sources: Counter[str] = Counter()
    for rec in _records(records, options.group_by, lost):
        sketches.append(sketch(rec, options.group_by, near_duplicates=near))
        annotators.update(f"{layer}: {name}" for layer, name in (rec["meta"].get("annotators") or {}).items())
        sources[str(rec["meta"].get("source", "?")).split("/")[0].split(":")[0]] += 1
    if options.group_by == "paragraph":
        warnings.append("paragraphs of one article share a source: test scores on these splits will be optimistic")
        if lost[0]:
            warnings.append(f"{lost[0]} spans or relations cross a paragraph break and are not in the paragraph records")
    plan = plan_from_sketches(sketches, test_size=options.test_size, validation_size=options.validation_size, seed=options.seed,
                              group_by=options.group_by, near_duplicates=options.near_duplicates, stratify=options.stratify)
    warnings += plan.warnings
    sizes = plan.sizes()
    result = ExportResult(plan=plan, records=len(sketches), sizes=sizes, warnings=warnings)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_open(out / "splits.json") as fh:
        json.dump(plan.to_json(options.seed, options.group_by, options.test_size, options.validation_size), fh, indent=1, sort_keys=True)
        fh.write("\n")

    writers: dict[str, Any] = {}
    for fmt in options.formats:
        if fmt == "hf":
            from .exporters.hf import HFWriter

            writers[fmt] = HFWriter(out)
        elif fmt == "spacy":
            from .exporters.spacy_docbin import DocBinWriter

            writers[fmt] = DocBinWriter(out / "spacy")
        elif fmt == "conll":
            from .exporters.conll import conll_document

            writers[fmt] = _TextWriter(out / "conll", ".conll", conll_document)
        elif fmt == "prodigy":
            writers[fmt] = _TextWriter(out / "prodigy", ".jsonl", lambda r: dumps(r) + "\n")
    try:
        for rec in _records(records, options.group_by):
            split = plan.split_of(rec["meta"]["id"])
            for writer in writers.values():
                writer.add(rec, split)
    except BaseException:
        for writer in writers.values():  # no half-written file replaces a good one
            writer.abort()
        raise
    splits = [sp for sp in SPLITS if sizes.get(sp)]
    for fmt, writer in writers.items():
        if fmt == "hf":
            info = writer.close(splits, lambda info: dataset_card(info, annotators, sources, options, warnings))
            result.counts = info["counts"]
            result.written["hf"] = out
        else:
            writer.close()
            result.written[fmt] = out / fmt
    return result


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def dataset_card(info: dict[str, Any], annotators_seen: set[str], sources: Counter[str], options: ExportOptions, warnings: list[str]) -> str:
    """The dataset card: YAML (configs, features) then what the data is, how it was made, fields,
    split sizes and label counts, licence and limitations."""
    from .exporters.hf import CONFIGS, card_yaml, features

    splits: list[str] = info["splits"]
    counts: dict[str, dict[str, int]] = info["counts"]
    reg = load_registry()
    annotators = sorted(annotators_seen)
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
