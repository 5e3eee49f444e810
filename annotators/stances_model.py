"""Stances scored by a linear model: every (holder, target) pair a sentence offers is a candidate.

Holders are the named agents of a sentence (entities, a subject "he"/"she" resolved to the last
named person), the SOURCE of a quote it belongs to or of the quotes of the two sentences before it,
and the author (no holder span). Targets are its named entities and noun chunks, named as the rule
layer names them ("the president" after the person introduced with that title). Each pair gets
sparse features from the one parse and the other layers (the dependency path between the two, the
rule lexicon's cue words on it, quotes, negation and hedges, the rule layer's own verdict), and a
multinomial linear model scores favor / against / none. The model is plain JSON (feature names,
coefficients, intercepts) scored with numpy: no pickle, nothing executable in a model folder.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
import json
import math
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.language import Language
from spacy.symbols import NOUN as NOUN_ID, PRON as PRON_ID, PROPN as PROPN_ID
from spacy.tokens import Doc, Token

from .base import LayerWriter, require
from .errors import AnnotatorError
from .stances import _LEAD_SKIP, _LEAD_WORDS, AGENTS, HOLDER_LABELS, NAMED, Stance, StanceAnnotator, _Context, _entity_name, in_sorted

__all__ = ["CLASSES", "FORMAT", "FORMAT_VERSION", "DEFAULT_MODEL", "Candidate", "StanceModel", "StanceModelAnnotator", "candidates", "predict"]

FORMAT = "news-corpus/stances-model"
FORMAT_VERSION = 2  # bump when the features or the file layout change: older models are refused
CLASSES = ("favor", "against", "none")
DEFAULT_MODEL = Path(__file__).parent / "data" / "stances_model"
WEIGHTS = "model.json"
CARD = "README.md"

_PERSONAL = frozenset({"he", "she", "him", "her", "his"})
_MAX_PATH = 6  # longer dependency paths are one feature: "far"
_TITLED_DEPS = ("nsubj", "nsubjpass", "poss")  # "the president said", "the speaker's plan"
_MAX_TARGETS = 12  # per sentence, in text order: a long list sentence stays cheap


@dataclass
class Candidate:
    """One (holder, target) pair of a sentence: its spans, canonical names and features."""

    sentence: tuple[int, int]  # the sentence's token range
    holder: dict[str, Any] | None  # the record span that holds the position; None for the author
    holder_name: str | None
    target: tuple[int, int]  # token range of the target phrase
    target_name: str
    anchor: int  # the token that carries the position: a cue word on the path, else where the path turns
    features: list[str] = field(default_factory=list)


class _Holder:
    __slots__ = ("span", "name", "token", "kind")

    def __init__(self, span: dict[str, Any] | None, name: str | None, token: int | None, kind: str) -> None:
        self.span, self.name, self.token, self.kind = span, name, token, kind  # token: the holder's head word


@lru_cache(maxsize=4096)
def _norm(name: str | None) -> str:
    return " ".join((name or "").lower().split())


@lru_cache(maxsize=4096)
def _words(name: str) -> frozenset[str]:
    return frozenset(w for w in _norm(name).replace("'s", "").replace("’s", "").split() if w not in ("the", "a", "an"))


def _same(a: str | None, b: str | None) -> bool:
    """Two names for one thing: equal, or one's words among the other's ("Obama", "Barack Obama")."""
    if not a or not b:
        return False
    wa, wb = _words(a), _words(b)
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


class _Lexicon:
    """The rule layer's cue words by polarity, for features (a word's polarity, not its construction)."""

    def __init__(self, rules: StanceAnnotator) -> None:
        self.polarity: dict[str, str] = {}
        for table in (rules.verbs, rules.nouns, rules.eval_adj, rules.eval_noun, rules.eval_verb, rules.agents):
            for w, p in table.items():
                self.polarity.setdefault(w, p)
        for w, preps in list(rules.verb_preps.items()) + list(rules.adj_preps.items()):
            for _, p in preps.items():
                self.polarity.setdefault(w, p)
        self.hedges = rules.hedges
        self.names: dict[int, str] = {}  # hashes of labels and forms -> their strings, filled as docs come
        self.lemma_names: dict[int, str] = {}  # hashes of lemmas -> lower-cased lemma
        self.lemma_pol: dict[int, str | None] = {}  # hashes of lemmas -> the polarity of the lower-cased lemma
        self.form_pol: dict[int, str | None] = {}  # hashes of lower-case forms -> their polarity
        strings = rules.vocab.strings
        self.neg_id, self.aux_id = strings.add("neg"), strings.add("aux")
        self.np_dep_ids = np.array(sorted(strings.add(d) for d in _NP_DEPS), dtype=np.uint64)
        self.conj_id = strings.add("conj")
        self.personal_ids = np.array(sorted(strings.add(w) for w in _PERSONAL), dtype=np.uint64)
        self.titled_dep_ids = np.array(sorted(strings.add(d) for d in _TITLED_DEPS), dtype=np.uint64)
        self.titles = rules.titles
        self.hedge_ids = np.array(sorted(strings.add(w) for w in self.hedges), dtype=np.uint64)

    def of(self, tok: Token) -> str | None:
        return self.polarity.get(tok.lemma_.lower()) or self.polarity.get(tok.lower_)


class _Arrays:
    """The doc's parse as plain lists, read once: heads, dependency labels, lower-case lemmas and
    forms, coarse tags, cue polarities, and the tokens with a negation or hedge child."""

    __slots__ = ("heads", "deps", "lemmas", "lowers", "pos", "pols", "neg", "hedge", "ups", "forms", "spaces", "names", "kids", "dep_ids", "lower_ids", "pos_ids", "doc")

    def __init__(self, doc: Doc, lexicon: _Lexicon) -> None:
        arr = doc.to_array([DEP, LEMMA, LOWER, POS])
        strings = doc.vocab.strings
        heads_np = np.arange(len(doc)) + doc.to_array([HEAD]).astype(np.int64)
        self.heads: list[int] = heads_np.tolist()
        names, lemma_names, lemma_pol, form_pol = lexicon.names, lexicon.lemma_names, lexicon.lemma_pol, lexicon.form_pol
        dep_ids, lemma_ids, lower_ids, pos_ids = (arr[:, col].tolist() for col in range(4))
        for values in (dep_ids, lower_ids, pos_ids):
            for v in set(values).difference(names):
                names[v] = strings[v]
        table = lexicon.polarity
        for v in set(lemma_ids).difference(lemma_names):
            # lemmas map to their lower-cased form, so they have a table of their own
            lemma_names[v] = strings[v].lower()
            lemma_pol[v] = table.get(lemma_names[v])
        for v in set(lower_ids).difference(form_pol):
            form_pol[v] = table.get(names[v])
        get = names.__getitem__
        self.deps = list(map(get, dep_ids))
        self.lemmas = list(map(lemma_names.__getitem__, lemma_ids))
        self.lowers = list(map(get, lower_ids))
        self.pos = list(map(get, pos_ids))
        self.dep_ids, self.lower_ids, self.pos_ids = arr[:, 0], arr[:, 2], arr[:, 3]
        self.neg = frozenset(heads_np[arr[:, 0] == lexicon.neg_id].tolist())
        self.hedge = frozenset(heads_np[(arr[:, 0] == lexicon.aux_id) & in_sorted(arr[:, 2], lexicon.hedge_ids)].tolist())
        self.pols: list[str | None] = [p or q for p, q in zip(map(lemma_pol.__getitem__, lemma_ids), map(form_pol.__getitem__, lower_ids))]
        self.ups: dict[int, tuple[list[int], dict[int, int]]] = {}
        self.forms: list[str] | None = None  # the tokens' forms and spaces, read when a phrase is named
        self.spaces: list[int] = []
        self.doc, self.names = doc, names
        self.kids: tuple[list[int], list[int]] | None = None

    def children(self, i: int) -> list[int]:
        """The tokens whose head is `i`, in text order (as `Token.children`)."""
        if self.kids is None:
            heads = np.asarray(self.heads, dtype=np.int64)
            heads = np.where(heads == np.arange(len(heads)), -1, heads)  # a root is no child of its own
            ranks = np.argsort(heads, kind="stable")  # by head, in text order within one head
            self.kids = (ranks.tolist(), np.searchsorted(heads[ranks], np.arange(len(heads) + 1)).tolist())
        order, first = self.kids
        return order[first[i]:first[i + 1]]

    def subtree(self, i: int) -> set[int]:
        """Token `i` and all its descendants (as `Token.subtree`)."""
        out = {i}
        todo = [i]
        while todo:
            for c in self.children(todo.pop()):
                if c not in out:
                    out.add(c)
                    todo.append(c)
        return out

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end), as `doc[start:end].text`."""
        if end <= start:
            return ""
        forms = self.forms
        if forms is None:  # read once, when the first phrase is named
            doc = self.doc
            arr = doc.to_array([ORTH, SPACY])
            names, strings = self.names, doc.vocab.strings
            ids = arr[:, 0].tolist()
            for v in set(ids).difference(names):
                names[v] = strings[v]
            forms = self.forms = list(map(names.__getitem__, ids))
            self.spaces = arr[:, 1].tolist()
        if end - start == 1:
            return forms[start]
        spaces = self.spaces
        # as spaCy joins them: each token's form and its space, but the last one's
        return "".join([f + " " if sp else f for f, sp in zip(forms[start:end - 1], spaces[start:end - 1])]) + forms[end - 1]

    def up(self, i: int) -> tuple[list[int], dict[int, int]]:
        """Token `i` and its ancestors up to the root, with each one's place in that list."""
        got = self.ups.get(i)
        if got is None:
            chain = [i]
            heads = self.heads
            t = i
            while heads[t] != t and len(chain) < 64:
                t = heads[t]
                chain.append(t)
            got = (chain, {t: k for k, t in enumerate(chain)})
            self.ups[i] = got
        return got

    def path(self, a: int, b: int) -> tuple[list[int], list[int], int | None]:
        """The dependency path from `a` up to the lowest common ancestor and down to `b`."""
        up, seen = self.up(a)
        heads = self.heads
        down: list[int] = []
        t = b
        for _ in range(64):
            k = seen.get(t)
            if k is not None:
                down.reverse()
                return up[: k + 1], down, t
            down.append(t)
            if heads[t] == t:
                break
            t = heads[t]
        down.reverse()
        return up, down, None


