"""The plain extraction function beneath the component: every cue family over one parse.

`extract_quotes` finds cue candidates in one vectorised pass over the token attributes, asks each
family (`cues`) for an attribution, keeps the outermost one per token, then lets the article's
layout (`layout`) attach quotations that carry on over sentences and paragraphs, signed quotes and
speaker labels. Adding a cue family means a function in `cues` and one loop here.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import LEMMA, LOWER, POS
from spacy.strings import StringStore
from spacy.tokens import Doc, Token

from ..base import text_of
from .cues import from_as, from_attitude, from_in, from_noun, from_phrase, from_verb
from .layout import continuations, headline, inverted_cues, signed_quotes, speaker_labels, speaker_lines
from .lexicon import Lexicon
from .marks import Marks, kind_of, token_segments
from .spans import NOT_CUE, Quote, outermost

__all__ = ["extract_quotes"]


def extract_quotes(doc: Doc, lex: Lexicon) -> list[Quote]:
    """The attributions of `doc` as token ranges, outermost first, one per cue."""
    if not len(doc):
        return []
    text = text_of(doc)  # doc.text is built from the tokens on each access: read once per doc
    segs = token_segments(doc, text)
    quoted = Marks(doc, segs, text)
    quotes: list[Quote] = []
    borrowed: dict[int, Token] = {}  # cue -> speaker, for cues the parser hid in a clause
    strings = doc.vocab.strings
    # Cue candidates come from one pass over the token attributes (lemma and POS hashes against
    # precomputed sets): several times cheaper than a Matcher on long docs.
    arr = doc.to_array([LEMMA, POS, LOWER])
    lemmas, pos, lower = arr[:, 0], arr[:, 1], arr[:, 2]
    verbs = np.flatnonzero(_member(lemmas, lex.verb_hashes) & ((pos == strings.add("VERB")) | (pos == strings.add("AUX")))).tolist()
    nouns = np.flatnonzero(_member(lemmas, lex.noun_hashes) & (pos == strings.add("NOUN"))).tolist()
    for start in verbs:
        if quoted.inside_double(start):
            continue  # tested before the Token is made
        verb = doc[start]
        if verb.dep_ in NOT_CUE:
            continue
        q = from_verb(lex, doc, verb, segs, quoted, borrowed)
        if q is not None:
            quotes.append(q)
    for start, end in _phrases(lex, lower, strings):
        if not quoted.inside_double(start):
            q = from_phrase(lex, doc, start, end, quoted)
            if q is not None:
                quotes.append(q)
    for start in np.flatnonzero(lower == strings.add("in")).tolist():
        if not quoted.inside_double(start):
            q = from_in(lex, doc, doc[start], quoted)
            if q is not None:
                quotes.append(q)
    for start in np.flatnonzero(lower == strings.add("as")).tolist():  # "pounding [X as a “con artist”]"
        if not quoted.inside_double(start):
            q = from_as(lex, doc, doc[start], quoted)
            if q is not None:
                quotes.append(q)
    for start in np.flatnonzero(_member(lower, lex.attitude_hashes)).tolist():  # "is convinced that", "is determined to"
        if not quoted.inside_double(start):
            q = from_attitude(lex, doc, doc[start], quoted)
            if q is not None:
                quotes.append(q)
    for start in nouns:
        if not quoted.inside_double(start):
            q = from_noun(lex, doc, doc[start], quoted)
            if q is not None:
                quotes.append(q)
    quotes.extend(speaker_labels(lex, doc, quoted))
    quotes.extend(inverted_cues(lex, doc, verbs, segs, quoted))
    quotes.extend(headline(lex, doc, quoted, quotes))
    quotes = outermost(quotes)
    used_segments: set[int] = set()
    for q in quotes:
        for a, b in q.content:
            used_segments.update(quoted.segments_in(a, b))
    continuations(doc, quotes, segs, quoted, used_segments)
    quotes.extend(signed_quotes(doc, segs, quoted, used_segments))
    quotes.extend(speaker_lines(doc, segs, quoted, used_segments))
    for q in quotes:
        q.kinds = {rng: kind_of(doc, rng[0], rng[1], quoted) for rng in q.content + q.extra}
    return quotes


def _member(values: np.ndarray, sorted_hashes: np.ndarray) -> np.ndarray:
    """`np.isin(values, sorted_hashes)` for a sorted array, by binary search (several times faster
    on the few hundred tokens of an article)."""
    if not len(sorted_hashes):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_hashes, values)
    at[at == len(sorted_hashes)] = 0
    return sorted_hashes[at] == values


def _phrases(lex: Lexicon, lower: np.ndarray, strings: StringStore) -> list[tuple[int, int]]:
    """Token ranges of the multi-word cues ("according to")."""
    out: list[tuple[int, int]] = []
    n_tokens = len(lower)
    for phrase in lex.phrases:
        n = len(phrase)
        if n_tokens < n:
            continue
        hit = np.ones(n_tokens - n + 1, dtype=bool)
        for k, w in enumerate(phrase):
            hit &= lower[k:n_tokens - n + 1 + k] == strings.add(w)
        out.extend((int(i), int(i) + n) for i in np.flatnonzero(hit))
    return out
