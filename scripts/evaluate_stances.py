"""Measure the stances layer on the SEESAW development part.

Imports the gold triplets with the seesaw importer (as `corpus import seesaw` does), annotates the
same texts with the layers the stances need (as `corpus annotate --layers entities,quotes,stances`
does), scores them with `corpus.evaluate`, and prints triplet and holder+polarity P/R/F1.
Usage: python scripts/evaluate_stances.py [--data DIR] [--layers L] [--json] [--errors N]
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
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--errors", type=int, default=0, help="print up to N predicted triplets that match no gold one")
    parser.add_argument("--gold-out", type=Path, help="write the imported gold records here")
    parser.add_argument("--pred-out", type=Path, help="write the predicted records here")
    args = parser.parse_args(argv)
    if not (args.data / "articles").is_dir() or not (args.data / "annotations").is_dir():
        print(f"error: SEESAW data not found at {args.data} (expected articles/ and annotations/ inside)", file=sys.stderr)
        return 2

    from corpus.converters import Reject
    from corpus.evaluate import evaluate
    from corpus.importers import ImportOptions, get_importer

    gold = [r for r in get_importer("seesaw").read([args.data], ImportOptions()) if not isinstance(r, Reject)]
    pred, elapsed = annotate_checked(gold, args.layers)
    write_outputs(args.gold_out, gold, args.pred_out, pred)
    report = evaluate(gold, pred, layers=["stances"])
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    extra = report["stances"]

    def prf(s: dict[str, Any]) -> str:
        return f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"

    n_gold = sum(len(r["meta"].get("gold_stances") or []) for r in gold)
    print(f"SEESAW dev: {len(gold)} records, {n_gold} gold triplets, annotated ({args.layers}) in {elapsed:.1f}s")
    print(f"triplet          {prf(extra['triplet'])}")
    print(f"holder+polarity  {prf(extra['holder_polarity'])}")
    if args.errors:
        _print_errors(gold, pred, args.errors)
    return 0


def _print_errors(gold: list[dict[str, Any]], pred: list[dict[str, Any]], limit: int) -> None:
    """Predicted triplets with no gold triplet of the same holder and polarity, with their sentence."""
    from corpus.evaluate import _same_name, _triplets

    shown = 0
    by_id = {r["meta"]["id"]: r for r in gold}
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
