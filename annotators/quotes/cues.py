"""The cue families: one function per way news attributes content to a source.

- `from_verb`: reporting verbs ("said that", "“...,” he said"), thought and belief ("believes
  that"), positions and intentions ("called for X", "vowed to"), polls and records ("a poll shows
  X"), orders ("told X to"), pro-forms ("said as much"), impersonal passives ("It is believed
  that Y"); the word lists in `Lexicon` decide which content each verb may take, and a content
  ends before the speaker's next report ("said X and warned against Y");
- `from_seem` and `from_passive`: perception and judgement with the source left out ("X seems to
  Y", "It appears that Y", "X was accused of Y");
- `from_agent`: a passive verb of evaluation or report with its agent ("Y is endorsed by X");
- `from_naming`: a name nobody in the text gives ("Y, also known as Z");
- `from_attitude`: predicative adjectives of belief, feeling and intent ("X is convinced that Y",
  "X is determined to Y", "X is worried about Y");
- `from_phrase` and `from_in`: "according to X", "in the poll", "in his eyes";
- `from_as`: an object with a quoted "as" complement ("pounding X as a “con artist”");
- `from_noun`: reporting and intention nouns ("Trump's claim that Y", "a plan to Y", "warnings
  from X that Y").

A new family is a function here returning a `Quote` (or None), called from `extract`.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .content import adjacent_quote, clause_content, cut_asides, cut_nested_cue, question_content, directive_content, findings_content, infinitive_tail, object_content, split_conjoined_cue, wh_object
from .lexicon import Lexicon
from .marks import Marks, Segments
from .sources import agentive, is_document, name_between, np_span, subject_of
from .spans import CONTENT_DEPS, CUE_ADVERBS, CUE_LEFT, GENERIC_SUBJECTS, IMPERSONAL_SUBJECTS, SUBJECTS, Quote, overlaps, trim, trim_plain

__all__ = ["from_verb", "from_seem", "from_passive", "from_naming", "from_agent", "from_attitude", "from_phrase", "from_in", "from_as", "from_noun", "cue_span"]


def from_verb(lex: Lexicon, doc: Doc, verb: Token, segs: Segments, quoted: Marks, borrowed: dict[int, Token]) -> Quote | None:
    """A cue verb's attribution: the content its family allows (a clause, an adjacent quotation,
    an object, an infinitive, a finding, an order), its subject as source."""
    lemma = verb.lemma_.lower()
    if lemma in lex.seem:
        return from_seem(lex, doc, verb, quoted)
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and lemma in lex.naming:
        return from_naming(lex, doc, verb, quoted)
    if lemma in lex.passive_cues and any(c.dep_ == "auxpass" for c in verb.children) and not any(c.dep_ in CONTENT_DEPS for c in verb.children):
        passive = from_passive(lex, doc, verb, quoted)
        if passive is not None or lemma not in lex.cue_lemmas:
            return passive
    if (lemma in lex.object or lemma in lex.speech) and any(c.dep_ == "auxpass" for c in verb.children):
        by_agent = from_agent(lex, doc, verb, quoted)
        if by_agent is not None:
            return by_agent
    subject = borrowed.get(verb.i) or subject_of(verb)
    if subject is not None and (quoted.inside_double(subject.i) and not quoted.inside_double(verb.i)
                                or quoted.para_id[subject.i] != quoted.para_id[verb.i]):
        # "“My reaction, that was outrageous,” the strategist said", "12:15 p.m.¶Trump says": the
        # parser gave the cue two subjects; the speaker is the one outside the quotation, in the
        # cue's paragraph
        # (on the verb the subject was found on: "X, a doctor, appeared on TV and began by saying")
        subject = next((c for c in subject.head.children if c.dep_ in ("nsubj", "csubj") and not quoted.inside_double(c.i)
                        and quoted.para_id[c.i] == quoted.para_id[verb.i]), subject)
        if quoted.para_id[subject.i] != quoted.para_id[verb.i]:
            host = subject.head if subject.head.pos_ in ("VERB", "AUX") and quoted.para_id[subject.head.i] == quoted.para_id[verb.i] else verb
            subject = _name_before(doc, host, quoted) or subject
    if subject is None and verb.dep_ == "ROOT":
        subject = _name_before(doc, verb, quoted)
    if subject is None and verb.tag_ == "VB" and verb.dep_ == "ROOT" and not any(c.dep_ == "aux" for c in verb.children):
        return None  # an imperative ("Imagine that ...", "Say Mexico ..."): nobody reports anything
    impersonal_passive = subject is None and any(c.dep_ == "nsubjpass" and c.lower_ == "it" for c in verb.children)  # "It is believed that Y"
    if lemma in lex.clause_only and lemma not in lex.speech and not impersonal_passive and (
            subject is None or subject.lower_ in IMPERSONAL_SUBJECTS or _hedge(verb, subject)):
        return None  # "it seems", "I think": no one's thought is reported ("we know that", "I didn't expect" are)
    content: tuple[int, int] | None = None
    before: tuple[int, int] | None = None
    wh: tuple[int, int] | None = None  # "which [X says] ...": the relative word before the cue
    second: tuple[int, int] | None = None  # "Y1, he said, Y2": the clause's words after the cue
    cue_type = "belief" if lemma in lex.clause_only else "speech"
    if lemma in lex.speech or lemma in lex.clause_only or lemma in lex.as_it:
        clause = clause_content(lex, doc, verb)
        if clause is not None:
            wh, second = clause.wh, clause.second
            content = quoted.clip(clause.content, verb.i)
            if content is not None and content[1] <= verb.i:
                content = quoted.quote_first(doc, content)
                content = _sentence_before(doc, verb, content, subject, quoted)
            if content is not None and content[0] > verb.i:
                cut = cut_asides(lex, doc, content[0], content[1], quoted, relative=False)
                if cut < content[1] and subject is not None:
                    borrowed[doc[cut + 1].i] = subject  # "X said Y, citing Z": X cites Z too
                content = (content[0], cut)
        if content is not None:
            content = split_conjoined_cue(lex, doc, verb, content, subject, borrowed)
    if lemma in lex.speech or lemma in lex.quote_only:
        adjacent = adjacent_quote(lex, doc, verb, segs, quoted)
        if content is None:
            content = adjacent if adjacent is None or adjacent[0] < verb.i else _rest_of_object(doc, verb, adjacent, quoted)
        elif adjacent is not None and adjacent[1] <= verb.i < content[0] and not overlaps(adjacent, content):
            before = adjacent  # "“A,” the coach said, “B”": both halves are the coach's
    if content is None and lemma in lex.question and subject is not None and subject.lower_ not in IMPERSONAL_SUBJECTS and not _hedge(verb, subject):
        content = question_content(doc, verb)
        if content is not None:
            cue_type = "question"
            content = quoted.clip(content, verb.i)
    if content is None and (lemma in lex.object_like or lemma in lex.regard and _regards_as(verb)) and (agentive(lex, subject) or is_document(lex, subject)) and verb.dep_ != "pcomp":
        content = object_content(lex, doc, verb, lemma, quoted)
        if content is not None:
            cue_type = "intent" if lemma in lex.intent else "position" if lemma in lex.object else "belief" if lemma in lex.regard else "speech"
            content = quoted.clip(infinitive_tail(lex, doc, verb, content), verb.i)
    if content is None and lemma in lex.evidence and is_document(lex, subject):
        content = findings_content(doc, verb)  # "a poll shows [Clinton ahead by 3 points]"
        if content is not None:
            cue_type = "evidence"
            content = quoted.clip(content, verb.i)
    if content is None and lemma in lex.directive and subject is not None:
        content = directive_content(doc, verb)
        if content is not None:
            cue_type = "request"
            content = quoted.clip(infinitive_tail(lex, doc, verb, content), verb.i)
    if content is None and (lemma in lex.speech or lemma in lex.object) and subject is not None and subject.lower_ not in GENERIC_SUBJECTS:
        content = wh_object(verb)
    if content is None and (lemma in lex.speech or lemma in lex.clause_only) and subject is not None:
        content = _pro_form(doc, verb)  # "said as much", "does not think so", "said the same thing"
    if content is None and (lemma in lex.speech or lemma in lex.quote_only) and subject is not None:
        content = _block_after_colon(doc, verb, quoted)  # "He added:¶It is typical of ...": a block quotation
        if content is not None:
            return Quote([content], cue_span(lex, doc, verb, content), _source(doc, subject, quoted, verb, content),
                         verb.i, subject.i, cue_type=cue_type)
    if content is None:
        return None
    if content[0] > verb.i:
        content = (content[0], cut_nested_cue(lex, doc, content[0], content[1], quoted))
        if cue_type in ("speech", "belief"):
            content = _colon_elaboration(doc, content, quoted)
    content = quoted.widen(content, verb.i)
    content = quoted.trim(doc, *content)
    if content is None or content[0] <= verb.i < content[1]:
        return None
    source_root = subject
    if source_root is not None and quoted.inside_double(source_root.i) and not quoted.inside_double(verb.i):
        source_root = None  # "“Y,” Flynn said on “Fox and Friends”": the parser's subject is a quoted title
    if source_root is None and lemma in lex.speech and content[1] < verb.i:
        source_root = name_between(doc, content[1], verb.i)
    source = np_span(doc, source_root, relative=True) if source_root is not None else None
    if source is not None:
        source = quoted.clip(source, source_root.i)  # type: ignore[union-attr]
        if source is not None:
            source = trim_plain(doc, *source)
    if source is None or overlaps(source, content) or not quoted.clip(source, verb.i):
        source, source_root = None, None
    cue = cue_span(lex, doc, verb, content)
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in lex.seem and verb.head.i < cue[0] and not (content[0] <= verb.head.i < content[1]):
        cue = (cue_span(lex, doc, verb.head, content)[0], cue[1])  # "[appeared to suggest] that Y": the hedge joins the cue
    pieces = [before, content] if before is not None else [content]
    if before is None and wh is not None and wh[1] <= verb.i < content[0] and quoted.clip(wh, verb.i) == wh:
        pieces.insert(0, wh)
    if second is not None and content[1] <= verb.i < second[0] and quoted.clip(second, verb.i) == second:
        pieces.append(second)
    if cue_type == "belief" and is_document(lex, subject):
        cue_type = "evidence"  # "the study found that ...", "records indicate that ..."
    return Quote(pieces, cue, source, verb.i, source_root.i if source_root is not None else None, cue_type=cue_type)


def _rest_of_object(doc: Doc, verb: Token, quote: tuple[int, int], quoted: Marks) -> tuple[int, int]:
    """ "reported [“1,200 thefts” in the city in May]": a quotation after the cue that the
    verb's object goes on past is a part of that object, which is the content; a quotation that
    ends its clause is the content alone."""
    a, b = quote
    if b >= len(doc) or doc[b].is_punct or doc[b].is_space or doc[b].sent.start != doc[a].sent.start:
        return quote
    ends = [c.right_edge.i + 1 for c in verb.rights if c.dep_ in ("dobj", "ccomp", "prep") and c.left_edge.i < b and c.right_edge.i >= b]
    if not ends:
        return quote
    widened = quoted.clip((a, max(ends)), verb.i)
    out = quoted.trim(doc, *widened) if widened is not None else None
    return out if out is not None and out[1] > b else quote


def _sentence_before(doc: Doc, verb: Token, content: tuple[int, int], subject: Token | None, quoted: Marks) -> tuple[int, int]:
    """ "A had told B, but C overruled it, the source added.": a cue that ends its sentence after a
    comma and its subject reports the whole sentence before it, however the parser split it."""
    if subject is None or subject.i > verb.i or subject.head.i != verb.i:
        return content
    sent = verb.sent
    comma = subject.left_edge.i - 1
    if comma <= sent.start or doc[comma].text != "," or content[1] > comma or content[0] <= sent.start:
        return content
    if any(t.pos_ in ("VERB", "AUX") or t.dep_ in ("dobj", "ccomp", "xcomp") for t in doc[verb.i + 1:sent.end]):
        return content  # the cue goes on with words of its own
    if any(quoted.inside_double(t.i) for t in doc[sent.start:comma]) or quoted.para_id[sent.start] != quoted.para_id[verb.i]:
        return content
    start = sent.start
    while start < comma and (doc[start].is_space or doc[start].is_punct):
        start += 1
    return (start, content[1]) if start < content[0] else content


def _colon_elaboration(doc: Doc, content: tuple[int, int], quoted: Marks) -> tuple[int, int]:
    """ "said she had the quality the job needs: “Steadiness.”", "notes that three things are
    happening at once: prices are rising, ...": what the colon opens spells the report out and
    belongs to it, up to the end of its sentence in the same paragraph."""
    a, b = content
    at = b
    while at < len(doc) and doc[at].is_space and "\n" not in doc[at].text:
        at += 1
    if at + 1 >= len(doc) or doc[at].text != ":" or "\n" in doc[at].whitespace_ or quoted.para_id[at + 1] != quoted.para_id[at]:
        return content
    end = quoted.paragraph(at)[1]  # the parser's sentences may break inside a list: the first full stop ends it
    end = next((t.i + 1 for t in doc[at + 1:end] if t.text in (".", "?", "!") and not quoted.inside_double(t.i)), end)
    widened = trim(doc, a, end)
    if widened is None or widened[1] <= at + 1:
        return content
    return quoted.widen(widened, a - 1)


def _pro_form(doc: Doc, verb: Token) -> tuple[int, int] | None:
    """ "said [so]", "indicated [as much]", "said [the same thing]": a word that stands for a report
    given before, right after the cue."""
    at = verb.i + 1
    if at >= len(doc):
        return None
    if doc[at].lower_ == "so" and doc[at].head.i == verb.i and doc[at].dep_ == "advmod":
        return at, at + 1
    if doc[at].lower_ == "as" and at + 1 < len(doc) and doc[at + 1].lower_ == "much" and doc[at + 1].head.i == verb.i:
        return at, at + 2
    obj = next((c for c in verb.rights if c.dep_ == "dobj" and c.left_edge.i == at), None)
    if obj is not None and any(c.lower_ == "same" for c in obj.lefts):
        return at, obj.i + 1
    return None


def _hedge(verb: Token, subject: Token) -> bool:
    """ "I think Y", "I guess Y": a first-person present with nothing on the verb, the writer's
    hedge rather than a belief reported ("I didn't expect", "we know that", "I would hope" are)."""
    return subject.lower_ == "i" and verb.tag_ == "VBP" and not any(c.dep_ in ("aux", "neg", "advmod") for c in verb.lefts)


def _name_before(doc: Doc, verb: Token, quoted: Marks) -> Token | None:
    """ "12:15 p.m.¶[Donald Trump] is questioning ...", "In a meeting with the board [Trump] said
    ...": a name right before a finite cue that the parser left without a subject (it hung the
    name on a heading or a phrase before it). The last word of the name, or None."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP") and not any(c.dep_ == "aux" and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.lefts):
        return None
    at = verb.i - 1
    while at >= 0 and at < doc[at].head.i <= verb.i and doc[at].dep_ in ("aux", "neg", "advmod"):
        at -= 1
    if at < 0 or doc[at].pos_ != "PROPN" or quoted.inside_double(at) or quoted.para_id[at] != quoted.para_id[verb.i]:
        return None
    return doc[at]


