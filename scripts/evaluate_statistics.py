"""Measure the statistics layer on the CQE quantity test sets (currency, dimension, age, temperature).

Imports the sets from ../shared/data/quantities with `corpus import cqe`'s reader, annotates them
with the statistics layer only, and scores with `corpus.evaluate` (value, value+unit F1 and
approximator accuracy, matched per sentence as CQE's own evaluation does). Run:

    python scripts/evaluate_statistics.py [--data DIR] [--errors] [--speed] [--approximators [FILE]]

Figures come per part: `check` holds every fifth item of each set by position (indices 4, 9, 14,
...; the items have no id), which the rules were never tuned on; `tune` is the rest; `all` both.
`--errors` lists the tune part's misses only, so the check part stays unread, and sums them by category
(a value missed, a value extra, a unit whose class differs: "none (gold) -> measure (layer)").
`--speed` also times the component against bare `nlp.pipe` over the Wikinews articles.
`--approximators` also scores approximators on the project's own authored sentences
(scripts/data/approximators.jsonl, written with the rules in view: not a held-out figure).

Approximators: `approx acc (n)` is the accuracy over the gold quantities that state an approximator
(CQE's `change` "=", "~", "<", ">", ...), `= agree (n)` the share of predictions that say "=" where the
gold states none. These four sets carry no `change` at all, so every "about 40" the layer reads as
"~" counts against the second figure though it is right; the first has nothing to score ("-").

The predicted records drop the importer's `meta.gold_quantities` (the runner keeps meta, and the
evaluator would read it as predictions), and the gold side is scored from `meta.gold_quantities`
alone (the complete list; its located spans would count twice). Gold units are the importer's, read
from CQE's unit names by the layer's own tables (pint for units, babel for currencies; CQE's own
names such as "dollar" and "percentage" by a short table), so both sides meet on the same canonical
names ("square metre" and "sq m" are both "meter ** 2"); a CQE name neither library knows is a
counted noun (unit null).
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "quantities"
SETS = ("currency", "dimension", "age", "temperature")
PARTS = ("check", "tune", "all")
# Sentences written for this project, each naming one statistic by its value and the approximator it
# states ("=" where none): the CQE sets state none, so this is the only approximator figure. The
# sentences were written with the rules in view, so the figure is not a held-out one.
APPROXIMATORS = ROOT / "scripts" / "data" / "approximators.jsonl"


def part_of(record: dict[str, Any]) -> str:
    """"check" for every fifth item of its set by position (4, 9, 14, ...), else "tune"."""
    return "check" if record["meta"]["index"] % 5 == 4 else "tune"


def _value_gold(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gold records scored from `meta.gold_quantities` alone (their spans dropped)."""
    out = []
    for rec in records:
        rec = copy.deepcopy(rec)
        rec["spans"] = [s for s in rec["spans"] if s["label"] not in ("STATISTIC", "CONCEPT")]
        rec["relations"] = []
        out.append(rec)
    return out


