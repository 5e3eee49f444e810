"""Hugging Face layout: one Parquet file per config and split, and a dataset card whose YAML
declares every config's `data_files` and explicit `features`, so `datasets.load_dataset(DIR, CONFIG)`
loads offline with no code and no guessed types."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..jsonl import atomic_open
from ..registry import load_registry
from . import views

__all__ = ["features", "CONFIGS", "write_hf"]

CONFIGS = ("documents", "ner", "quotes", "stances", "statistics")


def _enum(label: str, attr: str) -> list[str]:
    spec = load_registry().attrs[label][attr]
    assert spec.enum is not None
    return [str(v) for v in spec.enum]


def features(config: str) -> Any:
    """The explicit `datasets.Features` of one config."""
    from datasets import ClassLabel, Features, List, Value

    s, i32, f64, b = Value("string"), Value("int32"), Value("float64"), Value("bool")
    if config == "documents":
        span = {"start": i32, "end": i32, "token_start": i32, "token_end": i32, "label": s,
                "name": s, "kind": s, "polarity": s, "value": f64, "upper": f64, "unit": s, "approximator": s}
        relation = {"label": s, "head_start": i32, "head_end": i32, "head_label": s, "child_start": i32, "child_end": i32, "child_label": s}
        return Features({
            "id": s, "text": s, "title": s, "url": s, "date": s, "source": s, "dateline": s, "annotators": s,
            "tokens": List({"text": s, "start": i32, "end": i32, "ws": b}),
            "spans": List(span), "relations": List(relation),
        })
    if config == "ner":
        return Features({"article_id": s, "sentence": i32, "tokens": List(s), "ner_tags": List(ClassLabel(names=list(views.bio_names())))})
    if config == "quotes":
        return Features({"article_id": s, "quote": s, "start": i32, "end": i32, "kind": ClassLabel(names=_enum("QUOTE", "kind")),
                         "source": s, "source_name": s, "cue": s})
    if config == "stances":
        return Features({"article_id": s, "text": s, "stance": s, "start": i32, "end": i32,
                         "polarity": ClassLabel(names=_enum("STANCE", "polarity")), "holder": s, "target": s})
    if config == "statistics":
        return Features({"article_id": s, "text": s, "start": i32, "end": i32, "value": f64, "upper": f64, "unit": s,
                         "approximator": s, "kind": ClassLabel(names=_enum("STATISTIC", "kind")), "concept": s})
    raise KeyError(config)


ROWS: dict[str, Callable[[dict[str, Any]], Iterable[dict[str, Any]]]] = {
    "documents": lambda r: [views.document_row(r)],
    "ner": views.ner_rows,
    "quotes": views.quote_rows,
    "stances": views.stance_rows,
    "statistics": views.statistic_rows,
}


def _encode(config: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ClassLabel columns hold integers in Parquet; the other columns go to Arrow as they are
    (the schema from `features` types them), which is much faster than `encode_example` per row."""
    from datasets import ClassLabel, List

    feats = features(config)
    scalar = {name: dict(zip(f.names, range(len(f.names)))) for name, f in feats.items() if isinstance(f, ClassLabel)}
    listed = {name: dict(zip(f.feature.names, range(len(f.feature.names))))
              for name, f in feats.items() if isinstance(f, List) and isinstance(f.feature, ClassLabel)}
    if not scalar and not listed:
        return rows
    out = []
    for row in rows:
        row = dict(row)
        for name, ids in scalar.items():
            row[name] = ids[row[name]]
        for name, ids in listed.items():
            row[name] = [ids[v] for v in row[name]]
        out.append(row)
    return out


def _write_parquet(path: Path, config: str, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(_encode(config, rows), schema=features(config).arrow_schema)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    with atomic_open(path, "wb") as fh:
        fh.write(buf.getvalue())


def write_hf(records: list[dict[str, Any]], split_of: Callable[[str], str], out: Path, card: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """Write every config and split under `out`; returns the counts the card and summary show.

    `datasets` cannot load an empty Parquet split, so a split with no rows for a config (no quotes
    in the test articles, say) is left out of that config, and a config with no rows at all is left
    out of the card; the card says which.
    """
    splits = sorted({split_of(r["meta"]["id"]) for r in records}, key=["train", "validation", "test"].index)
    counts: dict[str, dict[str, int]] = {c: {} for c in CONFIGS}
    labels: dict[str, Counter[str]] = {sp: Counter() for sp in splits}
    for config in CONFIGS:
        by_split: dict[str, list[dict[str, Any]]] = {sp: [] for sp in splits}
        for rec in records:
            by_split[split_of(rec["meta"]["id"])].extend(ROWS[config](rec))
        for sp in splits:
            counts[config][sp] = len(by_split[sp])
            path = out / "data" / config / f"{sp}.parquet"
            if by_split[sp]:
                _write_parquet(path, config, by_split[sp])
            elif path.exists():  # left from an earlier export of other records
                path.unlink()
    for rec in records:
        labels[split_of(rec["meta"]["id"])].update(s["label"] for s in rec.get("spans", []))
    info = {"splits": splits, "counts": counts, "labels": {k: dict(v) for k, v in labels.items()}}
    with atomic_open(out / "README.md") as fh:
        fh.write(card(info))
    return info


def card_yaml(splits: list[str], counts: dict[str, dict[str, int]]) -> str:
    """The YAML header: configs with data_files per non-empty split, and explicit features per config."""
    import yaml

    configs = []
    infos = []
    for config in CONFIGS:
        present = [sp for sp in splits if counts[config][sp]]
        if not present:
            continue
        entry: dict[str, Any] = {"config_name": config}
        if config == "documents":
            entry["default"] = True
        entry["data_files"] = [{"split": sp, "path": f"data/{config}/{sp}.parquet"} for sp in present]
        configs.append(entry)
        infos.append({"config_name": config, "features": features(config)._to_yaml_list()})
    return yaml.safe_dump({"configs": configs, "dataset_info": infos}, sort_keys=False, allow_unicode=True, width=120)
