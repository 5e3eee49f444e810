"""The annotators: one spaCy component per layer, each a typed factory registered here.

Every layer is a plain extraction function over a parsed `Doc` (`annotators.quotes.extract(doc)`
returns the layer as plain data), wrapped by a component that writes it onto the doc
(`doc._.layers`, `doc.spans`). After `import annotators`, or with no import at all once the
package is installed (its `spacy_factories` entry points), `nlp.add_pipe("quotes_v1")` works in
any trained spaCy pipeline with a tagger, parser and NER, and `spacy.load(saved_folder)` loads a
pipeline saved with them.

To add a component (say a learned `stances_v2`), copy one factory below: an explicit name,
`assigns`/`requires`, its options typed in the signature and defaulted in `default_config`, and
an entry point of the same name in `pyproject.toml`.
"""

# No `from __future__ import annotations` here: spaCy validates a factory's config against the
# real types of its signature.
from typing import Any

from spacy.language import Language

from .base import annotations_of, layers_of
from .errors import AnnotatorError

__all__ = ["COMPONENTS", "VERSIONS", "LAYERS", "VERSION", "READS", "AnnotatorError", "layers_of", "annotations_of"]

VERSION = "v1"
LAYERS = ("entities", "statistics", "quotes", "stances")
# Versioned names as they appear in `meta.annotators` ("quotes.v1"); spaCy forbids dots in factory
# names (its error E853), so the factory of "quotes.v1" is registered as "quotes_v1".
VERSIONS: dict[str, str] = {layer: f"{layer}.{VERSION}" for layer in LAYERS}
COMPONENTS: dict[str, str] = {layer: name.replace(".", "_") for layer, name in VERSIONS.items()}
# The layers each layer reads besides the parse: entities fix `doc.ents`, which the others read;
# stances take their holders from entity and SOURCE spans. Re-annotating a layer re-runs every
# layer that reads it, so no kept layer points at spans that were just replaced.
READS: dict[str, tuple[str, ...]] = {
    "entities": (),
    "statistics": ("entities",),
    "quotes": ("entities",),
    "stances": ("entities", "quotes"),
}

_PARSE = ["token.pos", "token.tag", "token.dep", "token.head", "token.lemma", "token.is_sent_start", "doc.ents"]
_ASSIGNS = ["doc.spans", "doc._.layers"]


@Language.factory(
    "entities_v1",
    assigns=["doc.ents", *_ASSIGNS],
    requires=["doc.ents", "token.pos"],
    default_config={"rules": True},
)
def make_entities(nlp: Language, name: str, rules: bool) -> Any:
    """Entities: the model's `doc.ents` fixed with news rules (`rules=False`: the model's, unchanged)."""
    from .entities import EntityAnnotator

    return EntityAnnotator(nlp, name, rules=rules)


@Language.factory("statistics_v1", assigns=_ASSIGNS, requires=_PARSE, default_config={})
def make_statistics(nlp: Language, name: str) -> Any:
    """Statistics: numbers with value, unit, approximator and kind, and what they count."""
    from .statistics import StatisticsAnnotator

    return StatisticsAnnotator(nlp, name)


@Language.factory("quotes_v1", assigns=_ASSIGNS, requires=_PARSE, default_config={})
def make_quotes(nlp: Language, name: str) -> Any:
    """Quotes: content, cue and source of each attribution."""
    from .quotes import QuoteAnnotator

    return QuoteAnnotator(nlp, name)


@Language.factory("stances_v1", assigns=_ASSIGNS, requires=[*_PARSE, "doc._.layers"], default_config={})
def make_stances(nlp: Language, name: str) -> Any:
    """Stances: who is for or against what; holders are entity or SOURCE spans, so it runs after them."""
    from .stances import StanceAnnotator

    return StanceAnnotator(nlp, name)


from . import stances_model as _stances_model  # noqa: E402,F401  (registers stances_v2, the learned stances layer)
