"""The record: one article as a Prodigy task with our `meta`, tokens, spans and relations.

This module holds all offset arithmetic. Spans are made from character offsets only through
`TokenIndex.span` (strict alignment: a span that does not fall on token boundaries is an error,
never silently widened) or from a spaCy `Span`, so a shifted span fails loudly where it is made.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from murmurhash.mrmr import hash as _murmur

from .errors import CorpusError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = [
    "SCHEMA_VERSION",
    "stable_id",
    "new_record",
    "tokenize",
    "tokens_from_doc",
    "TokenIndex",
    "span_from_spacy",
    "make_relation",
    "set_hashes",
    "canonical_order",
    "span_key",
    "doc_from_record",
    "slice_record",
    "paragraphs",
]

SCHEMA_VERSION = "1"
# Prodigy's documented defaults for `set_hashes`: the input hash covers what is shown (text, image,
# html, input), the task hash the input hash plus the question asked (spans, label, options).
# Relations are not among its task keys, so they do not change `_task_hash`.
INPUT_KEYS = ("text", "image", "html", "input")
TASK_KEYS = ("spans", "label", "options")
# Keys Prodigy leaves out of its hashes (its IGNORE_HASH_KEYS): they say how a task was made or
# answered, not what it is.
IGNORE_KEYS = frozenset(("score", "rank", "model", "source", "pattern", "priority", "path", "_view_id", "_session_id", "_annotator_id", "answer"))


def stable_id(*parts: str) -> str:
    """A 16-hex-digit id from the parts that identify an article; the same parts give the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


@lru_cache(maxsize=1)
def _blank() -> "Language":
    import spacy

    nlp = spacy.blank("en")
    nlp.max_length = 10**9  # the limit guards the parser's memory; the tokenizer alone is linear in the text
    return nlp


