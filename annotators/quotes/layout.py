"""Attributions the article's layout makes: speaker labels ("Pence: ..."), quotations signed with
a dash ("“...” ― Name"), and quotations that carry on an attributed one over sentences and
paragraphs.
"""

from __future__ import annotations

import numpy as np
from spacy.tokens import Doc

from .content import gap_ok
from .lexicon import Lexicon
from .marks import Marks, Segments, is_open_mark, named_by
from .spans import DASHES, Quote, same_paragraph, trim

__all__ = ["speaker_labels", "signed_quotes", "continuations", "inverted_cues", "speaker_lines", "headline"]


def speaker_labels(lex: Lexicon, doc: Doc, quoted: Marks) -> list[Quote]:
    """ "Pence: Gennifer Flowers won't be at debate" and transcripts ("WALLACE: ..."): a
    paragraph that opens with a name and a colon reports what the named one said."""
    out = []
    starts = np.flatnonzero(np.diff(quoted.para_id)) + 1
    for p in [0, *starts.tolist()]:
        while p < len(doc) and (doc[p].is_space or is_open_mark(doc[p])):
            p += 1
        colon = next((i for i in range(p + 1, min(p + 7, len(doc))) if doc[i].text == ":"), None)
        if colon is None or quoted.para_id[colon] != quoted.para_id[p]:
            continue
        prefix = doc[p:colon]
        if prefix.text.lower() in lex.not_speakers or any(not (t.text[:1].isupper() or t.text in (".", "'s", "’s")) for t in prefix):
            continue
        named = all(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in prefix if t.text[:1].isupper())
        shouted = all(t.is_upper and len(t.text) > 1 for t in prefix if t.is_alpha)
        titled = colon - p <= 3 and all(t.pos_ in ("PROPN", "NOUN") for t in prefix if t.is_alpha)
        lo, hi = quoted.paragraph(colon)
        content = trim(doc, colon + 1, hi)
        if content is None or content[1] - content[0] < 3:
            continue
        if not (named or shouted or titled):
            continue
        speaker = any(t.ent_type_ in ("PERSON", "ORG") for t in prefix) or shouted or prefix.root.lemma_.lower() in lex.agents | lex.documents
        if not any(t.pos_ in ("VERB", "AUX") for t in doc[content[0]:content[1]]) and not quoted.segments_in(*content) and not (
                speaker and _title_case(doc, *content)):
            continue  # "Poll: Wealthy Voters Abandon ...": in a headline the tagger misses the verb
        if not speaker and _wholly_quoted(doc, quoted, *content):
            # "Brexit: “We will leave on time”": a topic, not a speaker, labels the quotation
            out.append(Quote([content], (colon, colon + 1), None, colon, None))
            continue
        out.append(Quote([content], (colon, colon + 1), (p, colon), colon, prefix.root.i))
    return out


def inverted_cues(lex: Lexicon, doc: Doc, verbs: list[int], segs: Segments, quoted: Marks) -> list[Quote]:
    """ "Said Ellis: “...”": a sentence that opens with a verb of saying (one of the cue
    candidates `verbs`), then the speaker's name and a colon, reports the quotation after it."""
    out = []
    for v in verbs:
        if v + 2 >= len(doc) or not doc[v].text[:1].isupper() or doc[v].tag_ not in ("VBD", "VBZ") or not doc[v].is_sent_start:
            continue
        lemma = doc[v].lemma_.lower()
        if lemma not in lex.speech and lemma not in lex.quote_only:
            continue
        colon = v + 1
        while colon < len(doc) and colon - v <= 5 and doc[colon].pos_ == "PROPN":
            colon += 1
        if colon == v + 1 or colon >= len(doc) or doc[colon].text != ":":
            continue
        seg = next(((a, b) for a, b, sg in segs if not sg.single and a > colon and all(t.is_space for t in doc[colon + 1:a])), None)
        if seg is None or quoted.para_id[seg[0]] != quoted.para_id[v]:
            continue
        out.append(Quote([seg], (v, v + 1), (v + 1, colon), v, colon - 1))
    return out


