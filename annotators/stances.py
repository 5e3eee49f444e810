"""Stances: who is for or against what, as STANCE spans with a HOLDER and a TARGET.

Reads the one parse and the layers already written. Cue words are found by lemma, over the token
arrays (word lists in `data/stances_cues.json`): verbs whose subject holds a position on their object
("X opposes Y", "push for Y"), nouns of position ("the rejection of Y"), and predicates that judge
their subject in attributed content ("Y would be a mistake", he said). The holder is a span another
layer wrote: the named entity that is the cue's subject, else the SOURCE of the quote the cue is in.
Agent nouns hold a position for the name they describe ("Gaetz, a Trump supporter"); a judging
word in a quote is its source's position on the nearest named agent of the quoted sentence; a
subject "he"/"she" that no quote names is the last named person subject of its or the previous
sentence. Targets take the canonical name of the entity they are, belong to ("Biden's
leadership"), contain as an agent ("the decision of Putin") or, for a bare title ("the
president"), of the last person introduced with that title.
Nothing is guessed: a cue without a holder span or a target emits no stance.

Decisions: a negated favor cue is against (withheld support, "did not back"), a negated against cue
is neutral ("did not oppose" is not support), a negated judgment ("Y is not a mistake") takes no
side and emits nothing; a hedged cue ("may support") is neutral; cues in questions and conditional
clauses ("if X backs Y") and cues whose object is the subject of an infinitive ("urged X to go")
state no position on that object and emit nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.symbols import ADJ, NOUN, VERB
from spacy.tokens import Doc, Token

from .base import DATA as _DATA_DIR, Layer, LayerWriter, WordListComponent, annotations_of, require, shared, write_layer

__all__ = ["StanceAnnotator", "Stance", "load_lexicon", "extract"]

DATA = Path(__file__).parent / "data" / "stances_cues.json"

# Holders are agents: people, groups, organisations, states, and quoted sources.
HOLDER_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE"})
NAMED = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
PLACES = frozenset({"GPE", "LOC", "FAC"})
AGENTS = frozenset({"PERSON", "NORP", "ORG"})
_SUBJECTS = frozenset({"nsubj", "csubj"})
_INHERIT = frozenset({"xcomp", "conj", "advcl"})
_COPULAS = frozenset({"be", "remain", "seem", "become", "look", "sound", "appear", "prove"})
_THIRD_PERSON = frozenset({"he", "she"})
_LEAD_SKIP = frozenset({"det", "predet", "poss", "case", "punct", "mark", "aux", "preconj"})
_LEAD_WORDS = frozenset({"any", "such", "all", "every", "further", "more", "continued"})
MAX_TARGET = 30  # tokens: a longer "target" is a clause we cannot name


@dataclass(frozen=True)
class Stance:
    """One stance as token ranges [start, end) and the holder's record span."""

    cue: tuple[int, int]
    polarity: str
    holder: dict[str, Any]
    target: tuple[int, int]
    name: str


def load_lexicon(path: Path = DATA) -> dict[str, Any]:
    """The stance cue lists, loaded once per component."""
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


