"""What a cue reports: its clause, an adjacent quotation, an object or an infinitive.

Each function takes the cue and returns the token range of its content (or None: refuse rather
than guess). The cue families in `cues` choose which of these a cue word may take.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc, Token

from .lexicon import Lexicon
from .marks import Marks, Segments, is_close_mark, is_open_mark, named_by
from .sources import attribution_gap, subject_of
from .spans import CONTENT_DEPS, SUBJECTS, trim

__all__ = ["Clause", "clause_content", "question_content", "adjacent_quote", "object_content", "findings_content", "directive_content", "wh_object", "gap_ok", "cut_nested_cue"]


class Clause(NamedTuple):
    """A reported clause, with the relative word before the cue ("which [X says] ...") and the
    clause's words after a parenthetical cue ("Y1, he said, Y2") as pieces of their own."""

    content: tuple[int, int]
    wh: tuple[int, int] | None = None
    second: tuple[int, int] | None = None


def clause_content(lex: Lexicon, doc: Doc, verb: Token) -> Clause | None:
    """The clausal complement of the cue ("said [that] Y"); else, for "Y, he said", the clause
    the cue is attached to."""
    wh: tuple[int, int] | None = None
    left_piece: tuple[int, int] | None = None
    for child in verb.children:
        if child.dep_ in CONTENT_DEPS or _bare_clause(verb, child):
            if child.i < verb.i and any(c.dep_ in CONTENT_DEPS and c.i > verb.i for c in verb.children):
                if doc[child.right_edge.i + 1].text in _ASIDE_MARKS and child.left_edge.i == verb.sent.start:
                    left_piece = trim(doc, child.left_edge.i, child.right_edge.i + 1)  # "[It was,] he said, “a stone ...”"
                continue
            if child.i < verb.i and any(t.text in (";", ":") for t in doc[child.right_edge.i:verb.i]):
                continue  # "Y; they learned ...": a clause the writer ended is not this cue's
            lo = child.left_edge.i
            if child.dep_ == "advcl":  # the phrase before the bare clause's subject is the cue's
                lo = min(c.left_edge.i for c in child.children if c.dep_ in SUBJECTS)
            if child.i > verb.i and not any(c.dep_ in SUBJECTS or c.dep_ == "expl" for c in child.children):
                # "said [a major offensive] ... [is unnecessary]": the parser took the
                # reported clause's subject for the verb's object
                obj = next((c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < child.i), None)
                if obj is not None:
                    lo = obj.left_edge.i
            hi = child.right_edge.i + 1
            if child.i < verb.i:
                for c in verb.lefts:  # "A told B, but C refused, a spokesman said": the parser split the clause before the cue in two
                    if c.i > child.i and c.dep_ in CONTENT_DEPS and all(t.is_punct or t.is_space or t.dep_ == "cc" for t in doc[hi:c.left_edge.i]):
                        hi = c.right_edge.i + 1
            for c in child.rights:  # "says X would do and how experts say Y": another speaker's report ends it
                if c.dep_ == "conj" and any(t.pos_ == "VERB" and t.lemma_.lower() in lex.speech and any(x.dep_ in SUBJECTS for x in t.children)
                                            and any(x.dep_ in CONTENT_DEPS for x in t.children) for t in c.subtree):
                    hi = c.left_edge.i
                    while hi > child.i + 1 and (doc[hi - 1].dep_ == "cc" or doc[hi - 1].pos_ == "CCONJ" or doc[hi - 1].is_punct and not is_close_mark(doc[hi - 1])):
                        hi -= 1
                    break
            if child.i > verb.i:
                for c in verb.rights:  # "discovered that [attempts to infiltrate it] [were made by ...]": the parser split one clause in two
                    if (c.i > child.i and c.dep_ == "ccomp" and c.left_edge.i == hi and not any(x.dep_ == "mark" for x in c.children)
                            and not any(t.is_sent_start for t in doc[hi:c.right_edge.i + 1])):
                        hi = c.right_edge.i + 1
                hi = clause_tail(lex, verb, child, hi)
                if lo < verb.i and doc[lo].tag_ in ("WDT", "WP"):
                    # "the mine, which Clarke says he is keeping open": the relative word
                    # is a piece of its own before the cue
                    wh = (lo, lo + 1)
                    lo = verb.i + 1
            return Clause((lo, hi), wh=wh or left_piece)
    head = verb.head
    subject = subject_of(verb)
    as_clause = _as_clause(lex, verb)
    if as_clause is not None:
        return as_clause
    if verb.lemma_.lower() in lex.as_it:
        return None
    if head.dep_ == "advcl" and head.head.i > verb.i and head.head.pos_ in ("VERB", "AUX") and verb.dep_ == "parataxis":
        head = head.head  # "[Though it went well,] he said, [replacing her would be hard]": the whole sentence
    elif verb.dep_ == "parataxis" and head.dep_ in SUBJECTS and head.head.pos_ in ("VERB", "AUX") and head.head.i > verb.i:
        head = head.head  # "[The difference now,] he told me, [is that ...]": the parser hung the cue on the subject
    if verb.dep_ in ("parataxis", "ccomp") and head.pos_ in ("VERB", "AUX") and subject is not None:
        # "Y would be a mistake, he said" and "The museum, he said, would make ...": the cue
        # hangs off the reported clause, whose words on either side are the content
        left, right = verb.left_edge.i, verb.right_edge.i + 1
        if subject.head.i == verb.i and left < subject.left_edge.i < verb.i:
            left = subject.left_edge.i  # "To see it, X said, ...": the parser gave the cue the clause before
        if left > head.left_edge.i and (doc[left].text in _PARENTHESES or doc[left - 1].text in _PARENTHESES):
            closed = doc[right - 1].is_punct or (right < len(doc) and doc[right].is_punct)
            second = trim(doc, right, head.right_edge.i + 1) if closed and right <= head.right_edge.i else None
            return Clause((head.left_edge.i, left), second=second)
    if subject is not None and verb.dep_ == "ROOT" and verb.lemma_.lower() in lex.speech:
        # "People like Scott, he said.": words the parser could not attach (dep), set off by a
        # comma before the speaker at the end of the sentence
        front = next((c for c in verb.lefts if c.dep_ == "dep" and c.i < subject.i), None)
        if (front is not None and doc[front.right_edge.i + 1].text == "," and front.right_edge.i + 2 == subject.left_edge.i
                and all(c.is_punct or c.dep_ in ("npadvmod", "advmod") for c in verb.rights)):
            return Clause((front.left_edge.i, front.right_edge.i + 1))
    return None


