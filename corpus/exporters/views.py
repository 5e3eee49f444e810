"""Row views of records shared by the exporters: sentences, BIO tags, and one row per quote,
stance and statistic. Every exporter reads these, so the Parquet, DocBin and CoNLL outputs agree."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..registry import load_registry

__all__ = ["sentences", "bio_names", "ner_rows", "quote_rows", "stance_rows", "statistic_rows", "document_row", "ATTR_FIELDS"]

ATTR_FIELDS = ("name", "kind", "cue_type", "polarity", "value", "value_max", "unit", "unit_text", "dimension", "si_value", "change", "approximator")
NUMBER_FIELDS = ("value", "value_max", "si_value")


_FINAL = frozenset(".!?;。！？…")


def _is_punct(text: str) -> bool:
    return all(unicodedata.category(c).startswith("P") for c in text)


_last_sentences: tuple[Any, list[tuple[int, int]]] = (None, [])


def sentences(record: dict[str, Any]) -> list[tuple[int, int]]:
    """The sentences of a record, computed once though the ner and stances rows both ask."""
    global _last_sentences
    tokens = record["tokens"]
    if _last_sentences[0] is not tokens:  # holding the list keeps its identity from being reused
        _last_sentences = (tokens, _split_sentences(record))
    return _last_sentences[1]


def _split_sentences(record: dict[str, Any]) -> list[tuple[int, int]]:
    """(first token, last token + 1) of each sentence, whitespace tokens left out of the edges.

    spaCy's rule-based sentencizer rule over the record's own tokens (a sentence ends after . ! ?
    and any closing punctuation that follows), plus a break at every line break, since a news
    paragraph never continues a sentence across lines. Pure Python: no Doc is built.
    """
    out: list[tuple[int, int]] = []
    start: int | None = None
    last = -1
    seen_final = False
    for i, tok in enumerate(record["tokens"]):
        text = tok["text"]
        if text.isspace():
            if "\n" in text and start is not None:
                out.append((start, last + 1))
                start, seen_final = None, False
            continue
        if start is not None and seen_final and not _is_punct(text):
            out.append((start, last + 1))
            start, seen_final = None, False
        if start is None:
            start = i
        if text in _FINAL or (len(text) > 1 and text[-1] in "!?" and _is_punct(text)):
            seen_final = True
        last = i
    if start is not None:
        out.append((start, last + 1))
    return out


@lru_cache(maxsize=1)
def bio_names() -> tuple[str, ...]:
    labels = load_registry().layers["entities"]
    return ("O",) + tuple(f"{p}-{label}" for label in labels for p in ("B", "I"))


def _bio(record: dict[str, Any]) -> list[str]:
    entity_labels = set(load_registry().layers["entities"])
    tags = ["O"] * len(record["tokens"])
    for s in record.get("spans", []):
        if s["label"] in entity_labels:
            tags[s["token_start"]] = f"B-{s['label']}"
            for i in range(s["token_start"] + 1, s["token_end"] + 1):
                tags[i] = f"I-{s['label']}"
    return tags


def ner_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per sentence: its words (whitespace tokens left out) and their BIO tags."""
    tags = _bio(record)
    tokens = record["tokens"]
    for n, (a, b) in enumerate(sentences(record)):
        keep = [i for i in range(a, b) if not tokens[i]["text"].isspace()]
        yield {
            "article_id": record["meta"]["id"],
            "sentence": n,
            "tokens": [tokens[i]["text"] for i in keep],
            "ner_tags": [tags[i] for i in keep],
        }


def _sentence_text(record: dict[str, Any], sents: list[tuple[int, int]], span: dict[str, Any]) -> str:
    tokens = record["tokens"]
    for a, b in sents:
        if tokens[a]["start"] <= span["start"] < tokens[b - 1]["end"]:
            end = max(tokens[b - 1]["end"], span["end"])
            return record["text"][tokens[a]["start"]:end]
    return record["text"][span["start"]:span["end"]]