def _regards_as(verb: Token) -> bool:
    """ "see [the program as an easier way]": an object and an "as" complement after the verb."""
    rights = list(verb.rights)
    return any(c.dep_ == "dobj" for c in rights) and any(c.dep_ == "prep" and c.lower_ == "as" for c in rights)


def _block_after_colon(doc: Doc, verb: Token, quoted: Marks) -> tuple[int, int] | None:
    """The paragraph after "X added:" when the colon ends the cue's paragraph and the next
    paragraph carries no quotation marks of its own (block quotations in transcripts and blogs)."""
    colon = verb.i + 1
    while colon < len(doc) and (doc[colon].dep_ in ("advmod", "npadvmod") or doc[colon].is_space and "\n" not in doc[colon].text):
        colon += 1
    if colon >= len(doc) or doc[colon].text != ":":
        return None
    lo, hi = quoted.paragraph(verb.i)
    if any(not t.is_space for t in doc[colon + 1:hi]):
        return None
    nxt = hi
    while nxt < len(doc) and doc[nxt].is_space:
        nxt += 1
    if nxt >= len(doc) or quoted.segments_in(*quoted.paragraph(nxt)):
        return None
    a, b = quoted.paragraph(nxt)
    return trim(doc, a, b)


def _source(doc: Doc, subject: Token, quoted: Marks, verb: Token, content: tuple[int, int]) -> tuple[int, int] | None:
    """The source span of `subject` within its paragraph, or None when it would overlap the content."""
    source = quoted.clip(np_span(doc, subject, relative=True), subject.i)
    source = trim_plain(doc, *source) if source is not None else None
    return None if source is None or overlaps(source, content) else source


