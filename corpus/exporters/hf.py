"""Hugging Face layout: one Parquet file per config and split, and a dataset card whose YAML
declares every config's `data_files` and explicit `features`, so `datasets.load_dataset(DIR, CONFIG)`
loads offline with no code and no guessed types."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..jsonl import atomic_open
from ..registry import load_registry
from . import views

__all__ = ["features", "CONFIGS", "HFWriter", "card_metadata", "yaml_features"]

CONFIGS = ("documents", "ner", "quotes", "stances", "statistics")
SPLIT_NAMES = ("train", "validation", "test")


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
                "name": s, "kind": s, "cue_type": s, "polarity": s, "value": f64, "value_max": f64, "unit": s, "unit_text": s, "dimension": s,
                "si_value": f64, "change": s, "approximator": s}
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
                         "cue_type": s, "source": s, "source_name": s, "cue": s})
    if config == "stances":
        return Features({"article_id": s, "text": s, "stance": s, "start": i32, "end": i32,
                         "polarity": ClassLabel(names=_enum("STANCE", "polarity")), "holder": s, "target": s})
    if config == "statistics":
        return Features({"article_id": s, "text": s, "start": i32, "end": i32, "value": f64, "value_max": f64, "si_value": f64,
                         "unit": s, "unit_text": s, "dimension": s, "change": s, "approximator": s,
                         "kind": ClassLabel(names=_enum("STATISTIC", "kind")), "concept": s})
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


class HFWriter:
    """Streams records into one Parquet file per config and split, a row group at a time.

    Each file is named after its content (`data/ner/train-<sha256 prefix>.parquet`) and the card
    lists those names: `datasets` keys its cache for a local folder by the folder's name and the
    card's configs (`data_files` patterns), not by the files' bytes, so two exports whose names
    matched would share a cache entry and the second would load the first one's rows.

    `datasets` cannot load a split with no rows (even a zero-row Parquet file with the schema fails
    with "corresponds to no data"), so a split with no rows for a config (no quotes in the test
    articles, say) gets no file and is left out of that config; the card says which.
    """

    ROW_GROUP = 4096

    def __init__(self, out: Path) -> None:
        self.out = out
        self.counts: dict[str, Counter[str]] = {c: Counter() for c in CONFIGS}
        self._buffers: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._writers: dict[tuple[str, str], Any] = {}
        self._files = contextlib.ExitStack()
        self._schemas = {c: features(c).arrow_schema.remove_metadata() for c in CONFIGS}

    def add(self, record: dict[str, Any], split: str) -> None:
        for config in CONFIGS:
            rows = list(ROWS[config](record))
            if not rows:
                continue
            self.counts[config][split] += len(rows)
            buffer = self._buffers.setdefault((config, split), [])
            buffer.extend(rows)
            if len(buffer) >= self.ROW_GROUP:
                self._flush(config, split)

    def _part(self, config: str, split: str) -> Path:
        return self.out / "data" / config / f"{split}.parquet.part"

    def _flush(self, config: str, split: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = self._buffers.pop((config, split), [])
        if not rows:
            return
        writer = self._writers.get((config, split))
        if writer is None:
            fh = self._files.enter_context(atomic_open(self._part(config, split), "wb"))
            writer = self._writers[(config, split)] = pq.ParquetWriter(fh, self._schemas[config], compression="zstd")
        writer.write_table(pa.Table.from_pylist(_encode(config, rows), schema=self._schemas[config]))

    def close(self, splits: list[str], card: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
        """Finish every file, name it after its content, and write the card."""
        for config, split in list(self._buffers):
            self._flush(config, split)
        for writer in self._writers.values():
            writer.close()
        self._files.close()
        counts = {c: {sp: self.counts[c][sp] for sp in splits} for c in CONFIGS}
        files: dict[str, dict[str, str]] = {c: {} for c in CONFIGS}
        sizes: dict[str, int] = {}
        for config, split in sorted(self._writers):
            part = self._part(config, split)
            digest = hashlib.sha256(part.read_bytes()).hexdigest()[:16]
            name = f"data/{config}/{split}-{digest}.parquet"
            os.replace(part, self.out / name)
            files[config][split] = name
            sizes[name] = (self.out / name).stat().st_size
        info = {"splits": splits, "counts": counts, "files": files, "bytes": sizes}
        with atomic_open(self.out / "README.md") as fh:
            fh.write(card(info))
        return info

    def abort(self) -> None:
        self._files.__exit__(RuntimeError, RuntimeError("export aborted"), None)


def yaml_features(config: str) -> list[dict[str, Any]]:
    """The card's YAML for a config's features, in the form every `datasets` version we allow reads
    the same: a list of values is written `sequence:` (3.x reads it as `Sequence`, later versions as
    `List`, both with `.feature`), so `ner_tags` is a sequence of `ClassLabel` everywhere."""

    def old_form(node: Any) -> Any:
        if isinstance(node, dict):
            # a list of structs stays `list:` (3.x reads `sequence:` of a struct as a struct of lists)
            return {("sequence" if k == "list" and not isinstance(v, list) else k): old_form(v) for k, v in node.items()}
        if isinstance(node, list):
            return [old_form(v) for v in node]
        return node

    return old_form(features(config)._to_yaml_list())  # type: ignore[no-any-return]


def card_metadata(files: dict[str, dict[str, str]], counts: dict[str, dict[str, int]], sizes: dict[str, int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`configs` (data_files per non-empty split) and `dataset_info` (features, and per split its rows and
    the bytes of its Parquet file): `datasets` checks the rows it loads against `num_examples`."""
    configs = []
    infos = []
    for config in CONFIGS:
        present = [sp for sp in SPLIT_NAMES if sp in files[config]]
        if not present:
            continue
        entry: dict[str, Any] = {"config_name": config}
        if config == "documents":
            entry["default"] = True
        entry["data_files"] = [{"split": sp, "path": files[config][sp]} for sp in present]
        configs.append(entry)
        infos.append({"config_name": config, "features": yaml_features(config),
                      "splits": [{"name": sp, "num_bytes": sizes[files[config][sp]], "num_examples": counts[config][sp]}
                                 for sp in present]})
    return configs, infos