def _related(record: dict[str, Any]) -> dict[tuple[int, int, str], dict[str, dict[str, Any]]]:
    out: dict[tuple[int, int, str], dict[str, dict[str, Any]]] = {}
    for r in record.get("relations", []):
        h = r["head_span"]
        out.setdefault((h["start"], h["end"], h["label"]), {})[r["label"]] = r["child_span"]
    return out


def _text(record: dict[str, Any], span: dict[str, Any] | None) -> str | None:
    return None if span is None else record["text"][span["start"]:span["end"]]


def _name(record: dict[str, Any], span: dict[str, Any] | None) -> str | None:
    if span is None:
        return None
    return (span.get("attrs") or {}).get("name") or _text(record, span)


def quote_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rel = _related(record)
    for s in record.get("spans", []):
        if s["label"] != "QUOTE":
            continue
        r = rel.get((s["start"], s["end"], s["label"]), {})
        yield {
            "article_id": record["meta"]["id"],
            "quote": _text(record, s),
            "start": s["start"],
            "end": s["end"],
            "kind": (s.get("attrs") or {}).get("kind", "indirect"),
            "cue_type": (s.get("attrs") or {}).get("cue_type"),  # None in records from human annotation
            "source": _text(record, r.get("SOURCE")),
            "source_name": _name(record, r.get("SOURCE")),
            "cue": _text(record, r.get("CUE")),
        }


def stance_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rel = _related(record)
    sents = sentences(record) if any(s["label"] == "STANCE" for s in record.get("spans", [])) else []
    for s in record.get("spans", []):
        if s["label"] != "STANCE":
            continue
        r = rel.get((s["start"], s["end"], s["label"]), {})
        yield {
            "article_id": record["meta"]["id"],
            "text": _sentence_text(record, sents, s),
            "stance": _text(record, s),
            "start": s["start"],
            "end": s["end"],
            "polarity": (s.get("attrs") or {}).get("polarity", "neutral"),
            "holder": _name(record, r.get("HOLDER")),
            "target": _name(record, r.get("TARGET")),
        }


def statistic_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rel = _related(record)
    for s in record.get("spans", []):
        if s["label"] != "STATISTIC":
            continue
        a = s.get("attrs") or {}
        r = rel.get((s["start"], s["end"], s["label"]), {})
        yield {
            "article_id": record["meta"]["id"],
            "text": _text(record, s),
            "start": s["start"],
            "end": s["end"],
            **{f: float(a[f]) if a.get(f) is not None else None for f in NUMBER_FIELDS},
            "unit": a.get("unit"),
            "unit_text": a.get("unit_text"),
            "dimension": a.get("dimension"),
            "change": a.get("change"),
            "approximator": a.get("approximator"),
            "kind": a.get("kind", "count"),
            "concept": _text(record, r.get("CONCEPT")),
        }


def document_row(record: dict[str, Any]) -> dict[str, Any]:
    meta = record["meta"]
    spans = []
    for s in record.get("spans", []):
        a = s.get("attrs") or {}
        row = {k: s[k] for k in ("start", "end", "token_start", "token_end", "label")}
        for f in ATTR_FIELDS:
            v = a.get(f)
            row[f] = float(v) if f in NUMBER_FIELDS and v is not None else v
        spans.append(row)
    relations = [
        {"label": r["label"], "head_start": r["head_span"]["start"], "head_end": r["head_span"]["end"], "head_label": r["head_span"]["label"],
         "child_start": r["child_span"]["start"], "child_end": r["child_span"]["end"], "child_label": r["child_span"]["label"]}
        for r in record.get("relations", [])
    ]
    return {
        "id": meta["id"],
        "text": record["text"],
        "title": meta.get("title"),
        "url": meta.get("url"),
        "date": meta.get("date"),
        "source": meta.get("source"),
        "dateline": meta.get("dateline"),
        "annotators": json.dumps(meta.get("annotators") or {}, sort_keys=True),
        "tokens": [{"text": t["text"], "start": t["start"], "end": t["end"], "ws": t["ws"]} for t in record["tokens"]],
        "spans": spans,
        "relations": relations,
    }
