"""CPU time of the annotation stage alone (the four components and building the record) on
pre-parsed documents, against the parse itself.

    python scripts/time_annotators.py                     # 100 Wikinews articles, best of 5
    python scripts/time_annotators.py --articles 300 --repeats 7

CPU time (not wall-clock) and the best of several repeats, so a busy machine disturbs the figure
less; every repeat annotates fresh copies of the same parses. Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "wikinews"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=[DEFAULT_INPUT], help="articles, as for corpus convert")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if not all(p.exists() for p in args.inputs):
        print(f"error: {', '.join(map(str, args.inputs))} not found", file=sys.stderr)
        return 2

    from spacy.tokens import Doc

    from corpus.converters import convert_paths
    from corpus.pipeline import Annotator

    records = [r for r in convert_paths(args.inputs) if isinstance(r, dict)][: args.articles]
    annotator = Annotator("all")
    nlp = annotator.nlp
    ours = list(annotator.pipes.values())
    start = time.process_time()
    with nlp.select_pipes(disable=ours):
        parsed = [doc.to_bytes() for doc in nlp.pipe(r["text"] for r in records)]
    parse = time.process_time() - start
    words = sum(1 for b in parsed for t in Doc(nlp.vocab).from_bytes(b) if not t.is_space)
    best = float("inf")
    for _ in range(args.repeats):
        docs = [Doc(nlp.vocab).from_bytes(b) for b in parsed]
        start = time.process_time()
        out = [annotator.annotate_parsed(rec, doc) for rec, doc in zip(records, docs)]
        best = min(best, time.process_time() - start)
        rejected = sum(1 for r in out if not isinstance(r, dict))
    print(f"{len(records)} articles, {words} words: parse {parse:.2f} s CPU ({words / parse:,.0f} words/s); "
          f"annotation stage, best of {args.repeats}: {best:.2f} s CPU = {100 * best / parse:.1f}% of the parse; {rejected} rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
