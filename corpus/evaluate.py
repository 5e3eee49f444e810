"""Scores of predicted records against gold records, per layer and label.

Spans are compared by character offsets, so gold and prediction may be tokenized differently.
Exact match: same start, end and label. Overlap match: same label and the shared characters are at
least half of each span, paired one-to-one. Layer-specific scores follow DESIGN.md: quotes (source
and cue accuracy on matched quotes, direct quotes), statistics (value, value+unit, approximator),
stances (holder-polarity-target triplets and holder+polarity pairs).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import CorpusError
from .registry import load_registry

__all__ = ["evaluate", "Score", "overlaps", "LABEL_MAPS"]

Span = dict[str, Any]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, n_pred: int, n_gold: int) -> None:
        self.tp += tp
        self.fp += n_pred - tp
        self.fn += n_gold - tp

    def as_dict(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        if self.tp + self.fp + self.fn == 0:  # nothing to find and nothing found: perfect
            p = r = f = 1.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def overlaps(a: Span, b: Span) -> bool:
    """The overlap criterion: shared characters are at least half of each span."""
    shared = min(a["end"], b["end"]) - max(a["start"], b["start"])
    return shared > 0 and 2 * shared >= a["end"] - a["start"] and 2 * shared >= b["end"] - b["start"]


def _pair(gold: Sequence[Any], pred: Sequence[Any], same: Callable[[Any, Any], bool]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) under `same`, greedily in text order."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in used and same(g, p):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def _conll_map() -> dict[str, str | None]:
    try:
        from .importers.conll import ONTONOTES_TO_CONLL
    except ImportError as exc:  # pragma: no cover - the importer ships with the package
        raise CorpusError("E056", "the conll label map needs corpus.importers.conll") from exc
    return dict(ONTONOTES_TO_CONLL)


LABEL_MAPS: dict[str, Callable[[], dict[str, str | None]]] = {"conll": _conll_map}


def _relations_from(record: dict[str, Any]) -> dict[tuple[int, int, str], dict[str, Span]]:
    """For each head span, its related spans by relation label."""
    out: dict[tuple[int, int, str], dict[str, Span]] = defaultdict(dict)
    for rel in record.get("relations", []):
        h = rel["head_span"]
        out[(h["start"], h["end"], h["label"])][rel["label"]] = rel["child_span"]
    return out


def _key(span: Span) -> tuple[int, int, str]:
    return (span["start"], span["end"], span["label"])


def _name(span: Span | None, text: str) -> str | None:
    if span is None:
        return None
    name = (span.get("attrs") or {}).get("name") or text[span["start"]:span["end"]]
    return " ".join(str(name).lower().split())


# Words that do not tell one name from another: honorifics and titles, articles.
_NAME_NOISE = frozenset("the mr mr. mrs mrs. ms ms. dr dr. sen sen. rep rep. gov gov. president senator representative governor".split())


# Punctuation that a source's span carries around its words ("Jane Roe, 59, of Leeds").
_NAME_EDGES = ".,;:!?\"'“”‘’()[]"


def _name_words(name: str) -> set[str]:
    """The words of a name, lower-cased, without possessives, titles, a plural -s or the
    punctuation around them ("Sen. Ted Cruz's" -> {ted, cruz}; "Republicans" -> {republican};
    "Jane Roe, 59," -> {jane, roe, 59})."""
    words = set()
    for w in name.replace("’s", "").replace("'s", "").split():
        if w in _NAME_NOISE or (w := w.strip(_NAME_EDGES)) in _NAME_NOISE or not w:
            continue
        words.add(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return words


def _same_name(a: str | None, b: str | None) -> bool:
    """Names agree when equal or when one's words are all among the other's ("trump" ~ "donald
    trump", "republicans" ~ "republican party"), titles and plurals aside."""
    if not a or not b:
        return False
    if a == b:
        return True
    wa, wb = _name_words(a), _name_words(b)
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


@lru_cache(maxsize=1)
def _seesaw_aliases() -> dict[str, str]:
    """The SEESAW importer's surface forms, lower-cased, each mapped to its canonical name."""
    from .importers.seesaw import ALIASES

    return {" ".join(a.lower().split()): " ".join(c.lower().split()) for c, forms in ALIASES.items() for a in forms}


_NAME_SUFFIXES = frozenset({"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"})


def _stance_words(name: str) -> list[str]:
    """The words of a stance name in order, apostrophes made plain, middle initials and suffixes
    dropped ("Gregory B. Craig" -> gregory craig; "O’Callaghan" -> o'callaghan; "Joseph R. Biden
    Jr." -> joseph biden)."""
    name = name.replace("’", "'").replace("‘", "'")
    words = [w for w in name.split() if not (len(w.rstrip(".")) == 1 and w[0].isalpha())]
    while len(words) > 2 and words[-1].rstrip(",") in _NAME_SUFFIXES:
        words.pop()
    return [w.rstrip(",") for w in words]


@lru_cache(maxsize=1)
def _given_names() -> dict[str, frozenset[str]]:
    """Each short form of an English given name ("bob") and each formal one, mapped to the formal
    names it stands for ("robert"; "ted" -> edward, theodore). The table is no layer's word list
    (no component reads or saves it), so its name has no layer prefix."""
    import json

    from annotators.base import DATA

    table = json.loads((DATA / "given_names.json").read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for formal, shorts in table.items():
        if not formal.startswith("_"):
            for w in (formal, *shorts):
                out.setdefault(w, set()).add(formal)
    return {w: frozenset(v) for w, v in out.items()}


def _same_given_name(a: str, b: str) -> bool:
    """One given name and its short form ("greg" ~ "gregory" by its beginning; "bob" ~ "robert" by
    the table of short forms)."""
    if min(len(a), len(b)) >= 2 and (a.startswith(b) or b.startswith(a)):
        return True
    names = _given_names()
    return bool(names.get(a, frozenset()) & names.get(b, frozenset()))


@lru_cache(maxsize=65536)
def _same_entity(a: str | None, b: str | None) -> bool:
    """Stance names (SEESAW's canonical entity names against the names an article uses) agree as
    `_same_name` says, or once typography and middle initials are set aside, or as a surface form
    the SEESAW importer lists for a canonical name ("Justice Department" ~ "United States
    Department of Justice"), or as one person's first name and its short form ("Greg Craig" ~
    "Gregory B. Craig", "Bob Menendez" ~ "Robert Menendez", "Bill Clinton" ~ "William Jefferson
    Clinton": same last name, one first name the other's short form)."""
    if not a or not b:
        return False
    if _same_name(a, b):
        return True
    aliases = _seesaw_aliases()
    wa, wb = _stance_words(a), _stance_words(b)
    na, nb = " ".join(wa), " ".join(wb)
    na, nb = aliases.get(na, na), aliases.get(nb, nb)
    if _same_name(na, nb):
        return True
    if len(wa) == 2 and len(wb) == 2 and wa[1] == wb[1]:
        return _same_given_name(wa[0], wb[0])
    if sorted((len(wa), len(wb))) == [2, 3] and wa[-1] == wb[-1]:  # a middle name: only a given name of the table
        return wa[0] in _given_names() and wb[0] in _given_names() and _same_given_name(wa[0], wb[0])
    return False


def _same_stance_holder(a: str | None, b: str | None) -> bool:
    """Holders agree as stance names do, and a stance without a holder on both sides is the
    author's own (SEESAW's "None" subject; a STANCE without a HOLDER relation)."""
    return (a is None and b is None) or _same_entity(a, b)


def _same_value(a: Any, b: Any) -> bool:
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return math.isclose(fa, fb, rel_tol=1e-6, abs_tol=1e-9) or (abs(fb) > 1 and round(fa, 1) == round(fb, 1))


class _Layer:
    def __init__(self) -> None:
        self.exact: dict[str, Score] = defaultdict(Score)
        self.overlap: dict[str, Score] = defaultdict(Score)
        self.extra: dict[str, Score] = defaultdict(Score)
        self.accuracy: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def result(self) -> dict[str, Any]:
        labels = sorted(set(self.exact) | set(self.overlap))
        micro_e, micro_o = Score(), Score()
        for label in labels:
            for micro, per in ((micro_e, self.exact), (micro_o, self.overlap)):
                micro.tp += per[label].tp
                micro.fp += per[label].fp
                micro.fn += per[label].fn
        out: dict[str, Any] = dict(micro_e.as_dict())
        out["overlap"] = micro_o.as_dict()
        out["labels"] = {
            label: {**self.exact[label].as_dict(), "overlap": self.overlap[label].as_dict(), "support": self.exact[label].tp + self.exact[label].fn}
            for label in labels
        }
        for name, score in sorted(self.extra.items()):
            out[name] = score.as_dict()
        for name, (right, total) in sorted(self.accuracy.items()):
            out[name] = {"accuracy": round(right / total, 4) if total else None, "correct": right, "total": total}
        return out


def _score_spans(layer: _Layer, gold: list[Span], pred: list[Span], labels: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    pairs_by_label = {}
    for label in labels:
        g = sorted((s for s in gold if s["label"] == label), key=_key)
        p = sorted((s for s in pred if s["label"] == label), key=_key)
        if not g and not p:
            continue
        exact = len({_key(s) for s in g} & {_key(s) for s in p})
        layer.exact[label].add(exact, len(p), len(g))
        pairs = _pair(g, p, overlaps)
        layer.overlap[label].add(len(pairs), len(p), len(g))
        pairs_by_label[label] = pairs
    return pairs_by_label


def _quotes(layer: _Layer, text: str, gold: dict[str, Any], pred: dict[str, Any]) -> None:
    gq = sorted((s for s in gold["spans"] if s["label"] == "QUOTE"), key=_key)
    pq = sorted((s for s in pred["spans"] if s["label"] == "QUOTE"), key=_key)
    grel, prel = _relations_from(gold), _relations_from(pred)
    for gi, pi in _pair(gq, pq, overlaps):
        g, p = grel.get(_key(gq[gi]), {}), prel.get(_key(pq[pi]), {})
        for role in ("SOURCE", "CUE"):
            if role in g:
                acc = layer.accuracy[f"{role.lower()}_accuracy"]
                acc[1] += 1
                ps = p.get(role)
                if ps is not None and (overlaps(g[role], ps) or (role == "SOURCE" and _same_name(_name(g[role], text), _name(ps, text)))):
                    acc[0] += 1
    gd = [s for s in gq if (s.get("attrs") or {}).get("kind") == "direct"]
    pd = [s for s in pq if (s.get("attrs") or {}).get("kind") == "direct"]
    direct = layer.extra["direct_overlap"]
    matched_gold = len(_pair(gd, pq, overlaps))
    matched_pred = len(_pair(pd, gq, overlaps))
    direct.tp += matched_gold  # recall side counts gold direct quotes found by any predicted quote
    direct.fn += len(gd) - matched_gold
    direct.fp += len(pd) - matched_pred  # precision side: predicted direct quotes that match nothing


def _quantities(record: dict[str, Any], gold: bool) -> list[dict[str, Any]]:
    """A gold record's quantities are its importer's complete `meta.gold_quantities` when present
    (spans or not); predictions are scored on their spans only, never on metadata they carry over.
    A gold quantity that states no approximator keeps None (it is scored apart, see `_statistics`);
    a prediction without one says "="."""
    meta_gold = (record.get("meta") or {}).get("gold_quantities") if gold else None
    if meta_gold is not None:
        return [{"value": q.get("value"), "unit": q.get("unit"), "approximator": q.get("approximator")} for q in meta_gold]
    out = []
    for s in record.get("spans", []):
        if s["label"] == "STATISTIC":
            a = s.get("attrs") or {}
            out.append({"value": a.get("value"), "unit": a.get("unit"), "approximator": a.get("approximator") or (None if gold else "=")})
    return out


def _statistics(layer: _Layer, gold: dict[str, Any], pred: dict[str, Any]) -> None:
    """Value and value+unit F1; on value-matched pairs, `approximator_accuracy` over the gold
    quantities that state an approximator, and `approximator_default_agreement` (the prediction says
    "=") over those that state none: a set whose gold never states one ("about 40" annotated as 40)
    cannot score an approximator, so its agreement with "=" is reported as what it is."""
    g, p = _quantities(gold, True), _quantities(pred, False)
    value_pairs = _pair(g, p, lambda a, b: _same_value(a["value"], b["value"]))
    layer.extra["value"].add(len(value_pairs), len(p), len(g))
    unit_pairs = _pair(g, p, lambda a, b: _same_value(a["value"], b["value"]) and (a["unit"] or None) == (b["unit"] or None))
    layer.extra["value_unit"].add(len(unit_pairs), len(p), len(g))
    for gi, pi in value_pairs:
        stated = g[gi]["approximator"]
        acc = layer.accuracy["approximator_accuracy" if stated else "approximator_default_agreement"]
        acc[1] += 1
        acc[0] += (stated or "=") == p[pi]["approximator"]


def _triplets(record: dict[str, Any], gold: bool) -> list[tuple[str | None, str, str | None]]:
    meta_gold = (record.get("meta") or {}).get("gold_stances") if gold else None
    if meta_gold is not None:  # the importer's complete list, spans or not (gold side only)
        return [(_norm(t.get("holder")), t["polarity"], _norm(t.get("target"))) for t in meta_gold]
    text = record["text"]
    out = []
    rels = _relations_from(record)
    for s in record.get("spans", []):
        if s["label"] != "STANCE":
            continue
        r = rels.get(_key(s), {})
        out.append((_name(r.get("HOLDER"), text), (s.get("attrs") or {}).get("polarity", "neutral"), _name(r.get("TARGET"), text)))
    return out


def _norm(name: Any) -> str | None:
    return " ".join(str(name).lower().split()) if name else None


def _stances(layer: _Layer, gold: dict[str, Any], pred: dict[str, Any]) -> None:
    g, p = _triplets(gold, True), _triplets(pred, False)
    trip = _pair(g, p, lambda a, b: a[1] == b[1] and _same_stance_holder(a[0], b[0]) and _same_entity(a[2], b[2]))
    layer.extra["triplet"].add(len(trip), len(p), len(g))
    hp = _pair(g, p, lambda a, b: a[1] == b[1] and _same_stance_holder(a[0], b[0]))
    layer.extra["holder_polarity"].add(len(hp), len(p), len(g))


def _mapped(spans: list[Span], label_map: dict[str, str | None] | None, entity_labels: frozenset[str]) -> list[Span]:
    if not label_map:
        return spans
    out = []
    for s in spans:
        if s["label"] in entity_labels:
            new = label_map.get(s["label"])
            if new is None:
                continue
            s = {**s, "label": new}
        out.append(s)
    return out


def evaluate(
    gold: Iterable[dict[str, Any]],
    pred: Iterable[dict[str, Any]],
    layers: Sequence[str] | None = None,
    label_map: str | None = None,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Score `pred` against `gold`; records are matched by `meta.id`, else by text.

    `label_map` ("conll") maps entity labels of both sides (OntoNotes to PER/ORG/LOC/MISC) and drops
    those it maps to nothing; `labels` keeps only those labels (after mapping).
    """
    reg = load_registry()
    wanted = tuple(layers) if layers else tuple(reg.layers)
    if label_map and label_map not in LABEL_MAPS:
        raise CorpusError("E056", f"unknown label map {label_map!r}; known: {', '.join(LABEL_MAPS)}")
    mapping = LABEL_MAPS[label_map]() if label_map else None
    entity_labels = frozenset(reg.layers["entities"])
    keep = frozenset(labels) if labels else None

    def key(rec: dict[str, Any]) -> str:
        meta = rec.get("meta") or {}
        return str(meta.get("id") or rec["text"])

    predicted = {key(r): r for r in pred}
    results = {layer: _Layer() for layer in wanted}
    layer_labels: dict[str, set[str]] = {layer: set(reg.layers[layer]) for layer in wanted}
    if mapping:
        layer_labels["entities"] = {v for v in mapping.values() if v} if "entities" in wanted else set()
    n_gold = n_missing = 0
    for g in gold:
        n_gold += 1
        p = predicted.pop(key(g), None)
        if p is None:
            n_missing += 1
            p = {"text": g["text"], "spans": [], "relations": [], "meta": {}}
        elif p["text"] != g["text"]:
            raise CorpusError("E056", f"record {key(g)}: gold and predicted texts differ, so offsets cannot be compared")
        gspans = _mapped(g.get("spans", []), mapping, entity_labels)
        pspans = _mapped(p.get("spans", []), mapping, entity_labels)
        if keep is not None:
            gspans = [s for s in gspans if s["label"] in keep]
            pspans = [s for s in pspans if s["label"] in keep]
        for layer in wanted:
            labs = layer_labels[layer] if keep is None else layer_labels[layer] & keep
            _score_spans(results[layer], gspans, pspans, sorted(labs))
        if "quotes" in results:
            _quotes(results["quotes"], g["text"], g, p)
        if "statistics" in results:
            _statistics(results["statistics"], g, p)
        if "stances" in results:
            _stances(results["stances"], g, p)
    report: dict[str, Any] = {layer: results[layer].result() for layer in wanted}
    report["records"] = {"gold": n_gold, "missing_predictions": n_missing, "extra_predictions": len(predicted)}
    return report
