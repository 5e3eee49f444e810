"""Quotation marks: which stretches of the text are quoted, and how much of a content is.

Straight marks open or close by position; curly ones say which they are. A quotation still open at
a paragraph's end stops there and the next paragraph's opening mark continues it, the news
convention for quotes over several paragraphs. Single quotes count only when they close within the
paragraph (otherwise they are apostrophes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IDX
from spacy.tokens import Doc

from .spans import PARA, is_close_mark, is_open_mark, trim

__all__ = ["QuoteSegment", "Marks", "find_quote_segments", "token_segments", "is_open_mark", "is_close_mark", "kind_of", "named_by"]

_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
# The lookahead names every mark's first character, so the scan skips other text fast (same matches).
_MARKS = re.compile(r"(?=[`'\"“”„«»‘’])(?:''|``|[\"“”„«»]|(?<![\w])['‘](?=\w)|(?<=[\w.,!?;:])['’](?!\w))")
_SINGLE = "'‘’"
# A markup attribute left in scraped text ('<tweet author="...">'): a name, "=" and a quoted value.
_ATTRIBUTE = re.compile(r'(?<=[\w-])="[^"\n]*"')

Segments = list[tuple[int, int, "QuoteSegment"]]


@dataclass(frozen=True)
class QuoteSegment:
    """A stretch between quotation marks (marks included), as character offsets.

    `continues` is True when the segment opens a paragraph that carries on the previous
    paragraph's quotation (that paragraph opened a quote and never closed it).
    """

    start: int
    end: int
    single: bool = False
    continues: bool = False
    open_end: bool = False


def find_quote_segments(text: str) -> list[QuoteSegment]:
    """Quoted stretches of `text`, paragraph by paragraph.

    A quote still open at a paragraph's end stops there (`open_end`), and the next paragraph's
    opening quote `continues` it, the news convention for quotes over several paragraphs. Single
    quotes count only when they close within the paragraph (otherwise they are apostrophes).
    """
    out: list[QuoteSegment] = []
    para_start = 0
    prev_open = False
    for para_end in [m.start() for m in PARA.finditer(text)] + [len(text)]:
        if para_end > para_start:
            segs = _paragraph_segments(text, para_start, para_end, prev_open)
            out.extend(segs)
            body = text[para_start:para_end].strip()
            if body:
                prev_open = bool(segs) and segs[-1].open_end and not segs[-1].single
        para_start = para_end + 1
    return out


def _paragraph_segments(text: str, start: int, end: int, prev_open: bool) -> list[QuoteSegment]:
    segs: list[QuoteSegment] = []
    dbl: int | None = None  # start of the open double quote
    sgl: int | None = None
    first_mark = True
    lead = start
    while lead < end and text[lead].isspace():
        lead += 1
    markup = [(a.start(), a.end()) for a in _ATTRIBUTE.finditer(text, start, end)] if "=" in text[start:end] else []
    for m in _MARKS.finditer(text, start, end):
        ch, pos = m.group(), m.start()
        if markup and any(a <= pos < b for a, b in markup):
            continue  # '<tweet date="...">': a markup attribute's value, not a quotation
        if ch in _SINGLE:
            if dbl is not None:
                continue  # nested single quotes belong to the double quote
            if sgl is None:
                if ch != "’":
                    sgl = pos
            elif ch != "‘":
                segs.append(QuoteSegment(sgl, pos + 1, single=True))
                sgl = None
            continue
        sgl = None
        if ch == "''":  # typewriter double quotes, as in older newswire text
            ch = '"'
        opening = ch in _DOUBLE_OPEN or ch == "``" or (ch == '"' and dbl is None) or (ch in _DOUBLE_CLOSE and pos == lead)
        if dbl is None:
            if opening:
                dbl = pos
        elif ch in _DOUBLE_CLOSE or ch == '"' or ch == "”":
            segs.append(QuoteSegment(dbl, m.end(), continues=prev_open and dbl == lead and first_mark))
            first_mark = False
            dbl = None
        elif ch in _DOUBLE_OPEN or ch == "``":  # a new opening mark while one is open: the first never closed
            stop = _rstrip(text, dbl, pos)
            if stop > dbl + 1:
                segs.append(QuoteSegment(dbl, stop, open_end=True, continues=prev_open and dbl == lead and first_mark))
            first_mark = False
            dbl = pos
    if dbl is not None:
        stop = _rstrip(text, dbl, end)
        if stop > dbl + 1:
            segs.append(QuoteSegment(dbl, stop, open_end=True, continues=prev_open and dbl == lead and first_mark))
    return segs


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


class Marks:
    """Which tokens lie inside quotation segments, for constant-time checks."""

    def __init__(self, doc: Doc, segs: Segments, text: str) -> None:
        self.segs = segs
        self.double = bytearray(len(doc))
        for a, b, seg in segs:
            if not seg.single:
                self.double[a:b] = b"\x01" * (b - a)
        self.open_ends = {b for _, b, seg in segs if seg.open_end}
        breaks = np.fromiter((m.start() for m in PARA.finditer(text)), dtype=np.int64)
        self.para_id = np.searchsorted(breaks, doc.to_array(IDX).astype(np.int64), side="left")
        # each paragraph's token range, found once (para_id is sorted): paragraph() is a list lookup
        ids = np.arange(len(breaks) + 1)
        self._para_of: list[int] = self.para_id.tolist()
        self._para_range = list(zip(np.searchsorted(self.para_id, ids, "left").tolist(), np.searchsorted(self.para_id, ids, "right").tolist()))

    def paragraph(self, i: int) -> tuple[int, int]:
        """The token range of the paragraph (text between newlines) holding token `i`."""
        return self._para_range[self._para_of[i]]

    def trim(self, doc: Doc, a: int, b: int) -> tuple[int, int] | None:
        """`trim`, except that a quotation left open at its paragraph's end keeps its last mark."""
        out = trim(doc, a, b)
        if out is not None and b in self.open_ends and out[1] < b:
            out = (out[0], b)
        return out

    def clip(self, rng: tuple[int, int], i: int) -> tuple[int, int] | None:
        """`rng` cut to the paragraph of token `i`: a parse that runs over a paragraph break is wrong."""
        lo, hi = self.paragraph(i)
        a, b = max(rng[0], lo), min(rng[1], hi)
        return (a, b) if a < b else None

    def quote_first(self, doc: Doc, content: tuple[int, int]) -> tuple[int, int]:
        """ "“Y,” [Tulsa police Chief Chuck Jordan] said": a content before its cue that opens with
        a quotation and goes on past its closing mark with no verb of its own ends at the mark
        (the parser took the speaker's name into the reported clause)."""
        a, b = content
        for sa, sb, seg in self.segs:
            if not seg.single and sa <= a < sb < b:
                closed = doc[sb - 2].text in (",", "?", "!", "—") or doc[sb].text == ","  # "“Y,” Name said", not "“Y” of Z"
                if closed and not any(t.pos_ in ("VERB", "AUX") for t in doc[sb:b]):
                    return a, sb
                break
        return content

    def inside_double(self, i: int) -> bool:
        return bool(self.double[i])

    def segments_in(self, a: int, b: int) -> list[int]:
        return [k for k, (sa, sb, _) in enumerate(self.segs) if sa < b and sb > a]

    def widen(self, content: tuple[int, int], cue: int) -> tuple[int, int]:
        """Extend the content to whole quotations it cuts into, unless that would take in the cue."""
        a, b = content
        for sa, sb, _ in self.segs:
            if sa < b and sb > a and not (sa <= cue < sb):
                if sa < a and not (sa <= cue < a):
                    a = sa
                if sb > b and not (b <= cue < sb):
                    b = sb
        return a, b