def _as_clause(lex: Lexicon, verb: Token) -> Clause | None:
    """ "[As the senator noted,] the bill would cost billions", "As X put it, Y": a clause opened
    by "as" whose verb reports nothing of its own reports the clause it is set in. One after
    its clause must be set off by a comma ("He smiled as he said goodbye" reports nothing)."""
    doc, head = verb.doc, verb.head
    if verb.dep_ != "advcl" or head.pos_ not in ("VERB", "AUX") or not any(
            c.dep_ == "mark" and c.lower_ == "as" and c.i == verb.left_edge.i for c in verb.children):
        return None
    if not any(c.dep_ in SUBJECTS for c in verb.children) or any(
            c.dep_ in ("ccomp", "xcomp", "dobj", "dative", "attr") and not (c.lower_ == "it" and verb.lemma_.lower() in lex.as_it) for c in verb.children):
        return None
    if verb.lemma_.lower() in lex.as_it and not any(c.dep_ == "dobj" and c.lower_ == "it" for c in verb.children):
        return None
    left, right = verb.left_edge.i, verb.right_edge.i + 1
    if verb.i < head.i:
        return Clause((right, head.right_edge.i + 1))
    if left > 0 and doc[left - 1].text == ",":
        return Clause((head.left_edge.i, left))
    return None