def from_seem(lex: Lexicon, doc: Doc, verb: Token, quoted: Marks) -> Quote | None:
    """ "the plan seems [to be failing]", "drawing on equity seems [too risky]": a perception
    with no source in the text; PolNeAR takes the subject and the predicate as the content,
    in two pieces around the cue. A dummy "it" ("It seems to rain") reports nothing."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
    pred = next((c for c in verb.rights if (c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children))
                 or c.dep_ in ("acomp", "oprd")), None)
    if subject is not None and subject.lower_ == "it" and pred is None:
        # "It appears [that the plan is failing]": a perception with a dummy subject reports its clause
        clause = next((c for c in verb.rights if c.dep_ == "ccomp" and any(x.dep_ in SUBJECTS for x in c.children)), None)
        content = quoted.clip((clause.left_edge.i, clause.right_edge.i + 1), verb.i) if clause is not None else None
        content = quoted.trim(doc, *content) if content is not None else None
        if content is None or content[0] <= verb.i:
            return None
        return Quote([content], cue_span(lex, doc, verb, content), None, verb.i, None, cue_type="belief")
    if subject is None or pred is None or subject.lower_ in ("it", "there", "this", "that") or subject.tag_ == "EX":
        return None
    if pred.dep_ == "xcomp" and (pred.lemma_.lower() in lex.speech or pred.lemma_.lower() in lex.clause_only):
        return None  # "he appeared [to suggest] that Y": a hedge on a report, which is his (see `from_verb`)
    subject_range = (subject.left_edge.i, subject.right_edge.i + 1) if subject.tag_ not in ("WDT", "WP") else (subject.i, subject.i + 1)
    tail = quoted.clip((pred.left_edge.i, pred.right_edge.i + 1), verb.i)
    head = quoted.clip(subject_range, verb.i)
    if tail is None or head is None:
        return None
    pieces = [p for p in (trim(doc, *head), quoted.trim(doc, *tail)) if p is not None]
    if len(pieces) != 2 or not (pieces[0][1] <= verb.i < pieces[1][0]):
        return None
    return Quote(pieces, cue_span(lex, doc, verb, pieces[1]), None, verb.i, None, cue_type="belief")


def from_passive(lex: Lexicon, doc: Doc, verb: Token, quoted: Marks) -> Quote | None:
    """ "Mr. Quiros was accused of [fraud]", "Clinton is expected [to win]": a passive verb of
    judgement or expectation; PolNeAR takes the subject and the complement as the content, in
    two pieces around the cue, with the agent ("by critics") as the source."""
    subject = next((c for c in verb.lefts if c.dep_ == "nsubjpass"), None)
    if subject is None or subject.lower_ == "there" or not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    if subject.lower_ == "it" and not any(c.dep_ == "oprd" for c in verb.rights):
        return None  # "It is expected to rain": a dummy subject; "it is considered [a threat]" is not
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
    # a quotation the complement cuts into is taken whole: 'was labeled “Mostly True.”' keeps its '.”'
    pieces = [p for p in (trim(doc, *head), quoted.trim(doc, *quoted.widen(comp, verb.i))) if p is not None]
    if len(pieces) != 2 or not (pieces[0][1] <= verb.i < pieces[1][0]):
        return None
    start, _ = cue_span(lex, doc, verb, pieces[1])
    agent = next((c for c in verb.rights if c.dep_ == "agent"), None)
    if agent is None:  # "was called [a liar] by his rivals": the parser hung the agent on the complement
        agent = next((t for t in doc[pieces[1][0]:pieces[1][1]] if t.dep_ in ("agent", "prep") and t.lower_ == "by"), None)
        if agent is not None:
            cut = trim(doc, pieces[1][0], agent.i)
            if cut is None or agent.right_edge.i + 1 < pieces[1][1]:
                return None
            pieces[1] = cut
    by = next((x for x in agent.children if x.dep_ == "pobj"), None) if agent is not None else None
    source = trim_plain(doc, *np_span(doc, by)) if by is not None else None
    if source is not None and any(overlaps(source, p) for p in pieces):
        source = None
    cue_type = "belief" if verb.lemma_.lower() in lex.clause_only | lex.intent else "position"
    return Quote(pieces, (start, max(cue_end, verb.i + 1)), source, verb.i, by.i if source is not None and by is not None else None, cue_type=cue_type)


def from_naming(lex: Lexicon, doc: Doc, verb: Token, quoted: Marks) -> Quote | None:
    """ "the additional week, [known as] the Golden Week": a name the thing is known by, with no
    one in the text who gives it; the thing and the name are the content, in two pieces."""
    prep = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ == "as" and c.i == verb.i + 1), None)
    name = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    head = verb.head
    if prep is None or name is None or head.pos_ not in ("NOUN", "PROPN") or head.i > verb.i:
        return None
    last = verb.left_edge.i - 1
    while last > head.i and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    lo = head.left_edge.i if last == head.i else doc[last].left_edge.i  # "a transition in [Burma], also known as": the nearest name
    thing = trim(doc, lo, verb.left_edge.i)
    called = quoted.trim(doc, *quoted.widen((name.left_edge.i, name.right_edge.i + 1), verb.i))
    if thing is None or called is None or quoted.clip(thing, verb.i) != thing or quoted.clip(called, verb.i) != called:
        return None
    start = verb.left_edge.i if doc[verb.left_edge.i].lower_ == "also" else verb.i
    return Quote([thing, called], (start, prep.i + 1), None, verb.i, None, cue_type="belief")


def from_agent(lex: Lexicon, doc: Doc, verb: Token, quoted: Marks) -> Quote | None:
    """ "Clinton is endorsed [by] most papers", "the plan was criticized by economists": a verb of
    evaluation in the passive with its agent; the agent holds the position about the subject,
    which is the content. Cue: the verb group up to "by"."""
    subject = next((c for c in verb.lefts if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in verb.rights if c.dep_ == "agent"), None)
    by = next((x for x in agent.children if x.dep_ == "pobj"), None) if agent is not None else None
    if subject is None or agent is None or by is None or subject.lower_ in ("it", "there") or not (agentive(lex, by) or is_document(lex, by)):
        return None
    head = (subject.i, subject.i + 1) if subject.tag_ in ("WDT", "WP") else (subject.left_edge.i, subject.right_edge.i + 1)
    clipped = quoted.clip(head, verb.i)
    content = trim(doc, *clipped) if clipped is not None else None
    source = trim_plain(doc, *np_span(doc, by))
    if content is None or source is None or not content[1] <= verb.i or overlaps(source, content):
        return None
    start, _ = cue_span(lex, doc, verb, content)
    return Quote([content], (start, agent.i + 1), source, verb.i, by.i, cue_type="position")


def from_attitude(lex: Lexicon, doc: Doc, adj: Token, quoted: Marks) -> Quote | None:
    """ "Voters are convinced [that the race is close]", "she is determined [to win]", "he is
    worried [about the cost]": a predicative adjective of belief, feeling or intent; its subject
    holds the content. Cue: the copula and the adjective (and the preposition)."""
    if adj.dep_ not in ("acomp", "oprd") or adj.head.pos_ not in ("VERB", "AUX"):
        return None
    head = adj.head
    subject = subject_of(head)
    if subject is None or not agentive(lex, subject) or quoted.inside_double(subject.i):
        return None
    content: tuple[int, int] | None = None
    cue_end = adj.i + 1
    for c in adj.rights:
        if c.dep_ == "ccomp" and any(x.dep_ in SUBJECTS for x in c.children):
            content = (c.left_edge.i, c.right_edge.i + 1)
        elif c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            content = (c.left_edge.i, c.right_edge.i + 1)
        elif c.dep_ == "prep" and c.lower_ in lex.attitude_preps and c.i == adj.i + 1:
            obj = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
            if obj is not None and not (obj.pos_ == "PRON" and obj.left_edge.i == obj.right_edge.i) and obj.ent_type_ not in ("DATE", "TIME"):
                content, cue_end = (obj.left_edge.i, obj.right_edge.i + 1), c.i + 1
        if content is not None:
            break
    if content is None or content[0] <= adj.i:
        return None
    content = quoted.clip(content, adj.i)
    content = quoted.trim(doc, *quoted.widen(content, adj.i)) if content is not None else None
    source = trim_plain(doc, *np_span(doc, subject, relative=True))
    if content is None or source is None or overlaps(source, content):
        return None
    start = head.i if head.i < adj.i and all(t.dep_ in ("advmod", "neg") for t in doc[head.i + 1:adj.i]) else adj.i
    start = min([start] + [c.i for c in head.lefts if c.dep_ in ("aux", "neg") and c.i == start - 1])
    return Quote([content], (start, cue_end), source, adj.i, subject.i, cue_type=lex.attitudes[adj.lower_])


def from_phrase(lex: Lexicon, doc: Doc, start: int, end: int, quoted: Marks) -> Quote | None:
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
        phrase = np_span(doc, pobj)
    source = trim_plain(doc, *phrase)
    if source is None:
        return None
    phrase_lo, phrase_hi = start, phrase[1]
    head = doc[start].head
    while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and head.head.i != head.i:
        head = head.head
    while head.dep_ in ("ccomp", "xcomp") and head.head.pos_ in ("VERB", "AUX") and head.head.lemma_.lower() not in lex.cue_lemmas:
        head = head.head  # "X would see [incomes go up], according to Y": the whole statement
    lo, hi = head.left_edge.i, head.right_edge.i + 1
    left = trim(doc, lo, phrase_lo) if phrase_lo > lo else None
    right = trim(doc, phrase_hi, hi) if hi > phrase_hi else None
    parts = [p for p in (left, right) if p is not None]
    if not parts:
        return None
    widest = max(parts, key=lambda p: p[1] - p[0])
    clipped = quoted.clip(widest, start)
    if clipped is None:
        return None
    content = trim(doc, *quoted.widen(clipped, start))
    if content is None or content[0] < phrase_hi and content[1] > phrase_lo:
        return None
    if not any(t.pos_ in ("VERB", "AUX") for t in doc[content[0]:content[1]]):
        return None  # "according to X" must report a statement, not a phrase
    pieces = [content]
    other = next((p for p in parts if p is not widest), None)
    if other is not None and (other := quoted.clip(other, start)) is not None and any(
            t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECTS for c in t.children)
            and (other[0] <= t.i < other[1] and content[0] <= t.head.i < content[1] or content[0] <= t.i < content[1] and other[0] <= t.head.i < other[1])
            for t in doc[lo:hi]):
        # "A paid 25 percent, according to the CBO, and B paid 69 percent": the clauses on both
        # sides, conjoined, are the same report
        pieces = []
        for a, b in sorted([content, other]):
            piece = trim(doc, a + (doc[a].dep_ == "cc"), b)
            if piece is not None:
                pieces.append(piece)
        if len(pieces) != 2 or overlaps(*pieces):
            pieces = [content]
    return Quote(pieces, (start, end), source, start, pobj.i, cue_type="according")


def from_as(lex: Lexicon, doc: Doc, prep: Token, quoted: Marks) -> Quote | None:
    """ "Reid has been pounding [Trump as a “con artist”]", "admires X as a “strong leader”": a
    verb with an object and an "as" complement that quotes someone's words characterises the
    object; the subject holds that view. Verbs of the cue lists are left to `from_verb`."""
    verb = prep.head
    if prep.dep_ != "prep" or verb.pos_ != "VERB" or verb.i > prep.i or verb.lemma_.lower() in lex.cue_lemmas or verb.lemma_.lower() in lex.regard:
        return None
    obj = next((c for c in verb.rights if c.dep_ == "dobj" and c.i < prep.i), None)
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or pobj is None or not quoted.segments_in(pobj.left_edge.i, pobj.right_edge.i + 1):
        return None
    if any(seg.single for k in quoted.segments_in(pobj.left_edge.i, pobj.right_edge.i + 1) for seg in (quoted.segs[k][2],)):
        return None
    subject = subject_of(verb)
    if not agentive(lex, subject) or subject is None or quoted.inside_double(subject.i) or quoted.inside_double(verb.i):
        return None
    rng = quoted.clip((obj.left_edge.i, pobj.right_edge.i + 1), verb.i)
    content = quoted.trim(doc, *quoted.widen(rng, verb.i)) if rng is not None else None
    if content is None or content[0] <= verb.i:
        return None
    source = _source(doc, subject, quoted, verb, content)
    return Quote([content], cue_span(lex, doc, verb, content), source, verb.i, subject.i if source is not None else None, cue_type="position")


def from_in(lex: Lexicon, doc: Doc, prep: Token, quoted: Marks) -> Quote | None:
    """ "In the latest poll, Clinton led by 5 points", "safe in his eyes": a poll or study, or
    someone's view, is the source of the clause the phrase modifies; cue "in". A clause whose
    own verb is a cue ("In a statement, he said") is that verb's."""
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if pobj is None or prep.dep_ != "prep":
        return None
    lemma = pobj.lemma_.lower()
    if lemma in lex.in_minds:
        if not any(c.dep_ == "poss" for c in pobj.children):
            return None
    elif lemma not in lex.in_findings:
        return None
    head = prep.head
    while head.pos_ not in ("VERB", "AUX") and head.dep_ != "ROOT" and head.head.i != head.i:
        head = head.head
    if any(t.lemma_.lower() in lex.cue_lemmas and t.pos_ == "VERB" for t in head.subtree):
        return None
    if head.lemma_.lower() in lex.in_events or any(c.dep_ in ("auxpass", "nsubjpass") for c in head.children):
        return None  # "the results were published in the survey": an event about it, not its finding
    q = from_phrase(lex, doc, prep.i, prep.i + 1, quoted)
    if q is None or not any(t.dep_ in SUBJECTS for t in doc[q.content[0][0]:q.content[0][1]]):
        return None
    q.cue_type = "evidence" if lemma in lex.in_findings else "according"
    return q