def _root(heads: list[int], start: int, end: int) -> int:
    """The syntactic head of tokens [start, end): the first whose head lies outside."""
    for t in range(start, end):
        h = heads[t]
        if not start <= h < end or h == t:
            return t
    return start


def _span_root(doc: Doc, heads: list[int], start: int, end: int) -> int:
    """`doc[start:end].root.i`, from the heads when one token is the root or the only one headed
    outside the span (spaCy's own rule when there are several)."""
    outside = -1
    for i in range(start, end):
        h = heads[i]
        if h == i:
            return i
        if not start <= h < end:
            if outside >= 0:
                return int(doc[start:end].root.i)
            outside = i
    return outside if outside >= 0 else start


# spaCy's English noun chunks: a noun or pronoun in one of these relations (or a conjunct of one), from its left edge
_NP_DEPS = frozenset({"oprd", "nsubj", "dobj", "nsubjpass", "pcomp", "pobj", "dative", "appos", "attr", "ROOT"})


def _noun_chunks(doc: Doc, a: _Arrays, lexicon: _Lexicon) -> list[tuple[int, int]]:
    """The (start, end) of `doc.noun_chunks`, by spaCy's English rule over the arrays (a doc in
    another language asks spaCy)."""
    if doc.lang_ != "en":
        return [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
    pos_ids, dep_ids = a.pos_ids, a.dep_ids
    nominal = (pos_ids == NOUN_ID) | (pos_ids == PROPN_ID) | (pos_ids == PRON_ID)
    found = np.flatnonzero(nominal & (in_sorted(dep_ids, lexicon.np_dep_ids) | (dep_ids == lexicon.conj_id)))
    deps, heads = a.deps, a.heads
    out: list[tuple[int, int]] = []
    prev_end = -1
    for i in found.tolist():
        left = int(doc[i].left_edge.i)
        if left <= prev_end:
            continue  # no nested chunks
        if deps[i] != "conj":
            prev_end = i
            out.append((left, i + 1))
            continue
        head = heads[i]
        while deps[head] == "conj" and heads[head] < head:
            head = heads[head]
        if deps[head] in _NP_DEPS:  # coordinated to a noun phrase
            prev_end = i
            out.append((left, i + 1))
    return out


def candidates(doc: Doc, rules: StanceAnnotator, lexicon: _Lexicon | None = None, found: list[Stance] | None = None,
               gate: Gate | None = None) -> list[Candidate]:
    """Every (holder, target) candidate of `doc` with its features, sentence by sentence (only
    those the `gate` passes, when given); `found` is the rule layer's stances on `doc` when the
    caller has them already."""
    lexicon = lexicon or _Lexicon(rules)
    ctx = _Context(doc)
    verdicts = _verdicts(doc, rules.extract(doc) if found is None else found)
    mentions = Counter(_norm(_entity_name(doc, s)) for s in {id(s): s for s in ctx.entity_at.values()}.values())
    salience = _salience(mentions)
    bounds = [(sent.start, sent.end) for sent in doc.sents]
    out: list[Candidate] = []
    quote_sources = [(a, b, src, _source_name(doc, ctx, rules, src)) for a, b, src in ctx.quotes if _usable_source(doc, src)]
    arrays = _Arrays(doc, lexicon)
    pols, heads = arrays.pols, arrays.heads
    sent_start = [0] * len(doc)
    for start, end in bounds:
        sent_start[start:end] = [start] * (end - start)
    chunks: dict[int, list[tuple[int, int, int]]] = {}
    for start, end in _noun_chunks(doc, arrays, lexicon):  # once per doc, by sentence start
        chunks.setdefault(sent_start[start], []).append((start, end, _span_root(doc, heads, start, end)))
    quoted: set[int] = set()
    for a, b, _ in ctx.quotes:
        quoted.update(range(a, b))
    cue_at = [i for i, p in enumerate(pols) if p is not None]
    # the tokens that can name a holder (entities, personal pronouns, title nouns as subjects) or a target (entities)
    entity_at = sorted(ctx.entity_at)
    titled = np.flatnonzero((arrays.pos_ids == NOUN_ID) & in_sorted(arrays.dep_ids, lexicon.titled_dep_ids)).tolist()
    holder_at = sorted(set(entity_at).union(np.flatnonzero(in_sorted(arrays.lower_ids, lexicon.personal_ids)).tolist(),
                                            [i for i in titled if arrays.lemmas[i] in lexicon.titles]))
    for k, (start, end) in enumerate(bounds):
        holders = _holders(doc, ctx, rules, bounds, k, quote_sources, arrays, sent_start,
                           holder_at[bisect_left(holder_at, start):bisect_left(holder_at, end)])
        targets = _targets(doc, arrays, ctx, rules, chunks.get(start, []), sent_start,
                           entity_at[bisect_left(entity_at, start):bisect_left(entity_at, end)])
        sent_feats = [f"scue={pols[i]}" for i in cue_at[bisect_left(cue_at, start):bisect_left(cue_at, end)]]
        tinfo = []
        s_score = gate.bias + gate.side(sent_feats) if gate is not None else 0.0
        for (ta, tb), tname, ti, tkind in targets:  # what a target adds to every pair, once
            tn = _norm(tname)
            vt = verdicts.get((None, tn))
            tail = ([f"rule_t={vt}"] if vt else []) + ["tfreq=" + _bucket(mentions.get(tn, 0), (0, 1, 3, 6)), "trank=" + salience.get(tn, "0")]
            tq = start <= ti < end and ti in quoted
            t_score = s_score + gate.side(tail + _target_side(arrays, ti, tkind, tq)) if gate is not None else 0.0
            tinfo.append(((ta, tb), tname, ti, tkind, tn, tail, t_score, tq))
        if gate is not None:
            best_t = max((t[-2] for t in tinfo), default=-math.inf)
            ranked = sorted(range(len(tinfo)), key=lambda j: tinfo[j][-2], reverse=True)  # the best-scored targets first
        sentence = (start, end)
        for h in holders:
            hn = h.name and _norm(h.name)
            vh = verdicts.get((hn, None))
            hdoc = ["hfreq=" + _bucket(mentions.get(_norm(h.name), 0), (0, 1, 3, 6)), "hrank=" + salience.get(_norm(h.name), "0")]
            passing = tinfo
            if gate is not None:
                least = gate.cutoff - gate.side(_holder_side(arrays, h, hdoc, vh))
                if best_t < least:
                    continue
                picked = []
                for j in ranked:  # the targets the gate passes with this holder, in text order
                    if tinfo[j][-2] < least:
                        break
                    picked.append(j)
                picked.sort()
                passing = [tinfo[j] for j in picked]
            for (ta, tb), tname, ti, tkind, tn, tail, _, tq in passing:
                if _same(h.name, tname) or (h.span is not None and h.span["token_start"] < tb and ta <= h.span["token_end"]):
                    continue
                feats, anchor = _features(doc, arrays, ctx, h, ti, tkind, tq)
                feats.extend(sent_feats)
                v = verdicts.get((hn, tn))
                if v:
                    feats.append(f"rule={v}")
                if vh:
                    feats.append(f"rule_h={vh}")
                feats.extend(tail)
                feats.extend(hdoc)
                out.append(Candidate(sentence, h.span, h.name, (ta, tb), tname, anchor, feats))
    return out


def _salience(mentions: Counter[str]) -> dict[str, str]:
    """Each entity name's rank among the article's names by how often it is named (1, 2, 3, up
    to 5, more): who an article is about is who its stances are most often held by and about."""
    return {name: _bucket(k, (1, 2, 3, 5)) for k, (name, _) in enumerate(mentions.most_common(), start=1)}


def _target_side(a: _Arrays, ti: int, tkind: str, quoted: bool) -> list[str]:
    """The target's own features, as `_features` writes them."""
    th = a.heads[ti]
    out = [f"t={tkind}", f"tdep={a.deps[ti]}", f"tlemma={a.lemmas[ti]}", f"thead={a.lemmas[th]}"]
    if a.pols[th]:
        out.append(f"thead_cue={a.pols[th]}")
    if quoted:
        out.append("t_quoted")
    return out


def _holder_side(a: _Arrays, h: _Holder, hdoc: list[str], rule_h: str | None) -> list[str]:
    """The holder's own features, as `_features` and `candidates` write them (`hdoc`: how often
    and how prominently the article names the holder)."""
    out = [f"h={h.kind}", *hdoc]
    if rule_h:
        out.append(f"rule_h={rule_h}")
    if h.token is not None:
        hi = h.token
        out.append(f"hdep={a.deps[hi]}")
        if a.deps[hi] in ("nsubj", "nsubjpass") and a.deps[a.heads[hi]] == "ROOT":
            out.append("h_subject_of_root")
    return out


def _source_name(doc: Doc, ctx: _Context, rules: StanceAnnotator, src: dict[str, Any]) -> str:
    """A quote source's name: the quotes layer's, else the person the article introduced with the
    title the source is ("the former senator said" after "Senator Rick Santorum"), else its words."""
    name = (src.get("attrs") or {}).get("name")
    if name:
        return str(name)
    root = doc[src["token_start"]:src["token_end"] + 1].root
    if root.pos_ == "NOUN" and root.lemma_.lower() in rules.titles:
        titled = ctx.titled(doc, rules.titles, root)
        if titled is not None:
            return _entity_name(doc, titled)
    return _span_name(doc, src)


def _usable_source(doc: Doc, src: dict[str, Any]) -> bool:
    name = (src.get("attrs") or {}).get("name")
    return bool(name) or doc[src["token_start"]].lower_ not in _PERSONAL | {"i", "we", "they", "it", "you"}


def _holders(doc: Doc, ctx: _Context, rules: StanceAnnotator, bounds: list[tuple[int, int]], k: int,
             quote_sources: list[tuple[int, int, dict[str, Any], str]], arrays: _Arrays, sent_start: list[int],
             agents: list[int]) -> list[_Holder]:
    """The agents of sentence `k` (at the tokens `agents`: entities, personal pronouns, title
    nouns), the sources of its quotes and of the two sentences before it, and the author."""
    start, end = bounds[k]
    heads = arrays.heads
    out: list[_Holder] = []
    names: set[str] = set()

    def add(span: dict[str, Any] | None, name: str | None, token: int | None, kind: str) -> None:
        key = _norm(name)
        if key in names:
            return
        names.add(key)
        out.append(_Holder(span, name, token, kind))

    for a, b, src, name in quote_sources:
        if a < end and start < b or start <= src["token_start"] < end:
            add(src, name, _span_root(doc, heads, src["token_start"], src["token_end"] + 1), "SOURCE")
    seen: set[int] = set()
    entity_at, source_at = ctx.entity_at, ctx.source_at
    lowers, pos, lemmas, deps = arrays.lowers, arrays.pos, arrays.lemmas, arrays.deps
    for i in agents:
        s = entity_at.get(i)
        if s is not None and id(s) not in seen and s["label"] in HOLDER_LABELS:
            seen.add(id(s))
            add(s, _entity_name(doc, s), _span_root(doc, heads, s["token_start"], s["token_end"] + 1), s["label"])
        if i in source_at or s is not None:
            continue
        if lowers[i] in _PERSONAL:
            ante = _referent(doc, ctx, i, sent_start)
            if ante is not None:
                add(ante, _entity_name(doc, ante), i, "PRON")
        elif pos[i] == "NOUN" and lemmas[i] in rules.titles and deps[i] in _TITLED_DEPS:
            # "the president said", "the speaker's plan": the person the article introduced with that title
            titled = ctx.titled_at(doc, rules.titles, lemmas[i], i)
            if titled is not None:
                add(titled, _entity_name(doc, titled), i, "TITLE")
    for back in (1, 2):
        if k - back < 0:
            break
        pstart, pend = bounds[k - back]
        for _, _, src, name in quote_sources:
            if pstart <= src["token_start"] < pend:
                add(src, name, None, f"SOURCE-{back}")
    add(None, None, None, "AUTHOR")
    return out


def _referent(doc: Doc, ctx: _Context, i: int, sent_start: list[int]) -> dict[str, Any] | None:
    """Who the personal pronoun at token `i` most likely is: the last named person that was a
    subject in its or the previous sentence, else the last person named in the three sentences
    before it."""
    first = sent_start[i]
    ante = ctx.antecedent_at(doc, i, sent_start[first - 1] if first > 0 else first)
    if ante is not None:
        return ante
    for _ in range(3):
        if first == 0:
            break
        first = sent_start[first - 1]
    for j in range(i - 1, first - 1, -1):
        s = ctx.entity_at.get(j)
        if s is not None and s["label"] == "PERSON":
            return s
    return None


def _span_name(doc: Doc, span: dict[str, Any]) -> str:
    return str((span.get("attrs") or {}).get("name") or doc[span["token_start"]:span["token_end"] + 1].text)


def _targets(doc: Doc, a: _Arrays, ctx: _Context, rules: StanceAnnotator, chunks: list[tuple[int, int, int]],
             sent_start: list[int], entities: list[int]) -> list[tuple[tuple[int, int], str, int, str]]:
    """The sentence's named entities (at the tokens `entities`), noun chunks (start, end, root)
    and resolved personal pronouns, one per name: (token range, name, head word, kind)."""
    out: list[tuple[tuple[int, int], str, int, str]] = []
    names: set[str] = set()

    def add(rng: tuple[int, int], name: str, root: int, kind: str) -> None:
        key = _norm(name)
        if not key or key in names or len(out) >= _MAX_TARGETS:
            return
        names.add(key)
        out.append((rng, name, root, kind))

    covered: set[int] = set()
    spans: list[tuple[int, Any]] = [(c[0], c) for c in chunks]
    seen: set[int] = set()
    for i in entities:
        s = ctx.entity_at[i]
        if id(s) not in seen and s["label"] in NAMED:
            seen.add(id(s))
            spans.append((s["token_start"], s))
    pos, lowers, deps = a.pos, a.lowers, a.deps
    # entities first, so a chunk around one ("Mayor Lena Fischer") is that entity; then the other chunks
    for _, item in sorted(spans, key=lambda x: (isinstance(x[1], tuple), x[0])):
        if len(out) >= _MAX_TARGETS:
            break  # nothing more is added
        if isinstance(item, dict):
            rng = (item["token_start"], item["token_end"] + 1)
            covered.update(range(*rng))
            add(rng, _entity_name(doc, item), _root(a.heads, *rng), "E_" + item["label"])
            continue
        cstart, cend, root = item
        if root in covered:
            continue
        if pos[root] == "PRON":
            if lowers[root] in _PERSONAL:
                ante = _referent(doc, ctx, root, sent_start)
                if ante is not None:
                    add((root, root + 1), _entity_name(doc, ante), root, "PRON")
            continue
        kids = a.children(root)
        owner = None
        for c in kids:
            if c < root and deps[c] == "poss" and lowers[c] in ("his", "her"):
                owner = c
                break
        if owner is not None:
            # "his plan", "her nomination": a position on what a person did or has is on that person
            ante = _referent(doc, ctx, owner, sent_start)
            if ante is not None:
                add((owner, owner + 1), _entity_name(doc, ante), owner, "POSS")
        add((cstart, cend), _chunk_name(doc, a, ctx, rules, root, (cstart, cend), kids), root, "CHUNK")
    return out


def _entity_of(a: _Arrays, ctx: _Context, i: int, labels: frozenset[str]) -> dict[str, Any] | None:
    """`_Context.entity` of the token at `i`, over the arrays."""
    s = ctx.entity_at.get(i)
    if s is not None and s["label"] in labels:
        return s
    for c in a.children(i):
        if a.deps[c] == "appos":
            s = ctx.entity_at.get(c)
            if s is not None and s["label"] in labels and s["token_start"] <= c <= s["token_end"]:
                return s
    return None


def _chunk_name(doc: Doc, a: _Arrays, ctx: _Context, rules: StanceAnnotator, root: int, rng: tuple[int, int], kids: list[int]) -> str:
    """The name the rule layer gives a target phrase (`StanceAnnotator._name`), read from the
    arrays; `kids` are the children of its head word `root`."""
    pos, deps, lowers = a.pos, a.deps, a.lowers
    entity_at = ctx.entity_at
    owner = of = -1
    appos = blocked = False
    poss: list[int] = []
    for c in kids:  # one pass over the children: possessors, the first "of", appositions, modifiers
        d = deps[c]
        if c < root:
            if d == "poss":
                poss.append(c)
                if owner < 0:
                    owner = c
        elif of < 0 and d == "prep" and lowers[c] == "of":
            of = c
        if d == "appos":
            appos = True
        elif d in _TITLE_BLOCKERS:
            blocked = True
    noun = pos[root] == "NOUN"
    ent = entity_at.get(root)
    if ent is not None and ent["label"] not in NAMED or ent is None and appos:
        ent = _entity_of(a, ctx, root, NAMED)
    if ent is None and noun and owner >= 0:
        ent = _entity_of(a, ctx, owner, HOLDER_LABELS)
    if ent is None and noun:
        heads = a.heads
        for i in range(rng[0], rng[1]):
            s = entity_at.get(i)
            if s is not None and s["label"] in AGENTS and heads[i] != root:
                ent = s
                break
    if ent is not None and rng[0] <= ent["token_start"] and ent["token_end"] < rng[1]:
        return _entity_name(doc, ent)
    if ent is None and noun and not blocked and not appos and a.lemmas[root] in rules.titles:
        titled = ctx.titled_at(doc, rules.titles, a.lemmas[root], root)
        if titled is not None:
            return _entity_name(doc, titled)
    lo, hi = rng
    if pos[root] in ("NOUN", "PROPN", "NUM"):
        hi = min(hi, root + 1)
        if of >= 0:
            for g in a.children(of):
                if deps[g] == "pobj":
                    if g < rng[1]:
                        hi = g + 1
                    break
    possessor: set[int] = set()
    for c in poss:
        possessor |= a.subtree(c)
    while lo < hi - 1 and (deps[lo] in _LEAD_SKIP or lowers[lo] in _LEAD_WORDS or lo in possessor):
        lo += 1
    return a.span_text(lo, hi)


_TITLE_BLOCKERS = frozenset({"prep", "relcl", "acl", "amod"})  # with "appos": "the president of X", "the new president" are not the one introduced


def _features(doc: Doc, a: _Arrays, ctx: _Context, h: _Holder, ti: int, tkind: str, quoted: bool) -> tuple[list[str], int]:
    """The sparse features of one pair (its target's head token is `ti`) and the token that carries its position."""
    heads, deps, lemmas, pos, pols = a.heads, a.deps, a.lemmas, a.pos, a.pols
    th = heads[ti]
    tdep = deps[ti]
    f = [f"h={h.kind}", f"t={tkind}", f"h={h.kind}|t={tkind}", f"tdep={tdep}", f"h={h.kind}|tdep={tdep}",
         f"tlemma={lemmas[ti]}", f"thead={lemmas[th]}"]
    hpol = pols[th]
    if hpol:
        f.append(f"thead_cue={hpol}")
    if quoted:
        f.append("t_quoted")
        src = ctx.quote_source(ti)
        if src is not None and h.span is not None and _same(_span_name(doc, src), h.name):
            f.append("t_in_holders_quote")
    anchor = th
    if h.token is None:
        # the author, or a source of an earlier sentence: what governs the target is all there is
        f.append(f"{h.kind}|thead_pos={pos[th]}")
        if hpol:
            f.append(f"{h.kind}|thead_cue={hpol}")
        if th in a.neg:
            f.append(f"{h.kind}|neg")
        if quoted:
            f.append(f"{h.kind}|quoted")
        return f, anchor
    hi = h.token
    hdep = deps[hi]
    f.append(f"hdep={hdep}")
    subject = hdep in ("nsubj", "nsubjpass")
    if subject and deps[heads[hi]] == "ROOT":
        f.append("h_subject_of_root")
    f.append(f"order={'ht' if hi < ti else 'th'}")
    f.append("dist=" + _bucket(abs(hi - ti), (2, 4, 8, 16)))
    up, down, lca = a.path(hi, ti)
    if lca is None:
        f.append("path=none")
        return f, anchor
    steps = [deps[t] + "^" for t in up[:-1]] + ["v" + deps[t] for t in down]
    path = "/".join(steps) if len(steps) <= _MAX_PATH else "far"
    f.append(f"path={path}")
    f.append(f"path={path}|t={tkind}")
    f.append("plen=" + _bucket(len(steps), (1, 2, 3, 4, 6)))
    f.append(f"lca_pos={pos[lca]}")
    f.append(f"lca={lemmas[lca]}")
    on_path = up + down
    cue = None
    negated = hedged = False
    for t in on_path:
        if t in a.neg:
            negated = True
        if t in a.hedge:
            hedged = True
    tpol = pols[ti]
    if tpol:
        f.append(f"tcue={tpol}")
    for t in on_path:
        p = pols[t]
        if p and t != hi and t != ti:
            if cue is None:
                cue = t
            f.append(f"pcue={p}")
            f.append(f"pcue={p}|neg={negated}")
            f.append(f"pcue={p}|h={h.kind}")
            f.append(f"pcue_w={lemmas[t]}")
    if cue is not None:
        anchor = cue
        f.append(f"path={path}|cue")
    else:
        anchor = lca
        f.append(f"lca_pos={pos[lca]}|nocue")
    if negated:
        f.append("neg")
    if hedged:
        f.append("hedge")
    if subject and lca == heads[hi]:
        f.append("h_subject_of_lca")
    return f, anchor


def rule_stances(doc: Doc, found: list[Stance]) -> list[tuple[Stance, tuple[int, int], str, str]]:
    """The rule stances as stances_v1 writes them (one per cue, target and holder span), each with
    its sentence and its holder's and target's names."""
    out = []
    seen: set[tuple[Any, ...]] = set()
    for st in found:
        key = (st.cue, st.target, st.holder["start"], st.holder["end"], st.holder["label"])
        if key in seen:
            continue
        seen.add(key)
        sent = doc[st.cue[0]].sent
        out.append((st, (sent.start, sent.end), _span_name(doc, st.holder), st.name or doc[st.target[0]:st.target[1]].text))
    return out


def _verdicts(doc: Doc, found: list[Stance]) -> dict[tuple[str | None, str | None], str]:
    """The rule layer's stances keyed by (holder, target) names, and by each name alone."""
    out: dict[tuple[str | None, str | None], str] = {}
    for st in found:
        h = _norm(_span_name(doc, st.holder))
        t = _norm(st.name)
        for key in ((h, t), (h, None), (None, t)):
            out.setdefault(key, st.polarity)
    return out


# Features of one side of a pair (the holder, the target, the sentence): the gate scores a pair from these alone.
_GATE_KEYS = frozenset({"h", "hdep", "hfreq", "hrank", "rule_h", "t", "tdep", "tlemma", "thead", "thead_cue", "tfreq", "trank", "rule_t", "scue"})
_GATE_FLAGS = frozenset({"h_subject_of_root", "t_quoted"})


def gate_feature(f: str) -> bool:
    """Whether feature `f` belongs to one side of a pair (not to the pair: paths, cues between the two)."""
    if "|" in f:
        return False
    if f in _GATE_FLAGS:
        return True
    key, eq, _ = f.partition("=")
    return bool(eq) and key in _GATE_KEYS


class Gate:
    """A linear score of a pair from its holder's, target's and sentence's own features, summed
    side by side: pairs below `cutoff` are never built (their dependency path never walked)."""

    def __init__(self, weights: dict[str, float], bias: float, cutoff: float) -> None:
        self.weights, self.bias, self.cutoff = weights, float(bias), float(cutoff)
        self.known: dict[tuple[str, ...], float] = {}  # sides scored so far (the same features give the same sum)

    def side(self, feats: list[str]) -> float:
        key = tuple(feats)
        got = self.known.get(key)
        if got is None:
            if len(self.known) >= 200_000:
                self.known.clear()
            w = self.weights
            got = self.known[key] = sum(map(w.get, set(feats), itertools.repeat(0.0)))
        return got

    def keeps(self, row: list[str]) -> bool:
        """Whether a candidate with these features passes (the evaluation's view of the same test)."""
        return self.bias + self.side([f for f in row if gate_feature(f)]) >= self.cutoff

    def to_dict(self) -> dict[str, Any]:
        names = sorted(self.weights)
        return {"features": names, "weights": [round(self.weights[f], 6) for f in names], "bias": round(self.bias, 6), "cutoff": round(self.cutoff, 6)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gate:
        features, weights = [str(f) for f in data["features"]], [float(w) for w in data["weights"]]
        if len(features) != len(weights) or not all(math.isfinite(w) for w in weights + [float(data["bias"]), float(data["cutoff"])]):
            raise ValueError("a gate whose features and weights do not fit, or are not finite numbers")
        return cls(dict(zip(features, weights)), float(data["bias"]), float(data["cutoff"]))


class StanceModel:
    """A multinomial linear model over named sparse features, read from and written to plain JSON."""

    def __init__(self, features: list[str], coef: np.ndarray, intercept: np.ndarray, classes: tuple[str, ...] = CLASSES,
                 meta: dict[str, Any] | None = None, gate: Gate | None = None) -> None:
        if coef.shape != (len(features), len(classes)) or intercept.shape != (len(classes),):
            raise ValueError(f"weights of shape {coef.shape} and {intercept.shape} do not fit {len(features)} features and {len(classes)} classes")
        self.features = features
        self.index = {f: i for i, f in enumerate(features)}
        self.coef = coef
        self.intercept = intercept
        self.classes = tuple(classes)
        self.meta = dict(meta or {})
        self.gate = gate

    def scores(self, candidates: list[Candidate]) -> np.ndarray:
        """Class probabilities per candidate (rows), from the features the model knows."""
        n = len(candidates)
        out = np.tile(self.intercept, (n, 1))
        get = self.index.get
        # a feature counts once however often a candidate has it, as in training (one-hot)
        found = []
        for cand in candidates:
            known = set(map(get, cand.features))
            known.discard(None)  # (the others keep their order)
            found.append(known)
        lengths = np.fromiter(map(len, found), dtype=np.intp, count=n)
        flat = np.fromiter(itertools.chain.from_iterable(found), dtype=np.intp, count=int(lengths.sum()))
        if len(flat):
            rows = np.repeat(np.arange(n), lengths)
            contrib = self.coef[flat]
            for j in range(out.shape[1]):
                out[:, j] += np.bincount(rows, weights=contrib[:, j], minlength=n)
        out -= out.max(axis=1, keepdims=True)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "classes": list(self.classes),
            "features": self.features,
            "coef": [[round(float(x), 6) for x in row] for row in self.coef],
            "intercept": [round(float(x), 6) for x in self.intercept],
            "meta": self.meta,
            **({"gate": self.gate.to_dict()} if self.gate is not None else {}),
        }

    def to_disk(self, path: str | Path, card: str | None = None) -> None:
        """Write `model.json` (and the model card) into the folder `path`."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (WEIGHTS + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), separators=(",", ":")) + "\n", encoding="utf-8")
        tmp.replace(folder / WEIGHTS)
        if card is not None:
            (folder / CARD).write_text(card, encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> StanceModel:
        """The model in folder `path`; a folder of another format or version, or broken, is a coded error."""
        folder = Path(path)
        file = folder / WEIGHTS
        if not file.is_file():
            raise AnnotatorError("E150", path=folder)
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AnnotatorError("E151", path=file, cause=f"cannot read it as JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else None
            raise AnnotatorError("E151", path=file, cause=f"format {got!r}, want {FORMAT!r}")
        if data.get("format_version") != FORMAT_VERSION:
            raise AnnotatorError("E152", path=file, got=data.get("format_version"), want=FORMAT_VERSION)
        try:
            classes = tuple(str(c) for c in data["classes"])
            if set(classes) != set(CLASSES):
                raise ValueError(f"classes {list(classes)}, want {list(CLASSES)}")
            features = [str(x) for x in data["features"]]
            coef = np.asarray(data["coef"], dtype=np.float64).reshape(len(features), len(classes))
            intercept = np.asarray(data["intercept"], dtype=np.float64)
            if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
                raise ValueError("weights that are not finite numbers")
            gate = Gate.from_dict(data["gate"]) if data.get("gate") is not None else None
            return cls(features, coef, intercept, classes, data.get("meta") or {}, gate)
        except (KeyError, TypeError, ValueError) as exc:
            raise AnnotatorError("E151", path=file, cause=exc) from exc


@dataclass(frozen=True)
class Predicted:
    """A stance the model chose: the candidate, its polarity and probability."""

    candidate: Candidate
    polarity: str
    probability: float


def predict(model: StanceModel, cands: list[Candidate], threshold: float | None = None, *,
            probs: np.ndarray | None = None, decision: dict[str, Any] | None = None,
            skip: set[tuple[Any, ...]] | None = None) -> list[Predicted]:
    """One stance per sentence, holder and target name: the best-scored favor/against candidate
    whose probability reaches its polarity's threshold, at most `per_holder` per sentence and
    holder, `per_sentence` per sentence, and `per_holder_doc` per holder and polarity over the
    candidates given (one document's: an article reports a few stances of each of its actors, so
    the best-scored ones are kept); 0 is no limit. The decision is the model's own (`meta`:
    threshold, thresholds, per_holder, per_sentence, per_holder_doc) unless `decision` or
    `threshold` says otherwise; `probs` are `model.scores(cands)` when the caller has them; keys
    in `skip` (sentence, holder name, target name, as `_norm` writes names) are never chosen (the
    rule layer wrote them) and count against no limit."""
    if not cands:
        return []
    rule = {**model.meta, **(decision or {})}
    if threshold is not None:
        rule = {**rule, "threshold": threshold, "thresholds": None}
    thr = float(rule.get("threshold") or 0.5)
    per_class = rule.get("thresholds")
    probs = model.scores(cands) if probs is None else probs.copy()
    probs[:, model.classes.index("none")] = -1.0
    ks = probs.argmax(axis=1)
    ps = probs[np.arange(len(cands)), ks]
    least = np.full(len(model.classes), thr)
    if isinstance(per_class, dict):  # a threshold per polarity, chosen at training time
        for j, c in enumerate(model.classes):
            least[j] = float(per_class.get(c, thr))
    best: dict[tuple[Any, ...], Predicted] = {}
    for i in np.flatnonzero(ps >= least[ks]).tolist():
        cand, k, p = cands[i], int(ks[i]), float(ps[i])
        key = (cand.sentence, _norm(cand.holder_name), _norm(cand.target_name))
        if skip and key in skip:
            continue
        old = best.get(key)
        if old is None or p > old.probability:
            best[key] = Predicted(cand, model.classes[k], p)
    chosen = sorted(best.values(), key=lambda x: (x.candidate.sentence, -x.probability))
    limit = int(rule.get("per_holder") or 0)
    if limit > 0:  # at most `limit` stances per sentence and holder: the best-scored ones
        count: Counter[tuple[Any, ...]] = Counter()
        kept = []
        for x in chosen:
            by_holder = (x.candidate.sentence, _norm(x.candidate.holder_name))
            count[by_holder] += 1
            if count[by_holder] <= limit:
                kept.append(x)
        chosen = kept
    per_sentence, per_doc = int(rule.get("per_sentence") or 0), int(rule.get("per_holder_doc") or 0)
    if per_sentence > 0 or per_doc > 0:  # the best-scored first, over all sentences
        by_sentence: Counter[tuple[int, int]] = Counter()
        by_holder_doc: Counter[tuple[Any, ...]] = Counter()
        kept_ids = set()
        for x in sorted(chosen, key=lambda x: -x.probability):
            hp = (_norm(x.candidate.holder_name), x.polarity)
            if per_sentence > 0 and by_sentence[x.candidate.sentence] >= per_sentence or per_doc > 0 and by_holder_doc[hp] >= per_doc:
                continue
            by_sentence[x.candidate.sentence] += 1
            by_holder_doc[hp] += 1
            kept_ids.add(id(x))
        chosen = [x for x in chosen if id(x) in kept_ids]
    return chosen


def resolve(model: str | Path) -> Path:
    """The folder a `model` setting names: "default" is the model shipped with the package."""
    return DEFAULT_MODEL if str(model) in ("", "default") else Path(model)


class StanceModelAnnotator:
    """Writes the stances layer from the model's choices, in the shape `stances_v1` writes."""

    def __init__(self, nlp: Language, name: str, model: str = "default", rules: bool = True) -> None:
        self.name = name
        self.model_path = str(model)
        self.with_rules = rules
        self.rules = StanceAnnotator(nlp, name)
        self.lexicon = _Lexicon(self.rules)
        self.model: StanceModel | None = None

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None, model: str | None = None) -> None:
        """Load the model folder named in the config (or `model`)."""
        if model is not None:
            self.model_path = str(model)
        self.model = StanceModel.from_disk(resolve(self.model_path))

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            self.initialize()
        assert self.model is not None
        require(doc, self.name, needs=("parse", "tags", "lemmas", "ents"))
        # a holder is a span of the entities or quotes layer: without them every stance would be dropped
        require(doc, self.name, layers=("entities", "quotes"), any_layer=True)
        writer = LayerWriter(doc, "stances")
        if len(doc):
            found = self.rules.extract(doc)
            used: set[tuple[int, int]] = set()
            ruled: set[tuple[Any, ...]] = set()
            if self.with_rules:
                # the rule layer's stances first (precise where they fire), then the model's on the pairs they leave
                for st, sent, holder_name, target_name in rule_stances(doc, found):
                    ruled.add((sent, _norm(holder_name), _norm(target_name)))
                    used.add(st.cue)
                    stance = writer.add(doc[st.cue[0]:st.cue[1]], "STANCE", {"polarity": st.polarity})
                    target = writer.add(doc[st.target[0]:st.target[1]], "TARGET", {"name": st.name} if st.name else None)
                    writer.relate("HOLDER", stance, st.holder)
                    writer.relate("TARGET", stance, target)
            cands = candidates(doc, self.rules, self.lexicon, found, self.model.gate)
            for p in sorted(predict(self.model, cands, skip=ruled), key=lambda x: -x.probability):
                c = p.candidate
                rng = _stance_range(doc, c, used)
                if rng is None:
                    continue  # every span that could carry this stance carries another one
                used.add(rng)
                stance = writer.add(doc[rng[0]:rng[1]], "STANCE", {"polarity": p.polarity})
                target = writer.add(doc[c.target[0]:c.target[1]], "TARGET", {"name": c.target_name})
                if c.holder is not None:
                    writer.relate("HOLDER", stance, c.holder)
                writer.relate("TARGET", stance, target)
        writer.write()
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        if self.model is None:
            self.initialize()
        assert self.model is not None
        self.model.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> StanceModelAnnotator:
        self.model = StanceModel.from_disk(path)
        return self


