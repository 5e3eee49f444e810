"""What every annotator shares: plain layer data on the `Doc`, word lists, and the checks a
component runs before it reads the parse.

A component reads the one parse and writes only its own layer, in two forms: spaCy spans in
`doc.spans[layer]` (for displaCy and anyone's code) and the layer as plain JSON-like data in
`doc._.layers[layer]` = {"spans": [...], "relations": [...]}, in the record's span and relation
format. Plain data is what lets `doc.to_bytes()`, `DocBin(store_user_data=True)` and
`nlp.pipe(n_process=...)` carry it. `doc._.annotations` is a read-only view of the same data with
attribute access (`.spans`, `.relations`), computed on access and never stored.
"""

from __future__ import annotations

import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import srsly
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from .errors import AnnotatorError

__all__ = [
    "DATA",
    "Layer",
    "LayerResult",
    "LayerWriter",
    "WordListComponent",
    "annotations_of",
    "layers_of",
    "write_layer",
    "span_record",
    "relation_record",
    "require",
    "shared",
    "text_of",
    "trim",
    "words_of",
]

DATA = Path(__file__).parent / "data"

# One layer as plain data: {"spans": [span, ...], "relations": [relation, ...]}.
Layer = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class LayerResult:
    """A read-only view of one layer: its spans (with attrs) and the relations between them."""

    spans: list[dict[str, Any]]
    relations: list[dict[str, Any]]


def layers_of(doc: Doc) -> dict[str, Layer]:
    """The layers written on `doc` so far, as plain data (empty when none)."""
    layers: dict[str, Layer] | None = doc._.layers
    return layers if layers is not None else {}


def annotations_of(doc: Doc) -> dict[str, LayerResult]:
    """The layers written on `doc` so far, as views with `.spans` and `.relations`."""
    return {name: LayerResult(layer["spans"], layer["relations"]) for name, layer in layers_of(doc).items()}


if not Doc.has_extension("layers"):
    Doc.set_extension("layers", default=None)
if not Doc.has_extension("annotations"):
    Doc.set_extension("annotations", getter=annotations_of)


