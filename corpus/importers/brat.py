"""brat standoff: NAME.txt + NAME.ann pairs become records with gold spans and relations.

The .ann files may sit beside their texts or in another folder, and may carry an annotator suffix
(PolNeAR's `NAME_ef2d.ann`): one record per (article, annotator). Text-bound annotations (T) whose
label maps through `LABELS` become spans; Attribution events (E) become QUOTE -> SOURCE and
QUOTE -> CUE relations. Gold offsets are kept exactly (span edges are passed to the tokenizer as
cuts); only whitespace at a span's edges is stripped. A discontinuous span becomes one span per
piece, each with the event's relations. Anything not imported is counted in `meta.import`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..converters import Reject, source_name
from ..errors import CODES, CorpusError
from ..record import TokenIndex, make_relation, new_record, set_hashes, span_key, stable_id, tokenize
from ..registry import load_registry
from . import ImportOptions, walk_files

__all__ = ["read", "LABELS", "EVENT_TYPES", "ROLES", "quote_kind", "pair_files", "Pair", "parse_ann", "Annotations"]

# Source label -> our label; None means known and deliberately not imported (counted in
# meta.import.dropped). Labels that are already ours (PERSON, QUOTE, ...) map to themselves.
LABELS: dict[str, str | None] = {
    # PolNeAR / PARC attributions: DESIGN.md's quotes layer
    "Source": "SOURCE",
    "Cue": "CUE",
    "Content": "QUOTE",
    "Discard": None,  # PolNeAR: text the annotator set aside (boilerplate such as "Read the rest here.")
    "Discuss": None,  # PolNeAR: a passage the annotator flagged for discussion, not an attribution
    # entity-style brat files (CoNLL-like and brat's own examples)
    "Person": "PERSON",
    "PER": "PERSON",
    "Organization": "ORG",
    "Organisation": "ORG",
    "Location": "GPE",  # news locations are mostly countries and cities; see docs/importers.md
    "LOC": "GPE",
    "Facility": "FAC",
    "Nationality": "NORP",
    "Event": "EVENT",
    "Date": "DATE",
    "Time": "TIME",
    "Money": "MONEY",
    "Percent": "PERCENT",
}

# Event types read as attributions, and what their roles become. brat numbers repeated roles
# (Content2, Content3); the digits are ignored.
EVENT_TYPES: frozenset[str] = frozenset({"Attribution", "Attribution-no-source"})
ROLES: dict[str, str] = {"Content": "QUOTE", "Source": "SOURCE", "Cue": "CUE"}

_ANN_LINE = re.compile(r"^([TERAMN*#])(\S*)\t(.*)$")
_OFFSETS = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")
_ROLE_DIGITS = re.compile(r"\d+$")


@dataclass(frozen=True)
class Pair:
    """One .ann file and the .txt it annotates; `annotator` is the file-name suffix, if any."""

    ann: Path
    text: Path
    ann_source: str
    text_source: str
    article: str
    annotator: str | None
    primary: bool = True


@dataclass
class TextBound:
    id: str
    label: str
    pieces: list[tuple[int, int]]
    surface: str
    line: int


@dataclass
class Event:
    id: str
    type: str
    trigger: str | None
    args: list[tuple[str, str]]
    line: int


@dataclass
class Annotations:
    """What one .ann file holds: text-bound annotations and events, plus counts of the rest."""

    textbounds: dict[str, TextBound] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    other: Counter[str] = field(default_factory=Counter)


def parse_ann(data: str, source: str) -> Annotations:
    """Parse brat standoff; raises CorpusError E063 naming the line that does not parse."""
    ann = Annotations()
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        m = _ANN_LINE.match(line)
        if m is None:
            raise CorpusError("E063", CODES["E063"].format(source=source, line=lineno, cause=f"not a brat annotation: {line[:80]!r}"))
        kind, num, rest = m.groups()
        aid = kind + num
        if kind == "T":
            mid, _, surface = rest.partition("\t")
            om = _OFFSETS.match(mid)
            if om is None:
                raise CorpusError("E063", CODES["E063"].format(source=source, line=lineno, cause=f"text-bound annotation without 'LABEL START END[;START END]': {mid!r}"))
            pieces = [(int(a), int(b)) for a, b in (p.split() for p in om.group(2).split(";"))]
            ann.textbounds[aid] = TextBound(aid, om.group(1), pieces, surface, lineno)
        elif kind == "E":
            parts = rest.split("\t")[0].split()
            if not parts:
                raise CorpusError("E063", CODES["E063"].format(source=source, line=lineno, cause="event without a type"))
            etype, _, trigger = parts[0].partition(":")
            args = []
            for part in parts[1:]:
                role, sep, target = part.partition(":")
                if not sep or not target:
                    raise CorpusError("E063", CODES["E063"].format(source=source, line=lineno, cause=f"event argument {part!r} is not ROLE:ID"))
                args.append((role, target))
            ann.events[aid] = Event(aid, etype, trigger or None, args, lineno)
        else:
            names = {"R": "relation", "A": "attribute", "M": "attribute", "N": "normalization", "*": "equivalence", "#": "note"}
            ann.other[names[kind]] += 1
    return ann


def _check_offsets(ann: Annotations, text: str, source: str) -> Reject | None:
    """A Reject when any text-bound annotation's offsets do not give its recorded text."""
    for tb in ann.textbounds.values():
        offsets = ";".join(f"{a} {b}" for a, b in tb.pieces)
        if any(not 0 <= a <= b <= len(text) for a, b in tb.pieces):
            got = f"<outside the text of length {len(text)}>"
            return Reject(source, "E062", CODES["E062"].format(source=source, ann_id=tb.id, offsets=offsets, want=tb.surface[:60], got=got))
        got = " ".join(text[a:b] for a, b in tb.pieces)
        # brat writes a newline inside a span as a space in the .ann; that is the same text
        if got != tb.surface and re.sub(r"\s", " ", got) != re.sub(r"\s", " ", tb.surface):
            return Reject(source, "E062", CODES["E062"].format(source=source, ann_id=tb.id, offsets=offsets, want=tb.surface[:60], got=got[:60]))
    return None


