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

__all__ = ["Example", "featurize", "train", "choose_decision", "systems", "score", "prf", "write_model", "DEFAULT_C", "DEFAULT_THRESHOLD"]

DEFAULT_C = 0.3  # inverse L2 strength of the logistic regression (tried 0.3 and 1.0: see the card)
DEFAULT_THRESHOLD = 0.07  # the least favor/against probability when no decision was chosen (positives are ~1.5% of pairs)


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

    annotator = Annotator("entities,quotes", model=model or MODEL, stances="rules")  # no stance model is read: training must work when none loads
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


# The decisions tried on inner folds: a least probability per polarity, at most 2 stances per
# sentence and holder, at most N per sentence and at most M per holder and polarity in a document
# (0: any number).
DECISION_GRID: tuple[dict[str, Any], ...] = tuple(
    {"thresholds": {"favor": f, "against": a}, "per_holder": 2, "per_sentence": n, "per_holder_doc": m}
    for f in (0.04, 0.05, 0.06) for a in (0.04, 0.05, 0.06) for n in (0, 2) for m in (0, 5, 8))
INNER_FOLDS = 3
GATE_KEEP = 0.80  # the share of training stances the gate lets through (0.85 before the salience features: as fast, and as good on the tuning folds)


def train(examples: Sequence[Example], *, c: float = DEFAULT_C, threshold: float | None = None, meta: dict[str, Any] | None = None,
          gate_keep: float | None = GATE_KEEP) -> Any:
    """A `StanceModel` fitted on the examples' candidates; no gold stance among them is a coded error.
    Its decision (thresholds per polarity, stances per sentence and holder) is `threshold` for
    both polarities when given, else the one of `DECISION_GRID` that scores best on grouped inner
    folds of the examples (the rule stances plus the model's, as `stances_v2` writes them). With
    `gate_keep`, a gate is fitted too: pairs it scores below the cutoff that keeps that share of
    the training stances are never built (see `annotators.stances_model.Gate`)."""
    counts = Counter(y for ex in examples for y in ex.labels)
    if not examples or counts["favor"] + counts["against"] == 0:
        cause = ("no record holds gold stances (STANCE spans with HOLDER and TARGET relations, or meta.gold_stances)" if not examples
                 else f"none of the {sum(counts.values())} candidate pairs of {len(examples)} records matches a gold stance's holder and target names")
        raise CorpusError("E153", CODES["E153"].format(cause=cause))
    if threshold is not None:
        decision: dict[str, Any] = {"threshold": threshold, "thresholds": None, "per_holder": 0}
        tried = None
    else:
        decision, tried = choose_decision(examples, c)
    model = _fit(examples, c, {**(meta or {}), **decision, "C": c,
                               "training": {"records": len(examples), "candidates": sum(counts.values()), "labels": dict(counts),
                                            "gold_stances": sum(len(ex.gold) for ex in examples)}})
    if tried is not None:
        model.meta["decision_tuning"] = tried
    if gate_keep and counts["none"]:  # a gate needs pairs of both kinds to learn from
        from annotators.stances_train import fit_gate

        model.gate, share = fit_gate([r for ex in examples for r in ex.rows], [y for ex in examples for y in ex.labels], c=c, keep=gate_keep)
        model.meta["gate"] = {"keeps_stances": gate_keep, "keeps_pairs": round(share, 4)}
    return model


def _fit(examples: Sequence[Example], c: float, meta: dict[str, Any]) -> Any:
    from annotators.stances_train import fit

    return fit([r for ex in examples for r in ex.rows], [y for ex in examples for y in ex.labels], c=c, meta=meta)


def choose_decision(examples: Sequence[Example], c: float, k: int = INNER_FOLDS) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The decision of `DECISION_GRID` with the best mean of triplet and holder+polarity F1 over
    `k` grouped folds of `examples` (the model refit on each k-1), and what was tried;
    `DEFAULT_THRESHOLD` for both polarities when there are fewer than `k` groups or a fold has no
    stance to learn from."""
    default = {"threshold": DEFAULT_THRESHOLD, "thresholds": None, "per_holder": 0}
    groups = sorted({ex.group for ex in examples})
    if len(groups) < k:
        return default, None
    tally = [[0, 0, 0, 0] for _ in DECISION_GRID]
    for f in range(k):
        held = set(groups[f::k])
        part = [ex for ex in examples if ex.group not in held]
        if not any(y != "none" for ex in part for y in ex.labels):
            return default, None
        model = _fit(part, c, {"threshold": DEFAULT_THRESHOLD})
        for ex in examples:
            if ex.group not in held:
                continue
            cands = candidates_of(ex)
            probs = model.scores(cands) if cands else None
            for d, t in zip(DECISION_GRID, tally):
                for i, v in enumerate(score(ex.gold, systems(model, ex, cands=cands, probs=probs, decision=d)["combined"])):
                    t[i] += v

    def f1(tp: int, n_pred: int, n_gold: int) -> float:
        return prf(tp, n_pred, n_gold)["f1"]

    means = [(f1(t[0], t[2], t[3]) + f1(t[1], t[2], t[3])) / 2 for t in tally]
    best = max(range(len(DECISION_GRID)), key=lambda i: (means[i], -i))
    return {"threshold": DEFAULT_THRESHOLD, **DECISION_GRID[best]}, {"folds": k, "grid": len(DECISION_GRID), "best_mean_f1": round(means[best], 4)}


Triplet = tuple[Any, ...]


def candidates_of(example: Example) -> list[Any]:
    """The example's candidates as the model scores them (names and features; no spans)."""
    from annotators.stances_model import Candidate

    return [Candidate(k[0], None, k[1], (0, 0), k[2], 0, list(r)) for k, r in zip(example.keys, example.rows)]