def _stance_range(doc: Doc, c: Candidate, used: set[tuple[int, int]]) -> tuple[int, int] | None:
    """The words that carry a stance: from its cue (or where the path turns) to its target; wider
    (to the holder, then the sentence) when a stronger stance already took that span."""
    lo, hi = min(c.anchor, c.target[0]), max(c.anchor + 1, c.target[1])
    options = [(lo, hi)]
    if c.holder is not None and c.sentence[0] <= c.holder["token_start"] < c.sentence[1]:
        options.append((min(lo, c.holder["token_start"]), max(hi, c.holder["token_end"] + 1)))
    options.append(c.sentence)
    for a, b in options:
        while a < b and (doc[a].is_space or doc[a].is_punct and a != c.target[0]):
            a += 1
        while b > a and (doc[b - 1].is_space or doc[b - 1].is_punct and b != c.target[1]):
            b -= 1
        if b > a and (a, b) not in used:
            return a, b
    return None


@Language.factory(
    "stances_v2",
    assigns=["doc.spans"],
    requires=["token.pos", "token.tag", "token.dep", "token.head", "token.lemma", "token.is_sent_start", "doc.ents"],
    default_config={"model": "default", "rules": True},
)
def make_stances_v2(nlp: Language, name: str, model: str, rules: bool) -> StanceModelAnnotator:
    """The learned stances layer; `model` is a folder written by `corpus train stances` ("default":
    the shipped one); `rules` also writes the rule layer's stances (the model adds the pairs they leave)."""
    return StanceModelAnnotator(nlp, name, model, rules)
