"""The dataset card of a Hugging Face export, built with `huggingface_hub`'s `DatasetCard` and
`DatasetCardData`, so the Hub reads its licence, language, tasks, sizes, configs and features."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..registry import load_registry
from ..splits import SPLITS

__all__ = ["Provenance", "dataset_card", "licence_of", "size_category"]

# licences of sources whose whole content is under one licence, by web host
KNOWN_LICENCES = {"wikinews.org": "cc-by-2.5"}

CITATION = """@software{news_corpus,
  title = {news-corpus: span-annotated NLP training data from news articles},
  note = {Entities, quotes with cues and sources, stances and statistics, machine-annotated with spaCy},
  version = {%s}
}"""


@dataclass
class Provenance:
    """What the card says about where the records came from, gathered while they are read."""

    annotators: set[str] = field(default_factory=set)
    sources: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    hosts: Counter[str] = field(default_factory=Counter)

    def add(self, record: dict[str, Any]) -> None:
        from urllib.parse import urlsplit

        meta = record["meta"]
        self.annotators.update(f"{layer}: {name}" for layer, name in (meta.get("annotators") or {}).items())
        self.sources[str(meta.get("source", "?")).split("/")[0].split(":")[0]] += 1
        self.languages[str(meta.get("language") or "und")] += 1
        host = urlsplit(str(meta.get("url") or "")).hostname or ""
        self.hosts[next((known for known in KNOWN_LICENCES if host == known or host.endswith("." + known)), host)] += 1


def licence_of(asked: str | None, provenance: Provenance) -> str:
    """The licence asked for, else the one licence all sources share when we know it, else `other`."""
    if asked:
        return asked
    licences = {KNOWN_LICENCES.get(host) for host in provenance.hosts}
    return licences.pop() or "other" if len(licences) == 1 else "other"


def size_category(n: int) -> str:
    """The Hub's size bucket for `n` examples."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("news-corpus")
    except PackageNotFoundError:
        return "unknown"


def dataset_card(info: dict[str, Any], provenance: Provenance, options: Any, result: Any) -> str:
    """The card: YAML metadata (licence, language, tasks, sizes, configs, features, split sizes),
    then how the data was made, the splits asked and got, label shares per layer, licence, limits."""
    from huggingface_hub import DatasetCard, DatasetCardData

    from .hf import CONFIGS, card_metadata, features

    splits: list[str] = info["splits"]
    counts: dict[str, dict[str, int]] = info["counts"]
    configs, infos = card_metadata(info["files"], counts, info["bytes"])
    licence = licence_of(options.license, provenance)
    languages = sorted(provenance.languages) or ["en"]
    data = DatasetCardData(
        license=licence,
        language=languages,
        pretty_name=options.name,
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition"],
        size_categories=[size_category(result.records)],
        annotations_creators=["machine-generated"],
        language_creators=["found"],
        multilinguality=["monolingual" if len(languages) == 1 else "multilingual"],
        source_datasets=["original"],
        configs=configs,
        dataset_info=infos,
    )
    plan = result.plan
    parts = [f"# {options.name}", ""]
    parts += [
        "News articles with span annotations in four layers: named entities (OntoNotes labels), quotes with "
        "their cues and sources, stances (holder, polarity, target) and statistics (normalised value, unit, "
        "approximator, and the concept counted). Made with the news-corpus toolkit.",
        "",
        "```python",
        "from datasets import load_dataset",
        'docs = load_dataset("PATH/TO/THIS/DIR")          # config "documents"',
        'ner = load_dataset("PATH/TO/THIS/DIR", "ner")    # also: quotes, stances, statistics',
        'ner.push_to_hub("USER/NAME", "ner")             # or upload this folder as it is',
        "```",
        "",
        "## How it was made",
        "",
        "Articles were converted to records, parsed once by spaCy, annotated by rule-based components reading that parse, "
        "and validated against the record schema before export. Annotators and model versions (from `meta.annotators`):",
        "",
    ]
    parts += [f"- {a}" for a in sorted(provenance.annotators)] or ["- none (records carry no machine annotations)"]
    near = options.near_duplicates and options.group_by != "paragraph"
    parts += ["", "## Splits", "",
              f"Grouped by `{options.group_by}`; no group is in two splits, and every config uses the same assignment. "
              + (f"Near-duplicates (MinHash LSH candidates with estimated Jaccard >= {options.near_duplicates}) join one group: "
                 f"{plan.near_duplicate_merges} articles joined another's group. " if near else "")
              + f"Groups are taken in the order of a hash of (seed {options.seed}, group) and fill test, then validation, up to "
              "the sizes asked; a group is never cut. Once an article has a split it keeps it: a later export into this folder, "
              "or with `--splits-from`, reuses `splits.json` and only new articles fill the splits."
              + (" Stratified: each next group is the one, among the next 64 in hash order, that best fills the split's share of "
                 "every label and class value, so label shares match across splits." if options.stratify else ""),
              ""]
    got = plan.sizes()
    parts += [_table(["split", "asked", "got"], [[sp, plan.asked.get(sp, 0), got.get(sp, 0)] for sp in SPLITS]), ""]
    parts += [f"- {d}" for d in plan.deviations()]
    if plan.kept:
        parts += [f"- {plan.kept} articles kept their split from an earlier plan."]
    parts += ["", "## Configs and fields", ""]
    for config in CONFIGS:
        parts.append(f"- `{config}`: " + ", ".join(f"`{k}`" for k in features(config)))
    parts += ["", "Offsets are Python string indices (code points) into the article text, end exclusive."]
    empty = [f"`{c}` has no rows in {', '.join(sp for sp in splits if not counts[c][sp])}" for c in CONFIGS if not all(counts[c][sp] for sp in splits)]
    if empty:
        parts += ["", "Empty splits: `datasets` cannot load a split with no rows (it reports that the split \"corresponds to no data\"), "
                  "so such a split is left out of its config, and a config with no rows at all is left out of the card: "
                  + "; ".join(empty) + "."]
    parts += ["", "## Rows per config and split", "", _table(["config"] + splits, [[c] + [counts[c][sp] for sp in splits] for c in CONFIGS]), ""]
    parts += ["## Label shares per split", "",
              "For each layer, a label's share of that layer's spans in each split; `LABEL:value` rows give a class value's share "
              "among the spans of its label (e.g. `STANCE:favor` among stances).", ""]
    reg = load_registry()
    for layer in reg.layers:
        rows = result.shares.get(layer, {})
        if not rows:
            parts += [f"{layer}: no spans.", ""]
            continue
        parts += [f"### {layer}", "", _table(["label"] + splits, [[k] + [f"{v.get(sp, 0.0):.1%}" for sp in splits] for k, v in rows.items()]), ""]
    parts += ["## Sources and licence", "", f"Licence of this export: `{licence}`. The texts keep the licences of their sources:", ""]
    parts += [_table(["source", "articles"], [[s, n] for s, n in sorted(provenance.sources.items())]), ""]
    parts += ["## Limitations", "",
              "- The annotations are machine-made by rules over a small English model; they are a first draft for review, not gold.",
              "- Stances and quote sources are only annotated where the rules are confident; recall is lower than precision by design.",
              "- `ner` sentences come from a rule-based sentencizer plus line breaks; whitespace tokens are left out of its rows."]
    parts += [f"- {w}" for w in result.warnings]
    parts += ["", "## Citation", "", "```bibtex", CITATION % _version(), "```", ""]
    card = DatasetCard("---\n" + data.to_yaml() + "\n---\n\n" + "\n".join(parts))
    return str(card)
