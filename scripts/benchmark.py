"""Benchmark the annotation pipeline against what it stands on and what it replaces.

    python scripts/benchmark.py                          # ../shared/data/wikinews/wikinews_2019.csv
    python scripts/benchmark.py my_articles.jsonl --preset none --runs 5
    python scripts/benchmark.py --skip diy,ray,throughput --runs 3

Measures, in one run on the same articles, and prints each figure with its run count and the load
average of the machine while it ran (a busy machine slows every figure; the lead re-runs this when
the machine is quiet):
  - 1 -> 2 workers (and -> --workers): whole `corpus annotate` processes, model loading included;
    the outputs are checked to be the same bytes;
  - four layers vs bare `nlp.pipe` with the same model: whole processes (read JSONL, parse, and for
    us annotate and write), and in one process with the model loaded (the steady state);
  - start time and memory per extra worker: model load, pool start, and PSS of the parent and of
    each worker (/proc/PID/smaps_rollup) sampled through a 2-worker `corpus annotate`;
  - peak memory (VmHWM) of `corpus annotate --workers 1` at 1x and 10x corpus size;
  - optional: the do-it-yourself stack (spaCy NER, textacy's direct_quotations, quantulum3; needs
    `pip install -e '.[bench]'`), a local Ray instance, validation and export throughput.
The input is never replicated to reach `--articles` (that is refused); only the 10x memory corpus
is the 1x corpus repeated with new ids, and the report says so. Figures are reported, never
asserted: every one is a wall-clock time on a shared or quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "wikinews" / "wikinews_2019.csv"
CORPUS = str(Path(sys.executable).with_name("corpus"))
PARTS = ("scaling", "bare", "workers", "memory", "diy", "ray", "throughput")


def load() -> float:
    return os.getloadavg()[0]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor()) \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpu}; {os.cpu_count()} CPUs ({usable} usable); {mem:.1f} GiB RAM; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def model_name(model: str) -> str:
    import spacy

    meta = spacy.load(model).meta
    return f"{model} ({meta['lang']}_{meta['name']} {meta['version']}, spaCy {spacy.__version__})"


class Rows(list[tuple[str, str]]):
    """The report's rows, each also printed as it is measured (a long run shows its progress)."""

    def append(self, row: tuple[str, str]) -> None:
        print(f"  {row[0]}: {row[1]}", flush=True)
        super().append(row)


class Runs:
    """Wall-clock seconds of repeated runs, with the 1-minute load average before each."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.loads: list[float] = []
        self.cpu: list[float] = []  # CPU seconds of the processes a run started (workers included)

    def time(self, fn: Callable[[], Any]) -> Any:
        self.loads.append(load())
        before = os.times()
        start = time.perf_counter()
        result = fn()
        self.seconds.append(time.perf_counter() - start)
        after = os.times()
        self.cpu.append(after.children_user + after.children_system - before.children_user - before.children_system)
        return result

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def note(self) -> str:
        return f"{len(self.seconds)} run{'s' if len(self.seconds) > 1 else ''}, median of {', '.join(f'{s:.1f}' for s in self.seconds)} s; load {max(self.loads):.1f} max"


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr[-2000:]}")
    return out


def annotate_cmd(records: Path, out: Path, workers: int, model: str) -> list[str]:
    return [CORPUS, "annotate", str(records), "-o", str(out), "--workers", str(workers), "--model", model]


# --- memory of a process tree -----------------------------------------------------------------

def smaps(pid: int) -> dict[str, int]:
    """PSS, RSS and private (unshared) memory of one process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0])
    return {"pss": fields["Pss"], "rss": fields["Rss"], "private": fields["Private_Clean"] + fields["Private_Dirty"]}


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def sample_tree(proc: subprocess.Popen[str], every: float = 0.25) -> dict[str, Any]:
    """Sample a running command's memory; keep the sample with the largest total PSS."""
    best: dict[str, Any] = {"total": 0}
    while proc.poll() is None:
        try:
            parent = smaps(proc.pid)
            workers = [smaps(c) for c in children(proc.pid)]
        except (OSError, ValueError, KeyError):
            break
        total = parent["pss"] + sum(w["pss"] for w in workers)
        if workers and total > best["total"]:
            best = {"total": total, "parent": parent, "workers": workers}
        time.sleep(every)
    return best


# --- the parts ----------------------------------------------------------------------------------

_BARE = """
import json, sys, spacy
nlp = spacy.load(sys.argv[2])
texts = (json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8"))
print(sum(len(doc) for doc in nlp.pipe(texts, batch_size=32)))
"""