def from_noun(lex: Lexicon, doc: Doc, noun: Token, quoted: Marks) -> Quote | None:
    """ "Trump's claim that ...", "a New York Times report that ...": a reporting noun with a
    that-clause; its possessor or naming modifier is the source."""
    clause = next((c for c in noun.rights if c.dep_ in ("acl", "ccomp", "appos")
                   and any(m.dep_ == "mark" and m.lower_ == "that" and m.i == c.left_edge.i for m in c.children)
                   and any(x.dep_ in SUBJECTS or x.dep_ == "expl" for x in c.children)), None)
    if clause is None and noun.lemma_.lower() in lex.intent_nouns:
        # "an agreement [to cut emissions]", "her plan [to raise taxes]": an intention's infinitive
        clause = next((c for c in noun.rights if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX")
                       and any(a.dep_ == "aux" and a.lower_ == "to" and a.i == c.left_edge.i for a in c.children)), None)
    cue_end = noun.i + 1
    after_colon = _quotation_after_colon(doc, noun, quoted) if clause is None else None
    content: tuple[int, int] | None
    if after_colon is not None:  # "a blunt message: “Y”", "made the following comment:¶“Y”"
        content = after_colon
    elif clause is not None:
        content = quoted.clip((clause.left_edge.i, clause.right_edge.i + 1), noun.i)
    else:
        # "criticism [of the plan]", "calls for [a ceasefire]": the preposition's object; the
        # preposition belongs to the cue
        found = prep_object(lex, doc, noun, quoted)
        if found is None:
            return None
        content, cue_end = found, found[0]
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
        source = trim_plain(doc, *np_span(doc, holder))
        if source is not None and doc[source[1] - 1].tag_ == "POS":
            source = trim_plain(doc, source[0], source[1] - 1)
    if holder is not None and holder.tag_ in ("PRP$",) and holder.lower_ in ("its", "my", "our", "your"):
        source, holder = None, None
    if holder is None:  # "warnings [from his attorney]", "criticism of the plan [by the union]": the one they come from
        preps = [c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "by")]
        if cue_end > noun.i + 1:  # the parser may hang it on the content's last noun
            preps += [t for t in doc[content[0]:content[1]] if t.dep_ == "prep" and t.lower_ in ("from", "by")
                      and t.right_edge.i + 1 >= content[1] and t.i > content[0]]
        for c in preps:
            by = next((p for p in c.children if p.dep_ == "pobj" and agentive(lex, p) and not quoted.inside_double(p.i)), None)
            found_by = trim_plain(doc, *np_span(doc, by)) if by is not None else None
            if by is None or found_by is None or quoted.clip(found_by, noun.i) != found_by:
                continue
            if content[0] < c.i < content[1]:
                cut = trim(doc, content[0], c.i)
                if cut is None:
                    continue
                content = cut
            if not overlaps(found_by, content):
                holder, source = by, found_by
                break
    verb = noun.head
    if holder is None and noun.dep_ == "dobj" and (verb.lemma_.lower() in lex.light_verbs or after_colon is not None):
        # "Critics raised [questions about] Y", "the union renewed its calls for Y", "the two
        # sides signed an agreement to Y": the one who voices it is the verb's subject, and the
        # verb joins the cue
        subject = subject_of(verb)
        if subject is not None and agentive(lex, subject) and not quoted.inside_double(subject.i):
            holder = subject
            source = trim_plain(doc, *np_span(doc, subject))
            if source is not None and not overlaps(source, content) and verb.i < noun.i:
                cue_end = max(cue_end, noun.i + 1)
                return Quote([content], (cue_span(lex, doc, verb, content)[0], cue_end), source, noun.i, holder.i, cue_type="nominal")
            source, holder = None, None
    if holder is None and noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ == "VERB" and noun.head.head.i < noun.i:
        # "Trump responded [with attacks on] Machado", "Democrats persisted in [arguments that]
        # Y", "he took offense at [suggestions that] Y": the one who acts on them holds them
        subject = subject_of(noun.head.head)
        if subject is not None and agentive(lex, subject) and not quoted.inside_double(subject.i):
            found = trim_plain(doc, *np_span(doc, subject))
            if found is not None and not overlaps(found, content) and quoted.clip(found, noun.i) == found:
                holder, source = subject, found
    cue = (noun.i, cue_end)
    if noun.lemma_.lower() in lex.intent_nouns and cue_end == noun.i + 1:
        # "signed an agreement to ...", "this political decision to ...": the verb that makes
        # the intention, or the noun's own modifiers, belong to the cue
        mods = [c for c in noun.lefts if c.dep_ in ("det", "amod") and c.i >= noun.left_edge.i]
        lo = min((c.i for c in mods), default=noun.i)
        if holder is None and noun.dep_ == "dobj" and noun.head.pos_ == "VERB" and noun.head.i < lo and all(
                t.dep_ in ("det", "amod", "advmod", "nummod") for t in doc[noun.head.i + 1:lo]):
            lo = noun.head.i
        if holder is None and not (content[0] <= lo < content[1]):
            cue = (lo, noun.i + 1)
    return Quote([content], cue, source, noun.i, holder.i if source is not None and holder is not None else None, cue_type="nominal")


