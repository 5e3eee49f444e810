"""Training the stance model: gold stances from records, labelled candidates, a scikit-learn fit.

Gold comes in two forms, both sentence-level (holder, polarity, target) by name: `meta.gold_stances`
with `meta.sentences` (the SEESAW importer), or STANCE spans with HOLDER and TARGET relations (a
reviewed file merged back). A candidate is labelled with the polarity of a gold stance of its
sentence whose holder and target it names (names compared as the evaluator compares them), else
none. The fit is a multinomial logistic regression over one-hot features (`DictVectorizer`); the
weights leave scikit-learn as plain arrays for `StanceModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc

from .stances_model import CLASSES, Candidate, Gate, StanceModel, _norm, _same, gate_feature

__all__ = ["Gold", "gold_stances", "label", "fit", "fit_gate"]

# SEESAW's placeholder for a holder or target outside the article's entity list: it names nobody.
_UNLISTED = "not in the list"
POLARITIES = ("favor", "against")


@dataclass(frozen=True)
class Gold:
    """A gold stance: the character range of its sentence, holder (None: the author), polarity, target."""

    start: int
    end: int
    holder: str | None
    polarity: str
    target: str


def gold_stances(record: dict[str, Any]) -> list[Gold]:
    """The favor/against stances a record holds as gold (see the module docstring); [] when none."""
    meta = record.get("meta") or {}
    out: list[Gold] = []
    listed = meta.get("gold_stances")
    sentences = meta.get("sentences")
    if isinstance(listed, list) and isinstance(sentences, list):
        for t in listed:
            if not isinstance(t, dict) or t.get("polarity") not in POLARITIES:
                continue
            k = t.get("sentence")
            if not isinstance(k, int) or not 0 <= k < len(sentences):
                continue
            holder, target = t.get("holder"), t.get("target")
            if not target or _norm(target) == _UNLISTED or holder and _norm(holder) == _UNLISTED:
                continue
            lo, hi = sentences[k]
            out.append(Gold(int(lo), int(hi), holder or None, t["polarity"], str(target)))
        return out
    text = record.get("text") or ""
    rels: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
    for r in record.get("relations") or []:
        h = r.get("head_span") or {}
        if h.get("label") == "STANCE":
            rels.setdefault((h["start"], h["end"]), {})[r.get("label", "")] = r.get("child_span") or {}
    for s in record.get("spans") or []:
        pol = (s.get("attrs") or {}).get("polarity")
        if s.get("label") != "STANCE" or pol not in POLARITIES:
            continue
        r = rels.get((s["start"], s["end"]), {})
        target = _name(r.get("TARGET"), text)
        if target is None:
            continue
        out.append(Gold(s["start"], s["end"], _name(r.get("HOLDER"), text), pol, target))
    return out


def _name(span: dict[str, Any] | None, text: str) -> str | None:
    if not span:
        return None
    return str((span.get("attrs") or {}).get("name") or text[span["start"]:span["end"]])


def label(doc: Doc, cands: Sequence[Candidate], gold: Sequence[Gold], same: Callable[[str | None, str | None], bool] = _same) -> list[str]:
    """The class of each candidate: the polarity of a gold stance of its sentence that names its
    holder (the author for None) and target (`same` names, lower-cased as the evaluation matches
    them), else none."""
    out = []
    for c in cands:
        lo, hi = doc[c.sentence[0]].idx, doc[c.sentence[1] - 1].idx + len(doc[c.sentence[1] - 1])
        found = "none"
        for g in gold:
            if not (g.start < hi and lo < g.end):
                continue
            same_holder = g.holder is None and c.holder_name is None or same(_norm(g.holder), _norm(c.holder_name))
            if same_holder and same(_norm(g.target), _norm(c.target_name)):
                found = g.polarity
                break
        out.append(found)
    return out


def fit(rows: Sequence[Sequence[str]], labels: Sequence[str], c: float = 0.3, min_count: int = 2, meta: dict[str, Any] | None = None) -> StanceModel:
    """A multinomial logistic regression over the rows' features (those seen at least
    `min_count` times); features whose weights are all ~0 are dropped from the saved model."""
    from collections import Counter

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for row in rows for f in set(row))
    keep = {f for f, n in counts.items() if n >= min_count}
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1.0 for f in row if f in keep} for row in rows])
    y = np.array(list(labels))
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, y)
    order = [list(clf.classes_).index(k) if k in clf.classes_ else None for k in CLASSES]
    names = list(vec.get_feature_names_out())
    coef = np.zeros((len(names), len(CLASSES)))
    intercept = np.full(len(CLASSES), -30.0)  # a class never seen in training is never predicted
    if len(clf.classes_) == 2:  # a binary fit has one row of weights: the second class against the first
        w, b = clf.coef_[0], clf.intercept_[0]
        j0, j1 = order.index(0), order.index(1)
        coef[:, j1], intercept[j1], intercept[j0] = w, b, 0.0
    else:
        for j, k in enumerate(order):
            if k is not None:
                coef[:, j] = clf.coef_[k]
                intercept[j] = clf.intercept_[k]
    used = np.abs(coef).max(axis=1) > 1e-5
    feats = [f for f, u in zip(names, used) if u]
    return StanceModel(feats, coef[used], intercept, CLASSES, meta)


def fit_gate(rows: Sequence[Sequence[str]], labels: Sequence[str], c: float = 0.3, keep: float = 0.99, min_count: int = 2) -> tuple[Gate, float]:
    """A logistic regression of stance against none over the pairs' one-side features (see
    `gate_feature`), and the cutoff that keeps the share `keep` of the training stances; with the
    share of all training pairs it keeps."""
    from collections import Counter

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    sides = [{f for f in row if gate_feature(f)} for row in rows]
    counts = Counter(f for side in sides for f in side)
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1.0 for f in side if counts[f] >= min_count} for side in sides])
    y = np.array([lab != "none" for lab in labels])
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, y)
    scores = clf.decision_function(x)
    cutoff = float(np.quantile(scores[y], 1.0 - keep))
    weights = {f: float(w) for f, w in zip(vec.get_feature_names_out(), clf.coef_[0]) if abs(w) > 1e-6}
    return Gate(weights, float(clf.intercept_[0]), cutoff), float((scores >= cutoff).mean())