def headline(lex: Lexicon, doc: Doc, quoted: Marks, quotes: list[Quote]) -> list[Quote]:
    """ "Sanders Vows To Eliminate Tax Breaks", "Flynn says Trump 'absolutely right'": a
    headline (the article's first line, short) in the present tense of news headlines, where the
    tagger often misreads the verb: the first word that is a cue verb with an -s ending splits it
    into the source before and the content after. Refused when another attribution covers it."""
    start = 0
    while start < len(doc) and doc[start].is_space:
        start += 1
    if start >= len(doc):
        return []
    lo, hi = quoted.paragraph(start)
    if hi - lo > 30 or any(q.content and q.content[0][0] < hi and q.content[0][1] > lo for q in quotes):
        return []
    colon = next((t.i for t in doc[lo:hi] if t.text == ":"), None)
    if colon is not None:
        return _topic_headline(doc, quoted, start, colon, hi)
    verbs = lex.speech | lex.object | lex.intent | lex.question | lex.evidence
    signed = _quote_first_headline(lex, doc, quoted, start, hi)
    if signed is not None:
        return [signed]
    for v in range(start + 1, min(hi, start + 8)):
        word = doc[v].lower_
        if not word.endswith("s") or quoted.inside_double(v) or not doc[v - 1].text[:1].isupper():
            continue
        if word[:-1] not in verbs and not (word.endswith("es") and word[:-2] in verbs):
            continue
        content = trim(doc, v + 1, hi)
        source = trim(doc, start, v)
        if content is None or source is None or content[1] - content[0] < 2:
            return []
        end = content[1]
        cut = next((t.i for t in doc[content[0]:end] if t.text == ";"), None)  # "Y; Talk compared to ...": a second headline
        if cut is not None and cut > content[0]:
            content = (content[0], cut)
        return [Quote([content], (v, v + 1), source, v, source[1] - 1, cue_type="speech" if word[:-1] in lex.speech else "position")]
    return []


def _topic_headline(doc: Doc, quoted: Marks, start: int, colon: int, hi: int) -> list[Quote]:
    """ "A lesson from Maria Lopez: 'Be the voice people hear'": a headline whose words after the
    colon are one quotation (single marks are the headline convention); a person named before the
    colon is its source."""
    rest = trim(doc, colon + 1, hi)
    seg = next(((a, b) for a, b, _ in quoted.segs if rest is not None and a == rest[0]), None)
    if rest is None or seg is None or not all(t.is_punct or t.is_space for t in doc[seg[1]:rest[1]]) or seg[1] - seg[0] < 3:
        return []
    person = next((e for e in doc.ents if e.label_ == "PERSON" and start <= e.start and e.end <= colon), None)
    source = (person.start, person.end) if person is not None else None
    return [Quote([seg], (colon, colon + 1), source, colon, person.root.i if person is not None else None)]


def _quote_first_headline(lex: Lexicon, doc: Doc, quoted: Marks, start: int, hi: int) -> Quote | None:
    """ "'We will strike again,' union leader says": a headline that opens with a quotation (single
    marks are the headline convention) and ends with the speaker and a verb of saying."""
    seg = next(((a, b) for a, b, _ in quoted.segs if a == start and b < hi), None)
    if seg is None:
        return None
    end = hi
    while end > seg[1] and (doc[end - 1].is_space or doc[end - 1].is_punct):
        end -= 1
    v = end - 1
    if v - seg[1] < 2 or v - seg[1] > 9 or doc[v].lemma_.lower() not in lex.speech and doc[v].lower_[:-1] not in lex.speech:
        return None
    source = trim(doc, seg[1], v)
    if source is None or not any(t.pos_ in ("PROPN", "NOUN") or t.text[:1].isupper() for t in doc[source[0]:source[1]]):
        return None
    return Quote([seg], (v, v + 1), source, v, source[1] - 1)