_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _bare_clause(verb: Token, child: Token) -> bool:
    """ "said after the convention [he would not accept ...]": a finite clause with its own subject
    and no conjunction after the cue, which the parser took for an adverbial because a phrase
    stands between them; "said [that] ..." without the "that"."""
    return (child.dep_ == "advcl" and child.i > verb.i
            and not any(c.dep_ == "mark" or c.tag_ in ("WRB", "WDT", "WP") for c in child.children)
            and any(c.dep_ in SUBJECTS for c in child.children)
            and (child.tag_ in _FINITE or any(c.dep_ == "aux" and c.tag_ in _FINITE for c in child.children)))


def clause_tail(lex: Lexicon, verb: Token, clause: Token, hi: int) -> int:
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
        if c.dep_ == "conj" and (c.pos_ not in ("VERB", "AUX") or any(x.dep_ in SUBJECTS for x in c.children)) and not _that_clause(c):
            break
        if c.lemma_.lower() in lex.cue_lemmas or any(t.lemma_.lower() in lex.speech and t.pos_ == "VERB" and t.head.i == c.i for t in c.subtree):
            break  # ", adding that ...", ", as he told ...": the speaker's next report
        if c.dep_ == "prep" and c.lower_ == "according":
            break
        hi = c.right_edge.i + 1
    return hi


def _that_clause(tok: Token) -> bool:
    """ "discovered that A, and [that B]": a clause opened by "that" continues the report."""
    first = tok.doc[tok.left_edge.i]
    return first.lower_ == "that" and first.dep_ == "mark" and first.head.i == tok.i


def split_conjoined_cue(lex: Lexicon, doc: Doc, verb: Token, content: tuple[int, int], subject: Token | None, borrowed: dict[int, Token]) -> tuple[int, int]:
    """ "noted that costs had risen and stressed that taxes would not": the parser may hang the
    second cue inside the first one's clause. The content ends before it, and it gets the
    first cue's speaker."""
    a, b = content
    for tok in doc[a:b]:
        if (tok.dep_ == "conj" and tok.lemma_.lower() in lex.speech and not any(c.dep_ in SUBJECTS for c in tok.children)
                and any(c.dep_ in CONTENT_DEPS and any(m.dep_ in ("mark", *SUBJECTS) for m in c.children) for c in tok.children)):
            cut = tok.i
            while cut > a and (doc[cut - 1].dep_ in ("cc", "punct", "aux", "advmod", "neg") or doc[cut - 1].is_space):
                cut -= 1
            if cut > a:
                if subject is not None:
                    borrowed[tok.i] = subject
                return a, cut
    return content


def cut_nested_cue(lex: Lexicon, doc: Doc, a: int, b: int, quoted: Marks) -> int:
    """Where a content ends before a trailing clause that makes a report of its own: "said he
    would review it [and warned against ...]", "claimed X was smart[, although he refused to
    pledge ...]". The clause is conjoined to the content's verb, or is a concession to it, runs
    to the content's end, and its verb is a cue of speech (of any kind after "though"): it is that
    cue's attribution (one per token), not part of this one. Words inside a quotation are the
    speaker's own and are never cut."""
    for t in doc[a + 1:b]:
        if t.pos_ != "VERB" or quoted.inside_double(t.i):
            continue
        lemma = t.lemma_.lower()
        if t.dep_ == "conj":  # "and warned ...": the same speaker's next report, not a clause of another's
            if lemma not in lex.speech or any(c.dep_ in SUBJECTS or c.dep_ in ("auxpass", "mark") for c in t.children):
                continue
        elif t.dep_ == "advcl":
            if lemma not in lex.cue_lemmas or not any(c.dep_ == "mark" and c.lower_ in _CONCESSIVE for c in t.children):
                continue
        else:
            continue
        lo = t.left_edge.i
        head = t.head
        if lo <= a + 1 or head.i >= lo or not a <= head.i < b or head.pos_ not in ("VERB", "AUX") or a <= head.head.i < b and head.head.i != head.i:
            continue  # only a clause on the content's own verb, not one deeper in it
        if t.right_edge.i + 1 < b and not all(x.is_punct or x.is_space for x in doc[t.right_edge.i + 1:b]):
            continue  # a clause in the middle is the content's own
        cut = lo
        while cut > a + 1 and (doc[cut - 1].is_punct and not is_close_mark(doc[cut - 1]) or doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_space):
            cut -= 1
        return cut
    return b


