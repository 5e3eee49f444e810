"""Token ranges: the attribution being built, and the helpers every family trims ranges with.

Ranges are `(start, end)` token indices, end exclusive; they become spans only when the component
writes them (through `LayerWriter`, which makes them from spaCy `Span`s).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

__all__ = ["CUE_TYPES", "Quote", "is_open_mark", "is_close_mark", "trim", "trim_plain", "overlaps", "same_paragraph", "outermost"]

PARA = re.compile(r"\n")
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
CUE_LEFT = frozenset({"aux", "auxpass", "neg", "advmod"})
CUE_ADVERBS = frozenset({"also", "later", "then", "now", "again", "further", "previously", "earlier", "repeatedly", "once", "even", "never", "often", "recently", "publicly", "privately", "reportedly", "separately"})
INHERIT = frozenset({"conj", "advcl", "xcomp"})
NOT_CUE = frozenset({"amod", "compound", "acomp"})
CONTENT_DEPS = frozenset({"ccomp"})
GENERIC_SUBJECTS = frozenset({"i", "you", "we", "one", "it", "this", "that"})
# Subjects that hold no thought ("it seems", "this suggests"); "I", "you" and "we" do ("we know
# that ...", "I wonder whether ..." are the writer's or a reader's attributions in PolNeAR).
IMPERSONAL_SUBJECTS = frozenset({"one", "it", "this", "that"})
DASHES = frozenset({"―", "—", "–", "--"})

# What kind of attribution a cue makes (QUOTE `attrs.cue_type`; the registry in
# schemas/labels.json lists the same values). `kind` says how the content is written (direct,
# indirect, mixed); `cue_type` says how it is attributed, so speech can be told from the rest.
CUE_TYPES = (
    "speech",     # verbs of saying and writing, speaker labels, signed quotes: "X said", "X: '...'"
    "according",  # "according to X", "in his eyes"
    "evidence",   # polls, studies, records: "a poll shows", "in the survey"
    "belief",     # thought, belief, expectation, perception: "X believes that", "Y seems to"
    "intent",     # intention and wish: "X wants to", "X vowed to"
    "position",   # evaluation and judgement: "X called for Y", "X accused Y of", "Y was accused of"
    "request",    # orders and requests: "X told Y to", "X urged Y to"
    "question",   # "X asked whether", "X wondered if"
    "nominal",    # a reporting noun: "the claim that", "his promise to", "criticism of"
)


@dataclass
class Quote:
    """One attribution while it is being built: token ranges [start, end) of its parts."""

    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    cue_token: int | None = None
    source_root: int | None = None
    extra: list[tuple[int, int]] = field(default_factory=list)
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)
    cue_type: str = "speech"


def trim(doc: Doc, a: int, b: int) -> tuple[int, int] | None:
    """Drop edge punctuation and spaces, but keep quotation marks and what they enclose."""
    while a < b and (doc[a].is_space or (doc[a].is_punct and not is_open_mark(doc[a]))):
        a += 1
    while b > a and (doc[b - 1].is_space or (doc[b - 1].is_punct and not is_close_mark(doc[b - 1]))
                     or (doc[b - 1].pos_ == "CCONJ" and b - 1 > a)):  # a coordinator left dangling by the parse
        if doc[b - 1].text == ")" and any(t.text == "(" for t in doc[a:b - 1]):
            break  # "Rep. Don Beyer (D-Va.)": a bracket opened inside is closed
        b -= 1
    if b <= a or all(t.is_punct or t.is_space for t in doc[a:b]):
        return None
    return a, b


def trim_plain(doc: Doc, a: int, b: int) -> tuple[int, int] | None:
    """Drop edge punctuation and spaces, keeping a closing bracket whose opening one is inside
    ("the Coast Guard (USCG)") and ending before an opening one that does not close inside ("Mr.
    Lund (a view others share": "Mr. Lund"); None when no word is left."""
    opened = [t.i for t in doc[a:b] if t.text == "("]
    if opened and not any(t.text == ")" for t in doc[opened[-1]:b]) and opened[-1] > a:
        b = opened[-1]
    while a < b and (doc[a].is_space or doc[a].is_punct):
        a += 1
    while b > a and (doc[b - 1].is_space or doc[b - 1].is_punct):
        if doc[b - 1].text == ")" and any(t.text == "(" for t in doc[a:b - 1]):
            break
        b -= 1
    if not any(t.tag_ != "POS" and any(ch.isalpha() for ch in t.text) for t in doc[a:b]):  # "O'Neill" is a word too
        return None
    return (a, b) if a < b else None


def overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def same_paragraph(doc: Doc, a: int, b: int) -> bool:
    return not any("\n" in t.text or "\n" in t.whitespace_ for t in doc[a:b])


def outermost(quotes: list[Quote]) -> list[Quote]:
    """One attribution per token, as in PolNeAR: a cue inside another quote's content is nested
    reporting and gives way to the outer one."""
    # which quotes (by identity) hold each cue token in their content: found per content range by
    # binary search over the sorted cue tokens, rather than every quote against every other
    cues = sorted({q.cue_token for q in quotes if q.cue_token is not None})
    holders: dict[int, list[int]] = {}
    for o in quotes:
        if o.cue_token is not None:
            for a, b in o.content:
                for cue in cues[bisect_left(cues, a):bisect_left(cues, b)]:
                    holders.setdefault(cue, []).append(id(o))
    out = [q for q in quotes if q.cue_token is None or all(h == id(q) for h in holders.get(q.cue_token, ()))]
    out.sort(key=lambda q: q.content[0][0])
    return out


def is_open_mark(t: Token) -> bool:
    return t.text in ('"', "“", "„", "«", "'", "‘", "''", "``")


def is_close_mark(t: Token) -> bool:
    return t.text in ('"', "”", "»", "'", "’", "''") or t.text.endswith(("”", '"', "''"))
