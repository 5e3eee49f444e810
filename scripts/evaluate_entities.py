"""Measure the entities layer: the model alone against the model with the news rules.

Imports the development sets from ../shared/data (CoNLL++ dev and the GUM news documents) with the
project's importers, parses each document once, writes the entities layer twice (model alone, then
model + rules) and scores both with `corpus.evaluate` (exact spans; labels mapped to CoNLL's
PER/ORG/LOC/MISC, numeric labels dropped). Run: `python scripts/evaluate_entities.py [--json]`.
`--speed RECORDS.jsonl` also times bare `nlp.pipe` against the pipeline with the component (e.g. on
the Wikinews records from `corpus convert ../shared/data/wikinews/ -o /tmp/wn.jsonl`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from corpus.converters import Reject
from corpus.evaluate import evaluate
from corpus.importers import ImportOptions, get_importer
from corpus.jsonl import write_jsonl
from corpus.pipeline import Annotator
from corpus.validate import check_record

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SETS = {
    "conllpp-dev": ("conll", DATA / "conllpp" / "conllpp_dev.txt"),
    "gum-news": ("conllu", DATA / "gum-news" / "conllu"),
}
LABELS = ("PER", "ORG", "LOC", "MISC")


def load(fmt: str, path: Path) -> list[dict[str, Any]]:
    """The gold records of one set; a rejected document stops the run (it would skew the scores)."""
    records = []
    for item in get_importer(fmt).read([path], ImportOptions()):
        if isinstance(item, Reject):
            sys.exit(f"{path}: the {fmt} importer rejected {item.source}: {item.code} {item.reason}")
        records.append(item)
    return records


def predict(annotator: Annotator, gold: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], float, float]:
    """Model-alone and model+rules records from one parse per document, and the time of each part."""
    from annotators.entities import EntityAnnotator

    nlp = annotator.nlp
    rules = nlp.get_pipe("entities_v1")
    model_only = EntityAnnotator(nlp, "entities_v1", rules=False)
    base, full = [], []
    t0 = time.perf_counter()
    with nlp.select_pipes(disable=["entities_v1"]):
        docs = list(nlp.pipe((r["text"] for r in gold), batch_size=16))
    parse_time = time.perf_counter() - t0
    rules_time = 0.0
    for record, doc in zip(gold, docs):
        base.append(annotator.to_record(record, model_only(doc)))
        t1 = time.perf_counter()
        rules(doc)
        rules_time += time.perf_counter() - t1
        full.append(annotator.to_record(record, doc))
    for rec in base + full:
        problems = check_record(rec)
        if problems:
            sys.exit(f"record {rec['meta']['id']} is invalid: {problems[0]}")
    return base, full, parse_time, rules_time


def speed(path: Path, rounds: int = 3) -> dict[str, float]:
    """Words per second of bare `nlp.pipe` and of the pipeline with the component (best of `rounds`),
    and the component's own time on the parsed documents."""
    import spacy

    import annotators  # noqa: F401  (registers the factories)
    from corpus.jsonl import read_jsonl
    from corpus.pipeline import MODEL

    texts = [r["text"] for r in read_jsonl(str(path))]
    words = sum(len(t.split()) for t in texts)
    bare = spacy.load(MODEL)
    full = spacy.load(MODEL)
    component = full.add_pipe("entities_v1")
    best = {"bare": float("inf"), "entities": float("inf"), "component": float("inf")}
    for _ in range(rounds):
        for name, nlp in (("bare", bare), ("entities", full)):
            t0 = time.perf_counter()
            docs = list(nlp.pipe(texts, batch_size=64))
            best[name] = min(best[name], time.perf_counter() - t0)
        t0 = time.perf_counter()
        for doc in docs:
            component(doc)
        best["component"] = min(best["component"], time.perf_counter() - t0)
    return {
        "words": words,
        "bare_wps": words / best["bare"],
        "entities_wps": words / best["entities"],
        "ratio": best["bare"] / best["entities"],
        "component_share": best["component"] / best["bare"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--write", type=Path, help="also write gold and predicted records into this folder")
    parser.add_argument("--speed", type=Path, help="also time the component on these records (JSONL)")
    args = parser.parse_args()
    missing = [str(p) for _, p in SETS.values() if not p.exists()]
    if missing:
        sys.exit(f"development data not found: {', '.join(missing)} (expected beside the checkout in ../shared/data)")
    annotator = Annotator(layers="entities")
    out: dict[str, Any] = {}
    for name, (fmt, path) in SETS.items():
        gold = load(fmt, path)
        base, full, parse_time, rules_time = predict(annotator, gold)
        if args.write:
            args.write.mkdir(parents=True, exist_ok=True)
            for suffix, recs in (("gold", gold), ("model", base), ("rules", full)):
                write_jsonl(str(args.write / f"{name}.{suffix}.jsonl"), recs)
        out[name] = {
            "documents": len(gold),
            "rules_cost": rules_time / parse_time,
            "model": evaluate(gold, base, layers=["entities"], label_map="conll")["entities"],
            "model+rules": evaluate(gold, full, layers=["entities"], label_map="conll")["entities"],
        }
    if args.speed:
        out["speed"] = speed(args.speed)
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
        return
    timing = out.pop("speed", None)
    for name, res in out.items():
        print(f"{name} ({res['documents']} documents; exact spans, CoNLL classes; rules cost {res['rules_cost']:.1%} of the parse time)")
        print(f"  {'system':12s} {'label':5s} {'P':>6s} {'R':>6s} {'F1':>6s} {'gold':>6s}")
        for system in ("model", "model+rules"):
            scores = res[system]
            for label in LABELS:
                d = scores["labels"].get(label)
                if d:
                    print(f"  {system:12s} {label:5s} {d['precision']:6.1%} {d['recall']:6.1%} {d['f1']:6.1%} {d['support']:6d}")
            print(f"  {system:12s} {'all':5s} {scores['precision']:6.1%} {scores['recall']:6.1%} {scores['f1']:6.1%} {scores['tp'] + scores['fn']:6d}")
        delta = res["model+rules"]["f1"] - res["model"]["f1"]
        print(f"  F1 change: {delta * 100:+.1f} points\n")
    if timing:
        print(f"speed on {args.speed} ({timing['words']:.0f} words): bare nlp.pipe {timing['bare_wps']:.0f} words/s, "
              f"with entities_v1 {timing['entities_wps']:.0f} words/s (ratio {timing['ratio']:.3f}); "
              f"the component alone takes {timing['component_share']:.1%} of the bare parse time")


if __name__ == "__main__":
    main()