def named_by(doc: Doc, a: int) -> bool:
    """Whether the quotation opening at token `a` is a name, not words said: right after a
    possessive or a preposition ("on Fox News's “Fox and Friends”", "in “The Post”")."""
    prev = a - 1
    while prev >= 0 and doc[prev].is_space:
        prev -= 1
    return prev >= 0 and (doc[prev].tag_ == "POS" or doc[prev].lower_ in ("’s", "'s") or doc[prev].pos_ == "ADP")


def kind_of(doc: Doc, a: int, b: int, quoted: Marks) -> str:
    """direct when quotations cover every word of the content, mixed when some words are quoted."""
    inside = quoted.segments_in(a, b)
    if not inside:
        return "indirect"
    covered = bytearray(b - a)
    for k in inside:
        sa, sb, _ = quoted.segs[k]
        lo, hi = max(a, sa), min(b, sb)
        covered[lo - a:hi - a] = b"\x01" * (hi - lo)
    for i in range(a, b):
        if not covered[i - a] and not (doc[i].is_punct or doc[i].is_space):
            return "mixed"
    return "direct"



def token_segments(doc: Doc, text: str) -> Segments:
    """The quoted segments of `doc` as token ranges (expanded to whole tokens)."""
    out = []
    for seg in find_quote_segments(text):
        span = doc.char_span(seg.start, seg.end, alignment_mode="expand")
        if span is not None and len(span):
            out.append((span.start, span.end, seg))
    return out