def write_layer(doc: Doc, name: str, layer: Layer) -> None:
    """Put one layer on `doc`: the plain data in `doc._.layers[name]`, spaCy spans in `doc.spans[name]`."""
    doc._.layers = {**layers_of(doc), name: layer}
    # sorted by token offsets before the Spans are made (a stable sort on the same keys: the same order)
    ordered = sorted(layer["spans"], key=lambda s: (s["token_start"], s["token_end"]))
    spans = [Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"]) for s in ordered]
    doc.spans[name] = SpanGroup(doc, name=name, spans=spans)


def span_record(span: Span, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
    """A span in the record format, from a spaCy `Span` (its token and character offsets agree by construction)."""
    out: dict[str, Any] = {"start": span.start_char, "end": span.end_char, "token_start": span.start, "token_end": span.end - 1, "label": label}
    if attrs:
        out["attrs"] = attrs
    return out


def relation_record(label: str, head: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A relation in Prodigy's format: head/child are the `token_end` of each span, with copies of both spans."""
    return {"head": head["token_end"], "child": child["token_end"], "label": label, "head_span": dict(head), "child_span": dict(child)}


def trim(span: Span) -> Span:
    """The span without whitespace tokens at its edges (no span may start or end in whitespace)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return span if (start, end) == (span.start, span.end) else doc[start:end]


def words_of(doc: Doc, orths: Any = None) -> tuple[list[str], list[str]]:
    """The text and the lower case of every token of `doc`, read once per distinct word: cheaper
    than a Token or a string lookup per token. `orths` is the doc's ORTH column when already read."""
    if not len(doc):
        return [], []
    distinct, where = np.unique(doc.to_array(ORTH) if orths is None else orths, return_inverse=True)
    strings = doc.vocab.strings
    texts = [strings[orth] for orth in distinct.tolist()]
    lowers = [text.lower() for text in texts]
    at = where.reshape(-1).tolist()
    return [texts[k] for k in at], [lowers[k] for k in at]


# Each doc's text, once a component has read it: `doc.text` makes a Token per token on every
# access. Weak keys: the entry goes with the doc. A doc's text never changes (retokenizing keeps
# it); the token count is checked all the same.
_TEXTS: "weakref.WeakKeyDictionary[Doc, tuple[int, str]]" = weakref.WeakKeyDictionary()


def text_of(doc: Doc, text: str | None = None) -> str:
    """`doc.text`, read once per doc and shared by the components; `text` is the doc's text when
    the caller has built it already (from the same tokens), kept for the next one."""
    if text is None:
        found = _TEXTS.get(doc)
        if found is not None and found[0] == len(doc):
            return found[1]
        text = doc.text
    _TEXTS[doc] = (len(doc), text)
    return text


# What a component may need from the parse: the `Doc.has_annotation` attribute that shows it, and
# the kind of component that sets it (for the message).
_NEEDS = {"parse": ("DEP", "a dependency parse (a 'parser' component)"),
          "tags": ("POS", "part-of-speech tags (a 'tagger' with an 'attribute_ruler', or a 'morphologizer')"),
          "lemmas": ("LEMMA", "lemmas (a 'lemmatizer' component)"),
          "ents": ("ENT_IOB", "named entities (an 'ner' component)")}


def require(doc: Doc, component: str, needs: Iterable[str] = (), layers: Iterable[str] = (), any_layer: bool = False) -> None:
    """Refuse to run on a doc that lacks what `component` reads, rather than silently find nothing.

    `needs` names parse annotations ("parse", "tags", "lemmas", "ents"); `layers` names layers
    other components write (all of them, or with `any_layer` at least one). An empty doc passes:
    there is nothing to read.
    """
    if not len(doc):
        return
    for need in needs:
        attr, what = _NEEDS[need]
        if not doc.has_annotation(attr):
            raise AnnotatorError("E110", component=component, what=what,
                                 fix="load a trained pipeline such as en_core_web_sm, or add the component before this one")
    wanted = list(layers)
    if wanted:
        have = [name for name in wanted if name in layers_of(doc)]
        if (not have) if any_layer else (len(have) < len(wanted)):
            missing = [name for name in wanted if name not in have]
            raise AnnotatorError("E111", component=component, layers=(" or " if any_layer else " and ").join(missing),
                                 fix=f"add {' and '.join(f'{n}_v1' for n in missing)} to the pipeline before it "
                                     f"(with corpus annotate: records annotated with {', '.join(missing)}, or --layers {','.join(missing)},...)")


class LayerWriter:
    """Collects one layer's spans and relations as plain data.

    `add` returns the record span, which `relate` takes; a span added twice (same offsets and
    label) is stored once, so relations from several quotes can share one SOURCE span. `result`
    gives the layer without touching the doc; `write` also puts it on the doc.
    """

    def __init__(self, doc: Doc, layer: str) -> None:
        self.doc = doc
        self.layer = layer
        self._spans: dict[tuple[int, int, str], dict[str, Any]] = {}
        self._relations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        self._relation_keys: set[tuple[Any, ...]] = set()

    def add(self, span: Span, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        span = trim(span)
        if len(span) == 0:
            raise AnnotatorError("E115", component=self.layer, label=label)
        key = (span.start_char, span.end_char, label)
        existing = self._spans.get(key)
        if existing is not None:
            if attrs:
                existing.setdefault("attrs", {}).update(attrs)
            return existing
        record_span = span_record(span, label, attrs)
        self._spans[key] = record_span
        return record_span

    def add_tokens(self, start: int, end: int, label: str, attrs: dict[str, Any] | None, words: Sequence[str],
                   starts: Sequence[int], ends: Sequence[int]) -> dict[str, Any]:
        """As `add` for `doc[start:end]`, from the token texts and character offsets the caller has
        read already (`words[i]`, `starts[i]`, `ends[i]` for token i): no Span or Token is made."""
        while start < end and words[start].isspace():  # as `trim`: Token.is_space is str.isspace
            start += 1
        while end > start and words[end - 1].isspace():
            end -= 1
        if end <= start:
            raise AnnotatorError("E115", component=self.layer, label=label)
        key = (starts[start], ends[end - 1], label)
        existing = self._spans.get(key)
        if existing is not None:
            if attrs:
                existing.setdefault("attrs", {}).update(attrs)
            return existing
        record_span: dict[str, Any] = {"start": key[0], "end": key[1], "token_start": start, "token_end": end - 1, "label": label}
        if attrs:
            record_span["attrs"] = attrs
        self._spans[key] = record_span
        return record_span

    def relate(self, label: str, head: dict[str, Any], child: dict[str, Any]) -> None:
        """Relate two record spans; the same relation twice is kept once."""
        key = (label, head["start"], head["end"], head["label"], child["start"], child["end"], child["label"])
        if key not in self._relation_keys:
            self._relation_keys.add(key)
            self._relations.append((label, head, child))

    def result(self) -> Layer:
        """The layer in canonical order: spans by (start, end, label), relations by head, label, child."""
        spans = sorted(self._spans.values(), key=lambda s: (s["start"], s["end"], s["label"]))
        relations = [relation_record(label, head, child) for label, head, child in self._relations]
        relations.sort(key=lambda r: (r["head_span"]["start"], r["label"], r["child_span"]["start"], r["head_span"]["end"], r["child_span"]["end"]))
        return {"spans": spans, "relations": relations}

    def write(self) -> LayerResult:
        layer = self.result()
        write_layer(self.doc, self.layer, layer)
        return LayerResult(layer["spans"], layer["relations"])


class WordListComponent:
    """The part of a component that handles its word lists (`data/<layer>_*`).

    The constructor loads the shipped lists, so `nlp.add_pipe(...)` works on a trained pipeline
    without `nlp.initialize()` (which would reset its weights). `initialize(data=FOLDER)` reads the
    lists from another folder; `to_disk` saves the lists in use beside the pipeline and
    `from_disk` reads them back, so a saved pipeline carries its own lists (`to_bytes`/`from_bytes`
    likewise). Subclasses set `layer` and implement `load(folder)`.
    """

    layer: str = ""
    name: str = ""

    def load(self, folder: Path) -> None:  # pragma: no cover - every component overrides it
        raise NotImplementedError

    def use_word_lists(self, folder: Path) -> None:
        """Read the word lists from `folder` (coded error E112 when one is missing or malformed)."""
        folder = Path(folder)
        files = sorted(p for p in folder.glob(f"{self.layer}_*") if p.is_file())
        if not files:
            raise AnnotatorError("E112", component=self.name, path=str(folder / f"{self.layer}_*"), cause="no such files")
        try:
            contents = {p.name: p.read_bytes() for p in files}
            self.load(folder)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AnnotatorError("E112", component=self.name, path=str(folder), cause=f"{type(exc).__name__}: {exc}") from exc
        self.word_lists: dict[str, bytes] = contents

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None, data: str | Path | None = None) -> None:
        """Load the word lists from `data` (a folder holding `<layer>_*` files), or the shipped ones."""
        self.use_word_lists(Path(data) if data else DATA)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, content in self.word_lists.items():
            (path / name).write_bytes(content)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "WordListComponent":
        self.use_word_lists(Path(path))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The word lists in use, so `nlp.to_bytes()` carries them as `to_disk` does."""
        return bytes(srsly.msgpack_dumps(self.word_lists))

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "WordListComponent":
        with tempfile.TemporaryDirectory() as folder:
            for name, content in srsly.msgpack_loads(data).items():
                (Path(folder) / Path(name).name).write_bytes(content)
            self.use_word_lists(Path(folder))
        return self


_SHARED: dict[tuple[Any, ...], Any] = {}


def shared(cls: type, doc: Doc, **options: Any) -> Any:
    """A component of class `cls` for `doc`'s vocab with the shipped word lists, made once and
    reused: what the plain `extract(doc)` functions run when no pipeline is at hand."""
    key = (cls, id(doc.vocab), tuple(sorted(options.items())))
    entry = _SHARED.get(key)
    if entry is None:
        import spacy

        nlp = spacy.blank(doc.lang_ or "en", vocab=doc.vocab)
        entry = _SHARED[key] = (cls(nlp, cls.__name__, **options), doc.vocab)  # the vocab stays alive while its id is a key
    return entry[0]
