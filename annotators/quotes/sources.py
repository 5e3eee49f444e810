"""Who reports: the cue's subject as written, and the full name it resolves to in the article.

A PERSON mention resolves to its longest form, a pronoun to the most recent PERSON subject (or a
subject that is one person's last name), "they" to the nearest subject when it is a group that
can speak ("city officials"), a title ("the mayor") to the one person given it, an organisation
to its name. `Names` returns None rather than guess.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from ..base import annotations_of
from .lexicon import Lexicon
from .spans import INHERIT, SUBJECTS, same_paragraph

__all__ = ["Names", "subject_of", "agentive", "is_document", "np_span", "attribution_gap", "name_between"]

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her", "his"})
PRONOUNS_GROUP = frozenset({"they", "them", "their"})
_PARTITIVES = frozenset({"one", "two", "three", "some", "many", "most", "all", "several", "few", "both", "each", "none", "half", "majority", "minority",
                         "number", "handful", "dozen", "dozens", "hundreds", "thousands", "millions", "percent", "share", "couple"})
_NAME_POS = frozenset({"PROPN", "NOUN", "DET", "ADJ", "ADP", "PART", "PUNCT", "SPACE", "NUM", "CCONJ"})


def subject_of(verb: Token) -> Token | None:
    """The speaker of a cue verb: its subject, the agent of a passive, or for "..., adding that"
    and "X noted ... and stressed" the subject of the verb it hangs from."""
    seen = 0
    tok = verb
    while seen < 4:
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
        if len(subjects) > 1 and subjects[0].i < tok.i and any(t.text == ":" for t in tok.doc[subjects[0].i:tok.i]):
            # "The Latest: Trump urges ...": the parser gave the verb two subjects; a heading before
            # a colon is none, the one after the colon is
            subjects = subjects[1:]
        for c in subjects:
            if c.dep_ in ("nsubj", "csubj"):
                if c.tag_ in ("WP", "WDT") or c.lower_ == "that":
                    # "Trump, who says ...": the relative pronoun as written (PolNeAR's source);
                    # `antecedent` and `Names` reach the one it stands for
                    return c if tok.dep_ == "relcl" else None
                return c
        if any(c.dep_ == "auxpass" for c in tok.children) or any(c.dep_ == "nsubjpass" for c in tok.children):
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if pobj is None and seen:  # "After saying X, [she] was whisked off": the one the clause is about
                return next((c for c in tok.children if c.dep_ == "nsubjpass" and c.pos_ in ("PROPN", "PRON", "NOUN")), None)
            return pobj
        if tok.dep_ == "relcl":
            return tok.head
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.i != tok.head.i:
            # "responded by saying ...", "despite admitting ...": the gerund's speaker is the one
            # who does what the preposition hangs from, or the subject it hangs from
            host = tok.head.head
            if host.pos_ in ("VERB", "AUX"):
                tok = host
                seen += 1
                continue
            return host if host.dep_ in ("nsubj", "nsubjpass") and host.pos_ in ("PROPN", "NOUN", "PRON") else None
        if tok.dep_ == "xcomp" and tok.head.pos_ == "ADJ" and tok.head.dep_ == "acomp" and tok.head.head.pos_ in ("VERB", "AUX"):
            tok = tok.head.head  # "was able [to tout] X": the one who is able
            seen += 1
            continue
        if tok.dep_ in INHERIT and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX"):
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def antecedent(tok: Token) -> Token:
    """What a relative pronoun stands for ("Trump" for "who" in "Trump, who says"); else `tok`."""
    if tok.tag_ in ("WP", "WDT") or (tok.lower_ == "that" and tok.dep_ in ("nsubj", "nsubjpass")):
        verb = tok.head
        while verb.dep_ != "relcl" and verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
            verb = verb.head
        if verb.dep_ == "relcl":
            return verb.head
    return tok


def agentive(lex: Lexicon, subject: Token | None) -> bool:
    """Whether a subject can hold a position: a named person or group, a personal pronoun, or
    a noun for people and institutions ("officials", "the campaign")."""
    if subject is None:
        return False
    subject = antecedent(subject)
    if subject.lower_ in _PARTITIVES:  # "one of the doctors", "some of the critics": those it picks out
        of = next((c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if pobj is not None:
            subject = pobj
    if subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if subject.pos_ == "PRON":
        return subject.lower_ in ("he", "she", "they", "we")
    if subject.lemma_.lower() in lex.agents or subject.lower_ in lex.agents:
        return True
    # "His former partner, Lawrence Cummings, called ...": a named person in apposition
    return any(t.ent_type_ == "PERSON" and t.dep_ == "appos" for t in subject.subtree)


def is_document(lex: Lexicon, subject: Token | None) -> bool:
    """Whether a subject is a poll, study or record that can show findings ("records indicate")."""
    return subject is not None and subject.pos_ in ("NOUN", "PROPN") and subject.lemma_.lower() in lex.documents


def np_span(doc: Doc, root: Token, relative: bool = False) -> tuple[int, int]:
    """The noun phrase of `root` as written, without trailing punctuation; for a relative
    clause's head, only the words up to the head noun, unless `relative` and the clause is set
    off by a comma ("Luis Rubio, who heads the center," is the whole source in PolNeAR)."""
    lo = root.left_edge.i
    hi = root.right_edge.i + 1
    rel = [c for c in root.rights if c.dep_ in ("relcl", "acl")
           and not (relative and c.dep_ == "relcl" and doc[c.left_edge.i - 1].text == "," and doc[c.left_edge.i].tag_ in ("WP", "WP$", "WDT"))]
    if rel:
        hi = min(hi, min(c.left_edge.i for c in rel))
    return lo, hi


def attribution_gap(doc: Doc, a: int, b: int) -> bool:
    """ "“Y,” Tulsa police Chief Chuck Jordan said": a quotation closed on a comma, then only a
    name or title before the cue. The surface form is trusted where the parse went astray."""
    if a < 2 or b - a > 12 or b == a or doc[a - 2].text not in (",", "?", "!", "—", "-"):
        return False
    if not same_paragraph(doc, a, b):
        return False
    gap = doc[a:b]
    if any((t.pos_ not in _NAME_POS and not t.text[:1].isupper()) or t.text in (".", ";", ":") for t in gap):
        return False
    return any(t.pos_ in ("PROPN", "NOUN") or t.text[:1].isupper() for t in gap)


def name_between(doc: Doc, a: int, b: int) -> Token | None:
    """The head of the name or title between a quotation and its cue (see `attribution_gap`)."""
    if not attribution_gap(doc, a, b):
        return None
    for ent in doc.ents:
        if ent.label_ == "PERSON" and a <= ent.start and ent.end <= b:
            return ent.root
    nouns = [t for t in doc[a:b] if t.pos_ in ("PROPN", "NOUN") or t.text[:1].isupper()]
    return nouns[-1] if nouns else None


class Names:
    """Resolves a source as written to a full name: a PERSON mention to its longest form, a
    pronoun to the most recent PERSON subject, a title ("the mayor") to the one person it was
    given to. Returns None rather than guess."""

    def __init__(self, doc: Doc, agents: frozenset[str] = frozenset()) -> None:
        self.doc = doc
        self.agents = agents  # nouns for people and institutions, for "they" ("officials", "critics")
        self.persons: list[tuple[int, int, str]] = []  # token start, end, full name
        self.orgs: list[tuple[int, int, str]] = []
        self._around_of: dict[int, set[str]] = {}
        self._name_parts: list[tuple[str, tuple[str, ...]]] | None = None
        layer = annotations_of(doc).get("entities")
        given: dict[tuple[int, int], str] = {}
        if layer is not None:
            for s in layer.spans:
                name = (s.get("attrs") or {}).get("name")
                if s["label"] == "PERSON" and name:
                    given[(s["token_start"], s["token_end"] + 1)] = name
        ents = doc.ents  # built on each access: read once
        words_of = {(ent.start, ent.end): tuple(t.text for t in ent if not t.is_punct and t.tag_ != "POS") for ent in ents if ent.label_ == "PERSON"}
        fulls = list(dict.fromkeys(w for w in words_of.values() if len(w) > 1))  # each full name once
        full_of: dict[tuple[str, ...], str | None] = {}
        for ent in ents:
            if ent.label_ == "PERSON":
                name = given.get((ent.start, ent.end))
                if name is None:
                    words = words_of[(ent.start, ent.end)]
                    if words not in full_of:
                        longer = [f for f in fulls if len(f) > len(words) and _is_part(words, f)]
                        if len(longer) > 1:
                            longer = [f for f in longer if f[-1] == words[-1]]
                        full_of[words] = " ".join(longer[0] if len(longer) == 1 else words) if words else None
                    name = full_of[words]
                if name:
                    self.persons.append((ent.start, ent.end, name))
            elif ent.label_ in ("ORG", "GPE", "NORP"):
                text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
                self.orgs.append((ent.start, ent.end, text))

    def resolve(self, span: Span, root: Token) -> str | None:
        at, first, last = root.i, span.start, span.end  # read once, not per person
        for a, b, name in self.persons:
            if a <= at < b:
                return name
        for a, b, name in self.persons:  # "Egyptian Foreign Minister Sameh Shoukry", "X, a spokesman"
            if first <= a and b <= last and self.doc[a:b].root.head.i == at and self.doc[a:b].root.dep_ in ("appos", "compound"):
                return name
        if root.pos_ == "PROPN":  # a surname the tagger did not take for a PERSON ("Blinken said")
            words = tuple(t.text for t in span if t.pos_ == "PROPN" and t.i <= root.i)
            full = {n for n, parts in self._parts() if len(parts) > len(words) and _is_part(words, parts)}
            if len(full) == 1:
                return full.pop()
        if antecedent(root).i != root.i:
            ante = antecedent(root)
            return self.resolve(self.doc[ante.left_edge.i:ante.i + 1], ante)
        low = root.lower_
        if low in PRONOUNS_PERSON and root.pos_ == "PRON":
            return self._pronoun(root)
        if low in PRONOUNS_GROUP and root.pos_ == "PRON":
            return self._group(root)
        if root.pos_ == "NOUN" and any(t.dep_ == "det" and t.lower_ in ("the", "this", "that") for t in root.lefts):
            return self._title(span, root)
        for a, b, name in self.orgs:
            if a <= at < b:
                return name
        return None

    def _pronoun(self, pron: Token) -> str | None:
        """The subject PERSON of the nearest earlier sentence (or clause) that has one; refused
        when that sentence has two different PERSON subjects."""
        sent_start = pron.sent.start
        lo = max(0, sent_start - 400)
        cands = [(a, b, n) for a, b, n in self.persons if b <= pron.i and a >= lo]
        cands += self._surnames(lo, pron.i)
        cands.sort()
        by_sent: dict[int, set[str]] = {}
        order: list[int] = []
        for a, b, name in cands:
            root = self.doc[a:b].root
            while root.dep_ == "conj" and root.head.i != root.i:  # "Smith and Jones said"
                root = root.head
            if root.dep_ not in SUBJECTS:
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

    def _group(self, pron: Token) -> str | None:
        """ "they": the nearest earlier subject, in its sentence or the two before, when it is a
        group that can speak (a plural noun for people or institutions, "Democrats", "top
        lawmakers"); None when that subject is anything else or is far."""
        doc = self.doc
        lo = doc[pron.sent.start].sent.start
        for _ in range(2):
            if lo > 0:
                lo = doc[lo - 1].sent.start
        for i in range(pron.i - 1, lo - 1, -1):
            t = doc[i]
            if t.dep_ not in SUBJECTS or t.pos_ not in ("NOUN", "PROPN", "PRON"):
                continue
            if t.pos_ == "PRON" or t.tag_ not in ("NNS", "NNPS"):
                return None  # a singular or pronoun subject stands nearer: not sure who "they" are
            if not (t.ent_type_ in ("NORP", "ORG") or t.lemma_.lower() in self.agents or t.lower_ in self.agents):
                return None
            a, b = np_span(doc, t)
            words = [w for w in doc[a:b] if not (w.is_punct or w.is_space)]
            while words and words[0].dep_ == "det":
                words = words[1:]
            if not words or any(w.i > t.i for w in words):
                return None  # "officials in the city": the words after the noun name no one
            return doc[words[0].i:words[-1].i + 1].text
        return None

    def _surnames(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Subjects in [lo, hi) that the tagger did not take for a PERSON but that are the last
        name of exactly one person of the article ("Clinton" read as an organisation)."""
        out = []
        for t in self.doc[lo:hi]:
            if t.pos_ == "PROPN" and t.dep_ in SUBJECTS and t.ent_type_ != "PERSON":
                full = {n for n, parts in self._parts() if len(parts) > 1 and parts[-1] == t.text}
                if len(full) == 1:
                    out.append((t.i, t.i + 1, full.pop()))
        return out

    def _title(self, span: Span, root: Token) -> str | None:
        """"the mayor" -> the one earlier person introduced with that title."""
        words = {t.lemma_.lower() for t in span if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i <= root.i}
        if not words:
            return None
        found: set[str] = set()
        for k, (a, _, name) in enumerate(self.persons):
            if a >= span.start:
                break
            if words <= self._around(k):
                found.add(name)
        return next(iter(found)) if len(found) == 1 else None

    def _around(self, k: int) -> set[str]:
        """The lower-cased lemmas around person mention `k` (the subtrees of its root and of what
        it stands in apposition or compound to), read once per mention."""
        around = self._around_of.get(k)
        if around is None:
            a, b, _ = self.persons[k]
            ent_root = self.doc[a:b].root
            top = ent_root
            while top.dep_ in ("appos", "compound") and top.head.i != top.i:
                top = top.head
            around = self._around_of[k] = {t.lemma_.lower() for t in top.subtree} | {t.lemma_.lower() for t in ent_root.subtree}
        return around

    def _parts(self) -> list[tuple[str, tuple[str, ...]]]:
        """Each person mention's full name with its words, split once per document."""
        if self._name_parts is None:
            self._name_parts = [(n, tuple(n.split())) for _, _, n in self.persons]
        return self._name_parts


def _sentences_between(doc: Doc, a: int, b: int) -> int:
    return sum(1 for t in doc[a:b] if t.is_sent_start)


def _is_part(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    n = len(short)
    return any(full[i:i + n] == short for i in range(len(full) - n + 1))

