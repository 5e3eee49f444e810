"""The annotators: one spaCy component per layer, registered here under versioned names.

All four read the one parse of `en_core_web_sm` and write only their own layer (see `base`).
`COMPONENTS` maps each layer to its factory: after `import annotators`, `nlp.add_pipe("quotes_v1")`
works in anyone's pipeline that has a tagger, parser and NER.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language

__all__ = ["COMPONENTS", "VERSIONS", "LAYERS", "VERSION"]

VERSION = "v1"
LAYERS = ("entities", "statistics", "quotes", "stances")
# Versioned names as they appear in `meta.annotators` ("quotes.v1"); spaCy forbids dots in factory
# names (its error E853), so the factory of "quotes.v1" is registered as "quotes_v1".
VERSIONS: dict[str, str] = {layer: f"{layer}.{VERSION}" for layer in LAYERS}
COMPONENTS: dict[str, str] = {layer: name.replace(".", "_") for layer, name in VERSIONS.items()}


def make_entities(nlp: Language, name: str) -> Any:
    from .entities import EntityAnnotator

    return EntityAnnotator(nlp, name)


def make_statistics(nlp: Language, name: str) -> Any:
    from .statistics import StatisticsAnnotator

    return StatisticsAnnotator(nlp, name)


def make_quotes(nlp: Language, name: str) -> Any:
    from .quotes import QuoteAnnotator

    return QuoteAnnotator(nlp, name)


def make_stances(nlp: Language, name: str) -> Any:
    from .stances import StanceAnnotator

    return StanceAnnotator(nlp, name)


_PARSE = ["token.pos", "token.tag", "token.dep", "token.head", "token.lemma", "token.is_sent_start"]

_FACTORIES = {
    "entities_v1": (make_entities, ["doc.ents", "doc.spans"], ["doc.ents", "token.pos"]),
    "statistics_v1": (make_statistics, ["doc.spans"], _PARSE + ["doc.ents"]),
    "quotes_v1": (make_quotes, ["doc.spans"], _PARSE + ["doc.ents"]),
    "stances_v1": (make_stances, ["doc.spans"], _PARSE + ["doc.ents"]),
}

for _name, (_func, _assigns, _requires) in _FACTORIES.items():
    if _name not in Language.factories:
        Language.factory(_name, assigns=_assigns, requires=_requires, default_config={}, func=_func)

from . import stances_model as _stances_model  # noqa: E402,F401  (registers stances_v2, the learned stances layer)