class _Context:
    """The spans other layers wrote on this doc, indexed by token: holders must be one of them."""

    def __init__(self, doc: Doc) -> None:
        layers = annotations_of(doc)
        self.entity_at: dict[int, dict[str, Any]] = {}
        ents = layers.get("entities")
        if ents is not None:
            for s in ents.spans:
                if s["label"] in NAMED:
                    for i in range(s["token_start"], s["token_end"] + 1):
                        self.entity_at[i] = s
        self.subjects: list[tuple[int, dict[str, Any]]] | None = None
        self.source_at: dict[int, dict[str, Any]] = {}
        self.quotes: list[tuple[int, int, dict[str, Any]]] = []
        quotes = layers.get("quotes")
        if quotes is not None:
            for rel in quotes.relations:
                if rel["label"] != "SOURCE":
                    continue
                src = next((s for s in quotes.spans if s["label"] == "SOURCE" and s["start"] == rel["child_span"]["start"] and s["end"] == rel["child_span"]["end"]), None)
                if src is None:
                    continue
                q = rel["head_span"]
                self.quotes.append((q["token_start"], q["token_end"] + 1, src))
                for i in range(src["token_start"], src["token_end"] + 1):
                    self.source_at[i] = src
            self.quotes.sort(key=lambda q: q[1] - q[0])  # innermost first

    def antecedent(self, doc: Doc, pron: Token) -> dict[str, Any] | None:
        """The last PERSON that was the subject of a clause before `pron`, in its sentence or the
        one before it: the usual referent of a subject "he" or "she" in news prose."""
        sent = pron.sent
        first = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        return self.antecedent_at(doc, pron.i, first)

    def antecedent_at(self, doc: Doc, i: int, first: int) -> dict[str, Any] | None:
        """`antecedent` of the pronoun at token `i`, looking back to token `first`."""
        if self.subjects is None:
            self.subjects = []
            for j, s in sorted(self.entity_at.items()):
                if s["label"] == "PERSON" and doc[j].dep_ in ("nsubj", "nsubjpass") and doc[j].head.i not in range(s["token_start"], s["token_end"] + 1):
                    self.subjects.append((j, s))
        best = None
        for j, s in self.subjects:
            if j >= i:
                break
            if j >= first:
                best = s
        return best

    def titled(self, doc: Doc, titles: dict[str, str], noun: Token) -> dict[str, Any] | None:
        """The last PERSON before `noun` written after the title that `noun` names ("President
        Barack Obama ... the president")."""
        return self.titled_at(doc, titles, noun.lemma_.lower(), noun.i)

    def titled_at(self, doc: Doc, titles: dict[str, str], lemma: str, at: int) -> dict[str, Any] | None:
        """`titled` for the noun of (lower-cased) `lemma` at token `at`."""
        want = titles[lemma]
        best = None
        for i, s in sorted(self.entity_at.items()):
            if i >= at:
                break
            if s["label"] != "PERSON" or i != s["token_start"]:
                continue
            for j in (i, i - 1):  # the title inside the span or just before it
                if 0 <= j < len(doc) and titles.get(doc[j].lower_) == want:
                    best = s
        return best

    def quote_source(self, i: int) -> dict[str, Any] | None:
        for a, b, src in self.quotes:
            if a <= i < b:
                return src
        return None

    def entity(self, tok: Token, labels: frozenset[str] = HOLDER_LABELS) -> dict[str, Any] | None:
        """The entity span that `tok` heads (or an apposition to it names: "his counterpart Sameh Shoukry")."""
        s = self.entity_at.get(tok.i)
        if s is not None and s["label"] in labels:
            return s
        for c in tok.children:
            if c.dep_ == "appos":
                s = self.entity_at.get(c.i)
                if s is not None and s["label"] in labels and s["token_start"] <= c.i <= s["token_end"]:
                    return s
        return None


def extract(doc: Doc) -> Layer:
    """The stances of a parsed `doc` as plain data: STANCE and TARGET spans, HOLDER and TARGET
    relations. Holders are spans of the entities or quotes layer, so `doc` must carry at least
    one of them (from the components, or `annotators.base.write_layer`); the shipped word lists,
    no pipeline needed. `doc` is not changed."""
    return shared(StanceAnnotator, doc).annotate(doc)  # type: ignore[no-any-return]