def _quotation_after_colon(doc: Doc, noun: Token, quoted: Marks) -> tuple[int, int] | None:
    """The quotation a reporting noun announces with a colon: the one that opens right after it
    ("his message: “Y”"), or, when the colon ends the paragraph, the next paragraph if it is one
    quotation ("made the following comment:¶“Y”")."""
    colon = noun.i + 1
    if colon >= len(doc) or doc[colon].text != ":":
        return None
    nxt = colon + 1
    while nxt < len(doc) and doc[nxt].is_space:
        nxt += 1
    if nxt >= len(doc):
        return None
    seg = next(((sa, sb) for sa, sb, seg in quoted.segs if sa == nxt and not seg.single), None)
    if seg is None:
        return None
    if quoted.para_id[nxt] != quoted.para_id[colon]:
        lo, hi = quoted.paragraph(nxt)
        if any(not (t.is_space or t.is_punct) for t in doc[seg[1]:hi]):
            return None  # the next paragraph goes on past its quotation: its own attribution
    return seg


def prep_object(lex: Lexicon, doc: Doc, noun: Token, quoted: Marks) -> tuple[int, int] | None:
    """The object of the preposition that a noun of `prep_nouns` takes its content with, right
    after the noun ("criticism [of] ...", not "criticism in May")."""
    preps = lex.prep_nouns.get(noun.lemma_.lower())
    if not preps or noun.i + 1 >= len(doc):
        return None
    prep = doc[noun.i + 1]
    if prep.head.i != noun.i or prep.dep_ != "prep" or prep.lower_ not in preps:
        return None
    obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    if obj is None or (obj.pos_ == "PRON" and obj.left_edge.i == obj.right_edge.i) or obj.ent_type_ in ("DATE", "TIME"):
        return None  # "concerns about it", "comments on Friday": a pronoun or a date is no content
    a, b = obj.left_edge.i, obj.right_edge.i + 1
    for c in noun.rights:  # "questions about [his microphone problems during the debate]": the
        if c.i > prep.i and c.dep_ == "prep" and c.left_edge.i == b:  # parser hung the rest on the noun
            if c.lower_ in ("by", "from") and any(p.dep_ == "pobj" and agentive(lex, p) for p in c.children):
                break  # "criticism of the plan [by the union]": who voices it (the source), not what about
            b = c.right_edge.i + 1
    return trim(doc, a, cut_asides(lex, doc, a, b, quoted, relative=True))