def systems(model: Any, example: Example, threshold: float | None = None, *, cands: list[Any] | None = None,
            probs: Any = None, decision: dict[str, Any] | None = None) -> dict[str, list[Triplet]]:
    """The (holder, polarity, target) names each system writes for one example: the rules, the
    model, and combined (every rule stance plus the model's on the pairs the rules left), as
    `stances_v2` writes them."""
    from annotators.stances_model import _norm, predict

    cands = candidates_of(example) if cands is None else cands
    if model.gate is not None:  # the pairs the component would never build
        keep = [i for i, c in enumerate(cands) if model.gate.keeps(c.features)]
        if probs is not None:
            probs = probs[keep]
        cands = [cands[i] for i in keep]
    learned = predict(model, cands, threshold, probs=probs, decision=decision)
    ruled = {(tuple(s), _norm(h), _norm(t)) for s, h, _, t in example.rules}
    rules = [(h, p, t) for _, h, p, t in example.rules]
    extra = [(p.candidate.holder_name, p.polarity, p.candidate.target_name) for p in predict(model, cands, threshold, probs=probs, decision=decision, skip=ruled)]
    return {"rules": rules, "model": [(p.candidate.holder_name, p.polarity, p.candidate.target_name) for p in learned], "combined": rules + extra}


def score(gold: Sequence[Triplet], pred: Sequence[Triplet]) -> tuple[int, int, int, int]:
    """(triplet matches, holder+polarity matches, predicted, gold) for one record, as `corpus evaluate` pairs them."""
    from .evaluate import _norm, _pair, _same_entity, _same_stance_holder

    g = [(_norm(h), p, _norm(t)) for h, p, t in gold]
    p = [(_norm(h), pol, _norm(t)) for h, pol, t in pred]
    trip = _pair(g, p, lambda a, b: a[1] == b[1] and _same_stance_holder(a[0], b[0]) and _same_entity(a[2], b[2]))
    hp = _pair(g, p, lambda a, b: a[1] == b[1] and _same_stance_holder(a[0], b[0]))
    return len(trip), len(hp), len(p), len(g)


def prf(tp: float, n_pred: float, n_gold: float) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def predicted(model: Any, example: Example, threshold: float | None = None) -> list[tuple[str | None, str, str | None]]:
    """The (holder, polarity, target) names the model writes for one example (as the component does)."""
    return systems(model, example, threshold)["model"]


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


def _decision_text(meta: dict[str, Any]) -> str:
    t = meta.get("thresholds") or {}
    n = int(meta.get("per_holder") or 0)
    how = (f"chosen on {meta['decision_tuning']['folds']} grouped inner folds of the training data" if meta.get("decision_tuning")
           else "as given at training time")
    per_sentence, per_doc = int(meta.get("per_sentence") or 0), int(meta.get("per_holder_doc") or 0)
    return (f"favor when its probability is at least {t.get('favor', meta.get('threshold'))}, against at least "
            f"{t.get('against', meta.get('threshold'))}; one stance per sentence, holder and target"
            + (f", at most {n} per sentence and holder" if n else "")
            + (f", at most {per_sentence} per sentence" if per_sentence else "")
            + (f", at most {per_doc} per holder and polarity in an article" if per_doc else "") + f" ({how})")


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
        f"- decision: {_decision_text(model.meta)}",
        f"- features kept: {len(model.features)}",
        "",
        "## What it does",
        "Scores every (holder, target) pair of a sentence: holders are named agents, quote sources (also",
        "of the two sentences before) and the author; targets are named entities and noun chunks. Features:",
        "the dependency path between the two, cue words of the rule lexicon on it and in the sentence,",
        "whether the target is inside a quote of the holder, negation and hedges on the path, the rule",
        "layer's own verdict (stances.v1), holder and target kinds, how often each is named in the article and",
        "its rank among the article's names by mentions.",
        "A gate (a second, binary logistic regression over the holder's, the target's and the sentence's own",
        "features) skips the pairs it scores below a cutoff before their path is built: "
        + (f"it keeps {model.meta['gate']['keeps_stances']:.0%} of the training stances and {model.meta['gate']['keeps_pairs']:.0%} of the training pairs."
           if model.meta.get("gate") else "this model has none."),
        "",
        "## Figures",
        figures or "Not measured at training time: `python scripts/evaluate_stances.py --kfold 5` gives grouped k-fold figures on SEESAW.",
        "",
    ]
    return "\n".join(lines)