_CONCESSIVE = frozenset({"although", "though", "while", "whereas"})


_MAX_GAP = 24  # tokens between a quotation and its cue, at most (a speaker's name and title)


def adjacent_quote(lex: Lexicon, doc: Doc, verb: Token, segs: Segments, quoted: Marks) -> tuple[int, int] | None:
    """A double quotation right before the cue's clause ("“Y,” X said") or right after it
    ("X said: “Y”"), with only the cue's own words (source, time, addressee) between."""
    before: tuple[int, int] | None = None
    lemma_speech = verb.lemma_.lower() in lex.speech
    for a, b, seg in segs:
        if seg.single or a <= verb.i < b or b <= verb.i - _MAX_GAP:
            continue  # too far before the cue for `gap_ok` (checked first: it is cheap)
        if a > verb.i + _MAX_GAP + 1:
            break
        if doc[a:b].root.dep_ in ("pobj", "appos", "compound", "nmod") or named_by(doc, a):
            continue  # "said on “The Steve Harvey Morning Show”": a name, not what was said
        if b <= verb.i:
            if b - a > 2 and doc[b - 2].text == "." and is_close_mark(doc[b - 1]):
                continue  # "“Y.” Critics then argued ...": a period closed the quotation's sentence
            if gap_ok(doc, b, verb.i, verb, before=True) or (lemma_speech and attribution_gap(doc, b, verb.i)):
                before = (a, b)
        else:
            if before is None and gap_ok(doc, verb.i + 1, a, verb, before=False):
                return a, b
            break
    return before


# Prepositions that complete an object the parser hung on the verb ("likened [RT to the BBC]"),
# unlike those of time, place and circumstance ("during", "in", "after").
_OBJECT_PREPS = frozenset({"from", "to", "with", "about", "on", "by", "into", "toward", "towards"})