def cue_span(lex: Lexicon, doc: Doc, verb: Token, content: tuple[int, int]) -> tuple[int, int]:
    start = end = verb.i
    # an adverb between the auxiliary and the verb ("has been harshly criticized") is part of the cue
    aux_at = min((c.i for c in verb.lefts if c.dep_ in ("aux", "auxpass")), default=verb.i)
    lefts = [c for c in verb.lefts if c.dep_ in CUE_LEFT and (c.dep_ != "advmod" or c.lower_ in CUE_ADVERBS or aux_at < c.i)]
    for c in sorted(lefts, key=lambda t: -t.i):
        if c.i == start - 1:
            start = c.i
    lemma = verb.lemma_.lower()
    for c in verb.rights:
        if lemma in lex.recipient and c.dep_ in ("dobj", "dative") and c.left_edge.i == end + 1 and c.i < content[0] <= c.right_edge.i and doc[content[0] - 1].dep_ == "prep":
            end = content[0] - 1  # "accused [the mayor of] lying": the parser hung the content on the accused
            continue
        if c.i != end + 1 or c.i >= content[0] and c.i < content[1]:
            continue
        if c.dep_ in ("prt", "prep") and c.lower_ in lex.particles.get(lemma, ()):
            end = c.i
        elif lemma in lex.recipient and c.dep_ in ("dobj", "dative", "iobj") and c.right_edge.i < content[0]:
            end = c.right_edge.i
        elif c.dep_ == "prep" and c.i + 1 == content[0] and end > verb.i:  # "accused Holt [of]"
            end = c.i
    if end + 1 < len(doc) and doc[end + 1].text == ":" and not (content[0] <= end + 1 < content[1]):
        end += 1
    return start, end + 1