def tokenize(text: str, cuts: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Prodigy tokens for `text` from spaCy's English tokenizer.

    `cuts` are character offsets that must fall on token boundaries (the edges of gold spans that
    an importer brings in). A token that straddles a cut is split there, so gold offsets are kept
    exactly instead of being snapped to the nearest token.
    """
    doc = _blank().make_doc(text)
    tokens = tokens_from_doc(doc)
    cut_set = sorted({c for c in cuts if 0 < c < len(text)})
    if not cut_set:
        return tokens
    out: list[dict[str, Any]] = []
    for tok in tokens:
        lo, hi = bisect.bisect_right(cut_set, tok["start"]), bisect.bisect_left(cut_set, tok["end"])
        if lo >= hi:
            out.append(dict(tok))
            continue
        edges = [tok["start"], *cut_set[lo:hi], tok["end"]]
        for i, (a, b) in enumerate(zip(edges, edges[1:])):
            last = i == len(edges) - 2
            out.append({"text": text[a:b], "start": a, "end": b, "id": 0, "ws": tok["ws"] if last else False})
    for i, tok in enumerate(out):
        tok["id"] = i
    return out


def tokens_from_doc(doc: "Doc") -> list[dict[str, Any]]:
    """Tokens as Prodigy writes them: text, start, end, id, ws."""
    if not len(doc):
        return []
    from spacy.attrs import IDX, LENGTH, ORTH, SPACY

    # token attributes read as one array: making a Token object per token is the slow part
    strings = doc.vocab.strings
    return [
        {"text": strings[orth], "start": idx, "end": idx + length, "id": i, "ws": bool(ws)}
        for i, (orth, idx, length, ws) in enumerate(doc.to_array([ORTH, IDX, LENGTH, SPACY]).tolist())
    ]


class TokenIndex:
    """Maps character offsets to token indices for one record's tokens."""

    def __init__(self, text: str, tokens: Sequence[dict[str, Any]]) -> None:
        self.text = text
        self.tokens = tokens
        self._by_start = {t["start"]: i for i, t in enumerate(tokens)}
        self._by_end = {t["end"]: i for i, t in enumerate(tokens)}

    def span(self, start: int, end: int, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        """A span over text[start:end]; raises when the offsets are not on token boundaries."""
        if not 0 <= start < end <= len(self.text):
            raise CorpusError("E030", f"span {label} [{start}:{end}] lies outside the text (length {len(self.text)}) or is empty")
        token_start = self._by_start.get(start)
        token_end = self._by_end.get(end)
        if token_start is None or token_end is None:
            raise CorpusError(
                "E031",
                f"span {label} [{start}:{end}] {self.text[start:end]!r} does not fall on token boundaries",
            )
        span: dict[str, Any] = {"start": start, "end": end, "token_start": token_start, "token_end": token_end, "label": label}
        if attrs:
            span["attrs"] = attrs
        return span


def span_from_spacy(span: "Span", label: str | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record span from a spaCy `Span` (whose token and character offsets agree by construction)."""
    out: dict[str, Any] = {
        "start": span.start_char,
        "end": span.end_char,
        "token_start": span.start,
        "token_end": span.end - 1,
        "label": label if label is not None else span.label_,
    }
    if attrs:
        out["attrs"] = attrs
    return out


def span_key(span: dict[str, Any]) -> tuple[int, int, str]:
    """What identifies a span inside one record: its offsets and label."""
    return (span["start"], span["end"], span["label"])


def make_relation(label: str, head_span: dict[str, Any], child_span: dict[str, Any]) -> dict[str, Any]:
    """A Prodigy relation: head/child are the `token_end` of each span, with copies of both spans."""
    return {
        "head": head_span["token_end"],
        "child": child_span["token_end"],
        "label": label,
        "head_span": dict(head_span),
        "child_span": dict(child_span),
    }


def new_record(
    text: str,
    *,
    source: str,
    id: str | None = None,
    tokens: list[dict[str, Any]] | None = None,
    answer: str | None = None,
    **meta: Any,
) -> dict[str, Any]:
    """A schema-version-1 record for `text`, tokenized, with no annotations yet.

    Unknown `meta` keys are kept; the common ones default to None so every record has them.
    `answer` is a human decision ("accept" for records imported from human annotation); a raw
    article or a machine suggestion carries none.
    """
    record_meta: dict[str, Any] = {
        "id": id if id is not None else stable_id(source, text),
        "source": source,
        "title": None,
        "url": None,
        "date": None,
        "dateline": None,
        "language": "en",
        "schema_version": SCHEMA_VERSION,
    }
    record_meta.update(meta)
    record: dict[str, Any] = {
        "text": text,
        "meta": record_meta,
        "tokens": tokens if tokens is not None else tokenize(text),
        "spans": [],
        "relations": [],
        "_view_id": "spans_manual",
    }
    if answer is not None:
        record["answer"] = answer
    return set_hashes(record)


def _without_ignored(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ignored(v) for k, v in value.items() if k not in IGNORE_KEYS}
    if isinstance(value, list):
        return [_without_ignored(v) for v in value]
    return value


def _hash_values(record: dict[str, Any], keys: Sequence[str], prefix: str = "") -> int:
    parts = [prefix] if prefix else []
    for key in keys:
        if key in record:
            parts.append(json.dumps(_without_ignored(record[key]), sort_keys=True, ensure_ascii=False, separators=(",", ":")))
    return int(_murmur("".join(parts)))


def canonical_order(record: dict[str, Any]) -> dict[str, Any]:
    """Sort spans by (start, end, label) and relations by (head, child, label), in place: the order
    a record is written in, so a review round trip with no edits gives back the same record."""
    spans = record.get("spans")
    if isinstance(spans, list) and all(isinstance(s, dict) for s in spans):
        spans.sort(key=_span_order)
    relations = record.get("relations")
    if isinstance(relations, list) and all(isinstance(r, dict) for r in relations):
        relations.sort(key=lambda r: (_span_order(r.get("head_span")), _span_order(r.get("child_span")), str(r.get("label"))))
    return record


def _span_order(span: Any) -> tuple[Any, ...]:
    if not isinstance(span, dict):
        return (0, 0, "")
    start, end = span.get("start"), span.get("end")
    return (start if isinstance(start, int) else 0, end if isinstance(end, int) else 0, str(span.get("label")))


def set_hashes(record: dict[str, Any]) -> dict[str, Any]:
    """Set Prodigy's `_input_hash` (from text, image, html, input) and `_task_hash` (the input hash
    plus spans, label, options), recomputed every time so they follow the annotations. Records are
    written in `canonical_order`, so the same annotations give the same hash."""
    input_hash = _hash_values(record, INPUT_KEYS)
    record["_input_hash"] = input_hash
    record["_task_hash"] = _hash_values(record, TASK_KEYS, prefix=str(input_hash))
    return record


def doc_from_record(vocab: Any, record: dict[str, Any]) -> "Doc":
    """A spaCy `Doc` with exactly the record's tokens (no re-tokenization), for exporters."""
    from spacy.tokens import Doc

    tokens = record["tokens"]
    doc = Doc(vocab, words=[t["text"] for t in tokens], spaces=[bool(t["ws"]) for t in tokens])
    if doc.text != record["text"]:
        raise CorpusError("E021", f"record {record['meta']['id']}: its tokens do not rebuild its text")
    return doc


def slice_record(record: dict[str, Any], start: int, end: int, *, suffix: str) -> dict[str, Any]:
    """The part text[start:end] of a record as a record of its own (a paragraph, for splitting).

    Tokens, spans and relations inside the part are re-based; those that cross its edges cannot be
    kept (the caller counts them). `meta.parent_id` names the article the part came from.
    """
    text = record["text"][start:end]
    tokens = [t for t in record["tokens"] if t["start"] >= start and t["end"] <= end]
    if not tokens or tokens[0]["start"] != start or tokens[-1]["end"] != end:
        raise CorpusError("E031", f"record {record['meta']['id']}: [{start}:{end}] does not fall on token boundaries")
    first = tokens[0]["id"]
    new_tokens = [{**t, "start": t["start"] - start, "end": t["end"] - start, "id": t["id"] - first} for t in tokens]
    new_tokens[-1]["ws"] = False

    def move(span: dict[str, Any]) -> dict[str, Any]:
        return {**span, "start": span["start"] - start, "end": span["end"] - start,
                "token_start": span["token_start"] - first, "token_end": span["token_end"] - first}

    inside = lambda s: s["start"] >= start and s["end"] <= end  # noqa: E731
    spans = [move(s) for s in record.get("spans", []) if inside(s)]
    relations = [
        make_relation(r["label"], move(r["head_span"]), move(r["child_span"]))
        for r in record.get("relations", [])
        if inside(r["head_span"]) and inside(r["child_span"])
    ]
    meta = {**record["meta"], "id": f"{record['meta']['id']}{suffix}", "parent_id": record["meta"]["id"], "offset": start}
    part = {**record, "text": text, "meta": meta, "tokens": new_tokens, "spans": spans, "relations": relations}
    return set_hashes(part)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the non-blank lines of the text, edge whitespace excluded."""
    import re

    return [(m.start(), m.end()) for m in re.finditer(r"[^\s](?:[^\n]*[^\s])?", text)]
