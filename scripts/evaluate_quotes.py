"""Measure the quotes layer on the PolNeAR development split.

Imports the gold attributions with the brat importer (as `corpus import brat` does), annotates the
same texts with the quotes layer only (as `corpus annotate --layers quotes` does), scores them with
`corpus.evaluate`, and prints content exact/overlap F1, direct-quote figures and source/cue
accuracy. Usage: python scripts/evaluate_quotes.py [--data DIR] [--all-annotators] [--json]
  [--gold-out FILE --pred-out FILE]  (write the gold and predicted records, to inspect or re-score
  with `corpus evaluate GOLD PRED --layers quotes`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear-dev"


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _devset import annotate_checked, write_outputs  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="PolNeAR folder with text/ and attributions/")
    parser.add_argument("--all-annotators", action="store_true", help="score every annotator's file, not one per article")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--gold-out", type=Path, help="write the imported gold records here")
    parser.add_argument("--pred-out", type=Path, help="write the predicted records here")
    args = parser.parse_args(argv)
    if not (args.data / "attributions").is_dir() or not (args.data / "text").is_dir():
        print(f"error: PolNeAR data not found at {args.data} (expected text/ and attributions/ inside)", file=sys.stderr)
        return 2

    from corpus.converters import Reject
    from corpus.evaluate import evaluate
    from corpus.importers import ImportOptions, get_importer

    gold = [r for r in get_importer("brat").read([args.data], ImportOptions()) if not isinstance(r, Reject)]
    if not args.all_annotators:
        gold = [r for r in gold if r["meta"].get("primary", True)]
    pred, elapsed = annotate_checked(gold, ["quotes"])
    write_outputs(args.gold_out, gold, args.pred_out, pred)
    report = evaluate(gold, pred, layers=["quotes"])
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    q = report["quotes"]
    labels = q["labels"]
    content = labels.get("QUOTE", {})

    def prf(s: dict[str, Any]) -> str:
        return f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"

    print(f"PolNeAR dev: {len(gold)} records, annotated in {elapsed:.1f}s")
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
