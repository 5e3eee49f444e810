"""Measure what `corpus export` promises about splits on an annotated corpus: sizes asked vs got,
per-layer label shares per split with and without --stratify, and articles moved as the corpus
grows (12 -> 40 -> all, each export reusing the earlier splits.json; must be 0).

    corpus convert ../shared/data/wikinews/*.csv --preset wikinews -o records.jsonl
    corpus annotate records.jsonl -o annotated.jsonl
    python scripts/measure_splits.py annotated.jsonl            # all articles
    python scripts/measure_splits.py annotated.jsonl --check    # the check part: every fifth, from the fifth
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any


def _splits(folder: Path) -> dict[str, str]:
    data = json.loads((folder / "splits.json").read_text(encoding="utf-8"))
    return {a: v["split"] for a, v in data["articles"].items()}


def _spread(shares: dict[str, dict[str, dict[str, float]]], layer: str) -> float:
    """The largest gap, in percentage points, between a label's share in two splits of one layer."""
    gaps = [max(v.values()) - min(v.values()) for v in shares.get(layer, {}).values() if len(v) > 1]
    return 100 * max(gaps, default=0.0)


def _weighted(shares: dict[str, dict[str, dict[str, float]]], layer: str) -> float:
    """The gap between splits of each label's share (entity labels; the class values of the other
    layers), weighted by the label's mean share so that rare labels, whose shares are noisy in small
    splits, count less; in percentage points."""
    table = shares.get(layer, {})
    classes = any(":" in k for k in table)  # quotes, stances, statistics: the class values (kind, polarity)
    rows = [v for k, v in table.items() if (":" in k) == classes and len(v) > 1]
    weights = [sum(v.values()) / len(v) for v in rows]
    gaps = [max(v.values()) - min(v.values()) for v in rows]
    return 100 * sum(w * g for w, g in zip(weights, gaps)) / (sum(weights) or 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("annotated", type=Path)
    parser.add_argument("--check", action="store_true", help="Only the check part: records 4, 9, 14, ... in file order.")
    parser.add_argument("--test-size", type=float, default=0.1)
    parser.add_argument("--validation-size", type=float, default=0.1)
    parser.add_argument("--shares", action="store_true", help="Print every label's share per split, not only the largest gap.")
    args = parser.parse_args(argv)

    from corpus.export import ExportOptions, export
    from corpus.jsonl import read_jsonl

    records: list[dict[str, Any]] = list(read_jsonl(args.annotated))
    if args.check:
        records = records[4::5]
    part = "check part" if args.check else "all"
    print(f"{len(records)} articles ({part}) from {args.annotated}; test {args.test_size}, validation {args.validation_size}")
    sizes = dict(test_size=args.test_size, validation_size=args.validation_size)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "grow"
        steps = [n for n in (12, 40) if n < len(records)] + [len(records)]
        before: dict[str, str] = {}
        print("\ngrowth (each export reuses the earlier splits.json)")
        print("articles | moved | train | validation | test | asked (train/validation/test)")
        for n in steps:
            result = export(records[:n], out, ExportOptions(seed=0, overwrite=True, **sizes))
            after = _splits(out)
            moved = sum(1 for a, s in before.items() if after.get(a) != s)
            asked = result.plan.asked
            print(f"{n} | {moved} | {result.sizes['train']} | {result.sizes['validation']} | {result.sizes['test']} | "
                  f"{asked['train']}/{asked['validation']}/{asked['test']}")
            before = after
        print("\nfor contrast, the same growth with no earlier plan (--resplit): articles moved")
        fresh = Path(tmp) / "fresh"
        before = {}
        for n in steps:
            export(records[:n], fresh, ExportOptions(seed=0, overwrite=True, resplit=True, **sizes))
            after = _splits(fresh)
            print(f"{n} | {sum(1 for a, s in before.items() if after.get(a) != s)}")
            before = after

        print("\nlabel shares: largest gap between splits / share-weighted mean gap, percentage points (a label's share of its layer)")
        print("stratify | sizes (train/validation/test) | " + " | ".join(("entities", "quotes", "stances", "statistics")))
        for stratify in (False, True):
            result = export(records, Path(tmp) / f"s{stratify}", ExportOptions(seed=0, stratify=stratify, **sizes))
            gaps = " | ".join(f"{_spread(result.shares, layer):.1f} / {_weighted(result.shares, layer):.1f}"
                              for layer in ("entities", "quotes", "stances", "statistics"))
            print(f"{stratify} | {result.sizes['train']}/{result.sizes['validation']}/{result.sizes['test']} | {gaps}")
            if not stratify:
                merges = result.plan.near_duplicate_merges
                print(f"  near-duplicates: {result.plan.near_duplicate_pairs} pairs at Jaccard >= 0.8, {merges} articles joined another's group")
            if args.shares:
                for layer, rows in result.shares.items():
                    for label, per in rows.items():
                        print(f"  {layer} {label}: " + ", ".join(f"{sp} {per.get(sp, 0.0):.1%}" for sp in ("train", "validation", "test")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