def _title_case(doc: Doc, a: int, b: int) -> bool:
    """Whether tokens [a, b) are a headline in title case (most words capitalised)."""
    words = [t for t in doc[a:b] if t.is_alpha and len(t.text) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def signed_quotes(doc: Doc, segs: Segments, quoted: Marks, used: set[int]) -> list[Quote]:
    """ "“...” ― Sonya Herridge": a paragraph-opening quotation signed with a dash and a name."""
    out = []
    for k, (a, b, seg) in enumerate(segs):
        if k in used or seg.single or quoted.paragraph(a)[0] != a and not all(t.is_space for t in doc[quoted.paragraph(a)[0]:a]):
            continue
        dash = b
        while dash < len(doc) and doc[dash].is_space and "\n" not in doc[dash].text:
            dash += 1
        if dash >= len(doc) or doc[dash].text not in DASHES:
            continue
        name_start = dash + 1
        while name_start < len(doc) and doc[name_start].is_space and "\n" not in doc[name_start].text:
            name_start += 1
        if name_start >= len(doc) or quoted.para_id[name_start] != quoted.para_id[dash]:
            continue
        ent = next((e for e in doc.ents if e.start == name_start and e.label_ in ("PERSON", "ORG")), None)
        source = (ent.start, ent.end) if ent is not None else None
        if ent is None:  # "“...” — union leader Maria Lopez": a title before the name, the rest of the line
            _, hi = quoted.paragraph(dash)
            rest = trim(doc, name_start, hi)
            ent = next((e for e in doc.ents if rest is not None and rest[0] <= e.start and e.end == rest[1] and e.label_ == "PERSON"), None)
            if ent is None or rest is None or rest[1] - rest[0] > 8 or any(t.pos_ in ("VERB", "AUX") for t in doc[rest[0]:rest[1]]):
                continue
            source = rest
        out.append(Quote([(a, b)], (dash, dash + 1), source, dash, ent.root.i))
        used.add(k)
    return out


def continuations(doc: Doc, quotes: list[Quote], segs: Segments, quoted: Marks, used: set[int]) -> None:
    """Quotations that carry on an attributed one: the next paragraph of an unclosed quote, and
    "“A,” X said. “B”" where B follows the cue's sentence with nothing between."""
    owner: dict[int, Quote] = {}
    for q in quotes:
        for a, b in q.content:
            for k in quoted.segments_in(a, b):
                owner[k] = q
    for k, (a, b, seg) in enumerate(segs):
        if k in used or seg.single or named_by(doc, a):
            continue
        prev, j = owner.get(k - 1), k - 1
        cue_at = owner[k - 2].cue_token if k >= 2 and (k - 2) in owner else None
        if prev is None and cue_at is not None and k - 1 not in used:
            # "“A,” X said on “Fox and Friends.” “B”": a title quoted in the cue's sentence
            # stands between the two halves
            cue_sent = doc[cue_at].sent
            if cue_sent.start <= segs[k - 1][0] and segs[k - 1][1] <= cue_sent.end + 1:
                prev, j = owner[k - 2], k - 2
        if prev is None:
            continue
        pa, pb, pseg = segs[j]
        if seg.continues and pseg.open_end:
            follows = True  # the paragraph before left the quotation open
        elif not same_paragraph(doc, pb, a):
            # "He added:¶“A.”¶“B.”": a paragraph that is wholly a quotation, with no cue of its
            # own, after the quotation a colon cue introduced, is the same speaker going on
            follows = (_introduced(doc, prev) and all(t.is_space for t in doc[pb:a])
                       and _whole_paragraph(doc, quoted, pa, pb) and _whole_paragraph(doc, quoted, a, b))
        elif prev.cue_token is not None and pb <= prev.cue_token < a:
            # "“A,” X said, “B”" and "“A,” X said. “B”": only the cue's clause between
            end = doc[prev.cue_token].sent.end
            while end > pb and (doc[end - 1].is_punct or doc[end - 1].is_space):
                end -= 1  # the parser may keep the next quotation's opening mark in the cue's sentence
            follows = (end <= a and all(t.is_punct or t.is_space for t in doc[end:a])) or gap_ok(
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



def _introduced(doc: Doc, q: Quote) -> bool:
    """Whether the quote's cue ends with a colon that opens its content ("He added: ...")."""
    if q.cue is None:
        return False
    end = q.cue[1]
    return doc[end - 1].text == ":" or (end < len(doc) and doc[end].text == ":")


def _whole_paragraph(doc: Doc, quoted: Marks, a: int, b: int) -> bool:
    """Whether tokens [a, b) are all of their paragraph's words."""
    lo, hi = quoted.paragraph(a)
    return all(t.is_space for t in doc[lo:a]) and all(t.is_space or t.is_punct for t in doc[b:hi])



def _wholly_quoted(doc: Doc, quoted: Marks, a: int, b: int) -> bool:
    """Whether one double quotation covers tokens [a, b) (edge punctuation aside)."""
    return any(sa <= a and b <= sb and not seg.single for sa, sb, seg in (quoted.segs[k] for k in quoted.segments_in(a, b)))


def speaker_lines(doc: Doc, segs: Segments, quoted: Marks, used: set[int]) -> list[Quote]:
    """Interview and Q&A layouts: a paragraph that is only a person's name, then a paragraph that
    is wholly a quotation: the named one said it. The name is the source; no word is the cue."""
    out = []
    for k, (a, b, seg) in enumerate(segs):
        if k in used or seg.single or not _whole_paragraph(doc, quoted, a, b):
            continue
        lo, _ = quoted.paragraph(a)
        prev = lo - 1
        while prev >= 0 and doc[prev].is_space:
            prev -= 1
        if prev < 0:
            continue
        plo, phi = quoted.paragraph(prev)
        words = [t for t in doc[plo:phi] if not (t.is_space or t.text == ":")]
        if not words or len(words) > 5:
            continue
        ent = next((e for e in doc.ents if e.label_ == "PERSON" and e.start == words[0].i and e.end == words[-1].i + 1), None)
        shouted = len(words) > 1 and all(t.is_alpha and t.is_upper and t.pos_ == "PROPN" for t in words)  # transcripts: "MARIA LOPEZ"
        if ent is None and not shouted:
            continue
        name = (words[0].i, words[-1].i + 1)
        out.append(Quote([(a, b)], None, name, None, doc[name[0]:name[1]].root.i))  # the layout is the cue
        used.add(k)
    return out
