"""What the per-layer evaluation scripts share: annotate imported gold and refuse invalid output."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def annotate_checked(gold: list[dict[str, Any]], layers: str | Sequence[str], **options: Any) -> tuple[list[dict[str, Any]], float]:
    """Predicted records for `gold` and the seconds it took; exits with a message if any record is
    rejected or invalid, since a score over broken records would mean nothing."""
    from corpus.converters import Reject
    from corpus.pipeline import Annotator
    from corpus.validate import check_record

    annotator = Annotator(layers, **options)
    started = time.perf_counter()
    pred: list[dict[str, Any]] = []
    for item in annotator.stream(gold):
        if isinstance(item, Reject):
            sys.exit(f"error: annotation rejected {item.source}: {item.code} {item.reason}")
        pred.append(item)
    elapsed = time.perf_counter() - started
    invalid = [(r["meta"]["id"], p) for r in pred for p in check_record(r)]
    if invalid:
        sys.exit(f"error: {len(invalid)} problems in predicted records, first: {invalid[0]}")
    return pred, elapsed


def write_outputs(gold_out: Path | None, gold: list[dict[str, Any]], pred_out: Path | None, pred: list[dict[str, Any]]) -> None:
    from corpus.jsonl import write_jsonl

    if gold_out:
        write_jsonl(str(gold_out), gold)
    if pred_out:
        write_jsonl(str(pred_out), pred)
