"""Draw a reproducible sample of STATISTIC spans from annotated records, to be checked by hand.

    corpus convert ../shared/data/wikinews --preset wikinews -o /tmp/wn.jsonl
    corpus annotate /tmp/wn.jsonl -o /tmp/wn.ann.jsonl --layers statistics
    python scripts/sample_statistics.py /tmp/wn.ann.jsonl --n 50 --seed 1

Prints each sampled statistic with its sentence-sized context (the span in [[ ]]) and its
attributes, numbered, so a reader can mark each one right or wrong and name the kind of error
(not a statistic, wrong value, wrong unit, wrong approximator, wrong range or change). The sample is
drawn uniformly over all statistics of the file with `random.Random(seed)`: the same file and seed
give the same sample.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from corpus.jsonl import read_jsonl


def context(text: str, start: int, end: int, width: int = 90) -> str:
    left = text[max(0, start - width):start].split("\n")[-1]
    right = text[end:end + width].split("\n")[0]
    return f"{left}[[{text[start:end]}]]{right}".replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("annotated", type=Path, help="annotated records (JSONL) with the statistics layer")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.annotated.is_file():
        print(f"{args.annotated}: not found", file=sys.stderr)
        return 2
    stats: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for rec in read_jsonl(args.annotated):
        stats.extend((rec, s) for s in rec.get("spans", []) if s["label"] == "STATISTIC")
    if not stats:
        print(f"{args.annotated}: no STATISTIC spans (annotate with --layers statistics first)", file=sys.stderr)
        return 1
    sample = random.Random(args.seed).sample(stats, min(args.n, len(stats)))
    print(f"{len(sample)} of {len(stats)} statistics in {args.annotated} (seed {args.seed})")
    for k, (rec, span) in enumerate(sample, 1):
        attrs = {key: v for key, v in (span.get("attrs") or {}).items() if v is not None}
        print(f"{k:3d}. {context(rec['text'], span['start'], span['end'])}")
        print(f"     {json.dumps(attrs, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