class StanceAnnotator(WordListComponent):
    """Writes the stances layer: STANCE and TARGET spans, HOLDER and TARGET relations."""

    layer = "stances"

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.use_word_lists(_DATA_DIR)

    def load(self, folder: Path) -> None:
        """Read the stance word lists from `folder` and index the cue words."""
        lex = load_lexicon(Path(folder) / DATA.name)
        self.verbs: dict[str, str] = {w: pol for pol, ws in lex["verbs"].items() for w in ws}
        self.not_place = frozenset(lex["not_place_object"])
        self.verb_preps: dict[str, dict[str, str]] = lex["verb_preps"]
        self.particles: dict[str, str] = lex["verb_preps_particles"]
        self.adj_preps: dict[str, dict[str, str]] = lex["adj_preps"]
        self.nouns: dict[str, str] = {w: pol for pol, ws in lex["nouns"].items() for w in ws}
        self.noun_preps = frozenset(lex["noun_preps"])
        self.carriers = frozenset(lex["carriers"])
        self.eval_adj: dict[str, str] = {w: pol for pol, ws in lex["evaluative_adjectives"].items() for w in ws}
        self.eval_noun: dict[str, str] = {w: pol for pol, ws in lex["evaluative_nouns"].items() for w in ws}
        self.eval_verb: dict[str, str] = {w: pol for pol, ws in lex["evaluative_verbs"].items() for w in ws}
        self.hedges = frozenset(lex["hedges"])
        self.conditional = frozenset(lex["conditional_marks"])
        self.first_person = frozenset(lex["first_person"])
        self.expletives = frozenset(lex["expletives"])
        self.pronouns = frozenset(lex["pronouns"])
        self.prep_objects: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in lex["verb_prep_objects"].items()}
        self.labelling = frozenset(lex["labelling"])
        self.complaint = frozenset(lex["complaint"])
        self.titles: dict[str, str] = {w.lower(): t for t, ws in lex["titles"].items() for w in ws}
        self.agents: dict[str, str] = {w: pol for pol, ws in lex["agent_nouns"].items() for w in ws}
        # the cue words as string ids, matched against the doc's token arrays: a verb lemma with POS
        # VERB, a noun lemma (position or judging noun, agent noun) with POS NOUN, an adjective form
        # with POS ADJ or VERB; cues come in token order, the kinds of one token in that order
        strings = self.vocab.strings
        ids = {
            "VERB": set(self.verbs) | set(self.verb_preps) | set(self.eval_verb) | self.labelling | self.complaint,
            "NOUN": set(self.nouns) | set(self.eval_noun),
            "AGENT": set(self.agents),
            "ADJ": set(self.eval_adj) | set(self.adj_preps),
        }
        self.cue_ids: dict[str, frozenset[int]] = {k: frozenset(strings.add(w) for w in ws) for k, ws in ids.items()}
        self._lemma_cues = np.array(sorted(self.cue_ids["VERB"] | self.cue_ids["NOUN"] | self.cue_ids["AGENT"]), dtype=np.uint64)
        self._form_cues = np.array(sorted(self.cue_ids["ADJ"]), dtype=np.uint64)

    def cues(self, doc: Doc) -> list[tuple[str, int]]:
        """The cue words of `doc` as (kind, token index), in token order."""
        arr = doc.to_array([LEMMA, LOWER, POS])
        lemma, lower, pos = arr[:, 0], arr[:, 1], arr[:, 2]
        hits = np.flatnonzero(in_sorted(lemma, self._lemma_cues) | in_sorted(lower, self._form_cues))
        verbs, nouns, agents, adjs = self.cue_ids["VERB"], self.cue_ids["NOUN"], self.cue_ids["AGENT"], self.cue_ids["ADJ"]
        out: list[tuple[str, int]] = []
        for i, lm, lw, p in zip(hits.tolist(), lemma[hits].tolist(), lower[hits].tolist(), pos[hits].tolist()):
            if p == VERB and lm in verbs:
                out.append(("VERB", i))
            if p == NOUN:
                if lm in nouns:
                    out.append(("NOUN", i))
                if lm in agents:
                    out.append(("AGENT", i))
            if (p == ADJ or p == VERB) and lw in adjs:
                out.append(("ADJ", i))
        return out

    # -- the component -------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        write_layer(doc, "stances", self.annotate(doc))
        return doc

    def annotate(self, doc: Doc) -> Layer:
        """The stances layer of `doc` as plain data; `doc` is left as it is."""
        require(doc, self.name, needs=("parse", "tags", "lemmas", "ents"))
        # a holder must be a span in the record, and only these layers write them: without them
        # every stance would be dropped, so say so instead of writing an empty layer
        require(doc, self.name, layers=("entities", "quotes"), any_layer=True)
        writer = LayerWriter(doc, "stances")
        if len(doc):
            seen: set[tuple[Any, ...]] = set()
            for st in self.extract(doc):
                key = (st.cue, st.target, st.holder["start"], st.holder["end"], st.holder["label"])
                if key in seen:
                    continue
                seen.add(key)
                stance = writer.add(doc[st.cue[0]:st.cue[1]], "STANCE", {"polarity": st.polarity})
                target = writer.add(doc[st.target[0]:st.target[1]], "TARGET", {"name": st.name} if st.name else None)
                writer.relate("HOLDER", stance, st.holder)
                writer.relate("TARGET", stance, target)
        return writer.result()

    def extract(self, doc: Doc) -> list[Stance]:
        """The stances of `doc`, in cue order; a cue whose holder or target is not found gives none."""
        ctx = _Context(doc)
        out: list[Stance] = []
        for kind, start in self.cues(doc):
            tok = doc[start]
            if _in_question(tok):
                continue
            if kind == "VERB":
                found = self._from_verb(doc, ctx, tok)
            elif kind == "NOUN":
                found = self._from_noun(doc, ctx, tok)
            elif kind == "AGENT":
                found = self._from_agent(doc, ctx, tok)
            else:
                found = self._from_adj(doc, ctx, tok)
            if not found:
                found = self._in_quote(doc, ctx, tok)
            out.extend(found)
        return out

    # -- cues ----------------------------------------------------------------------------------

    def _from_verb(self, doc: Doc, ctx: _Context, verb: Token) -> list[Stance]:
        lemma = verb.lemma_.lower()
        if verb.dep_ in ("amod", "compound") or self._conditional(verb) or _wished(verb):
            return []
        if lemma in self.eval_verb and lemma not in self.verbs:
            return self._evaluative(doc, ctx, verb, verb, self.eval_verb[lemma], (verb.i, verb.i + 1))
        polarity: str | None = None
        target_root: Token | None = None
        cue_end = verb.i + 1
        preps = self.verb_preps.get(lemma)
        needs = self.prep_objects.get(lemma)
        if preps and needs is not None and not any(c.dep_ == "dobj" and c.lemma_.lower() in needs for c in verb.children):
            preps = None  # "took aim at", not "took a photo at"
        if preps:
            particle = self.particles.get(lemma)
            for c in verb.rights:
                if particle and c.dep_ == "prt" and c.lower_ != particle:
                    return []
                if c.dep_ == "prep" and c.lower_ in preps:
                    pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if pobj is not None:
                        polarity, target_root, cue_end = preps[c.lower_], pobj, c.i + 1
                        break
        if target_root is None and lemma in self.labelling:
            return self._labelling(doc, ctx, verb)
        if target_root is None and lemma in self.complaint:
            return self._complaint(doc, ctx, verb)
        if target_root is None and lemma in self.verbs:
            polarity = self.verbs[lemma]
            target_root = self._verb_object(verb)
            if target_root is not None and lemma in self.not_place and ctx.entity(target_root, PLACES) is not None:
                return []
        if target_root is None or polarity is None:
            return []
        if _controls_infinitive(verb, target_root):
            return []  # "welcomed Democrats to sign", "called for X to resign": the position is on the act
        holder = self._holder(doc, ctx, verb)
        if holder is None:
            return []
        polarity = self._modify(verb, polarity)
        cue = (self._cue_start(verb), cue_end if cue_end - verb.i <= 4 else verb.i + 1)
        return self._stances(doc, ctx, cue, polarity, holder, target_root)

    def _labelling(self, doc: Doc, ctx: _Context, verb: Token) -> list[Stance]:
        """ "X called the letter deeply irresponsible", "described him as a liar": the object is
        judged by its complement, whose evaluative word gives the polarity."""
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        comp = next((c for c in verb.children if c.dep_ in ("oprd", "xcomp", "ccomp") and (obj is None or c.i > obj.i)), None)
        if comp is None:
            prep = next((c for c in verb.rights if c.dep_ == "prep" and c.lower_ == "as"), None)
            comp = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep is not None else None
        if comp is None:
            return []
        if obj is None and comp.dep_ == "ccomp":  # "called the letter is irresponsible": the parser's reading
            obj = _subject(comp)
            comp = next((c for c in comp.children if c.dep_ in ("acomp", "attr")), comp)
        elif obj is not None and comp.dep_ == "ccomp":
            return []
        if obj is None:
            return []
        words = [comp] + [c for c in comp.children if c.dep_ in ("amod", "acomp", "attr", "advmod")]
        found = {p for w in words for p in (self.eval_adj.get(w.lower_), self.eval_noun.get(w.lemma_.lower())) if p}
        if len(found) != 1:
            return []
        holder = self._holder(doc, ctx, verb)
        if holder is None:
            return []
        polarity = self._modify(verb, found.pop())
        return self._stances(doc, ctx, (self._cue_start(verb), verb.i + 1), polarity, holder, obj)

    def _complaint(self, doc: Doc, ctx: _Context, verb: Token) -> list[Stance]:
        """ "X fumed that Republicans have made Lynch wait": a complaint is against the named
        subject of its clause; a clause without a named subject gives nothing."""
        clause = next((c for c in verb.rights if c.dep_ == "ccomp"), None)
        subj = _subject(clause) if clause is not None else None
        if subj is None or ctx.entity(subj) is None:
            return []
        holder = self._holder(doc, ctx, verb)
        if holder is None:
            return []
        polarity = self._modify(verb, "against")
        if polarity != "against":
            return []
        return self._stances(doc, ctx, (self._cue_start(verb), verb.i + 1), polarity, holder, subj)

    def _verb_object(self, verb: Token) -> Token | None:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if passive:
            return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        for c in verb.children:
            if c.dep_ == "dobj":
                if c.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                    return verb.head  # "the plan, which X rejected"
                if c.pos_ == "PRON" and c.lower_ in self.expletives:
                    return None
                return c
        for c in verb.children:
            if c.dep_ == "xcomp" and c.tag_ == "VBG":  # "opposed sending troops"
                return c
        return None

    def _from_noun(self, doc: Doc, ctx: _Context, noun: Token) -> list[Stance]:
        lemma = noun.lemma_.lower()
        if lemma in self.eval_noun and noun.dep_ == "attr":
            return self._evaluative(doc, ctx, noun, noun.head, self.eval_noun[lemma], self._pred_span(noun))
        if lemma not in self.nouns:
            return []
        prep = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ in self.noun_preps), None)
        pobj = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep is not None else None
        if pobj is None or prep is None:
            return []
        holder: dict[str, Any] | None = None
        head = noun.head
        if noun.dep_ == "dobj" and head.lemma_.lower() in self.carriers:
            if self._conditional(head):
                return []
            holder = self._holder(doc, ctx, head)
            polarity = self._modify(head, self.nouns[lemma])
        else:
            polarity = self.nouns[lemma]
        if holder is None:
            owner = next((c for c in noun.lefts if c.dep_ in ("poss", "compound")), None)
            if owner is not None:
                holder = ctx.entity(owner)
        if holder is None:
            return []
        cue = (noun.i, prep.i + 1) if prep.i == noun.i + 1 else (noun.i, noun.i + 1)
        return self._stances(doc, ctx, cue, polarity, holder, pobj)

    def _from_agent(self, doc: Doc, ctx: _Context, noun: Token) -> list[Stance]:
        """ "Matt Gaetz, a Trump supporter", "X is a fierce critic of Y", "Trump ally Lindsey
        Graham": the noun's referent (a named entity) holds the position on its complement."""
        target = None
        prep = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        if prep is not None:
            target = next((g for g in prep.children if g.dep_ == "pobj"), None)
        if target is None:
            target = next((c for c in noun.lefts if c.dep_ in ("compound", "poss") and ctx.entity(c, NAMED) is not None), None)
        if target is None or target.i == noun.i:
            return []
        holder: dict[str, Any] | None = None
        if noun.dep_ in ("appos", "compound"):
            holder = ctx.entity(noun.head)  # "Gaetz, a Trump supporter"; "Trump ally Lindsey Graham"
        elif noun.dep_ == "attr" and noun.head.lemma_ == "be" and not self._conditional(noun.head):
            subj = _subject(noun.head)
            holder = (ctx.entity(subj) or ctx.source_at.get(subj.i)) if subj is not None else None
        else:
            holder = next((ctx.entity(c) for c in noun.children if c.dep_ == "appos" and ctx.entity(c) is not None), None)
        if holder is None or holder["token_start"] <= target.i <= holder["token_end"]:
            return []
        polarity = self.agents[noun.lemma_.lower()]
        if noun.dep_ == "attr":
            polarity = self._modify(noun.head, polarity, noun)
            if polarity == "neutral":
                return []
        return self._stances(doc, ctx, (noun.i, noun.i + 1), polarity, holder, target)

    def _in_quote(self, doc: Doc, ctx: _Context, word: Token) -> list[Stance]:
        """ "“McConnell is doing a terrible job,” Cruz said": a judging word in a quote is the
        quote's source's position on a named agent of that quoted sentence: the nearest one, in the
        word's own clause first (each judging word is a cue of its own; a negated one takes no side)."""
        low, lemma = word.lower_, word.lemma_.lower()
        polarity = (self.eval_adj.get(low) if word.pos_ == "ADJ" else self.eval_noun.get(lemma) if word.pos_ == "NOUN"
                    else self.verbs.get(lemma) if word.pos_ == "VERB" else None)
        if polarity not in ("favor", "against"):
            return []
        src = ctx.quote_source(word.i)
        if src is None or doc[src["token_start"]].lower_ in self.pronouns and not (src.get("attrs") or {}).get("name"):
            return []
        clause = _clause(word)
        if self._conditional(clause):
            return []
        pol = self._modify(clause, polarity, word)
        if pol == "neutral":
            return []
        candidates: list[tuple[bool, int, Token]] = []
        for tok in word.sent:
            ent = ctx.entity_at.get(tok.i)
            if ent is None or ent["label"] not in HOLDER_LABELS or ent is src:
                continue
            if tok.head.i != tok.i and ent["token_start"] <= tok.head.i <= ent["token_end"]:
                continue  # only the entity's head word
            other = _clause(tok).i != clause.i
            if ctx.quote_source(tok.i) is not src or ent["label"] in PLACES and other:
                continue  # a place is judged only in the judging word's own clause, agents in the whole sentence
            if (src.get("attrs") or {}).get("name") == (ent.get("attrs") or {}).get("name") or src["token_start"] <= tok.i <= src["token_end"]:
                continue
            candidates.append((other, abs(tok.i - word.i), tok))
        for _, _, root in sorted(candidates, key=lambda c: (c[0], c[1])):
            found = self._stances(doc, ctx, (word.i, word.i + 1), pol, src, root)
            if found:
                return found  # one target per cue: the nearest agent, in the word's own clause first
        return []

    def _from_adj(self, doc: Doc, ctx: _Context, adj: Token) -> list[Stance]:
        low = adj.lower_
        preps = self.adj_preps.get(low)
        if preps and adj.dep_ in ("acomp", "ROOT", "conj"):
            for c in adj.rights:
                if c.dep_ == "prep" and c.lower_ in preps:
                    pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if pobj is None:
                        continue
                    verb = adj.head if adj.dep_ == "acomp" else adj
                    if self._conditional(verb):
                        return []
                    holder = self._holder(doc, ctx, verb)
                    if holder is None:
                        return []
                    polarity = self._modify(verb, preps[c.lower_], adj)
                    return self._stances(doc, ctx, (adj.i, c.i + 1), polarity, holder, pobj)
        if low in self.eval_adj and adj.dep_ == "acomp" and adj.head.lemma_.lower() in _COPULAS:
            return self._evaluative(doc, ctx, adj, adj.head, self.eval_adj[low], self._pred_span(adj))
        return []

    def _evaluative(self, doc: Doc, ctx: _Context, pred: Token, verb: Token, polarity: str, cue: tuple[int, int]) -> list[Stance]:
        """ "Y is unnecessary", "Y would be a mistake", "Y would worsen the situation": the judged
        subject is the target; the holder is whoever the clause is attributed to."""
        if self._conditional(verb):
            return []
        subj = _subject(verb)
        target: Token | None = subj
        if subj is None:
            # "said [a major offensive] ... is unnecessary": the parser took the subject for the
            # reporting verb's object
            first = verb
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head
            if first.dep_ == "ccomp":
                target = next((c for c in first.head.children if c.dep_ == "dobj" and c.i < first.i), None)
        elif subj.pos_ == "PRON":
            if subj.lower_ != "it":
                return []
            # "it would be a mistake to launch Y", "it is wrong that Y": the extraposed clause
            clause = next((c for c in list(pred.children) + list(verb.children) if c.i > pred.i and (
                c.dep_ in ("xcomp", "acl", "ccomp") and any(a.tag_ == "TO" or a.dep_ == "mark" and a.lower_ == "that" for a in c.children))), None)
            target = clause  # "it would be a mistake to launch Y"
        if target is None:
            return []
        holder = self._attributed_holder(doc, ctx, verb)
        if holder is None:
            return []
        polarity = self._modify(verb, polarity, pred)
        if polarity == "neutral":
            return []  # "X is not a mistake", "no more harmful than Y": a denied judgment takes no side
        return self._stances(doc, ctx, cue, polarity, holder, target)

    # -- holders -------------------------------------------------------------------------------

    def _holder(self, doc: Doc, ctx: _Context, verb: Token) -> dict[str, Any] | None:
        """The span of the cue's subject (a named entity or a quoted source), or, for a first
        person speaking inside a quote, that quote's SOURCE."""
        subj = _subject(verb)
        if subj is None:
            return None
        found = ctx.entity(subj) or ctx.source_at.get(subj.i)
        if found is not None and found["label"] == "SOURCE" and subj.lower_ in _THIRD_PERSON and not (found.get("attrs") or {}).get("name"):
            found = None  # a pronoun source the quotes layer left unnamed: resolve it below
        if found is not None:
            if found["label"] in PLACES and _relative_who(verb):
                return None  # "a worker from Des Moines who supports X": "who" is never a place
            if _is_dateline(doc, found):
                return None
            return found
        low = subj.lower_
        if subj.pos_ == "PRON" and (low in self.first_person or low in _THIRD_PERSON):
            # "I support ...", inside Blinken's quote, is Blinken; so is "he supports" in
            # "Blinken said he supports ...": reported speech keeps its speaker as subject
            src = ctx.quote_source(verb.i) if low in self.first_person else self._reporting_source(ctx, verb)
            if src is None and low in _THIRD_PERSON:
                # "Cruz spoke on Friday. He blasted McConnell": the last named person who was a subject
                return ctx.antecedent(doc, subj)
            return src
        return None

    def _reporting_source(self, ctx: _Context, verb: Token) -> dict[str, Any] | None:
        """The source of the indirect quote whose reporting clause `verb` is the complement of."""
        head = _clause_head(verb)
        if head is None:
            return None
        return ctx.quote_source(verb.i)

    def _attributed_holder(self, doc: Doc, ctx: _Context, verb: Token) -> dict[str, Any] | None:
        """Who a judging clause is attributed to: its quote's SOURCE, else the named subject of the
        verb that reports it ("X said [Y is a mistake]")."""
        src = ctx.quote_source(verb.i)
        if src is not None:
            return src
        head = _clause_head(verb)
        if head is None:
            return None
        subj = _subject(head)
        return ctx.entity(subj) if subj is not None else None

    # -- polarity ------------------------------------------------------------------------------

    def _modify(self, verb: Token, polarity: str, pred: Token | None = None) -> str:
        """Negation and hedging change the polarity (see the module docstring)."""
        words = list(verb.children) + (list(pred.children) if pred is not None else [])
        negated = any(c.dep_ == "neg" or c.lower_ in ("never", "no") and c.dep_ in ("neg", "advmod", "det") for c in words)
        if pred is not None and pred.dep_ == "attr":
            negated = negated or any(c.lower_ == "no" for c in pred.children)
        if negated:
            return "against" if polarity == "favor" else "neutral"
        if any(c.dep_ == "aux" and c.lower_ in self.hedges for c in words):
            return "neutral"
        return polarity

    def _conditional(self, verb: Token) -> bool:
        tok = verb
        for _ in range(3):
            if any(c.dep_ == "mark" and c.lower_ in self.conditional for c in tok.children):
                return True
            if tok.dep_ not in _INHERIT or tok.head.i == tok.i:
                return False
            tok = tok.head
        return False

    # -- spans ---------------------------------------------------------------------------------

    def _cue_start(self, verb: Token) -> int:
        start = verb.i
        for c in sorted((c for c in verb.lefts if c.dep_ in ("aux", "neg", "auxpass")), key=lambda t: -t.i):
            if c.i == start - 1 and c.tag_ != "TO":
                start = c.i
        return start

    def _pred_span(self, pred: Token) -> tuple[int, int]:
        """ "would be a mistake", "is unnecessary": the predicate with its copula and auxiliaries
        when they are written next to it (no quotation mark in between)."""
        start = pred.i
        verb = pred.head
        allowed = {c.i for c in pred.lefts if c.dep_ in ("det", "amod", "advmod", "neg")}
        allowed |= {verb.i} | {c.i for c in verb.lefts if c.dep_ in ("aux", "neg")}
        while start - 1 >= 0 and (start - 1) in allowed:
            start -= 1
        return start, pred.i + 1

    def _stances(self, doc: Doc, ctx: _Context, cue: tuple[int, int], polarity: str, holder: dict[str, Any], root: Token) -> list[Stance]:
        """One stance per cue: its target spans a whole coordination ("the displacement of
        Palestinians or the reoccupation of Gaza") and is named after the first conjunct."""
        if root.pos_ == "PRON" or root.lower_ in self.pronouns:
            return []  # "rejected it": who or what "it" is, we do not guess
        holder_text = doc[holder["token_start"]:holder["token_end"] + 1].text.lower()
        if holder_text in self.pronouns and not (holder.get("attrs") or {}).get("name"):
            return []
        rng = _target_span(doc, root, coordination=True)
        first = _target_span(doc, root)
        if rng is None or first is None or _overlaps(rng, cue) or (holder["token_start"] < rng[1] and rng[0] <= holder["token_end"]):
            return []
        return [Stance(cue, polarity, holder, rng, self._name(doc, ctx, root, first))]

    def _name(self, doc: Doc, ctx: _Context, root: Token, rng: tuple[int, int]) -> str:
        """The entity's name when the target is an entity, else its head noun phrase: the noun with
        its modifiers and an "of" complement ("forced displacement of Palestinians"), without
        determiners, possessors and further attachments ("in Rafah city")."""
        ent = ctx.entity(root, NAMED)
        if ent is None and root.pos_ == "NOUN":
            # "praised Biden's leadership", "vote against Lynch's confirmation": a position on
            # what a named agent did or has is a position on that agent
            owner = next((c for c in root.lefts if c.dep_ == "poss"), None)
            ent = ctx.entity(owner, HOLDER_LABELS) if owner is not None else None
        if ent is None and root.pos_ == "NOUN":
            # "criticised the way local officials handled it", "opposed the plan of the Trump
            # administration": a phrase about what a named agent did is named after that agent
            ent = next((s for i in range(rng[0], rng[1]) if (s := ctx.entity_at.get(i)) is not None and s["label"] in AGENTS
                        and doc[i].head.i != root.i), None)  # not a modifier of the noun itself ("the Brexit deal")
        if ent is not None and rng[0] <= ent["token_start"] and ent["token_end"] < rng[1]:
            return _entity_name(doc, ent)
        if ent is None and root.pos_ == "NOUN" and root.lemma_.lower() in self.titles and not any(
                c.dep_ in ("prep", "relcl", "acl", "appos", "amod") for c in root.children):
            # "the president", "the majority leader": the last person the article named with that title
            titled = ctx.titled(doc, self.titles, root)
            if titled is not None:
                return _entity_name(doc, titled)
        lo, hi = rng
        if root.pos_ in ("NOUN", "PROPN", "NUM"):
            hi = min(hi, root.i + 1)
            of = next((c for c in root.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
            if pobj is not None and pobj.i < rng[1]:
                hi = pobj.i + 1
        possessor = {t.i for c in root.lefts if c.dep_ == "poss" for t in c.subtree}
        while lo < hi - 1 and (doc[lo].dep_ in _LEAD_SKIP or doc[lo].lower_ in _LEAD_WORDS or lo in possessor):
            lo += 1
        return doc[lo:hi].text


# -- parse helpers -------------------------------------------------------------------------------


def _subject(verb: Token) -> Token | None:
    """The subject of `verb`, inherited through xcomp/conj/advcl ("will continue to push for"),
    the agent of a passive ("was condemned by X"), the head noun of a relative clause."""
    tok = verb
    for _ in range(4):
        for c in tok.children:
            if c.dep_ in _SUBJECTS:
                if c.tag_ in ("WP", "WDT") and tok.dep_ == "relcl":
                    return tok.head
                return c
        if any(c.dep_ == "nsubjpass" for c in tok.children) or any(c.dep_ == "auxpass" for c in tok.children):
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if tok.dep_ == "relcl":
            return tok.head
        if tok.dep_ in _INHERIT and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX"):
            if tok.dep_ == "conj" and _form(tok) != _form(tok.head):
                return None  # "allowing Syria to hold ... and accusing Russia": conjuncts share a form
            tok = tok.head
            continue
        return None
    return None


def _clause(tok: Token) -> Token:
    """The verb of the clause `tok` is in (itself when it is one)."""
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "parataxis", "conj", "xcomp", "csubj") or t.head.i == t.i:
            return t
        t = t.head
    return t


def _wished(verb: Token) -> bool:
    """An infinitive with a subject of its own ("asked Ukraine to investigate Y", "for X to be
    approved by Z") is someone's wish, not its subject's position."""
    return any(c.tag_ == "TO" for c in verb.children) and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _form(verb: Token) -> str:
    return "finite" if verb.tag_ in ("VBD", "VBZ", "VBP", "MD") else verb.tag_


def _relative_who(verb: Token) -> bool:
    tok = verb
    for _ in range(4):
        if any(c.lower_ == "who" and c.dep_ in _SUBJECTS for c in tok.children):
            return True
        if tok.dep_ not in _INHERIT or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _is_dateline(doc: Doc, span: dict[str, Any]) -> bool:
    """ "DES MOINES — ...": a place that opens a line before a dash is where, not who."""
    a, b = span["token_start"], span["token_end"] + 1
    opens = a == 0 or "\n" in doc[a - 1].text or "\n" in doc[a - 1].whitespace_
    return opens and b < len(doc) and doc[b].text in ("—", "–", "-", "--", "(")


def _controls_infinitive(verb: Token, obj: Token) -> bool:
    """Whether an infinitive follows the object ("urged X to withdraw", "call for X to resign")."""
    for c in list(verb.children) + list(obj.children):
        if c.i > obj.i and c.dep_ in ("xcomp", "ccomp", "acl", "advcl") and any(a.tag_ == "TO" for a in c.children):
            return True
    return False


def _clause_head(verb: Token) -> Token | None:
    """The verb that `verb`'s clause is the complement of ("X said [Y is a mistake]")."""
    tok = verb
    for _ in range(4):
        if tok.dep_ == "ccomp" and tok.head.pos_ in ("VERB", "AUX"):
            return tok.head
        if tok.dep_ in ("conj", "xcomp") and tok.head.i != tok.i:
            tok = tok.head
            continue
        return None
    return None


def _target_span(doc: Doc, root: Token, coordination: bool = False) -> tuple[int, int] | None:
    """The phrase of `root` without relative clauses and appositions, and without its coordinated
    parts unless `coordination`."""
    lo, hi = root.left_edge.i, root.right_edge.i + 1
    cut = {"relcl", "appos", "advcl", "parataxis"} | (set() if coordination else {"conj", "cc", "punct"})
    for c in root.rights:
        if c.dep_ in cut:
            hi = min(hi, c.left_edge.i)
    for t in doc[lo:hi]:
        if t.i != root.i and t.dep_ in ("appos", "relcl"):
            hi = min(hi, t.left_edge.i)
    if root.pos_ in ("VERB", "AUX"):
        while lo < root.i and doc[lo].dep_ in ("aux", "mark"):
            lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space or doc[hi - 1].dep_ in ("cc", "prep")):
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    if hi <= lo or hi - lo > MAX_TARGET or not lo <= root.i < hi:
        return None
    return lo, hi


def _in_question(tok: Token) -> bool:
    sent = tok.sent
    last = sent[-1]
    while last.i > sent.start and (last.is_space or last.text in ('"', "”", "’", "'")):
        last = last.doc[last.i - 1]
    return last.text == "?"



def in_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Which of `values` are in the sorted array `table` (as `np.isin`, by binary search)."""
    if not len(table):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return np.asarray(table[at] == values)


def _overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _entity_name(doc: Doc, ent: dict[str, Any]) -> str:
    """The entity's canonical name (the entities layer's attrs.name), else its text."""
    return str((ent.get("attrs") or {}).get("name") or doc[ent["token_start"]:ent["token_end"] + 1].text)
