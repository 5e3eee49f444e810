"""Training the stance model from records: parse once, label candidates, fit, write model and card.

`corpus train stances` and `scripts/evaluate_stances.py` (grouped k-fold) share these steps, so the
figures a card reports come from the code that trains the model users get.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CODES, CorpusError

__all__ = ["Example", "featurize", "train", "write_model", "DEFAULT_C", "DEFAULT_THRESHOLD"]

DEFAULT_C = 0.3  # inverse L2 strength of the logistic regression (tried 0.3 and 1.0: see the card)
DEFAULT_THRESHOLD = 0.07  # a stance is written when favor or against scores at least this (positives are ~1.5% of pairs)


@dataclass
class Example:
    """One record's candidates (features and gold class) and its gold triplets (for scoring)."""

    id: str
    group: str  # the story (SEESAW) or the record itself: what grouped folds keep together
    rows: list[list[str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    keys: list[tuple[Any, ...]] = field(default_factory=list)  # (sentence, holder name, target name) per row
    gold: list[tuple[str | None, str, str | None]] = field(default_factory=list)
    rules: list[tuple[Any, ...]] = field(default_factory=list)  # (sentence, holder, polarity, target) of the rule layer


def featurize(records: Iterable[dict[str, Any]], *, model: str | None = None, require_gold: bool = True) -> Iterator[Example]:
    """Parse each record with the entities and quotes layers and yield its labelled candidates;
    records without gold stances are skipped when `require_gold`."""
    from annotators.stances import StanceAnnotator
    from annotators.stances_model import _Lexicon, candidates, rule_stances
    from annotators.stances_train import gold_stances, label

    from .evaluate import _same_entity
    from .pipeline import MODEL, Annotator

    annotator = Annotator("entities,quotes", model=model or MODEL)
    rules = StanceAnnotator(annotator.nlp, "stances_rules")
    lexicon = _Lexicon(rules)

    def with_gold() -> Iterator[tuple[dict[str, Any], list[Any]]]:
        for rec in records:
            gold = gold_stances(rec)
            if gold or not require_gold:
                yield rec, gold

    pairs = with_gold()
    while True:
        batch = [p for _, p in zip(range(16), pairs)]
        if not batch:
            break
        for (rec, gold), doc in zip(batch, annotator.nlp.pipe([r["text"] for r, _ in batch])):
            found = rules.extract(doc)
            cands = candidates(doc, rules, lexicon, found)
            meta = rec.get("meta") or {}
            ex = Example(str(meta.get("id")), str(meta.get("story") or meta.get("id")))
            ex.rows = [c.features for c in cands]
            ex.labels = label(doc, cands, gold, _same_entity)
            ex.keys = [(c.sentence, c.holder_name, c.target_name) for c in cands]
            ex.gold = [(g.holder, g.polarity, g.target) for g in gold]
            ex.rules = [(sent, holder, st.polarity, target) for st, sent, holder, target in rule_stances(doc, found)]
            listed = meta.get("gold_stances")
            if isinstance(listed, list):  # score against every gold triplet, placed or not
                ex.gold = [(t.get("holder"), str(t.get("polarity")), t.get("target")) for t in listed if isinstance(t, dict)]
            yield ex


def train(examples: Sequence[Example], *, c: float = DEFAULT_C, threshold: float = DEFAULT_THRESHOLD, meta: dict[str, Any] | None = None) -> Any:
    """A `StanceModel` fitted on the examples' candidates; no gold stance among them is a coded error."""
    from annotators.stances_train import fit

    counts = Counter(y for ex in examples for y in ex.labels)
    if not examples or counts["favor"] + counts["against"] == 0:
        cause = ("no record holds gold stances (STANCE spans with HOLDER and TARGET relations, or meta.gold_stances)" if not examples
                 else f"none of the {sum(counts.values())} candidate pairs of {len(examples)} records matches a gold stance's holder and target names")
        raise CorpusError("E153", CODES["E153"].format(cause=cause))
    model = fit([r for ex in examples for r in ex.rows], [y for ex in examples for y in ex.labels], c=c,
                meta={**(meta or {}), "threshold": threshold, "C": c,
                      "training": {"records": len(examples), "candidates": sum(counts.values()), "labels": dict(counts),
                                   "gold_stances": sum(len(ex.gold) for ex in examples)}})
    return model


def predicted(model: Any, example: Example, threshold: float | None = None) -> list[tuple[str | None, str, str | None]]:
    """The (holder, polarity, target) names the model writes for one example (as the component does)."""
    from annotators.stances_model import Candidate, predict

    cands = [Candidate(k[0], None, k[1], (0, 0), k[2], 0, list(r)) for k, r in zip(example.keys, example.rows)]
    return [(p.candidate.holder_name, p.polarity, p.candidate.target_name) for p in predict(model, cands, threshold)]


def write_model(model: Any, folder: Path, card: str) -> None:
    """Write the model and its card into `folder`, refusing a folder that holds anything else."""
    from annotators.stances_model import CARD, WEIGHTS

    if folder.exists():
        if not folder.is_dir():
            raise CorpusError("E154", CODES["E154"].format(path=folder))
        others = {p.name for p in folder.iterdir()} - {WEIGHTS, CARD}
        if others or (any(folder.iterdir()) and not (folder / WEIGHTS).is_file()):
            raise CorpusError("E154", CODES["E154"].format(path=folder))
    model.to_disk(folder, card=card)


def model_card(model: Any, *, sources: Sequence[str], licence: str, figures: str | None = None) -> str:
    """The model card: what it was trained on and under which licence, its features, its figures."""
    from annotators.stances_model import FORMAT, FORMAT_VERSION

    t = model.meta.get("training", {})
    today = _dt.date.today().isoformat()
    lines = [
        f"# Stance model: {model.meta.get('name', 'stances')}",
        "",
        f"- format: `{FORMAT}` version {FORMAT_VERSION} (plain JSON weights in `model.json`, scored with numpy; no pickle)",
        f"- trained: {today} with `corpus train stances` (scikit-learn LogisticRegression, multinomial, L2, C={model.meta.get('C')})",
        f"- training data: {', '.join(sources)}: {t.get('records')} records, {t.get('gold_stances')} gold stances, "
        f"{t.get('candidates')} candidate pairs ({t.get('labels')})",
        f"- licence of the model: {licence} (a model trained on data carries the data's licence terms)",
        f"- decision: favor or against when its probability is at least {model.meta.get('threshold')}; one stance per sentence, holder and target",
        f"- features kept: {len(model.features)}",
        "",
        "## What it does",
        "Scores every (holder, target) pair of a sentence: holders are named agents, quote sources (also",
        "of the two sentences before) and the author; targets are named entities and noun chunks. Features:",
        "the dependency path between the two, cue words of the rule lexicon on it and in the sentence,",
        "whether the target is inside a quote of the holder, negation and hedges on the path, the rule",
        "layer's own verdict (stances.v1), holder and target kinds, how often each is named in the article.",
        "",
        "## Figures",
        figures or "Not measured at training time: `python scripts/evaluate_stances.py --kfold 5` gives grouped k-fold figures on SEESAW.",
        "",
    ]
    return "\n".join(lines)