_OPEN = "\u201c\u201e\u00ab\u201f"  # “ „ « ‟
_CLOSE = "\u201d\u00bb"  # ” »
_STRAIGHT = '"'


def quote_kind(content: str) -> str:
    """direct | mixed | indirect, from double quotation marks in a QUOTE's own text.

    Letters and digits all inside quotation marks: direct; some inside: mixed; no quotation
    mark: indirect. A closing mark with no opening one means the span starts inside a quotation
    (a quote continued across paragraphs), an opening mark never closed that it runs to the end.
    """
    marks = [ch for ch in content if ch in _OPEN or ch in _CLOSE or ch == _STRAIGHT]
    if not marks:
        return "indirect"
    inside = [False] * len(content)
    state = marks[0] in _CLOSE  # the span begins inside a quotation opened before it
    for i, ch in enumerate(content):
        if ch in _OPEN:
            state = True
        elif ch in _CLOSE:
            state = False
        elif ch == _STRAIGHT:
            state = not state
        else:
            inside[i] = state
    words = [inside[i] for i, ch in enumerate(content) if ch.isalnum()]
    if words and all(words):
        return "direct"
    if any(words):
        return "mixed"
    return "indirect"


def pair_files(inputs: list[Path]) -> tuple[list[Pair], list[Reject]]:
    """Match each .ann to its .txt: same stem beside it or anywhere in the inputs, else the stem
    without a `_SUFFIX` (the annotator). A text with no .ann, or an .ann with no or several
    candidate texts, is a Reject."""
    rejects: list[Reject] = []
    texts: dict[str, list[tuple[Path, Path]]] = {}
    anns: list[tuple[Path, Path]] = []
    for path, root in walk_files(inputs):
        if not path.exists():
            src = source_name(path, root)
            rejects.append(Reject(src, "E053", CODES["E053"].format(source=src, cause="no such file or directory")))
        elif path.suffix == ".txt":
            texts.setdefault(path.stem, []).append((path, root))
        elif path.suffix == ".ann":
            anns.append((path, root))
    pairs: list[Pair] = []
    used: set[Path] = set()
    for ann, root in anns:
        ann_source = source_name(ann, root)
        stem, annotator = ann.stem, None
        candidates = texts.get(stem, [])
        if not candidates and "_" in stem:
            base, suffix = stem.rsplit("_", 1)
            if base in texts:
                stem, annotator, candidates = base, suffix, texts[base]
        if len(candidates) > 1:
            near = [c for c in candidates if c[0].parent == ann.parent] or [c for c in candidates if c[0].parent.parent == ann.parent.parent]
            candidates = near if len(near) == 1 else candidates
        if len(candidates) != 1:
            cause = (
                f"no {ann.stem}.txt" + (f" or {ann.stem.rsplit('_', 1)[0]}.txt" if "_" in ann.stem else "") + " among the inputs"
                if not candidates
                else "several texts could be its text: " + ", ".join(source_name(p, r) for p, r in candidates)
            )
            rejects.append(Reject(ann_source, "E061", CODES["E061"].format(source=ann_source, cause=cause)))
            continue
        text, text_root = candidates[0]
        used.add(text)
        pairs.append(Pair(ann, text, ann_source, source_name(text, text_root), stem, annotator))
    for stem, found in sorted(texts.items()):
        for path, root in found:
            if path not in used:
                src = source_name(path, root)
                rejects.append(Reject(src, "E061", CODES["E061"].format(source=src, cause=f"no {stem}.ann or {stem}_ANNOTATOR.ann for this text")))
    # one record per (article, annotator); the first annotator in sorted order is the one to evaluate on
    by_article: dict[Path, list[Pair]] = {}
    for pair in pairs:
        by_article.setdefault(pair.text, []).append(pair)
    out: list[Pair] = []
    for group in by_article.values():
        first = min(group, key=lambda p: (p.annotator is not None, p.annotator or ""))
        out.extend(Pair(p.ann, p.text, p.ann_source, p.text_source, p.article, p.annotator, p is first) for p in group)
    out.sort(key=lambda p: p.ann_source)
    return out, rejects


