"""CPU time of the annotation stage alone (the four components and building the record) on
pre-parsed documents, against the parse itself, with the cost of each part.

    python scripts/time_annotators.py                     # 100 Wikinews articles, best of 5
    python scripts/time_annotators.py --articles 300 --repeats 7
    python scripts/time_annotators.py --parsed /tmp/p.bin --dump /tmp/out.jsonl   # reuse a parse; write the records

CPU time (not wall-clock) and the best of several repeats, so a busy machine disturbs the figure
less; every repeat annotates fresh copies of the same parses. Each part (the record's tokens and
kept layers, each component, building the record) is timed on its own, best of the repeats, and
shown as % of the parse; the garbage collector's time is shown apart ("gc"), since it falls on
whichever part happens to trigger it. `--parsed FILE` keeps the parse (each doc's bytes) between runs: it is read
when it exists and written when not (the parse time is stored with it). `--dump FILE` writes the
annotated records as `corpus annotate` does, to compare outputs between code versions.
Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "wikinews"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("inputs", nargs="*", type=Path, default=[DEFAULT_INPUT], help="articles, as for corpus convert")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--stances", default="model", help="stance layer: model (the default of corpus annotate) or rules")
    parser.add_argument("--parsed", type=Path, help="the parse (each doc's to_bytes, msgpack): read when it exists, else written")
    parser.add_argument("--dump", type=Path, help="write the annotated records (JSON lines) here")
    args = parser.parse_args(argv)
    if not all(p.exists() for p in args.inputs):
        print(f"error: {', '.join(map(str, args.inputs))} not found", file=sys.stderr)
        return 2

    import srsly
    from spacy.tokens import Doc

    from corpus.converters import convert_paths
    from corpus.jsonl import dumps
    from corpus.pipeline import Annotator
    from corpus.record import tokens_from_doc

    records = [r for r in convert_paths(args.inputs) if isinstance(r, dict)][: args.articles]
    annotator = Annotator("all", stances=args.stances)
    nlp = annotator.nlp
    meta = args.parsed.with_suffix(args.parsed.suffix + ".json") if args.parsed else None
    if args.parsed and args.parsed.exists() and meta and meta.exists() and json.loads(meta.read_text())["articles"] == len(records):
        parsed = srsly.msgpack_loads(args.parsed.read_bytes())
        parse = json.loads(meta.read_text())["parse"]
    else:
        start = time.process_time()
        with nlp.select_pipes(disable=annotator._ours):
            docs = list(nlp.pipe(r["text"] for r in records))
        parse = time.process_time() - start
        parsed = [doc.to_bytes() for doc in docs]
        if args.parsed and meta:
            args.parsed.write_bytes(srsly.msgpack_dumps(parsed))
            meta.write_text(json.dumps({"articles": len(records), "parse": parse}))
    words = sum(1 for b in parsed for t in Doc(nlp.vocab).from_bytes(b) if not t.is_space)

    # The parts of Annotator.annotate_parsed, each timed on its own. Python's garbage collector runs
    # when enough objects have been made, whichever part makes the last one: its time is counted
    # apart ("gc"), so a part is not charged for what the others allocated.
    collecting = {"since": 0.0, "spent": 0.0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collecting["since"] = time.process_time()
        else:
            collecting["spent"] += time.process_time() - collecting["since"]

    parts = ["tokens+kept"] + [f"{layer}" for layer in annotator.layers] + ["record"]
    best = dict.fromkeys(parts + ["gc", "total", "annotate_parsed"], float("inf"))
    out: list = []
    gc.callbacks.append(on_gc)
    for _ in range(args.repeats):
        docs = [Doc(nlp.vocab).from_bytes(b) for b in parsed]
        spent = dict.fromkeys(parts + ["gc"], 0.0)
        out = []
        for rec, doc in zip(records, docs):
            g0 = collecting["spent"]
            t0 = time.process_time()
            tokens = tokens_from_doc(doc)
            kept = annotator._kept(rec, tokens)
            annotator._inject(rec, doc, kept)
            t1, g1 = time.process_time(), collecting["spent"]
            spent["tokens+kept"] += t1 - t0 - (g1 - g0)
            for layer in annotator.layers:
                doc = nlp.get_pipe(annotator.pipes[layer])(doc)
                t2, g2 = time.process_time(), collecting["spent"]
                spent[layer] += t2 - t1 - (g2 - g1)
                t1, g1 = t2, g2
            out.append(annotator._record(rec, doc, tokens, kept))
            spent["record"] += time.process_time() - t1 - (collecting["spent"] - g1)
            spent["gc"] += collecting["spent"] - g0
        for part in parts + ["gc"]:
            best[part] = min(best[part], spent[part])
        best["total"] = min(best["total"], sum(spent.values()))
        # the whole stage as the pipeline runs it (same code path as corpus annotate)
        docs = [Doc(nlp.vocab).from_bytes(b) for b in parsed]
        start = time.process_time()
        whole = [annotator.annotate_parsed(rec, doc) for rec, doc in zip(records, docs)]
        best["annotate_parsed"] = min(best["annotate_parsed"], time.process_time() - start)
    gc.callbacks.remove(on_gc)
    rejected = sum(1 for r in whole if not isinstance(r, dict))
    print(f"{len(records)} articles, {words} words: parse {parse:.2f} s CPU ({words / parse:,.0f} words/s); "
          f"annotation stage (annotate_parsed), best of {args.repeats}: {best['annotate_parsed']:.3f} s CPU = "
          f"{100 * best['annotate_parsed'] / parse:.1f}% of the parse; {rejected} rejected")
    print(f"{'part':<16}{'s CPU':>9}{'% parse':>9}   (best of {args.repeats}, each part on its own)")
    for part in parts + ["gc", "total"]:
        print(f"{part:<16}{best[part]:>9.3f}{100 * best[part] / parse:>8.2f}%")
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for r in whole:
                fh.write((dumps(r) if isinstance(r, dict) else json.dumps({"reject": str(r)})) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