def _pred(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for rec in records:
        rec = dict(rec, meta={k: v for k, v in rec["meta"].items() if k != "gold_quantities"})
        out.append(rec)
    return out


def _figures(report: dict[str, Any]) -> tuple[float, float, float | None, int, float | None, int, int]:
    scores = report["statistics"]
    empty: dict[str, Any] = {"accuracy": None, "total": 0}
    stated: dict[str, Any] = scores.get("approximator_accuracy") or empty
    default: dict[str, Any] = scores.get("approximator_default_agreement") or empty
    return (
        scores["value"]["f1"],
        scores["value_unit"]["f1"],
        stated["accuracy"],
        int(stated["total"]),
        default["accuracy"],
        int(default["total"]),
        report["records"]["gold"],
    )


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _unit_class(unit: str | None) -> str:
    """A unit's class for the error summary: none (a count), percent, money, a rate, or a measure."""
    if unit is None:
        return "none"
    if " / " in unit:
        return "rate"
    return "percent" if unit == "%" else "money" if unit.isupper() or unit in _MONEY_NAMES else "measure"


_MONEY_NAMES: set[str] = set()  # currencies several countries share, written by name ("dinar"): filled from the tables


def _errors(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
    """The tune part's differing sentences, then its errors summed by category (a value missed, a value
    extra, a unit that differs by its class: "none -> measure" is a count the layer gave a unit)."""
    from collections import Counter

    from annotators.statistics_units import units
    from corpus.evaluate import _same_value  # the evaluator's own value test
    from corpus.importers.cqe import CURRENCIES as CQE_CURRENCIES  # money the importer keeps under CQE's name

    _MONEY_NAMES.update(units().shared_singular.values(), CQE_CURRENCIES)
    categories: Counter[str] = Counter()
    by_id = {p["meta"]["id"]: p for p in pred}
    for g in gold:
        p = by_id[g["meta"]["id"]]
        if part_of(g) == "check":
            continue  # the held-out part is scored, never read
        want = [(q["value"], q["unit"]) for q in g["meta"]["gold_quantities"]]
        got = [((s["attrs"]["value"]), s["attrs"]["unit"]) for s in p["spans"] if s["label"] == "STATISTIC"]
        missing = [w for w in want if not any(_same_value(w[0], x[0]) and w[1] == x[1] for x in got)]
        extra = [x for x in got if not any(_same_value(w[0], x[0]) and w[1] == x[1] for w in want)]
        for w in missing:
            same = [x for x in extra if _same_value(w[0], x[0])]
            if same:
                categories[f"unit differs: {_unit_class(w[1])} (gold) -> {_unit_class(same[0][1])} (layer)"] += 1
                extra.remove(same[0])
            else:
                categories["value missed"] += 1
        if extra:
            categories["value extra"] += len(extra)
        if missing or extra:
            print(f"  {g['text'][:110]!r}\n      missing {missing}  extra {extra}")
    if categories:
        print("  by category: " + "; ".join(f"{name} {n}" for name, n in categories.most_common()))


def _speed(wikinews: Path) -> None:
    """Words per second of bare nlp.pipe, and the component's own time on the same parses."""
    import csv
    import time

    import spacy

    from annotators.statistics import StatisticsAnnotator
    from annotators.statistics_units import units
    from corpus.pipeline import MODEL

    csv.field_size_limit(2**31 - 1)
    texts = [row["text"] for f in sorted(wikinews.glob("*.csv")) for row in csv.DictReader(f.open(encoding="utf-8"))]
    nlp = spacy.load(MODEL)
    start = time.perf_counter()
    docs = list(nlp.pipe(texts))
    bare = time.perf_counter() - start
    units.cache_clear()  # time the build as a fresh process pays it
    start = time.perf_counter()
    component = StatisticsAnnotator(nlp, "statistics_v1")  # builds pint's registry and the currency tables
    built = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        component(doc)
    own = time.perf_counter() - start
    words = sum(len(d) for d in docs)
    print(f"speed: {len(docs)} Wikinews articles, {words} tokens; bare nlp.pipe {words / bare:.0f} words/s; "
          f"statistics adds {own:.2f}s = {100 * own / bare:.1f}% of the parse time, plus {built:.2f}s once per process "
          f"to build its tables = {100 * (own + built) / bare:.1f}% in all")


def read_approximator_set(path: Path) -> list[dict[str, Any]]:
    """The authored approximator items of `path`: one JSON object a line, {text, value, approximator}."""
    from corpus.jsonl import loads

    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            item = loads(line)
            if not (isinstance(item, dict) and isinstance(item.get("text"), str) and isinstance(item.get("value"), (int, float))
                    and item.get("approximator") in ("=", "~", "<", ">", "<=", ">=")):
                raise ValueError(f"{path.name}:{n}: expected {{text, value, approximator}}")
            items.append(item)
    return items


def approximator_scores(items: list[dict[str, Any]], found: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Accuracy of the approximator on the statistic each item names by its value; an item whose value
    the layer did not find counts as wrong (`missed`). `found` holds each item's STATISTIC attrs."""
    from corpus.evaluate import _same_value

    right, missed, wrong = 0, [], []
    for item, stats in zip(items, found):
        match = [s for s in stats if _same_value(s.get("value"), item["value"])]
        if not match:
            missed.append(item["text"])
        elif (match[0].get("approximator") or "=") == item["approximator"]:
            right += 1
        else:
            wrong.append((item["text"], item["approximator"], match[0].get("approximator")))
    total = len(items)
    return {"accuracy": right / total if total else None, "correct": right, "total": total, "missed": missed, "wrong": wrong}


def _approximators(path: Path, show: bool) -> None:
    from corpus.pipeline import Annotator
    from corpus.record import new_record

    items = read_approximator_set(path)
    records = [new_record(item["text"], source=path.name, id=str(n)) for n, item in enumerate(items)]
    found = [[s["attrs"] for s in r["spans"] if s["label"] == "STATISTIC"] if isinstance(r, dict) else [] for r in Annotator(["statistics"])(records)]
    scores = approximator_scores(items, found)
    print(f"\napproximators (authored set {path.name}, written with the rules in view: not held out): "
          f"accuracy {_share(scores['accuracy'])} ({scores['correct']}/{scores['total']}; value not found {len(scores['missed'])})")
    if show:
        for text in scores["missed"]:
            print(f"  not found: {text!r}")
        for text, want, got in scores["wrong"]:
            print(f"  {want} expected, {got} read: {text!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the CQE *-model.json files")
    parser.add_argument("--errors", action="store_true", help="print each sentence whose value+unit differ")
    parser.add_argument("--speed", action="store_true", help="also time the component against bare nlp.pipe on Wikinews")
    parser.add_argument("--approximators", type=Path, nargs="?", const=APPROXIMATORS, default=None,
                        help=f"also score approximators on an authored set (default {APPROXIMATORS.relative_to(ROOT)}); with --errors, list its misses")
    args = parser.parse_args(argv)
    missing = [s for s in SETS if not (args.data / f"{s}-model.json").is_file()]
    if missing:
        print(f"error: the CQE test sets are not at {args.data} (missing {', '.join(missing)}-model.json); "
              "they live in ../shared/data/quantities beside the checkout", file=sys.stderr)
        return 2

    from corpus.converters import Reject
    from corpus.evaluate import evaluate
    from corpus.importers import ImportOptions
    from corpus.importers.cqe import read
    from corpus.pipeline import Annotator

    annotator = Annotator(["statistics"])
    gold_by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    pred_by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for name in SETS:
        items = list(read([args.data / f"{name}-model.json"], ImportOptions()))
        rejects = [r for r in items if isinstance(r, Reject)]
        if rejects:
            print(f"error: the importer rejected {len(rejects)} items of {name}: {rejects[0]}", file=sys.stderr)
            return 1
        gold = [r for r in items if not isinstance(r, Reject)]
        pred = _pred(r for r in annotator(gold) if not isinstance(r, Reject))
        if args.errors:
            print(f"{name} (tune part):")
            _errors(gold, pred)
        for g, p in zip(gold, pred):
            for part in (part_of(g), "all"):
                for key in ((name, part), ("overall", part)):
                    gold_by.setdefault(key, []).append(g)
                    pred_by.setdefault(key, []).append(p)
    for part in PARTS:
        print(f"\n[{part}]")
        print(f"{'set':12} {'sentences':>9} {'value F1':>9} {'value+unit F1':>14} {'approx acc':>11} {'(n)':>5} {'= agree':>8} {'(n)':>5}")
        for name in (*SETS, "overall"):
            gold, pred = gold_by.get((name, part), []), pred_by.get((name, part), [])
            if not gold:
                continue
            value, value_unit, approx, n, agree, m, sentences = _figures(evaluate(_value_gold(gold), pred, layers=["statistics"]))
            print(f"{name:12} {sentences:9d} {value:9.3f} {value_unit:14.3f} {_share(approx):>11} {n:5d} {_share(agree):>8} {m:5d}")
    print("approx acc: accuracy over gold quantities that state an approximator (CQE `change`); "
          "= agree: predictions saying '=' where the gold states none (these sets state none, so an 'about' read as '~' counts against it).")
    if args.approximators is not None:
        if not args.approximators.is_file():
            print(f"error: no approximator set at {args.approximators}", file=sys.stderr)
            return 2
        try:
            _approximators(args.approximators, args.errors)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if args.speed:
        wikinews = args.data.parent / "wikinews"
        if not wikinews.is_dir():
            print(f"error: no Wikinews articles at {wikinews} to time on", file=sys.stderr)
            return 2
        _speed(wikinews)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