# `corpus annotate` in this process, reporting its peak RSS (VmHWM) at exit; ru_maxrss would not
# do: after fork and exec it still counts the RSS the benchmark process had when it forked
_PEAK = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("VmHWM " + line.split()[1] + "\\n")
atexit.register(peak)
sys.argv = ["corpus", *sys.argv[1:]]
from corpus.cli import main
main()
"""

_START = """
import json, sys
from annotators import LAYERS
from corpus.engine import LocalEngine
engine = LocalEngine(LAYERS, workers=int(sys.argv[1]), model=sys.argv[2])
print(json.dumps({"load": engine.load_seconds, "start": engine.start_seconds}))
engine.close()
"""


def part_scaling(records: Path, tmp: Path, workers: list[int], runs: int, model: str, rows: list[tuple[str, str]]) -> dict[int, Runs]:
    timings = {w: Runs() for w in workers}
    for _ in range(runs):  # interleaved, so a change in the machine's load hits every count alike
        for w in workers:
            timings[w].time(partial(run, annotate_cmd(records, tmp / f"w{w}.jsonl", w, model)))
    same = len({(tmp / f"w{w}.jsonl").read_bytes() for w in workers}) == 1
    one = timings[workers[0]]
    rows.append(("corpus annotate, 1 worker", f"{one.median:.1f} s, {one.cpu_median:.1f} CPU s ({one.note()})"))
    for w in workers[1:]:
        t = timings[w]
        rows.append((f"corpus annotate, {w} workers", f"{t.median:.1f} s = {one.median / t.median:.2f}x 1 worker (target >= 1.70 at 2); "
                     f"{t.cpu_median:.1f} CPU s = {t.cpu_median / one.cpu_median:.2f}x the work of 1 worker ({t.note()})"))
    rows.append(("output across worker counts", "the same bytes" if same else "DIFFERENT BYTES (a bug)"))
    return timings


def part_bare(records: Path, tmp: Path, runs: int, model: str, one: Runs | None, rows: list[tuple[str, str]]) -> float:
    """Four layers vs bare nlp.pipe: as whole processes, and in one process with the model loaded
    (returns our seconds there, the steady state the other comparisons use)."""
    bare, ours = Runs(), one if one is not None else Runs()
    for _ in range(runs):
        bare.time(lambda: run([sys.executable, "-c", _BARE, str(records), model]))
        if one is None:
            ours.time(lambda: run(annotate_cmd(records, tmp / "w1.jsonl", 1, model)))
    rows.append(("four layers vs bare nlp.pipe, processes", f"bare {bare.median:.1f} s, ours {ours.median:.1f} s = {bare.median / ours.median:.2f}x (target >= 0.95); "
                 f"CPU s bare {bare.cpu_median:.1f}, ours {ours.cpu_median:.1f} = {bare.cpu_median / ours.cpu_median:.2f}x (bare: {bare.note()})"))

    from annotators import LAYERS
    from corpus.jsonl import read_jsonl
    from corpus.pipeline import Annotator, load_model

    recs = list(read_jsonl(records))
    texts = [r["text"] for r in recs]
    annotator = Annotator(LAYERS, model=model)
    nlp = load_model(model)  # the same model, no layer
    list(nlp.pipe(texts[:8]))
    annotator(recs[:8])  # warm up both
    t_bare, t_ours = Runs(), Runs()
    for _ in range(runs):
        t_bare.time(lambda: list(nlp.pipe(texts, batch_size=32)))
        t_ours.time(lambda: [x for i in range(0, len(recs), 32) for x in annotator(recs[i:i + 32])])
    n_words = sum(1 for doc in nlp.pipe(texts) for t in doc if not t.is_space)
    rows.append(("four layers vs bare nlp.pipe, in process", f"bare {n_words / t_bare.median:,.0f} words/s, ours {n_words / t_ours.median:,.0f} words/s "
                 f"= {t_bare.median / t_ours.median:.2f}x (model loaded, warm; ours: {t_ours.note()})"))
    return t_ours.median


def part_workers(records: Path, tmp: Path, runs: int, model: str, workers: int, rows: list[tuple[str, str]]) -> None:
    """What one more worker costs: start time (fresh processes) and memory (sampled mid-run)."""
    starts: dict[int, list[dict[str, float]]] = {1: [], workers: []}
    loads = []
    for _ in range(runs):
        for w in starts:
            loads.append(load())
            starts[w].append(json.loads(run([sys.executable, "-c", _START, str(w), model], cwd=ROOT).stdout.strip().splitlines()[-1]))
    model_load = statistics.median(s["load"] for s in starts[1])
    pool = statistics.median(s["start"] for s in starts[workers])
    rows.append(("model load (once per run)", f"{model_load:.2f} s ({runs} run(s); load {max(loads):.1f} max)"))
    rows.append((f"pool of {workers} forked workers ready", f"{pool * 1000:.0f} ms after the load = {pool * 1000 / workers:.0f} ms per worker ({runs} run(s))"))
    samples = []
    for _ in range(runs):
        before = load()
        proc = subprocess.Popen(annotate_cmd(records, tmp / "mem.jsonl", workers, model), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        samples.append((sample_tree(proc), before))
        proc.wait()
    best = max(samples, key=lambda s: s[0]["total"])[0]
    if not best.get("workers"):
        rows.append(("memory per worker", "not sampled (the run ended too soon; give a larger input)"))
        return
    per = [w["pss"] / 1024 for w in best["workers"]]
    private = [w["private"] / 1024 for w in best["workers"]]
    rows.append((f"memory, {workers}-worker run (PSS)", f"parent {best['parent']['pss'] / 1024:.0f} MiB (RSS {best['parent']['rss'] / 1024:.0f}); per worker "
                 f"{', '.join(f'{p:.0f}' for p in per)} MiB PSS, {', '.join(f'{p:.0f}' for p in private)} MiB its own (unshared); "
                 f"total {best['total'] / 1024:.0f} MiB (peak of {runs} sampled runs; load {max(b for _, b in samples):.1f} max)"))


def part_memory(records: Path, tmp: Path, base: int, model: str, rows: list[tuple[str, str]]) -> None:
    from corpus.jsonl import read_jsonl, write_jsonl

    recs = list(read_jsonl(records))[:base]
    peaks = {}
    for factor in (1, 10):
        path = tmp / f"mem{factor}.jsonl"
        # the 10x corpus repeats the 1x one with new ids: the point is length, not variety
        write_jsonl(path, (dict(r, meta={**r["meta"], "id": f"{r['meta']['id']}x{k}"}) for k in range(factor) for r in recs))
        before = load()
        out = run([sys.executable, "-c", _PEAK, *annotate_cmd(path, tmp / f"mem{factor}.out.jsonl", 1, model)[1:]])
        peaks[factor] = (int(out.stderr.rsplit("VmHWM ", 1)[1].split()[0]) / 1024, before)
    (one, l1), (ten, l10) = peaks[1], peaks[10]
    rows.append(("peak memory, 1 worker (VmHWM)", f"{one:.0f} MiB at {len(recs)} articles, {ten:.0f} MiB at {10 * len(recs)} (the same articles 10 times, new ids): "
                 f"{ten / one:.2f}x (target <= 1.2; 1 run each; load {max(l1, l10):.1f} max)"))


def part_diy(texts: list[str], tmp: Path, model: str, t_ours: float, rows: list[tuple[str, str]]) -> None:
    try:
        from quantulum3 import classifier
        from quantulum3 import parser as quantities
        from textacy.extract.triples import direct_quotations
    except ImportError:
        rows.append(("do-it-yourself stack", "skipped: pip install -e '.[bench]' for textacy and quantulum3"))
        return
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

    nlp = spacy.load(model)
    parts = {name: Runs() for name in ("spacy NER", "textacy direct_quotations", "quantulum3")}
    before = load()
    parts["spacy NER"].time(lambda: [d.ents for d in nlp.pipe(texts, batch_size=32)])
    parts["textacy direct_quotations"].time(lambda: [quotes(d) for d in nlp.pipe(texts, batch_size=32)])
    parts["quantulum3"].time(lambda: [quantities.parse(t, classifier_path=clf) for t in texts])
    t_diy = sum(p.median for p in parts.values())
    detail = ", ".join(f"{k} {v.median:.1f}s" for k, v in parts.items())
    rows.append(("do-it-yourself stack", f"{t_diy:.1f}s ({detail}); ours in process {t_ours:.1f}s = {t_diy / t_ours:.2f}x faster (target >= 2; 1 run; load {before:.1f})"))


def part_ray(records: Path, tmp: Path, model: str, t_ours: float, rows: list[tuple[str, str]]) -> None:
    try:
        import ray
    except ImportError:
        rows.append(("Ray Data, this machine", "skipped: pip install -e '.[ray]'"))
        return
    from annotators import LAYERS
    from corpus.engines_ray import run_ray

    ray.init(include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False  # keep the report readable
    timing = Runs()
    try:
        run_ray(str(records), str(tmp / "warm.jsonl"), LAYERS, batch_size=16, model=model)  # actors start and load the model once
        timing.time(lambda: run_ray(str(records), str(tmp / "ray.jsonl"), LAYERS, batch_size=16, model=model))
    finally:
        ray.shutdown()
    rows.append(("Ray Data, local instance", f"{timing.median:.1f} s with warm actors = {t_ours / timing.median:.2f}x four layers in one process ({timing.note()})"))


def part_throughput(records: Path, tmp: Path, model: str, rows: list[tuple[str, str]]) -> None:
    from annotators import LAYERS
    from corpus.export import ExportOptions, export
    from corpus.jsonl import read_jsonl
    from corpus.pipeline import Annotator
    from corpus.validate import Validator

    recs = list(read_jsonl(records))
    t_ann, t_val, t_exp = Runs(), Runs(), Runs()
    annotator = Annotator(LAYERS, model=model)
    annotated = [r for r in t_ann.time(lambda: annotator(recs)) if isinstance(r, dict)]
    validator = Validator()
    t_val.time(lambda: [validator.check(r, r["meta"]["id"]) for r in annotated])
    export(annotated[:20], tmp / "warm", ExportOptions(formats=("hf",), seed=0))  # imports datasets, pyarrow, datasketch
    t_exp.time(lambda: export(annotated, tmp / "export", ExportOptions(formats=("hf",), seed=0)))
    rate_annotate = len(recs) / t_ann.median
    for name, t in (("validation", t_val), ("export (hf)", t_exp)):
        rate = len(annotated) / t.median
        rows.append((name, f"{rate:,.0f} records/s = {rate / rate_annotate:.0f}x annotation (target >= 20; {t.note()})"))


def main(argv: list[str] | None = None) -> int:
    from corpus.pipeline import MODEL

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path, help=f"Articles (any format corpus convert reads); default: {DEFAULT_INPUT}.")
    parser.add_argument("--preset", default="wikinews", help="corpus convert --preset for CSV/JSON inputs ('none' for none).")
    parser.add_argument("--articles", type=int, default=0, help="Use the first N articles (default all); more than the input holds is refused.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per timed figure (the median is reported).")
    parser.add_argument("--memory-base", type=int, default=40, help="Articles in the 1x corpus of the memory test (10x repeats it ten times).")
    parser.add_argument("--workers", type=int, default=0, help="Largest worker count (default: every core; 1 -> 2 is always measured).")
    parser.add_argument("--model", default=MODEL, help="spaCy pipeline for every figure.")
    parser.add_argument("--skip", default="", help=f"Comma-separated parts to skip: {', '.join(PARTS)}.")
    args = parser.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - set(PARTS):
        parser.error(f"unknown part(s) {', '.join(sorted(skip - set(PARTS)))}; known: {', '.join(PARTS)}")

    from corpus.engine import default_workers
    from corpus.jsonl import read_jsonl, write_jsonl

    inputs = args.inputs or [DEFAULT_INPUT]
    most = max(2, args.workers or default_workers())
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        records = tmp / "records.jsonl"
        run([CORPUS, "convert", *map(str, inputs), "-o", str(records), *(["--preset", args.preset] if args.preset != "none" else [])])
        recs = list(read_jsonl(records))
        if args.articles > len(recs):
            sys.exit(f"--articles {args.articles}, but {', '.join(map(str, inputs))} holds {len(recs)} articles; "
                     "repeating articles would time the same text twice, so give a larger input")
        if args.articles:
            recs = recs[: args.articles]
            write_jsonl(records, recs)
        n_words = sum(len(r["text"].split()) for r in recs)
        print(f"machine: {machine()}")
        print(f"model:   {model_name(args.model)}; layers: all four")
        print(f"corpus:  {len(recs)} articles, {n_words:,} words (whitespace-separated) from {', '.join(map(str, inputs))}, none repeated")
        print(f"started: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled")
        if autogroup.exists() and autogroup.read_text().strip() == "1" and load() > (os.cpu_count() or 1):
            print("note:    the machine is busy and sched_autogroup is on: the kernel gives this session one fair share of the CPUs,\n"
                  "         so more workers cannot show in wall-clock time now; the CPU seconds still compare the work done", flush=True)
        rows = Rows()
        timings = part_scaling(records, tmp, sorted({1, 2, most}), args.runs, args.model, rows) if "scaling" not in skip else {}
        one = timings.get(1)
        t_ours = part_bare(records, tmp, args.runs, args.model, one, rows) if "bare" not in skip else float("nan")
        if "workers" not in skip:
            part_workers(records, tmp, args.runs, args.model, most, rows)
        if "memory" not in skip:
            part_memory(records, tmp, args.memory_base, args.model, rows)
        if "diy" not in skip:
            part_diy([r["text"] for r in recs], tmp, args.model, t_ours, rows)
        if "ray" not in skip:
            part_ray(records, tmp, args.model, t_ours, rows)
        if "throughput" not in skip:
            part_throughput(records, tmp, args.model, rows)
    width = max(len(k) for k, _ in rows)
    print()
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    print(f"finished: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