def object_content(lex: Lexicon, doc: Doc, verb: Token, lemma: str, quoted: Marks) -> tuple[int, int] | None:
    """What a verb of evaluation or intent is about: its object and complements ("called for [a
    moratorium]", "criticized [the act as a crazy system]", "vowed [to launch an offensive]")."""
    parts: list[Token] = []
    particles = lex.particles.get(lemma, frozenset())
    if any(c.dep_ == "prt" and c.lower_ not in particles for c in verb.children):
        return None  # "called off the search", "backed down": a phrasal verb of another sense
    if lemma in lex.recipient:
        # "accused [Holt of] being a Democrat", "warned [voters about] the risks": the one told
        # belongs to the cue, the preposition's object is what they are told
        obj = next((c for c in verb.rights if c.dep_ in ("dobj", "dative")), None)
        prep = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ in ("of", "about") and obj is not None and c.i == obj.right_edge.i + 1), None)
        if prep is None and obj is not None and lemma in lex.object:  # the parser hung "of Y" on the accused
            prep = next((c for c in obj.rights if c.dep_ == "prep" and c.lower_ in ("of", "about") and c.right_edge.i == obj.right_edge.i
                         and any(p.dep_ == "pcomp" for p in c.children)), None)
        pobj = next((p for p in prep.children if p.dep_ in ("pobj", "pcomp")), None) if prep is not None else None
        if pobj is not None:
            parts.append(pobj)
    for c in verb.rights if not parts else ():
        if lemma in lex.intent and lemma not in lex.object:
            if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                parts.append(c)
            elif c.dep_ == "prep" and c.lower_ in particles and not parts:  # "voted [against] the bill", not "voted on Monday"
                parts.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp") and p.ent_type_ not in ("DATE", "TIME"))
            continue
        if c.dep_ == "dobj" and lemma in lex.light_verbs and c.i + 1 < len(doc) and doc[c.i + 1].head.i == c.i and doc[c.i + 1].lower_ in lex.prep_nouns.get(c.lemma_.lower(), ()):
            return None  # "raised [questions about] Y": the noun is the cue (see `cues.from_noun`)
        if c.dep_ in ("dobj", "oprd", "xcomp", "ccomp", "dative"):
            parts.append(c)
        elif c.dep_ in ("prep", "prt") and c.lower_ in particles and not parts:
            if any(p.dep_ == "pobj" and p.ent_type_ in ("DATE", "TIME") for p in c.children):
                continue  # "commented on Monday": when, not what about
            if c.lower_ == "to" and any(p.dep_ == "pobj" and (p.ent_type_ == "PERSON" or p.lemma_.lower() in lex.agents) for p in c.children):
                return None  # "responded to a mother": the one answered, not what about
            parts.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp"))
        elif c.dep_ == "prep" and c.lower_ in ("as", "for", "of", "over", "against") and parts:
            parts.append(c)
        elif c.dep_ == "prep" and c.lower_ == "as" and c.i == verb.i + 1 and any(x.dep_ == "dobj" and x.tag_ in ("WDT", "WP") for x in verb.lefts):
            parts.append(c)  # "an explosion [that] he described [as an attack]": the relative word is the thing, not the view
        elif (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS and parts and c.left_edge.i == max(p.right_edge.i for p in parts) + 1
              and not any(x.ent_type_ in ("DATE", "TIME") for x in c.subtree)):
            parts.append(c)  # "unveiled [a list of endorsements from 95 generals]": the parser hung it on the verb
    if not parts:
        return None
    if any(p.dep_ == "dobj" and p.ent_type_ == "MONEY" for p in parts):
        return None  # "raised [$2 million]": a sum is not a position
    a, b = min(p.left_edge.i for p in parts), max(p.right_edge.i for p in parts) + 1
    for t in doc[a:b]:  # "endorsed Trump, [who says ...]": a relative clause with its own cue
        if (t.dep_ in ("relcl", "acl") and t.pos_ == "VERB" and t.lemma_.lower() in lex.speech | lex.clause_only and t.left_edge.i > a
                and any(c.dep_ in CONTENT_DEPS for c in t.children)):
            b = min(b, t.left_edge.i)
    b = cut_asides(lex, doc, a, b, quoted, relative=True)
    while b > a and (doc[b - 1].is_punct and not is_close_mark(doc[b - 1])):
        b -= 1
    if a <= verb.i or b <= a or (b - a == 1 and doc[a].pos_ == "PRON"):
        return None  # "thanked you", "supported him": a person, not a position
    return a, b


def infinitive_tail(lex: Lexicon, doc: Doc, verb: Token, content: tuple[int, int]) -> tuple[int, int]:
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
        if (c.dep_ not in ("conj", "dep") or c.tag_ != "VB" or c.lemma_.lower() in lex.cue_lemmas
                or any(x.dep_ in SUBJECTS for x in c.children)
                or not all(t.is_punct or t.is_space or t.dep_ in ("cc", "preconj", "advmod") for t in doc[b:c.left_edge.i])):
            break
        b = c.right_edge.i + 1
    while b > a and (doc[b - 1].is_punct and not is_close_mark(doc[b - 1]) or doc[b - 1].dep_ == "cc"):
        b -= 1
    return a, b


def findings_content(doc: Doc, verb: Token) -> tuple[int, int] | None:
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


