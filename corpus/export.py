"""`corpus export`: validate, split once, then write every requested format with that one assignment.

An export folder holds one sibling folder per format (`hf/`, `spacy/`, `conll/`, `prodigy/`), the
split plan (`splits.json`) and a manifest (`corpus-export.json`) naming every file we wrote. The
manifest is how a later export recognises a folder as ours: a non-empty folder without one is
refused, and a file in it that the manifest does not name is never replaced or deleted. Everything
is written into a staging folder first and swapped in only when complete, so a failed export
leaves the earlier one whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .errors import CorpusError, InvalidLineError
from .exporters.card import Provenance, dataset_card
from .jsonl import Line, atomic_open, dumps
from .record import paragraphs, slice_record
from .registry import load_registry
from .splits import SPLITS, SplitPlan, plan_from_sketches, read_earlier_plan, sketch

__all__ = ["ExportOptions", "ExportResult", "export", "claim", "FORMATS", "MANIFEST"]

FORMATS = ("hf", "spacy", "conll", "prodigy")
MANIFEST = "corpus-export.json"
REJECTS = "export.rejects.jsonl"
_TOOL = "news-corpus"
_STAGING, _OLD, _TRASH = ".staging-", ".replaced-", ".trash-"
_SHOWN_PROBLEMS = 20


@dataclass
class ExportOptions:
    formats: tuple[str, ...] = ("hf",)
    test_size: float = 0.1
    validation_size: float = 0.1
    seed: int = 0
    group_by: str = "article"
    near_duplicates: float | None = 0.8
    stratify: bool = False
    license: str | None = None  # None: the sources' licence when known (Wikinews: cc-by-2.5), else "other"
    name: str = "news-corpus"
    skip_invalid: bool = False
    rejects: Path | None = None
    overwrite: bool = False
    splits_from: Path | None = None
    resplit: bool = False


@dataclass
class ExportResult:
    plan: SplitPlan
    records: int
    sizes: Counter[str]
    written: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    shares: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    invalid: int = 0
    rejects: Path | None = None
    warnings: list[str] = field(default_factory=list)


Source = Union[Sequence[Any], Callable[[], Iterable[Any]]]


class _TextWriter:
    """One text file per split (CoNLL documents or Prodigy JSONL)."""

    def __init__(self, folder: Path, suffix: str, render: Callable[[dict[str, Any]], str]) -> None:
        self.folder, self.suffix, self.render = folder, suffix, render
        self._files = contextlib.ExitStack()
        self._handles: dict[str, Any] = {}

    def add(self, record: dict[str, Any], split: str) -> None:
        fh = self._handles.get(split)
        if fh is None:
            fh = self._handles[split] = self._files.enter_context(atomic_open(self.folder / f"{split}{self.suffix}"))
        fh.write(self.render(record))

    def close(self) -> None:
        self._files.close()

    def abort(self) -> None:
        self._files.__exit__(RuntimeError, RuntimeError("export aborted"), None)


# --- the target folder: recognise our own exports, never touch anything else -------------------


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != _TOOL or not isinstance(data.get("files"), list):
        return None
    return data


def _files_under(path: Path, root: Path) -> list[str]:
    if path.is_dir() and not path.is_symlink():
        return sorted(str(p.relative_to(root)) for p in path.rglob("*") if not p.is_dir() or p.is_symlink())
    return [str(path.relative_to(root))]


def _write_manifest(folder: Path, files: Iterable[str]) -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version(_TOOL)
    except PackageNotFoundError:  # running from a checkout that is not installed
        ours = "unknown"
    with atomic_open(folder / MANIFEST) as fh:
        json.dump({"tool": _TOOL, "version": ours, "files": sorted(set(files))}, fh, indent=1)
        fh.write("\n")


def _check_target(out: Path, names: Iterable[str], *, replacing: bool) -> dict[str, Any] | None:
    """Refuse a target we may not write: non-empty and not ours, or holding a file of the user's
    where we would write. Returns the earlier manifest (None for a new or empty folder)."""
    if out.exists() and not out.is_dir():
        raise CorpusError("E101", f"{out} is a file, not a folder; give a new or empty folder, or an earlier export")
    entries = [p for p in out.iterdir() if not p.name.startswith((_STAGING, _OLD, _TRASH))] if out.exists() else []
    manifest = _read_manifest(out) if entries else None
    if entries and manifest is None:
        shown = ", ".join(sorted(p.name for p in entries)[:5])
        raise CorpusError("E101", f"{out} is not empty ({shown}) and holds no {MANIFEST}, so it is not an export of ours; "
                                  "nothing was written (give a new or empty folder)")
    if manifest is None:
        return None
    if not replacing:
        raise CorpusError("E102", f"{out} holds an earlier export; nothing was written (pass --overwrite to replace it)")
    listed = set(manifest["files"])
    for name in names:
        path = out / name
        if not path.exists() and not path.is_symlink():
            continue
        foreign = [f for f in _files_under(path, out) if f not in listed]
        if foreign:
            raise CorpusError("E101", f"{out / foreign[0]} was not written by corpus export ({MANIFEST} does not name it); "
                                      "nothing was written (move it away or export into a new folder)")
    return manifest


def claim(out: Path, names: Sequence[str]) -> None:
    """Make `out` ours for `names` (files a build writes beside the export): refused when `out` is
    not empty and not ours, or when one of `names` is there and is not ours. Leftovers of a killed
    run (staging folders) are removed."""
    manifest = _check_target(out, names, replacing=True)
    out.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    _write_manifest(out, list((manifest or {}).get("files", [])) + list(names))


def _clean_leftovers(out: Path) -> None:
    """Finish what a killed export left: a `.replaced-*` folder means its swap did not complete, so
    the earlier export's items in it go back in place (the union manifest written before the swap
    names both); staging and trash folders are removed."""
    for old in sorted(out.glob(f"{_OLD}*")):
        if not old.is_dir() or old.is_symlink():
            continue
        for item in old.iterdir():
            target = out / item.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            os.replace(item, target)
        shutil.rmtree(old, ignore_errors=True)
    for p in out.iterdir():
        if p.name.startswith((_STAGING, _TRASH)) and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)


def _swap_in(out: Path, stage: Path, names: list[str], retire: list[str], manifest: dict[str, Any] | None) -> None:
    """Move the staged `names` over their targets, and the earlier export's `retire` items away.

    Each rename is atomic; if one fails, the items already moved are put back. Before the first
    rename the manifest names the earlier files and the new ones, so whatever a crash leaves is
    ours, and `_clean_leftovers` restores the earlier export from the `.replaced-*` folder."""
    token = stage.name[len(_STAGING):]
    earlier = list((manifest or {}).get("files", []))
    replaced = set(names) | set(retire)
    kept = [f for f in earlier if f.split("/")[0] not in replaced]
    written = [f for name in names for f in _files_under(stage / name, stage)]
    _write_manifest(out, earlier + written)
    old = out / f"{_OLD}{token}"
    old.mkdir()
    moved: list[tuple[Path, Path]] = []
    try:
        for name in sorted(replaced):
            if (out / name).exists() or (out / name).is_symlink():
                os.replace(out / name, old / name)
                moved.append((old / name, out / name))
            if name in names:
                os.replace(stage / name, out / name)
                moved.append((out / name, stage / name))
    except BaseException:
        for src, dst in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(src, dst)
        with contextlib.suppress(OSError):
            old.rmdir()
        raise
    trash = out / f"{_TRASH}{token}"
    os.replace(old, trash)  # from here on the new export stands, whatever happens next
    _write_manifest(out, kept + written)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(stage, ignore_errors=True)


# --- reading and validating ---------------------------------------------------------------------


@dataclass
class _Item:
    """One input item after validation: where it was read, the record (None for a non-JSON line)
    and its problems as `CODE message` strings."""

    where: str
    record: dict[str, Any] | None
    problems: list[str]


def _items(source: Source) -> Iterator[tuple[str, Any]]:
    """(where, item) for each input item: a record, a `Line` (file and line known), or an
    `InvalidLineError` for a line that is not a JSON object."""
    items = source() if callable(source) else source
    for n, item in enumerate(items, start=1):
        if isinstance(item, InvalidLineError):
            yield f"{item.path}:{item.lineno}", item
        elif isinstance(item, Line):
            yield f"{item.path}:{item.lineno}", item.record
        else:
            yield f"record {n}", item


def _validated(source: Source) -> Iterator[_Item]:
    """Every input item with its problems (the record rules and unique `meta.id`)."""
    from .validate import Validator

    validator = Validator()
    for where, item in _items(source):
        if isinstance(item, InvalidLineError):
            yield _Item(where, None, [f"{item.code} {item.message.split(': ', 1)[-1]}"])
            continue
        problems = validator.check(item, where)
        yield _Item(where, item, [str(p) for p in problems])


def _pieces(rec: dict[str, Any], group_by: str, lost: list[int] | None = None) -> list[dict[str, Any]]:
    """The records one input record becomes: itself, or with paragraph grouping one per paragraph
    (the spans and relations crossing a paragraph break are counted into `lost`)."""
    if group_by != "paragraph":
        return [rec]
    pieces = [slice_record(rec, a, b, suffix=f"-p{n}") for n, (a, b) in enumerate(paragraphs(rec["text"]))]
    if lost is not None:
        kept = sum(len(p["spans"]) + len(p["relations"]) for p in pieces)
        lost[0] += len(rec.get("spans", [])) + len(rec.get("relations", [])) - kept
    return pieces


def _problem_line(item: _Item) -> str:
    """`file:line: id: CODES` for one invalid input item (`?` where it has no readable id)."""
    meta = (item.record or {}).get("meta")
    rid = meta.get("id") if isinstance(meta, dict) else None
    codes = ",".join(sorted({p.split(" ", 1)[0] for p in item.problems}))
    return f"{item.where}: {rid if rid is not None else '?'}: {codes}"


# --- the export ---------------------------------------------------------------------------------


def export(records: Source, out: Path, options: ExportOptions, *, replace_own: bool | None = None) -> ExportResult:
    """Validate every record, decide the splits, and write each format into `out/<format>`.

    Two passes over `records` (a list, or a function that reads them afresh, e.g. from a file):
    the first validates and sketches every article and decides the splits, the second streams each
    valid record into every format, so memory holds sketches, not the corpus. `replace_own` lets a
    build replace its own earlier export without `overwrite`.
    """
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise CorpusError("E058", f"unknown format {', '.join(map(repr, unknown)) or '(none)'}; known formats: {', '.join(FORMATS)}")
    names = list(dict.fromkeys(options.formats)) + ["splits.json"]
    manifest = _check_target(out, [*FORMATS, "splits.json", REJECTS], replacing=options.overwrite if replace_own is None else replace_own)
    if options.rejects is not None and options.rejects.resolve().is_relative_to(out.resolve()):
        raise CorpusError("E058", f"the rejects file {options.rejects} must not be inside the export folder {out}")

    earlier: dict[str, str] = {}
    if options.splits_from is not None:
        earlier = read_earlier_plan(options.splits_from)
    elif manifest is not None and not options.resplit and (out / "splits.json").is_file():
        earlier = read_earlier_plan(out / "splits.json")

    # pass 1: validate and sketch
    warnings: list[str] = []
    lost = [0]
    near = bool(options.near_duplicates)
    sketches = []
    bad: list[_Item] = []
    bad_positions: set[int] = set()
    provenance = Provenance()
    for n, item in enumerate(_validated(records)):
        if item.problems or item.record is None:
            bad.append(item)
            bad_positions.add(n)
            continue
        rec = item.record
        for piece in _pieces(rec, options.group_by, lost):
            sketches.append(sketch(piece, options.group_by, near_duplicates=near))
        provenance.add(rec)
    if bad and not options.skip_invalid:
        shown = [_problem_line(i) for i in bad[:_SHOWN_PROBLEMS]]
        more = f"\n... and {len(bad) - _SHOWN_PROBLEMS} more" if len(bad) > _SHOWN_PROBLEMS else ""
        raise CorpusError("E100", f"{len(bad)} invalid record(s); nothing was written (fix them, or pass --skip-invalid to export "
                                  "the rest and write these to a rejects file):\n" + "\n".join(shown) + more)
    rejects = None
    if bad:
        rejects = options.rejects or out / REJECTS
        warnings.append(f"{len(bad)} invalid record(s) were left out of this export")
    if not sketches:
        raise CorpusError("E100", "no valid record to export; nothing was written")
    if options.group_by == "paragraph":
        warnings.append("paragraphs of one article share a source: test scores on these splits will be optimistic")
        if lost[0]:
            warnings.append(f"{lost[0]} spans or relations cross a paragraph break and are not in the paragraph records")
    plan = plan_from_sketches(sketches, test_size=options.test_size, validation_size=options.validation_size, seed=options.seed,
                              group_by=options.group_by, near_duplicates=options.near_duplicates, stratify=options.stratify,
                              earlier=earlier)
    warnings += plan.warnings + plan.deviations()
    if plan.kept:
        warnings.append(f"{plan.kept} articles kept their split from the earlier plan")
    sizes = plan.sizes()
    result = ExportResult(plan=plan, records=len(sketches), sizes=sizes, invalid=len(bad), rejects=rejects, warnings=warnings)
    result.shares = label_shares(sketches, plan)

    # pass 2: write every format into a staging folder, then swap it in
    out.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    stage = out / f"{_STAGING}{secrets.token_hex(6)}"
    stage.mkdir()
    try:
        if bad:  # the default rejects file is part of the export (beside hf/, never inside it)
            with atomic_open(stage / REJECTS if options.rejects is None else options.rejects) as fh:
                for item in bad:
                    fh.write(dumps({"stage": "export", "source": item.where, "problems": item.problems, "record": item.record}) + "\n")
            if options.rejects is None:
                names.append(REJECTS)
        _write_formats(records, stage, options, plan, bad_positions, result, provenance)
        with atomic_open(stage / "splits.json") as fh:
            json.dump(plan.to_json(options.seed, options.group_by, options.test_size, options.validation_size), fh, indent=1, sort_keys=True)
            fh.write("\n")
        retire = [f for f in (*FORMATS, REJECTS) if f not in names and manifest is not None and (out / f).exists()]
        _swap_in(out, stage, names, retire, manifest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    result.written = {fmt: out / fmt for fmt in options.formats}
    return result


def _write_formats(records: Source, stage: Path, options: ExportOptions, plan: SplitPlan, bad_positions: set[int],
                   result: ExportResult, provenance: Provenance) -> None:
    writers: dict[str, Any] = {}
    for fmt in dict.fromkeys(options.formats):
        if fmt == "hf":
            from .exporters.hf import HFWriter

            writers[fmt] = HFWriter(stage / "hf")
        elif fmt == "spacy":
            from .exporters.spacy_docbin import DocBinWriter

            writers[fmt] = DocBinWriter(stage / "spacy")
        elif fmt == "conll":
            from .exporters.conll import conll_document

            writers[fmt] = _TextWriter(stage / "conll", ".conll", conll_document)
        elif fmt == "prodigy":
            writers[fmt] = _TextWriter(stage / "prodigy", ".jsonl", lambda r: dumps(r) + "\n")
    try:
        for n, (_, item) in enumerate(_items(records)):
            if n in bad_positions:
                continue
            for rec in _pieces(item, options.group_by):
                split = plan.split_of(rec["meta"]["id"])
                for writer in writers.values():
                    writer.add(rec, split)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    splits = [sp for sp in SPLITS if result.sizes.get(sp)]
    for fmt, writer in writers.items():
        if fmt == "hf":
            info = writer.close(splits, lambda info: dataset_card(info, provenance, options, result))
            result.counts = info["counts"]
        else:
            writer.close()


def label_shares(sketches: Sequence[Any], plan: SplitPlan) -> dict[str, dict[str, dict[str, float]]]:
    """Per layer, per label (and class value, e.g. `STANCE:favor`), the share of that layer's spans in
    each split: what a user checks to see that every layer, not just entities, is balanced."""
    reg = load_registry()
    counts: dict[str, Counter[str]] = {}
    for sk in sketches:
        counts.setdefault(plan.split_of(sk.id), Counter()).update(sk.labels)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for layer, labels in reg.layers.items():
        rows: dict[str, dict[str, float]] = {}
        for split, c in counts.items():
            keys = [k for k in c if k.split(":")[0] in labels]
            total = sum(c[k] for k in keys if ":" not in k)
            for k in keys:
                # a class value's share is among the spans of its own label (favor among stances)
                base = c[k.split(":")[0]] if ":" in k else total
                rows.setdefault(k, {})[split] = c[k] / base if base else 0.0
        out[layer] = {k: rows[k] for k in sorted(rows)}
    return out
