"""Quotes: who said what, in the Source/Cue/Content model of PARC and PolNeAR.

The component reads the one parse and writes QUOTE (the content), CUE and SOURCE spans with
SOURCE and CUE relations from each QUOTE. The layer is split the way it thinks:

- `lexicon`: the cue word lists (data in `annotators/data/quotes_cues.json`);
- `marks`: quotation marks, quoted segments over sentences and paragraphs, direct/mixed/indirect;
- `cues`: the cue families, one function each (reporting verbs, "according to", polls and
  studies, nouns, passives, perception, attitude adjectives, names, "in his eyes");
- `content`: what a cue reports (its clause, an adjacent quotation, an object, an infinitive);
- `sources`: who reports it (the cue's subject) and the full name `attrs.name` it resolves to;
- `layout`: attributions the article's layout makes (speaker labels, signed quotes, inverted
  cues, present-tense headlines, quotations carried on over sentences and paragraphs);
- `extract`: `extract_quotes`, all of the above over one `Doc`.

Nothing is guessed: a quote whose speaker cannot be found has no SOURCE relation, and an
ambiguous pronoun gets no name.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..base import DATA as _DATA_DIR
from ..base import Layer, LayerWriter, WordListComponent, require, shared, write_layer
from .extract import extract_quotes
from .lexicon import DATA, Lexicon, load_cues
from .marks import QuoteSegment, find_quote_segments
from .sources import Names
from .spans import Quote

__all__ = ["QuoteAnnotator", "QuoteSegment", "extract", "extract_quotes", "find_quote_segments", "load_cues"]


def extract(doc: Doc) -> Layer:
    """The attributions of a parsed `doc` as plain data: QUOTE, CUE and SOURCE spans, with SOURCE
    and CUE relations from each QUOTE. Reads the entities layer when `doc` has one (for speakers'
    names); the shipped word lists, no pipeline needed. `doc` is not changed."""
    return shared(QuoteAnnotator, doc).annotate(doc)  # type: ignore[no-any-return]


class QuoteAnnotator(WordListComponent):
    """Writes the quotes layer: QUOTE (content), CUE and SOURCE spans and their relations."""

    layer = "quotes"

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.use_word_lists(_DATA_DIR)

    def load(self, folder: Path) -> None:
        """Read the cue lists from `folder` and index them by the vocab's string hashes."""
        self.lexicon = Lexicon.from_data(load_cues(Path(folder) / DATA.name), self.vocab.strings)

    def __call__(self, doc: Doc) -> Doc:
        write_layer(doc, "quotes", self.annotate(doc))
        return doc

    def annotate(self, doc: Doc) -> Layer:
        """The quotes layer of `doc` as plain data; `doc` is left as it is."""
        require(doc, self.name, needs=("parse", "tags", "lemmas", "ents"))
        writer = LayerWriter(doc, "quotes")
        quotes = self.extract(doc) if len(doc) else []
        if quotes:  # names are resolved only for an article that quotes someone
            names = Names(doc, self.lexicon.agents)
            for q in quotes:
                _write(doc, writer, q, names)
        return writer.result()

    def extract(self, doc: Doc) -> list[Quote]:
        """The attributions of `doc` as token ranges, outermost first, one per cue."""
        return extract_quotes(doc, self.lexicon)


def _write(doc: Doc, writer: LayerWriter, q: Quote, names: Names) -> None:
    source_rec = cue_rec = None
    if q.cue is not None:
        cue_rec = writer.add(doc[q.cue[0]:q.cue[1]], "CUE")
    if q.source is not None and q.source_root is not None:
        span = doc[q.source[0]:q.source[1]]
        name = names.resolve(span, doc[q.source_root])
        source_rec = writer.add(span, "SOURCE", {"name": name} if name else None)
    for a, b in q.content + q.extra:
        rec = writer.add(doc[a:b], "QUOTE", {"kind": q.kinds[(a, b)], "cue_type": q.cue_type})
        if source_rec is not None:
            writer.relate("SOURCE", rec, source_rec)
        if cue_rec is not None:
            writer.relate("CUE", rec, cue_rec)