def _label_table(options: ImportOptions) -> dict[str, str | None]:
    table: dict[str, str | None] = {label: label for label in load_registry().labels}
    table.update(LABELS)
    table.update(options.settings.get("labels") or {})
    return table


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The piece without whitespace at its edges (empty when it is all whitespace)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _record(pair: Pair, text: str, ann: Annotations, labels: dict[str, str | None]) -> dict[str, Any] | Reject:
    notes: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    triggers = {e.trigger for e in ann.events.values() if e.trigger}
    pieces: dict[str, list[tuple[int, int, str]]] = {}
    for tb in ann.textbounds.values():
        label = labels.get(tb.label)
        if label is None:
            if tb.id in triggers and tb.label in EVENT_TYPES:
                continue  # an event's trigger: the event itself is imported below
            dropped[f"span {tb.label}" + ("" if tb.label in labels else " (unknown label)")] += 1
            continue
        if len(tb.pieces) > 1:
            notes["discontinuous spans split"] += 1
        kept = []
        for a, b in tb.pieces:
            s, e = _strip(text, a, b)
            if (s, e) != (a, b):
                notes["span edges stripped of whitespace"] += 1
            if s == e:
                dropped[f"empty piece of {tb.label}"] += 1
                continue
            kept.append((s, e, label))
        pieces[tb.id] = kept
    tokens = tokenize(text, cuts=[x for ps in pieces.values() for s, e, _ in ps for x in (s, e)])
    index = TokenIndex(text, tokens)
    spans: dict[tuple[int, int, str], dict[str, Any]] = {}
    by_id: dict[str, list[dict[str, Any]]] = {}
    try:
        for tid, ps in pieces.items():
            for s, e, label in ps:
                key = (s, e, label)
                if key in spans:
                    notes["duplicate spans stored once"] += 1
                else:
                    attrs = {"kind": quote_kind(text[s:e])} if label == "QUOTE" else None
                    spans[key] = index.span(s, e, label, attrs)
                by_id.setdefault(tid, []).append(spans[key])
    except CorpusError as exc:
        return Reject(pair.ann_source, "E068", CODES["E068"].format(source=pair.ann_source, cause=exc))
    relations: dict[tuple[str, tuple[int, int, str], tuple[int, int, str]], dict[str, Any]] = {}
    attributions = 0
    for ev in ann.events.values():
        if ev.type not in EVENT_TYPES:
            dropped[f"event {ev.type}"] += 1
            continue
        roles: dict[str, list[dict[str, Any]]] = {"QUOTE": [], "SOURCE": [], "CUE": []}
        for role, target in ev.args:
            ours = ROLES.get(_ROLE_DIGITS.sub("", role))
            if ours is None:
                dropped[f"event argument {role}"] += 1
                continue
            if target not in pieces:
                why = "its annotation is missing" if target not in ann.textbounds else "its span was not imported"
                dropped[f"event argument {role} ({why})"] += 1
                continue
            for span in by_id.get(target, []):
                if span["label"] == ours:
                    roles[ours].append(span)
                else:
                    dropped[f"event argument {role} pointing at a {span['label']} span"] += 1
        attributions += 1
        if not roles["QUOTE"]:
            notes["attributions without content (no relations)"] += 1
        for quote in roles["QUOTE"]:
            for label in ("SOURCE", "CUE"):
                for child in roles[label]:
                    relations.setdefault((label, span_key(quote), span_key(child)), make_relation(label, quote, child))
    for kind, n in ann.other.items():
        dropped[kind] += n
    info: dict[str, Any] = {"format": "brat", "attributions": attributions}
    info.update({k: v for k, v in sorted(notes.items())})
    if dropped:
        info["dropped"] = dict(sorted(dropped.items()))
    rid = stable_id(pair.ann_source, text)
    record = new_record(
        text,
        answer="accept",  # gold from human annotation
        source=pair.ann_source,
        id=rid,
        tokens=tokens,
        text_source=pair.text_source,
        article=pair.article,
        annotator=pair.annotator,
        primary=pair.primary,
        **{"import": info},
    )
    record["spans"] = sorted(spans.values(), key=lambda s: (s["start"], -s["end"], s["label"]))
    record["relations"] = list(relations.values())
    return set_hashes(record)


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records, one per (article, annotator), and rejects from brat folders and files."""
    labels = _label_table(options)
    pairs, rejects = pair_files([Path(p) for p in inputs])
    yield from rejects
    for pair in pairs:
        try:
            text = pair.text.read_bytes().decode("utf-8")
            data = pair.ann.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Reject(pair.ann_source, "E050", CODES["E050"].format(source=pair.ann_source, cause=exc))
            continue
        if not text.strip():
            yield Reject(pair.ann_source, "E051", CODES["E051"].format(source=pair.text_source))
            continue
        try:
            ann = parse_ann(data, pair.ann_source)
        except CorpusError as exc:
            yield Reject(pair.ann_source, exc.code, exc.message)
            continue
        bad = _check_offsets(ann, text, pair.ann_source)
        if bad is not None:
            yield bad
            continue
        yield _record(pair, text, ann, labels)
