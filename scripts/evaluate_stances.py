"""Measure the stances layer on the SEESAW development part.

Two modes. By default: imports the gold triplets with the seesaw importer (as `corpus import seesaw`
does), annotates the same texts as the default `corpus annotate` does (entities, quotes, stances:
the shipped model, or `--stances rules`), scores them with `corpus.evaluate`, and prints triplet
and holder+polarity P/R/F1. The shipped model was trained on all of SEESAW dev, so in this mode
its figures are training-set figures; honest ones come from the second mode.

`--kfold K`: grouped k-fold by story (no story in train and test at once): the texts are parsed
once, the model is trained on K-1 folds and scored on the held-out one, and the rule layer, the
model and the two combined (the rule stances plus the model's other ones) are scored per fold,
with the mean. It runs on the tuning part (stories not in the check part), on all stories, and
trains on the tuning part to score the check part (every fifth story by sorted name, from the fifth).

Usage: python scripts/evaluate_stances.py [--data DIR] [--stances model|rules] [--kfold K] [--json] [--errors N]
  [--gold-out FILE --pred-out FILE]  (to inspect or re-score with `corpus evaluate GOLD PRED --layers stances`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "seesaw-dev"


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _devset import annotate_checked, write_outputs  # noqa: E402

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SEESAW folder with articles/ and annotations/")
    parser.add_argument("--layers", default="entities,quotes,stances", help="layers to run (stances needs entities and/or quotes)")
    parser.add_argument("--stances", default="model", help="model (the shipped stances_v2 model) or rules (stances_v1)")
    parser.add_argument("--kfold", type=int, default=0, help="grouped k-fold by story: rules, model and combined per fold")
    parser.add_argument("--c", type=float, default=None, help="(k-fold) regularisation C of the model")
    parser.add_argument("--threshold", type=float, default=None, help="(k-fold) least favor/against probability for a stance (default: chosen on inner folds)")
    parser.add_argument("--speed", type=Path, nargs="*", help="CSV files (url,date,title,text; the Wikinews set): time the stance layer against the parse")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--errors", type=int, default=0, help="print up to N predicted triplets that match no gold one (tuning part only)")
    parser.add_argument("--gold-out", type=Path, help="write the imported gold records here")
    parser.add_argument("--pred-out", type=Path, help="write the predicted records here")
    args = parser.parse_args(argv)
    if args.speed:
        return speed(args.speed)
    if not (args.data / "articles").is_dir() or not (args.data / "annotations").is_dir():
        print(f"error: SEESAW data not found at {args.data} (expected articles/ and annotations/ inside)", file=sys.stderr)
        return 2

    from corpus.converters import Reject
    from corpus.evaluate import evaluate
    from corpus.importers import ImportOptions, get_importer

    gold = [r for r in get_importer("seesaw").read([args.data], ImportOptions()) if not isinstance(r, Reject)]
    if args.kfold:
        return kfold(gold, args.kfold, args.c, args.threshold, args.json)
    pred, elapsed = annotate_checked(gold, args.layers, stances=args.stances)
    write_outputs(args.gold_out, gold, args.pred_out, pred)
    report = evaluate(gold, pred, layers=["stances"])
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    extra = report["stances"]

    def prf(s: dict[str, Any]) -> str:
        return f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"

    n_gold = sum(len(r["meta"].get("gold_stances") or []) for r in gold)
    print(f"SEESAW dev: {len(gold)} records, {n_gold} gold triplets, annotated ({args.layers}, stances {args.stances}) in {elapsed:.1f}s")
    print(f"triplet          {prf(extra['triplet'])}")
    print(f"holder+polarity  {prf(extra['holder_polarity'])}")
    if args.errors:
        _print_errors(gold, pred, args.errors)
    return 0


def _folds(examples: list[Any], k: int) -> list[tuple[list[Any], list[Any]]]:
    """Grouped folds: stories sorted by name and dealt round-robin, so no story is on both sides."""
    groups = sorted({ex.group for ex in examples})
    out = []
    for f in range(k):
        held = set(groups[f::k])
        out.append(([ex for ex in examples if ex.group not in held], [ex for ex in examples if ex.group in held]))
    return out


def _evaluate(splits: list[tuple[list[Any], list[Any]]], c: float, threshold: float | None) -> list[dict[str, Any]]:
    from corpus.stance_training import prf, score, systems, train

    rows = []
    for train_part, test_part in splits:
        model = train(train_part, c=c, threshold=threshold)  # threshold None: the decision is chosen on inner folds of train_part
        totals: dict[str, list[int]] = {}
        for ex in test_part:
            for system, pred in systems(model, ex).items():
                t = totals.setdefault(system, [0, 0, 0, 0])
                for i, v in enumerate(score(ex.gold, pred)):
                    t[i] += v
        decision = {k: model.meta.get(k) for k in ("threshold", "thresholds", "per_holder", "per_sentence", "per_holder_doc")}
        rows.append({"stories": len({ex.group for ex in test_part}), "records": len(test_part), "decision": decision,
                     **{system: {"triplet": prf(t[0], t[2], t[3]), "holder_polarity": prf(t[1], t[2], t[3]), "predicted": t[2], "gold": t[3]}
                        for system, t in totals.items()}})
    return rows


def kfold(gold: list[dict[str, Any]], k: int, c: float | None, threshold: float | None, as_json: bool) -> int:
    """Grouped k-fold figures for the rules, the model and both (see the module docstring)."""
    import time

    from rich.console import Console
    from rich.table import Table

    from corpus.stance_training import DEFAULT_C, featurize

    started = time.perf_counter()
    examples = list(featurize(gold, require_gold=False))
    c = DEFAULT_C if c is None else c
    stories = sorted({ex.group for ex in examples})
    check = set(stories[4::5])
    tuning = [ex for ex in examples if ex.group not in check]
    report = {
        "parse_seconds": time.perf_counter() - started, "C": c, "threshold": threshold if threshold is not None else "chosen on inner folds",
        f"{k}-fold tuning part": _evaluate(_folds(tuning, k), c, threshold),
        f"{k}-fold all": _evaluate(_folds(examples, k), c, threshold),
        "check part (trained on the tuning part)": _evaluate([(tuning, [ex for ex in examples if ex.group in check])], c, threshold),
    }
    if as_json:
        print(json.dumps(report, indent=2))
        return 0
    console = Console(width=max(Console().width, 200))
    console.print(f"SEESAW dev: {len(examples)} records in {len(stories)} stories ({len(check)} in the check part); "
                  f"C={c}, threshold {report['threshold']}; parsed and featurized in {report['parse_seconds']:.0f}s")
    for title, rows in report.items():
        if not isinstance(rows, list):
            continue
        table = Table(title=title)
        table.add_column("fold")
        table.add_column("stories", justify="right")
        for system in ("rules", "model", "combined"):
            table.add_column(f"{system} triplet P/R/F1", justify="right")
            table.add_column(f"{system} holder+pol P/R/F1", justify="right")
        table.add_column("decision (favor/against/per holder/per sentence/per holder+polarity in an article)")
        for i, row in enumerate(rows, start=1):
            table.add_row(str(i), str(row["stories"]), *[_cells(row[s])[j] for s in ("rules", "model", "combined") for j in (0, 1)], _decision(row["decision"]))
        if len(rows) > 1:
            mean = {s: {m: {x: sum(r[s][m][x] for r in rows) / len(rows) for x in ("precision", "recall", "f1")} for m in ("triplet", "holder_polarity")}
                    for s in ("rules", "model", "combined")}
            table.add_row("mean", str(sum(r["stories"] for r in rows)), *[_cells(mean[s])[j] for s in ("rules", "model", "combined") for j in (0, 1)], "")
        console.print(table)
    return 0


def speed(paths: list[Path]) -> int:
    """Seconds of the parse (the spaCy pipeline), of the entities and quotes layers, and of each
    stance layer, over the articles of the CSV files; one process, documents parsed once. Wall
    and CPU time both: on a busy machine the CPU share is the steadier figure."""
    import csv
    import time

    import spacy

    import annotators  # noqa: F401  (registers the components)
    from annotators.stances import StanceAnnotator
    from annotators.stances_model import StanceModelAnnotator
    from corpus.pipeline import MODEL

    texts: list[str] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            texts.extend(row["text"] for row in csv.DictReader(f) if row.get("text"))
    nlp = spacy.load(MODEL)
    wall, cpu = time.perf_counter(), time.process_time()
    docs = list(nlp.pipe(texts, batch_size=32))
    parse = (time.perf_counter() - wall, time.process_time() - cpu)
    layers = [nlp.add_pipe(name) for name in ("entities_v1", "quotes_v1")]
    wall, cpu = time.perf_counter(), time.process_time()
    for doc in docs:
        for layer in layers:
            layer(doc)
    others = (time.perf_counter() - wall, time.process_time() - cpu)
    timings = {}
    for name, component in (("stances_v1 (rules)", StanceAnnotator(nlp, "stances_v1")),
                            ("stances_v2 (model + rules, default)", StanceModelAnnotator(nlp, "stances_v2")),
                            ("stances_v2 rules=false (model only)", StanceModelAnnotator(nlp, "stances_v2", rules=False))):
        if isinstance(component, StanceModelAnnotator):
            component.initialize()
        wall, cpu = time.perf_counter(), time.process_time()
        for doc in docs:
            component(doc)
        timings[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    words = sum(len(d) for d in docs)
    print(f"{len(docs)} articles, {words} tokens: parse ({MODEL}) {parse[0]:.1f}s wall, {parse[1]:.1f}s CPU; "
          f"entities+quotes layers {others[0]:.1f}s wall, {others[1]:.1f}s CPU")
    for name, (w, c) in timings.items():
        print(f"{name:38s} {w:6.2f}s wall = {100 * w / parse[0]:5.1f}% of the parse; {c:6.2f}s CPU = {100 * c / parse[1]:5.1f}%")
    return 0


def _decision(d: dict[str, Any]) -> str:
    t = d.get("thresholds") or {}
    return (f"{t.get('favor', d.get('threshold'))}/{t.get('against', d.get('threshold'))}/{d.get('per_holder') or 'any'}"
            f"/{d.get('per_sentence') or 'any'}/{d.get('per_holder_doc') or 'any'}")


def _cells(scores: dict[str, Any]) -> tuple[str, str]:
    def f(m: dict[str, float]) -> str:
        return f"{m['precision']:.2f}/{m['recall']:.2f}/[bold]{m['f1']:.3f}[/]"

    return f(scores["triplet"]), f(scores["holder_polarity"])


def _check_stories(gold: list[dict[str, Any]]) -> set[str]:
    """The stories of the check part: every fifth by sorted name, from the fifth (as `kfold` splits them)."""
    stories = sorted({str(r["meta"].get("story") or r["meta"].get("id")) for r in gold})
    return set(stories[4::5])


def _print_errors(gold: list[dict[str, Any]], pred: list[dict[str, Any]], limit: int) -> None:
    """Predicted triplets that match no gold one, with the gold triplets near them; records of
    the check part are never shown (its errors must not steer the rules or features)."""
    from corpus.evaluate import _same_entity as _same_name, _triplets

    shown = 0
    check = _check_stories(gold)
    by_id = {r["meta"]["id"]: r for r in gold if str(r["meta"].get("story") or r["meta"].get("id")) not in check}
    for p in pred:
        g = by_id.get(p["meta"]["id"])
        if g is None:
            continue
        gt = _triplets(g, True)
        for t in _triplets(p, False):
            if any(t[1] == x[1] and _same_name(t[0], x[0]) and _same_name(t[2], x[2]) for x in gt):
                continue
            near = [x for x in gt if _same_name(t[0], x[0]) or _same_name(t[2], x[2])]
            print(f"FP {t}  gold near: {near[:4]}")
            shown += 1
            if shown >= limit:
                return


if __name__ == "__main__":
    sys.exit(main())
