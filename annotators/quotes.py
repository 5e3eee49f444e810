"""Quotes: who said what, in the Source/Cue/Content model of PARC and PolNeAR.

Reads the one parse: cue verbs and nouns are found by lemma (word lists in
`data/quotes_cues.json`), indirect content is the clausal complement of a cue (or, for verbs of
position and intent, its object or infinitive), direct content is a quotation next to the cue's
clause (before, after, or continued over sentences and paragraphs), "according to X" makes X the
source of its clause, and "Name: ..." labels and dash-signed quotations name their speaker. PolNeAR's
wider attributions are read too: requests ("told X to Y"), findings of polls and records ("a poll
shows Y"), perception ("X seems to Y") and passive judgements ("X was accused of Y") with no source,
"in the poll" and "in his eyes", and nouns of intention ("an agreement to Y"). The source is the cue's subject as written;
`attrs.name` is the full name when the article gives one. Nothing is guessed: a quote whose
speaker cannot be found has no SOURCE relation, and an ambiguous pronoun gets no name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IDX, LEMMA, LOWER, POS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import DATA as _DATA_DIR, Layer, LayerWriter, WordListComponent, annotations_of, require, shared, write_layer

__all__ = ["QuoteAnnotator", "QuoteSegment", "find_quote_segments", "load_cues", "extract"]

DATA = Path(__file__).parent / "data" / "quotes_cues.json"

# Quotation marks. Straight marks open or close by position; curly ones say which they are.
_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_MARKS = re.compile(r"''|``|[\"“”„«»]|(?<![\w])['‘](?=\w)|(?<=[\w.,!?;:])['’](?!\w)")
_SINGLE = "'‘’"
_PARA = re.compile(r"\n")

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_CUE_LEFT = frozenset({"aux", "auxpass", "neg", "advmod"})
_CUE_ADVERBS = frozenset({"also", "later", "then", "now", "again", "further", "previously", "earlier", "repeatedly", "once", "even", "never", "often", "recently", "publicly", "privately", "reportedly", "separately"})
_INHERIT = frozenset({"conj", "advcl", "xcomp"})
_NOT_CUE = frozenset({"amod", "compound", "acomp"})
_CONTENT_DEPS = frozenset({"ccomp"})
_GENERIC_SUBJECTS = frozenset({"i", "you", "we", "one", "it", "this", "that"})
_DASHES = frozenset({"―", "—", "–", "--"})


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


def load_cues(path: Path = DATA) -> dict[str, Any]:
    """The cue word lists (lemmas), loaded once per component."""
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def find_quote_segments(text: str) -> list[QuoteSegment]:
    """Quoted stretches of `text`, paragraph by paragraph.

    A quote still open at a paragraph's end stops there (`open_end`), and the next paragraph's
    opening quote `continues` it, the news convention for quotes over several paragraphs. Single
    quotes count only when they close within the paragraph (otherwise they are apostrophes).
    """
    out: list[QuoteSegment] = []
    para_start = 0
    prev_open = False
    for para_end in [m.start() for m in _PARA.finditer(text)] + [len(text)]:
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
    for m in _MARKS.finditer(text, start, end):
        ch, pos = m.group(), m.start()
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


@dataclass
class _Quote:
    """One attribution while it is being built: token ranges [start, end) of its parts."""

    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    cue_token: int | None = None
    source_root: int | None = None
    extra: list[tuple[int, int]] = field(default_factory=list)
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)


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
        cues = load_cues(Path(folder) / DATA.name)
        self.speech = frozenset(cues["speech"])
        self.clause_only = frozenset(cues["clause_only"]) - self.speech
        self.quote_only = frozenset(cues["quote_only"]) - self.speech
        self.recipient = frozenset(cues["recipient"])
        self.particles: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in cues["particles"].items()}
        self.object = frozenset(cues["object"])
        self.intent = frozenset(cues["intent"])
        self.agents = frozenset(cues["agents"])
        # verbs whose object can be the content when there is no clause or quotation: positions,
        # intentions, and reporting verbs other than those whose object is a thing said or written
        self.object_like = self.object | self.intent | (self.speech - self.recipient - frozenset(cues["no_object"]))
        self.evidence = frozenset(cues["evidence"])
        self.documents = frozenset(cues["documents"])
        self.directive = frozenset(cues["directive"])
        self.seem = frozenset(cues["seem"])
        self.in_findings = frozenset(cues["in_findings"])
        self.in_minds = frozenset(cues["in_minds"])
        self.in_events = frozenset(cues["in_events"])
        self.passive_cues = frozenset(cues["passive"])
        self.cue_lemmas = self.speech | self.clause_only | self.quote_only | self.object | self.intent | self.evidence | self.directive | self.seem
        verbs = sorted(self.cue_lemmas | self.passive_cues)
        # Cue candidates come from one vectorised pass over the token attributes (lemma and POS
        # hashes against precomputed sets): several times cheaper than a Matcher on long docs.
        strings = self.vocab.strings
        self._verb_hashes = np.array(sorted(strings.add(v) for v in verbs), dtype=np.uint64)
        self.intent_nouns = frozenset(cues["intent_nouns"])
        self._noun_hashes = np.array(sorted(strings.add(n) for n in set(cues["nouns"]) | self.intent_nouns), dtype=np.uint64)
        self._verb_pos = np.array([strings.add("VERB"), strings.add("AUX")], dtype=np.uint64)
        self._noun_pos = np.array([strings.add("NOUN")], dtype=np.uint64)
        self._phrases = [np.array([strings.add(w) for w in phrase], dtype=np.uint64) for phrase in cues["phrases"]]
        self.not_speakers = frozenset(w.lower() for w in cues["not_speakers"])
        self._in = strings.add("in")

    # -- the component -------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        write_layer(doc, "quotes", self.annotate(doc))
        return doc

    def annotate(self, doc: Doc) -> Layer:
        """The quotes layer of `doc` as plain data; `doc` is left as it is."""
        require(doc, self.name, needs=("parse", "tags", "lemmas", "ents"))
        writer = LayerWriter(doc, "quotes")
        if len(doc):
            quotes = self.extract(doc)
            names = _Names(doc)
            for q in quotes:
                self._write(doc, writer, q, names)
        return writer.result()

    def extract(self, doc: Doc) -> list[_Quote]:
        """The attributions of `doc` as token ranges, outermost first, one per cue."""
        text = doc.text  # built from the tokens on each access: read it once
        segs = self._segments(doc, text)
        quoted = _Marks(doc, segs, text)
        quotes: list[_Quote] = []
        used_segments: set[int] = set()
        borrowed: dict[int, Token] = {}  # cue -> speaker, for cues the parser hid in a clause
        arr = doc.to_array([LEMMA, POS, LOWER])
        lemmas, pos, lower = arr[:, 0], arr[:, 1], arr[:, 2]
        verbs = np.flatnonzero(np.isin(lemmas, self._verb_hashes) & np.isin(pos, self._verb_pos)).tolist()
        nouns = np.flatnonzero(np.isin(lemmas, self._noun_hashes) & np.isin(pos, self._noun_pos)).tolist()
        phrases: list[tuple[int, int]] = []
        for words in self._phrases:
            n = len(words)
            if len(doc) >= n:
                hit = np.ones(len(doc) - n + 1, dtype=bool)
                for k, w in enumerate(words):
                    hit &= lower[k:len(doc) - n + 1 + k] == w
                phrases.extend((int(i), int(i) + n) for i in np.flatnonzero(hit))
        for start in verbs:
            verb = doc[start]
            if quoted.inside_double(verb.i) or verb.dep_ in _NOT_CUE:
                continue
            q = self._from_verb(doc, verb, segs, quoted, borrowed)
            if q is not None:
                quotes.append(q)
        for start, end in phrases:
            if quoted.inside_double(start):
                continue
            q = self._from_phrase(doc, start, end, quoted)
            if q is not None:
                quotes.append(q)
        for start in np.flatnonzero(lower == self._in).tolist():
            if not quoted.inside_double(start):
                q = self._from_in(doc, doc[start], quoted)
                if q is not None:
                    quotes.append(q)
        for start in nouns:
            if not quoted.inside_double(start):
                q = self._from_noun(doc, doc[start], quoted)
                if q is not None:
                    quotes.append(q)
        quotes.extend(self._speaker_labels(doc, quoted))
        quotes = _outermost(quotes)
        for q in quotes:
            for a, b in q.content:
                used_segments.update(quoted.segments_in(a, b))
        self._continuations(doc, quotes, segs, quoted, used_segments)
        quotes.extend(self._signed_quotes(doc, segs, quoted, used_segments))
        for q in quotes:
            q.kinds = {rng: _kind(doc, rng[0], rng[1], quoted) for rng in q.content + q.extra}
        return quotes

    # -- finding the parts ---------------------------------------------------------------------

    def _segments(self, doc: Doc, text: str) -> list[tuple[int, int, QuoteSegment]]:
        out = []
        for seg in find_quote_segments(text):
            span = doc.char_span(seg.start, seg.end, alignment_mode="expand")
            if span is not None and len(span):
                out.append((span.start, span.end, seg))
        return out

    def _from_verb(self, doc: Doc, verb: Token, segs: list[tuple[int, int, QuoteSegment]], quoted: "_Marks", borrowed: dict[int, Token]) -> _Quote | None:
        lemma = verb.lemma_.lower()
        if lemma in self.seem:
            return self._from_seem(doc, verb, quoted)
        if lemma in self.passive_cues and any(c.dep_ == "auxpass" for c in verb.children) and not any(c.dep_ in _CONTENT_DEPS for c in verb.children):
            passive = self._from_passive(doc, verb, quoted)
            if passive is not None or lemma not in self.cue_lemmas:
                return passive
        subject = borrowed.get(verb.i) or _subject(verb)
        if subject is None and verb.tag_ == "VB" and verb.dep_ == "ROOT" and not any(c.dep_ == "aux" for c in verb.children):
            return None  # an imperative ("Imagine that ...", "Say Mexico ..."): nobody reports anything
        if lemma in self.clause_only and lemma not in self.speech and (subject is None or subject.lower_ in _GENERIC_SUBJECTS):
            return None  # "I think", "you know": a speaker's hedge, not an attribution
        content: tuple[int, int] | None = None
        before: tuple[int, int] | None = None
        self._second: tuple[int, int] | None = None
        self._wh: tuple[int, int] | None = None
        if lemma in self.speech or lemma in self.clause_only:
            content = self._clause_content(doc, verb)
            if content is not None:
                content = quoted.clip(content, verb.i)
            if content is not None:
                content = self._split_conjoined_cue(doc, verb, content, subject, borrowed)
        if lemma in self.speech or lemma in self.quote_only:
            adjacent = self._adjacent_quote(doc, verb, segs, quoted)
            if content is None:
                content = adjacent
            elif adjacent is not None and adjacent[1] <= verb.i < content[0] and not _overlaps(adjacent, content):
                before = adjacent  # "“A,” the coach said, “B”": both halves are the coach's
        if content is None and lemma in self.object_like and self._agentive(subject):
            content = self._object_content(doc, verb, lemma)
            if content is not None:
                content = quoted.clip(self._infinitive_tail(doc, verb, content), verb.i)
        if content is None and lemma in self.evidence and self._document(subject):
            content = _findings_content(doc, verb)  # "a poll shows [Clinton ahead by 3 points]"
            if content is not None:
                content = quoted.clip(content, verb.i)
        if content is None and lemma in self.directive and subject is not None:
            content = _directive_content(doc, verb)
            if content is not None:
                content = quoted.clip(self._infinitive_tail(doc, verb, content), verb.i)
        if content is None and (lemma in self.speech or lemma in self.object) and subject is not None and subject.lower_ not in _GENERIC_SUBJECTS:
            content = _wh_object(verb)
        if content is None:
            return None
        content = quoted.widen(content, verb.i)
        content = quoted.trim(doc, *content)
        if content is None or content[0] <= verb.i < content[1]:
            return None
        source_root = subject
        if source_root is None and lemma in self.speech and content[1] < verb.i:
            source_root = _name_between(doc, content[1], verb.i)
        source = _np_span(doc, source_root) if source_root is not None else None
        if source is not None:
            source = quoted.clip(source, source_root.i)  # type: ignore[union-attr]
            if source is not None:
                source = _trim_plain(doc, *source)
        if source is None or _overlaps(source, content) or not quoted.clip(source, verb.i):
            source, source_root = None, None
        cue = self._cue_span(doc, verb, content)
        pieces = [before, content] if before is not None else [content]
        if before is None and self._wh is not None and self._wh[1] <= verb.i < content[0] and quoted.clip(self._wh, verb.i) == self._wh:
            pieces.insert(0, self._wh)
        second = self._second
        if second is not None and content[1] <= verb.i < second[0] and quoted.clip(second, verb.i) == second:
            pieces.append(second)
        return _Quote(pieces, cue, source, verb.i, source_root.i if source_root is not None else None)

    def _agentive(self, subject: Token | None) -> bool:
        """Whether a subject can hold a position: a named person or group, a personal pronoun, or
        a noun for people and institutions ("officials", "the campaign")."""
        if subject is None:
            return False
        if subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            return True
        if subject.pos_ == "PRON":
            return subject.lower_ in ("he", "she", "they", "we")
        if subject.lemma_.lower() in self.agents or subject.lower_ in self.agents:
            return True
        # "His former partner, Lawrence Cummings, called ...": a named person in apposition
        return any(t.ent_type_ == "PERSON" and t.dep_ == "appos" for t in subject.subtree)

    def _from_seem(self, doc: Doc, verb: Token, quoted: "_Marks") -> _Quote | None:
        """ "the plan seems [to be failing]", "drawing on equity seems [too risky]": a perception
        with no source in the text; PolNeAR takes the subject and the predicate as the content,
        in two pieces around the cue. A dummy "it" ("It seems to rain") reports nothing."""
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        pred = next((c for c in verb.rights if (c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))
                     or c.dep_ in ("acomp", "oprd")), None)
        if subject is None or pred is None or subject.lower_ in ("it", "there", "this", "that") or subject.tag_ == "EX":
            return None
        subject_range = (subject.left_edge.i, subject.right_edge.i + 1) if subject.tag_ not in ("WDT", "WP") else (subject.i, subject.i + 1)
        tail = quoted.clip((pred.left_edge.i, pred.right_edge.i + 1), verb.i)
        head = quoted.clip(subject_range, verb.i)
        if tail is None or head is None:
            return None
        pieces = [p for p in (_trim(doc, *head), quoted.trim(doc, *tail)) if p is not None]
        if len(pieces) != 2 or not (pieces[0][1] <= verb.i < pieces[1][0]):
            return None
        return _Quote(pieces, self._cue_span(doc, verb, pieces[1]), None, verb.i, None)

    def _from_in(self, doc: Doc, prep: Token, quoted: "_Marks") -> _Quote | None:
        """ "In the latest poll, Clinton led by 5 points", "safe in his eyes": a poll or study, or
        someone's view, is the source of the clause the phrase modifies; cue "in". A clause whose
        own verb is a cue ("In a statement, he said") is that verb's."""
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None or prep.dep_ != "prep":
            return None
        lemma = pobj.lemma_.lower()
        if lemma in self.in_minds:
            if not any(c.dep_ == "poss" for c in pobj.children):
                return None
        elif lemma not in self.in_findings:
            return None
        head = prep.head
        while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and head.head.i != head.i:
            head = head.head
        if any(t.lemma_.lower() in self.cue_lemmas and t.pos_ == "VERB" for t in head.subtree):
            return None
        if head.lemma_.lower() in self.in_events or any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
            return None  # "the results were published in the survey": an event about it, not its finding
        q = self._from_phrase(doc, prep.i, prep.i + 1, quoted)
        if q is None or not any(t.dep_ in _SUBJECTS for t in doc[q.content[0][0]:q.content[0][1]]):
            return None
        return q

    def _from_passive(self, doc: Doc, verb: Token, quoted: "_Marks") -> _Quote | None:
        """ "Mr. Quiros was accused of [fraud]", "Clinton is expected [to win]": a passive verb of
        judgement or expectation; PolNeAR takes the subject and the complement as the content, in
        two pieces around the cue, with the agent ("by critics") as the source."""
        subject = next((c for c in verb.lefts if c.dep_ == "nsubjpass"), None)
        if subject is None or subject.lower_ in ("it", "there") or not any(c.dep_ == "auxpass" for c in verb.children):
            return None
        cue_end = verb.i + 1
        comp: tuple[int, int] | None = None
        for c in verb.rights:
            if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                comp = (c.left_edge.i, c.right_edge.i + 1)
            elif c.dep_ == "oprd":
                comp = (c.left_edge.i, c.right_edge.i + 1)
            elif c.dep_ == "prep" and c.lower_ in ("of", "for", "as") and c.i == verb.i + 1:
                obj = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
                if obj is not None:
                    comp, cue_end = (obj.left_edge.i, obj.right_edge.i + 1), c.i + 1
            if comp is not None:
                break
        if comp is None:
            return None
        subject_range = (subject.i, subject.i + 1) if subject.tag_ in ("WDT", "WP") else (subject.left_edge.i, subject.right_edge.i + 1)
        head, comp = quoted.clip(subject_range, verb.i), quoted.clip(comp, verb.i)
        if head is None or comp is None:
            return None
        pieces = [p for p in (_trim(doc, *head), quoted.trim(doc, *comp)) if p is not None]
        if len(pieces) != 2 or not (pieces[0][1] <= verb.i < pieces[1][0]):
            return None
        start, _ = self._cue_span(doc, verb, pieces[1])
        agent = next((c for c in verb.rights if c.dep_ == "agent"), None)
        if agent is None:  # "was called [a liar] by his rivals": the parser hung the agent on the complement
            agent = next((t for t in doc[pieces[1][0]:pieces[1][1]] if t.dep_ in ("agent", "prep") and t.lower_ == "by"), None)
            if agent is not None:
                cut = _trim(doc, pieces[1][0], agent.i)
                if cut is None or agent.right_edge.i + 1 < pieces[1][1]:
                    return None
                pieces[1] = cut
        by = next((x for x in agent.children if x.dep_ == "pobj"), None) if agent is not None else None
        source = _trim_plain(doc, *_np_span(doc, by)) if by is not None else None
        if source is not None and any(_overlaps(source, p) for p in pieces):
            source = None
        return _Quote(pieces, (start, max(cue_end, verb.i + 1)), source, verb.i, by.i if source is not None and by is not None else None)

    def _infinitive_tail(self, doc: Doc, verb: Token, content: tuple[int, int]) -> tuple[int, int]:
        """ "vowed [to cut taxes, grow jobs and create ...]": bare verbs the parser conjoined to the
        cue rather than to the infinitive carry the infinitive on; a finite verb ("and left") or
        another cue does not."""
        a, b = content
        if not any(t.dep_ == "aux" and t.lower_ == "to" for t in doc[a:b]):
            return content
        for c in verb.rights:
            if c.i < b:
                continue
            if c.is_punct or c.dep_ == "cc":
                continue
            if (c.dep_ not in ("conj", "dep") or c.tag_ != "VB" or c.lemma_.lower() in self.cue_lemmas
                    or any(x.dep_ in _SUBJECTS for x in c.children)
                    or not all(t.is_punct or t.is_space or t.dep_ in ("cc", "preconj", "advmod") for t in doc[b:c.left_edge.i])):
                break
            b = c.right_edge.i + 1
        while b > a and (doc[b - 1].is_punct and not _is_close_mark(doc[b - 1]) or doc[b - 1].dep_ == "cc"):
            b -= 1
        return a, b

    def _document(self, subject: Token | None) -> bool:
        """Whether a subject is a poll, study or record that can show findings ("records indicate")."""
        return subject is not None and subject.pos_ in ("NOUN", "PROPN") and subject.lemma_.lower() in self.documents

    def _object_content(self, doc: Doc, verb: Token, lemma: str) -> tuple[int, int] | None:
        """What a verb of evaluation or intent is about: its object and complements ("called for [a
        moratorium]", "criticized [the act as a crazy system]", "vowed [to launch an offensive]")."""
        parts: list[Token] = []
        particles = self.particles.get(lemma, frozenset())
        if any(c.dep_ == "prt" and c.lower_ not in particles for c in verb.children):
            return None  # "called off the search", "backed down": a phrasal verb of another sense
        for c in verb.rights:
            if lemma in self.intent and lemma not in self.object:
                if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                    parts.append(c)
                continue
            if c.dep_ in ("dobj", "oprd", "xcomp", "ccomp", "dative"):
                parts.append(c)
            elif c.dep_ in ("prep", "prt") and c.lower_ in particles and not parts:
                parts.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp"))
            elif c.dep_ == "prep" and c.lower_ in ("as", "for", "of", "over", "against") and parts:
                parts.append(c)
        if not parts:
            return None
        a, b = min(p.left_edge.i for p in parts), max(p.right_edge.i for p in parts) + 1
        for t in doc[a:b]:  # "endorsed Trump, [who says ...]": a relative clause with its own cue
            if (t.dep_ in ("relcl", "acl") and t.pos_ == "VERB" and t.lemma_.lower() in self.speech | self.clause_only and t.left_edge.i > a
                    and any(c.dep_ in _CONTENT_DEPS for c in t.children)):
                b = min(b, t.left_edge.i)
        while b > a and (doc[b - 1].is_punct and not _is_close_mark(doc[b - 1])):
            b -= 1
        if a <= verb.i or b <= a or (b - a == 1 and doc[a].pos_ == "PRON"):
            return None  # "thanked you", "supported him": a person, not a position
        return a, b

    def _split_conjoined_cue(self, doc: Doc, verb: Token, content: tuple[int, int], subject: Token | None, borrowed: dict[int, Token]) -> tuple[int, int]:
        """ "noted that costs had risen and stressed that taxes would not": the parser may hang the
        second cue inside the first one's clause. The content ends before it, and it gets the
        first cue's speaker."""
        a, b = content
        for tok in doc[a:b]:
            if (tok.dep_ == "conj" and tok.lemma_.lower() in self.speech and not any(c.dep_ in _SUBJECTS for c in tok.children)
                    and any(c.dep_ in _CONTENT_DEPS and any(m.dep_ in ("mark", *_SUBJECTS) for m in c.children) for c in tok.children)):
                cut = tok.i
                while cut > a and (doc[cut - 1].dep_ in ("cc", "punct", "aux", "advmod", "neg") or doc[cut - 1].is_space):
                    cut -= 1
                if cut > a:
                    if subject is not None:
                        borrowed[tok.i] = subject
                    return a, cut
        return content

    def _clause_tail(self, verb: Token, clause: Token, hi: int) -> int:
        """Words the parser hung on the cue after its clause ("said there remains a difference,
        [when it comes to ...]"; "said they had doubts, [but could not bear to ...]") belong to the
        reported clause; another cue ("..., adding that") or a clause with its own subject does not."""
        for c in verb.rights:
            if c.i <= clause.i:
                continue
            if c.is_punct or c.dep_ == "cc":
                continue
            if c.dep_ not in ("advcl", "prep", "npadvmod", "advmod", "conj") or c.left_edge.i != hi and not all(
                    t.is_punct or t.is_space or t.dep_ == "cc" for t in c.doc[hi:c.left_edge.i]):
                break
            if c.dep_ == "conj" and (c.pos_ not in ("VERB", "AUX") or any(x.dep_ in _SUBJECTS for x in c.children)):
                break
            if any(t.lemma_.lower() in self.cue_lemmas and t.pos_ == "VERB" for t in c.subtree):
                break
            if c.dep_ == "prep" and c.lower_ == "according":
                break
            hi = c.right_edge.i + 1
        return hi

    def _clause_content(self, doc: Doc, verb: Token) -> tuple[int, int] | None:
        """The clausal complement of the cue ("said [that] Y"); else, for "Y, he said", the clause
        the cue is attached to."""
        for child in verb.children:
            if child.dep_ in _CONTENT_DEPS:
                if child.i < verb.i and any(c.dep_ in _CONTENT_DEPS and c.i > verb.i for c in verb.children):
                    continue
                lo = child.left_edge.i
                if child.i > verb.i and not any(c.dep_ in _SUBJECTS or c.dep_ == "expl" for c in child.children):
                    # "said [a major offensive] ... [is unnecessary]": the parser took the
                    # reported clause's subject for the verb's object
                    obj = next((c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < child.i), None)
                    if obj is not None:
                        lo = obj.left_edge.i
                hi = child.right_edge.i + 1
                for c in child.rights:  # "says X would do and how experts say Y": another speaker's report ends it
                    if c.dep_ == "conj" and any(t.pos_ == "VERB" and t.lemma_.lower() in self.speech and any(x.dep_ in _SUBJECTS for x in t.children)
                                                for t in c.subtree):
                        hi = c.left_edge.i
                        while hi > child.i + 1 and (doc[hi - 1].dep_ == "cc" or doc[hi - 1].pos_ == "CCONJ" or doc[hi - 1].is_punct and not _is_close_mark(doc[hi - 1])):
                            hi -= 1
                        break
                if child.i > verb.i:
                    hi = self._clause_tail(verb, child, hi)
                    if lo < verb.i and doc[lo].tag_ in ("WDT", "WP"):
                        # "the mine, which Clarke says he is keeping open": the relative word
                        # is a piece of its own before the cue
                        self._wh = (lo, lo + 1)
                        lo = verb.i + 1
                return lo, hi
        head = verb.head
        if verb.dep_ in ("parataxis", "ccomp") and head.pos_ in ("VERB", "AUX") and _subject(verb) is not None:
            # "Y would be a mistake, he said" and "The museum, he said, would make ...": the cue
            # hangs off the reported clause, whose words on either side are the content
            left, right = verb.left_edge.i, verb.right_edge.i + 1
            if left > head.left_edge.i and (doc[left].is_punct or doc[left - 1].is_punct):
                closed = doc[right - 1].is_punct or (right < len(doc) and doc[right].is_punct)
                if closed and right <= head.right_edge.i:
                    self._second = _trim(doc, right, head.right_edge.i + 1)
                return head.left_edge.i, left
        return None

    def _adjacent_quote(self, doc: Doc, verb: Token, segs: list[tuple[int, int, QuoteSegment]], quoted: "_Marks") -> tuple[int, int] | None:
        """A double quotation right before the cue's clause ("“Y,” X said") or right after it
        ("X said: “Y”"), with only the cue's own words (source, time, addressee) between."""
        before: tuple[int, int] | None = None
        lemma_speech = verb.lemma_.lower() in self.speech
        for a, b, seg in segs:
            if seg.single or a <= verb.i < b:
                continue
            if doc[a:b].root.dep_ in ("pobj", "appos", "compound", "nmod"):
                continue  # "said on “The Steve Harvey Morning Show”": a name, not what was said
            if b <= verb.i:
                if _gap_ok(doc, b, verb.i, verb, before=True) or (lemma_speech and _attribution_gap(doc, b, verb.i)):
                    before = (a, b)
            else:
                if before is None and _gap_ok(doc, verb.i + 1, a, verb, before=False):
                    return a, b
                break
        return before

    def _cue_span(self, doc: Doc, verb: Token, content: tuple[int, int]) -> tuple[int, int]:
        start = end = verb.i
        # an adverb between the auxiliary and the verb ("has been harshly criticized") is part of the cue
        aux_at = min((c.i for c in verb.lefts if c.dep_ in ("aux", "auxpass")), default=verb.i)
        lefts = [c for c in verb.lefts if c.dep_ in _CUE_LEFT and (c.dep_ != "advmod" or c.lower_ in _CUE_ADVERBS or aux_at < c.i)]
        for c in sorted(lefts, key=lambda t: -t.i):
            if c.i == start - 1:
                start = c.i
        lemma = verb.lemma_.lower()
        for c in verb.rights:
            if c.i != end + 1 or c.i >= content[0] and c.i < content[1]:
                continue
            if c.dep_ in ("prt", "prep") and c.lower_ in self.particles.get(lemma, ()):
                end = c.i
            elif lemma in self.recipient and c.dep_ in ("dobj", "dative", "iobj") and c.right_edge.i < content[0]:
                end = c.right_edge.i
        if end + 1 < len(doc) and doc[end + 1].text == ":" and not (content[0] <= end + 1 < content[1]):
            end += 1
        return start, end + 1

    def _from_phrase(self, doc: Doc, start: int, end: int, quoted: "_Marks") -> _Quote | None:
        """ "according to X": X is the source; the clause that the phrase modifies is the content."""
        prep = doc[end - 1]
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        phrase: tuple[int, int] | None = None
        if pobj is None:
            # "according to show insiders": the parser read the source's first noun as a verb
            pcomp = next((c for c in prep.children if c.dep_ == "pcomp"), None)
            nouns = [t for t in pcomp.subtree if t.pos_ in ("NOUN", "PROPN")] if pcomp is not None else []
            if pcomp is None or not nouns or pcomp.right_edge.i != nouns[-1].i:
                return None
            pobj, phrase = nouns[-1], (pcomp.left_edge.i, pcomp.right_edge.i + 1)
        if pobj.pos_ not in ("NOUN", "PROPN", "PRON"):
            return None
        if phrase is None:
            phrase = _np_span(doc, pobj)
        source = _trim_plain(doc, *phrase)
        if source is None:
            return None
        phrase_lo, phrase_hi = start, phrase[1]
        head = doc[start].head
        while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and head.head.i != head.i:
            head = head.head
        while head.dep_ in ("ccomp", "xcomp") and head.head.pos_ in ("VERB", "AUX") and head.head.lemma_.lower() not in self.cue_lemmas:
            head = head.head  # "X would see [incomes go up], according to Y": the whole statement
        lo, hi = head.left_edge.i, head.right_edge.i + 1
        left = _trim(doc, lo, phrase_lo) if phrase_lo > lo else None
        right = _trim(doc, phrase_hi, hi) if hi > phrase_hi else None
        parts = [p for p in (left, right) if p is not None]
        if not parts:
            return None
        widest = max(parts, key=lambda p: p[1] - p[0])
        clipped = quoted.clip(widest, start)
        if clipped is None:
            return None
        content = _trim(doc, *quoted.widen(clipped, start))
        if content is None or content[0] < phrase_hi and content[1] > phrase_lo:
            return None
        if not any(t.pos_ in ("VERB", "AUX") for t in doc[content[0]:content[1]]):
            return None  # "according to X" must report a statement, not a phrase
        return _Quote([content], (start, end), source, start, pobj.i)

    def _from_noun(self, doc: Doc, noun: Token, quoted: "_Marks") -> _Quote | None:
        """ "Trump's claim that ...", "a New York Times report that ...": a reporting noun with a
        that-clause; its possessor or naming modifier is the source."""
        clause = next((c for c in noun.rights if c.dep_ in ("acl", "ccomp", "appos")
                       and any(m.dep_ == "mark" and m.lower_ == "that" and m.i == c.left_edge.i for m in c.children)
                       and any(x.dep_ in _SUBJECTS for x in c.children)), None)
        if clause is None and noun.lemma_.lower() in self.intent_nouns:
            # "an agreement [to cut emissions]", "her plan [to raise taxes]": an intention's infinitive
            clause = next((c for c in noun.rights if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX")
                           and any(a.dep_ == "aux" and a.lower_ == "to" and a.i == c.left_edge.i for a in c.children)), None)
        if clause is None:
            return None
        content = quoted.clip((clause.left_edge.i, clause.right_edge.i + 1), noun.i)
        if content is None:
            return None
        content = quoted.trim(doc, *quoted.widen(content, noun.i))
        if content is None:
            return None
        holder = next((c for c in noun.lefts if c.dep_ == "poss"), None)
        if holder is None:
            holder = next((c for c in noun.lefts if c.dep_ == "compound" and c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")), None)
        source = None
        if holder is not None:
            source = _trim_plain(doc, *_np_span(doc, holder))
            if source is not None and doc[source[1] - 1].tag_ == "POS":
                source = _trim_plain(doc, source[0], source[1] - 1)
        if holder is not None and holder.tag_ in ("PRP$",) and holder.lower_ in ("its", "my", "our", "your"):
            source, holder = None, None
        cue = (noun.i, noun.i + 1)
        if noun.lemma_.lower() in self.intent_nouns:
            # "signed an agreement to ...", "this political decision to ...": the verb that makes
            # the intention, or the noun's own modifiers, belong to the cue
            mods = [c for c in noun.lefts if c.dep_ in ("det", "amod") and c.i >= noun.left_edge.i]
            lo = min((c.i for c in mods), default=noun.i)
            if holder is None and noun.dep_ == "dobj" and noun.head.pos_ == "VERB" and noun.head.i < lo and all(
                    t.dep_ in ("det", "amod", "advmod", "nummod") for t in doc[noun.head.i + 1:lo]):
                lo = noun.head.i
            if holder is None and not (content[0] <= lo < content[1]):
                cue = (lo, noun.i + 1)
        return _Quote([content], cue, source, noun.i, holder.i if source is not None and holder is not None else None)

    def _speaker_labels(self, doc: Doc, quoted: "_Marks") -> list[_Quote]:
        """ "Pence: Gennifer Flowers won't be at debate" and transcripts ("WALLACE: ..."): a
        paragraph that opens with a name and a colon reports what the named one said."""
        out = []
        starts = np.flatnonzero(np.diff(quoted.para_id)) + 1
        for p in [0, *starts.tolist()]:
            while p < len(doc) and (doc[p].is_space or _is_open_mark(doc[p])):
                p += 1
            colon = next((i for i in range(p + 1, min(p + 7, len(doc))) if doc[i].text == ":"), None)
            if colon is None or quoted.para_id[colon] != quoted.para_id[p]:
                continue
            prefix = doc[p:colon]
            if prefix.text.lower() in self.not_speakers or any(not (t.text[:1].isupper() or t.text in (".", "'s", "’s")) for t in prefix):
                continue
            named = all(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in prefix if t.text[:1].isupper())
            shouted = all(t.is_upper and len(t.text) > 1 for t in prefix if t.is_alpha)
            titled = colon - p <= 3 and all(t.pos_ in ("PROPN", "NOUN") for t in prefix if t.is_alpha)
            if not (named or shouted or titled):
                continue
            lo, hi = quoted.paragraph(colon)
            content = _trim(doc, colon + 1, hi)
            if content is None or content[1] - content[0] < 3:
                continue
            if not any(t.pos_ in ("VERB", "AUX") for t in doc[content[0]:content[1]]) and not quoted.segments_in(*content):
                continue
            out.append(_Quote([content], (colon, colon + 1), (p, colon), colon, prefix.root.i))
        return out

    def _signed_quotes(self, doc: Doc, segs: list[tuple[int, int, QuoteSegment]], quoted: "_Marks", used: set[int]) -> list[_Quote]:
        """ "“...” ― Sonya Herridge": a paragraph-opening quotation signed with a dash and a name."""
        out = []
        for k, (a, b, seg) in enumerate(segs):
            if k in used or seg.single or quoted.paragraph(a)[0] != a and not all(t.is_space for t in doc[quoted.paragraph(a)[0]:a]):
                continue
            dash = b
            while dash < len(doc) and doc[dash].is_space and "\n" not in doc[dash].text:
                dash += 1
            if dash >= len(doc) or doc[dash].text not in _DASHES:
                continue
            name_start = dash + 1
            while name_start < len(doc) and doc[name_start].is_space and "\n" not in doc[name_start].text:
                name_start += 1
            if name_start >= len(doc) or quoted.para_id[name_start] != quoted.para_id[dash]:
                continue
            ent = next((e for e in doc.ents if e.start == name_start and e.label_ in ("PERSON", "ORG")), None)
            if ent is None:
                continue
            out.append(_Quote([(a, b)], (dash, dash + 1), (ent.start, ent.end), dash, ent.root.i))
            used.add(k)
        return out

    def _continuations(self, doc: Doc, quotes: list[_Quote], segs: list[tuple[int, int, QuoteSegment]], quoted: "_Marks", used: set[int]) -> None:
        """Quotations that carry on an attributed one: the next paragraph of an unclosed quote, and
        "“A,” X said. “B”" where B follows the cue's sentence with nothing between."""
        owner: dict[int, _Quote] = {}
        for q in quotes:
            for a, b in q.content:
                for k in quoted.segments_in(a, b):
                    owner[k] = q
        for k, (a, b, seg) in enumerate(segs):
            if k in used or seg.single:
                continue
            prev = owner.get(k - 1)
            if prev is None:
                continue
            pa, pb, pseg = segs[k - 1]
            if seg.continues and pseg.open_end:
                follows = True  # the paragraph before left the quotation open
            elif not _same_paragraph(doc, pb, a):
                follows = False
            elif prev.cue_token is not None and pb <= prev.cue_token < a:
                # "“A,” X said, “B”" and "“A,” X said. “B”": only the cue's clause between
                end = doc[prev.cue_token].sent.end
                follows = (end <= a and all(t.is_punct or t.is_space for t in doc[end:a])) or _gap_ok(
                    doc, pb, a, doc[prev.cue_token], before=True, sentence_end=True)
            else:
                # "X said: “A.” “B.”": B right after A, which ends the content
                ends = any(cb == pb for _, cb in prev.content + prev.extra)
                follows = ends and all(t.is_space or t.is_punct for t in doc[pb:a])
            if follows:
                prev.extra.append((a, b))
                owner[k] = prev
                used.add(k)
        for k in range(len(segs) - 2, -1, -1):  # "“A ...¶“B,” X said": A belongs to B's speaker
            a, b, seg = segs[k]
            nxt = owner.get(k + 1)
            if k in used or seg.single or nxt is None or not seg.open_end or not segs[k + 1][2].continues:
                continue
            nxt.extra.append((a, b))
            owner[k] = nxt
            used.add(k)

    # -- writing --------------------------------------------------------------------------------

    def _write(self, doc: Doc, writer: LayerWriter, q: _Quote, names: "_Names") -> None:
        source_rec = cue_rec = None
        if q.cue is not None:
            cue_rec = writer.add(doc[q.cue[0]:q.cue[1]], "CUE")
        if q.source is not None and q.source_root is not None:
            span = doc[q.source[0]:q.source[1]]
            name = names.resolve(span, doc[q.source_root])
            source_rec = writer.add(span, "SOURCE", {"name": name} if name else None)
        for a, b in q.content + q.extra:
            span = doc[a:b]
            rec = writer.add(span, "QUOTE", {"kind": q.kinds[(a, b)]})
            if source_rec is not None:
                writer.relate("SOURCE", rec, source_rec)
            if cue_rec is not None:
                writer.relate("CUE", rec, cue_rec)


# -- helpers over the parse ---------------------------------------------------------------------


class _Marks:
    """Which tokens lie inside quotation segments, for constant-time checks."""

    def __init__(self, doc: Doc, segs: list[tuple[int, int, QuoteSegment]], text: str) -> None:
        self.segs = segs
        self.double = bytearray(len(doc))
        for a, b, seg in segs:
            if not seg.single:
                self.double[a:b] = b"\x01" * (b - a)
        self.open_ends = {b for _, b, seg in segs if seg.open_end}
        breaks = np.fromiter((m.start() for m in _PARA.finditer(text)), dtype=np.int64)
        self.para_id = np.searchsorted(breaks, doc.to_array(IDX).astype(np.int64), side="left")

    def paragraph(self, i: int) -> tuple[int, int]:
        """The token range of the paragraph (text between newlines) holding token `i`."""
        pid = self.para_id[i]
        return int(np.searchsorted(self.para_id, pid, "left")), int(np.searchsorted(self.para_id, pid, "right"))

    def trim(self, doc: Doc, a: int, b: int) -> tuple[int, int] | None:
        """`_trim`, except that a quotation left open at its paragraph's end keeps its last mark."""
        out = _trim(doc, a, b)
        if out is not None and b in self.open_ends and out[1] < b:
            out = (out[0], b)
        return out

    def clip(self, rng: tuple[int, int], i: int) -> tuple[int, int] | None:
        """`rng` cut to the paragraph of token `i`: a parse that runs over a paragraph break is wrong."""
        lo, hi = self.paragraph(i)
        a, b = max(rng[0], lo), min(rng[1], hi)
        return (a, b) if a < b else None

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


def _subject(verb: Token) -> Token | None:
    """The speaker of a cue verb: its subject, the agent of a passive, or for "..., adding that"
    and "X noted ... and stressed" the subject of the verb it hangs from."""
    seen = 0
    tok = verb
    while seen < 4:
        for c in tok.children:
            if c.dep_ in ("nsubj", "csubj"):
                if c.tag_ in ("WP", "WDT") or c.lower_ == "that":
                    return tok.head if tok.dep_ == "relcl" else None
                return c
        if any(c.dep_ == "auxpass" for c in tok.children) or any(c.dep_ == "nsubjpass" for c in tok.children):
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            return pobj
        if tok.dep_ == "relcl":
            return tok.head
        if tok.dep_ in _INHERIT and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def _findings_content(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """What a poll or record shows: its object with the words that complete it ("shows [Clinton
    ahead by three points]"), up to a clause of its own or a conjoined verb."""
    rights = [c for c in verb.rights if not c.is_punct and c.dep_ not in ("cc", "conj", "advcl", "relcl", "parataxis")]
    if not any(c.dep_ in ("dobj", "ccomp", "xcomp", "oprd") for c in rights):
        return None
    lo, hi = rights[0].left_edge.i, rights[0].right_edge.i + 1
    for c in rights[1:]:
        if c.left_edge.i != hi:
            break
        hi = c.right_edge.i + 1
    if lo <= verb.i or (hi - lo == 1 and doc[lo].pos_ == "PRON"):
        return None
    return lo, hi


def _directive_content(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """ "told [his advisers to find a way]", "urged [voters to turn out]": the addressee and the
    infinitive it is told to carry out."""
    obj = next((c for c in verb.rights if c.dep_ in ("dobj", "dative")), None)
    if obj is None:
        return None
    inf = next((c for c in verb.rights if c.dep_ in ("xcomp", "ccomp") and c.i > obj.i
                and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)
    if inf is None:
        return None
    return obj.left_edge.i, inf.right_edge.i + 1


def _wh_object(verb: Token) -> tuple[int, int] | None:
    """ "what he said", "a deal which he called a disaster": the wh-word object before the cue
    stands for what was said."""
    for c in verb.lefts:
        if c.dep_ in ("dobj", "ccomp") and c.tag_ in ("WP", "WDT") and c.lower_ in ("what", "which", "whatever"):
            return c.i, c.i + 1
    return None


def _np_span(doc: Doc, root: Token) -> tuple[int, int]:
    """The noun phrase of `root` as written, without trailing punctuation; for a relative
    clause's head, only the words up to the head noun."""
    lo = root.left_edge.i
    hi = root.right_edge.i + 1
    rel = [c for c in root.rights if c.dep_ in ("relcl", "acl")]
    if rel:
        hi = min(hi, min(c.left_edge.i for c in rel))
    return lo, hi


def _clause_extent(verb: Token) -> tuple[int, int]:
    return verb.left_edge.i, verb.right_edge.i + 1


def _gap_ok(doc: Doc, a: int, b: int, verb: Token, before: bool, sentence_end: bool = False) -> bool:
    """Whether tokens [a, b) between a quotation and its cue are only the cue's own words (its
    subject, auxiliaries, addressee, time) and light punctuation; a sentence end or a blank line
    between them breaks the link, except a colon that ends the cue's paragraph ("X said:")."""
    if b - a > 14:
        return False
    after_colon = False
    for t in doc[a:b]:
        if t.is_space:
            if "\n" in t.text and not after_colon:
                return False
            continue
        if "\n" in t.whitespace_ and not (t.text == ":" and not before):
            return False
        if t.is_punct:
            if t.text not in (",", ":", "—", "–", "-", "--", "(", ")") and not _is_open_mark(t) and not _is_close_mark(t) and not (sentence_end and t.text == "."):
                return False
            after_colon = t.text == ":"
            continue
        after_colon = False
        if t.i == verb.i:
            continue
        # a word of another clause between quote and cue breaks the link
        anc = t
        hops = 0
        while anc.i != verb.i and anc.head.i != anc.i and hops < 12:
            if anc.pos_ in ("VERB", "AUX") and anc.dep_ not in ("aux", "auxpass"):
                return False
            anc = anc.head
            hops += 1
        if anc.i != verb.i:
            return False
    return True


_NAME_POS = frozenset({"PROPN", "NOUN", "DET", "ADJ", "ADP", "PART", "PUNCT", "SPACE", "NUM", "CCONJ"})


def _attribution_gap(doc: Doc, a: int, b: int) -> bool:
    """ "“Y,” Tulsa police Chief Chuck Jordan said": a quotation closed on a comma, then only a
    name or title before the cue. The surface form is trusted where the parse went astray."""
    if a < 2 or b - a > 12 or b == a or doc[a - 2].text not in (",", "?", "!", "—", "-"):
        return False
    if not _same_paragraph(doc, a, b):
        return False
    gap = doc[a:b]
    if any((t.pos_ not in _NAME_POS and not t.text[:1].isupper()) or t.text in (".", ";", ":") for t in gap):
        return False
    return any(t.pos_ in ("PROPN", "NOUN") or t.text[:1].isupper() for t in gap)


def _name_between(doc: Doc, a: int, b: int) -> Token | None:
    """The head of the name or title between a quotation and its cue (see `_attribution_gap`)."""
    if not _attribution_gap(doc, a, b):
        return None
    for ent in doc.ents:
        if ent.label_ == "PERSON" and a <= ent.start and ent.end <= b:
            return ent.root
    nouns = [t for t in doc[a:b] if t.pos_ in ("PROPN", "NOUN") or t.text[:1].isupper()]
    return nouns[-1] if nouns else None


def _trim(doc: Doc, a: int, b: int) -> tuple[int, int] | None:
    """Drop edge punctuation and spaces, but keep quotation marks and what they enclose."""
    while a < b and (doc[a].is_space or (doc[a].is_punct and not _is_open_mark(doc[a]))):
        a += 1
    while b > a and (doc[b - 1].is_space or (doc[b - 1].is_punct and not _is_close_mark(doc[b - 1]))
                     or (doc[b - 1].pos_ == "CCONJ" and b - 1 > a)):  # a coordinator left dangling by the parse
        b -= 1
    if b <= a or all(t.is_punct or t.is_space for t in doc[a:b]):
        return None
    return a, b


def _trim_plain(doc: Doc, a: int, b: int) -> tuple[int, int] | None:
    """Drop edge punctuation and spaces, keeping a closing bracket whose opening one is inside
    ("the Coast Guard (USCG)"); None when no word is left."""
    while a < b and (doc[a].is_space or doc[a].is_punct):
        a += 1
    while b > a and (doc[b - 1].is_space or doc[b - 1].is_punct):
        if doc[b - 1].text == ")" and any(t.text == "(" for t in doc[a:b - 1]):
            break
        b -= 1
    if not any(t.is_alpha and t.tag_ != "POS" for t in doc[a:b]):
        return None
    return (a, b) if a < b else None


def _is_open_mark(t: Token) -> bool:
    return t.text in ('"', "“", "„", "«", "'", "‘", "''", "``")


def _is_close_mark(t: Token) -> bool:
    return t.text in ('"', "”", "»", "'", "’", "''") or t.text.endswith(("”", '"', "''"))


def _overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _outermost(quotes: list[_Quote]) -> list[_Quote]:
    """One attribution per token, as in PolNeAR: a cue inside another quote's content is nested
    reporting and gives way to the outer one."""
    out = []
    for q in quotes:
        if any(o is not q and o.cue_token is not None and q.cue_token is not None
               and any(a <= q.cue_token < b for a, b in o.content) for o in quotes):
            continue
        out.append(q)
    out.sort(key=lambda q: q.content[0][0])
    return out


def _same_paragraph(doc: Doc, a: int, b: int) -> bool:
    return not any("\n" in t.text or "\n" in t.whitespace_ for t in doc[a:b])


def _kind(doc: Doc, a: int, b: int, quoted: "_Marks") -> str:
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


# -- names ----------------------------------------------------------------------------------------


class _Names:
    """Resolves a source as written to a full name: a PERSON mention to its longest form, a
    pronoun to the most recent PERSON subject, a title ("the mayor") to the one person it was
    given to. Returns None rather than guess."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.persons: list[tuple[int, int, str]] = []  # token start, end, full name
        self.orgs: list[tuple[int, int, str]] = []
        layer = annotations_of(doc).get("entities")
        given: dict[tuple[int, int], str] = {}
        if layer is not None:
            for s in layer.spans:
                name = (s.get("attrs") or {}).get("name")
                if s["label"] == "PERSON" and name:
                    given[(s["token_start"], s["token_end"] + 1)] = name
        fulls: list[tuple[str, ...]] = []
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                words = tuple(t.text for t in ent if not t.is_punct and t.tag_ != "POS")
                if len(words) > 1:
                    fulls.append(words)
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                name = given.get((ent.start, ent.end))
                if name is None:
                    words = tuple(t.text for t in ent if not t.is_punct and t.tag_ != "POS")
                    longer = [f for f in fulls if len(f) > len(words) and _is_part(words, f)]
                    if len({f for f in longer}) > 1:
                        longer = [f for f in longer if f[-1] == words[-1]]
                    name = " ".join(longer[0] if len(set(longer)) == 1 else words) if words else None
                if name:
                    self.persons.append((ent.start, ent.end, name))
            elif ent.label_ in ("ORG", "GPE", "NORP"):
                text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
                self.orgs.append((ent.start, ent.end, text))

    def resolve(self, span: Span, root: Token) -> str | None:
        for a, b, name in self.persons:
            if a <= root.i < b:
                return name
        for a, b, name in self.persons:  # "Egyptian Foreign Minister Sameh Shoukry", "X, a spokesman"
            if span.start <= a and b <= span.end and self.doc[a:b].root.head.i == root.i and self.doc[a:b].root.dep_ in ("appos", "compound"):
                return name
        if root.pos_ == "PROPN":  # a surname the tagger did not take for a PERSON ("Blinken said")
            words = tuple(t.text for t in span if t.pos_ == "PROPN" and t.i <= root.i)
            full = {n for _, _, n in self.persons if len(n.split()) > len(words) and _is_part(words, tuple(n.split()))}
            if len(full) == 1:
                return full.pop()
        low = root.lower_
        if low in _PRONOUNS_PERSON and root.pos_ == "PRON":
            return self._pronoun(root)
        if root.pos_ == "NOUN" and any(t.dep_ == "det" and t.lower_ in ("the", "this", "that") for t in root.lefts):
            return self._title(span, root)
        for a, b, name in self.orgs:
            if a <= root.i < b:
                return name
        return None

    def _pronoun(self, pron: Token) -> str | None:
        """The subject PERSON of the nearest earlier sentence (or clause) that has one; refused
        when that sentence has two different PERSON subjects."""
        sent_start = pron.sent.start
        cands = [(a, b, n) for a, b, n in self.persons if b <= pron.i and a >= max(0, sent_start - 400)]
        by_sent: dict[int, set[str]] = {}
        order: list[int] = []
        for a, b, name in cands:
            root = self.doc[a:b].root
            while root.dep_ == "conj" and root.head.i != root.i:  # "Smith and Jones said"
                root = root.head
            if root.dep_ not in _SUBJECTS:
                continue
            s = self.doc[a].sent.start
            if s not in by_sent:
                by_sent[s] = set()
                order.append(s)
            by_sent[s].add(name)
        if not order:
            return None
        latest = max(order)
        if latest < sent_start and _sentences_between(self.doc, latest, sent_start) > 3:
            return None
        names = by_sent[latest]
        return next(iter(names)) if len(names) == 1 else None

    def _title(self, span: Span, root: Token) -> str | None:
        """"the mayor" -> the one earlier person introduced with that title."""
        words = {t.lemma_.lower() for t in span if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i <= root.i}
        if not words:
            return None
        found: set[str] = set()
        for a, b, name in self.persons:
            if a >= span.start:
                break
            ent_root = self.doc[a:b].root
            top = ent_root
            while top.dep_ in ("appos", "compound") and top.head.i != top.i:
                top = top.head
            around = {t.lemma_.lower() for t in top.subtree} | {t.lemma_.lower() for t in ent_root.subtree}
            if words <= around:
                found.add(name)
        return next(iter(found)) if len(found) == 1 else None


def _sentences_between(doc: Doc, a: int, b: int) -> int:
    return sum(1 for t in doc[a:b] if t.is_sent_start)


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    n = len(short)
    return any(full[i:i + n] == short for i in range(len(full) - n + 1))