def directive_content(doc: Doc, verb: Token) -> tuple[int, int] | None:
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


def wh_object(verb: Token) -> tuple[int, int] | None:
    """ "what he said", "a deal which he called a disaster": the wh-word object before the cue
    stands for what was said."""
    for c in verb.lefts:
        if c.dep_ in ("dobj", "ccomp") and c.tag_ in ("WP", "WDT") and c.lower_ in ("what", "which", "whatever"):
            return c.i, c.i + 1
    return None


def gap_ok(doc: Doc, a: int, b: int, verb: Token, before: bool, sentence_end: bool = False) -> bool:
    """Whether tokens [a, b) between a quotation and its cue are only the cue's own words (its
    subject, auxiliaries, addressee, time) and light punctuation; a sentence end or a blank line
    between them breaks the link, except a colon that ends the cue's paragraph ("X said:")."""
    if b - a > _MAX_GAP:
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
            if t.text not in (",", ":", "—", "–", "-", "--", "(", ")") and not is_open_mark(t) and not is_close_mark(t) and not (sentence_end and t.text == "."):
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



_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})


def question_content(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """ "asked [whether the deal was legal]", "wondered [how they would pay]": an embedded question
    after the cue, opened by whether, if or a wh-word."""
    for c in verb.rights:
        if c.dep_ not in ("ccomp", "dobj", "xcomp", "advcl"):
            continue
        first = doc[c.left_edge.i]
        if first.lower_ in ("whether", "if") or first.tag_ in _WH_TAGS:
            if c.dep_ == "dobj" and c.i == first.i:
                return None  # "asked what?": a bare wh-word object, no question in the text
            return c.left_edge.i, c.right_edge.i + 1
    return None


_ASIDE_MARKS = frozenset({",", "—", "–", "--", ";"})
_PARENTHESES = frozenset({",", "—", "–", "--", "(", "“", '"', "”", "''"})  # around "he said", not ";" or ":"
_RELATIVE_WORDS = frozenset({"who", "which", "whom", "whose", "where"})


def cut_asides(lex: Lexicon, doc: Doc, a: int, b: int, quoted: Marks, relative: bool) -> int:
    """Where a content ends before an aside of the writer's or a second report of the speaker's:
    a participle cue after a comma ("Y, [arguing that Z]", "Y, [citing Z]": its own attribution)
    and, when `relative`, a non-restrictive relative clause or apposition ("Y, [which ...]")."""
    for t in doc[a + 1:b]:
        if t.text == ";" and not quoted.inside_double(t.i) and any(x.dep_ in SUBJECTS for x in doc[t.i + 1:b]):
            return t.i  # "Y; they only learned ...": a semicolon starts the writer's next clause
        lo = t.left_edge.i
        if lo <= a + 1 or lo >= b or doc[lo - 1].text not in _ASIDE_MARKS or quoted.inside_double(t.i):
            continue
        if t.tag_ == "VBG" and lo == t.i and t.dep_ in ("advcl", "xcomp", "conj", "acl") and t.lemma_.lower() in lex.cue_lemmas:
            return lo - 1
        final = all(x.is_punct or x.is_space for x in doc[t.right_edge.i + 1:b])  # an aside in the middle is the content's own
        if final and t.tag_ == "VBG" and t.dep_ == "advcl" and doc[lo].tag_ in ("VBG", "RB") and doc[lo - 1].text == ",":
            return lo - 1  # "Y, [implicitly putting his name on the line]": the writer's comment on the act
        if final and ((relative and t.dep_ == "relcl" and doc[lo].lower_ in _RELATIVE_WORDS) or (t.dep_ == "appos" and t.head.i < lo and (
                relative or t.head.pos_ == "PROPN" and doc[lo].lower_ in ("the", "a", "an")))):
            return lo - 1  # "he did not support Mr. Trump[, the presumed favorite]": the writer's aside
    return b
