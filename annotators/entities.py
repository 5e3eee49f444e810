"""Entities: the model's OntoNotes entities, corrected by rules that hold in news, with canonical names.

The small model errs in ways that news makes predictable: it reads all-caps headlines and datelines
badly, runs names into titles, scores and line breaks, and labels the later "Blinken" differently
from "Antony Blinken". The component fixes `doc.ents` from the one parse (token shapes, a gazetteer
in `data/entities_gazetteer.json`, titles in `data/entities_titles.txt`, and what the same document
says in mixed case), then writes the entities layer; named entities carry `attrs.name`.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH, POS, SENT_START, SPACY
from spacy.language import Language
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span

from .base import Layer, LayerWriter, WordListComponent, require, shared, text_of, words_of, write_layer

__all__ = ["EntityAnnotator", "NAMED", "extract"]

NAMED = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
DATA = Path(__file__).parent / "data"
# Labels whose names never end in a bare number ("Somerset 4" is a team and its score); product,
# event and law names may ("Windows 95", "Apollo 11"), and organisations only outside score lines.
NO_TRAILING_NUMBER = frozenset({"PERSON", "GPE", "NORP"})
# Labels whose names never end in lower-case words ("Rafah city" is the city Rafah, "PAP news agency" the agency PAP).
NO_TRAILING_LOWER = frozenset({"PERSON", "GPE", "NORP", "ORG"})
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "al", "el", "bin", "ibn", "ben", "y"})
# Name heads that are also surnames: a PERSON ending in one stays a person ("Margaret Court").
SURNAME_HEADS = frozenset({"Court", "Post", "Church", "Times", "Herald", "Board", "Bank", "Union", "Office"})
BRACKETS = frozenset({"(", ")", "[", "]"})
DASHES = frozenset({"-", "--", "—", "–", "---"})
FIXTURE_WORDS = frozenset({"v", "v.", "vs", "vs.", "versus"})
RUN_BREAKS = FIXTURE_WORDS | {"at", "and", "or"}
MAX_NAME = 6  # longest name (in tokens) looked up in the gazetteer and the document's lexicon

_NUMBER = re.compile(r"^[+-]?(\d+([.,:/-]\d+)*|\.\d+)(st|nd|rd|th|=)?$")
_TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]", re.DOTALL)
_TWO_NUMBERS = re.compile(r"\d\D+\d")
_FIXTURE = re.compile(r"\s(v|v\.|vs\.?|versus)\s", re.IGNORECASE)
_INITIAL = re.compile(r"^[A-Z]\.$")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
# What follows a dateline's place: a date ("1996-08-30", "Aug 31", "3/14").
_DATE_AFTER = re.compile(rf"^\s*(\d{{4}}-\d\d-\d\d|\d{{1,2}}/\d{{1,2}}\b|({_MONTHS})[a-z]*\.?\s+\d)", re.IGNORECASE)
_CALENDAR = re.compile(
    r"^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?"
    r"|mon(day)?|tue(s(day)?)?|wed(nesday)?|thu(rs(day)?)?|fri(day)?|sat(urday)?|sun(day)?)\.?$",
    re.IGNORECASE,
)


@dataclass
class _Ent:
    """A candidate entity: token offsets, label, a priority (rules over the model) and a name."""

    start: int
    end: int
    label: str
    prio: int = 0
    name: str | None = None


def _load_gazetteer(nlp: Language, data: dict[str, Any]) -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], frozenset[str], frozenset[tuple[str, ...]]]:
    """Gazetteer keys are lower-case token tuples, tokenized as documents are ("bosnia", "-", "herzegovina")."""
    labels: dict[tuple[str, ...], str] = {}
    names: dict[tuple[str, ...], str] = {}
    for label in ("NORP", "LOC", "GPE"):  # GPE last: a name in two lists is a place
        for entry in data[label]:
            key = tuple(t.lower_ for t in nlp.make_doc(entry))
            labels[key] = label
            names[key] = entry
    countries = frozenset(tuple(t.lower_ for t in nlp.make_doc(e)) for e in data["countries"])
    return labels, names, frozenset(data["agencies"]), countries


def _load_titles(nlp: Language, folder: Path = DATA) -> frozenset[tuple[str, ...]]:
    """Titles as lower-case token tuples ("prime", "minister")."""
    lines = [line.strip() for line in (folder / "entities_titles.txt").read_text(encoding="utf-8").splitlines()]
    entries = [line for line in lines if line and not line.startswith("#")]
    # as the tokenizer splits them ("vice-president") and as words ("mr.", which it splits in lower case)
    return frozenset([tuple(t.lower_ for t in nlp.make_doc(e)) for e in entries] + [tuple(e.split()) for e in entries])


class EntityAnnotator(WordListComponent):
    """Fixes `doc.ents` with news rules and writes the entities layer.

    `rules=False` writes the model's entities unchanged (the baseline the rules are measured against).
    """

    layer = "entities"

    def __init__(self, nlp: Language, name: str, rules: bool = True) -> None:
        self.name = name
        self.rules = rules
        self._nlp = nlp
        self.use_word_lists(DATA)

    def load(self, folder: Path) -> None:
        """Read the gazetteer, titles and aliases from `folder` (tokenized by this pipeline's tokenizer)."""
        nlp = self._nlp
        data = json.loads((folder / "entities_gazetteer.json").read_text(encoding="utf-8"))
        self.gazetteer, self.gazetteer_names, self.agencies, self.countries = _load_gazetteer(nlp, data)
        self.titles = _load_titles(nlp, folder)
        self.heads = {word: label for label, words in data["heads"].items() for word in words}
        self.club_firsts = frozenset(data["club_firsts"])
        self.title_words = frozenset(w for t in self.titles for w in t)
        self.aliases: dict[str, str] = json.loads((folder / "entities_aliases.json").read_text(encoding="utf-8"))["aliases"]

    # -- the pipeline step -------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        layer = self.annotate(doc)
        doc.ents = [Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"]) for s in layer["spans"]]
        write_layer(doc, "entities", layer)
        return doc

    def annotate(self, doc: Doc) -> Layer:
        """The entities layer of `doc` as plain data; `doc` is left as it is."""
        require(doc, self.name, needs=("ents", "tags") if self.rules else ("ents",))
        writer = LayerWriter(doc, "entities")
        if self.rules:
            rules = _DocRules(self, doc)
            for e in rules.run():  # the tokens' texts and offsets are read already: no Span made
                attrs: dict[str, Any] = {}
                if e.label in NAMED:
                    name = _canonical(e.name or rules.span_text(e.start, e.end))
                    attrs["name"] = self.aliases.get(name, name)
                writer.add_tokens(e.start, e.end, e.label, attrs, rules.words, rules.idx, rules.ends)
            return writer.result()
        for ent in doc.ents:
            attrs = {}
            if ent.label_ in NAMED:
                name = _canonical(ent.text)
                attrs["name"] = self.aliases.get(name, name)
            writer.add(ent, ent.label_, attrs)
        return writer.result()


def extract(doc: Doc, *, rules: bool = True) -> Layer:
    """The entities of a parsed `doc` as plain data ({"spans": [...], "relations": []}), each named
    entity with `attrs.name`; the shipped word lists, no pipeline needed. `doc` is not changed."""
    return shared(EntityAnnotator, doc, rules=rules).annotate(doc)  # type: ignore[no-any-return]


def _plain(text: str) -> str:
    return " ".join(text.split())


def _canonical(name: str) -> str:
    """A name as the document writes it, on one line, without its determiner ("the Gaza Strip" -> "Gaza Strip")."""
    words = name.split()
    if len(words) > 1 and words[0] in ("the", "The"):
        words = words[1:]
    return " ".join(words)


class _DocRules:
    """The rules applied to one document, in order; each step reads what the earlier ones decided."""

    def __init__(self, ann: EntityAnnotator, doc: Doc) -> None:
        self.a = ann
        self.doc = doc
        # Token attributes as plain lists, read once: Token objects are slow to make in bulk.
        # Columns as numpy arrays turned into lists once (the ORTH hashes are read per distinct word).
        arr = doc.to_array([ORTH, IDX, LENGTH, SPACY, IS_PUNCT, SENT_START, POS]) if len(doc) else np.zeros((0, 7), dtype=np.uint64)
        self.words, self.lower = words_of(doc, arr[:, 0])
        small = arr[:, 1:].astype(np.int64)  # SENT_START is -1, 0 or 1
        self.idx = small[:, 0].tolist()
        self.ends = (small[:, 0] + small[:, 1]).tolist()
        self.ws = (small[:, 2] != 0).tolist()
        self.punct = (small[:, 3] != 0).tolist()
        self.sent_start = (small[:, 4] == 1).tolist()
        self.propn = (small[:, 5] == PROPN).tolist()
        self.text = text_of(doc, "".join([w + " " if ws else w for w, ws in zip(self.words, self.ws)]))  # doc.text, shared
        self.n = len(doc)
        # words the document writes in lower case: a capitalised one of them is a common word, not a name
        self.lowercase = {w for w, prev in zip(self.words[1:], self.words) if w.islower() and w.isalpha() and prev not in ("-", "'")}
        self._lines()

    def span_text(self, s: int, t: int) -> str:
        return self.text[self.idx[s]:self.ends[t - 1]]

    def name_of(self, s: int, t: int) -> str:
        return _plain(self.span_text(s, t))

    # -- document structure -------------------------------------------------------------------
    def _lines(self) -> None:
        """Line spans (token ranges), which lines are all-caps, which are score lines."""
        self.lines: list[tuple[int, int]] = []
        self.line_of: list[int] = []
        start = 0
        for i in [i for i, w in enumerate(self.words) if "\n" in w] + [self.n]:
            self.line_of.extend([len(self.lines)] * (i + 1 - start))
            if start < i:
                self.lines.append((start, i))
            start = i + 1
        self.caps: set[int] = set()
        self.table: set[int] = set()
        self.fixtures: set[int] = set()
        for k, (s, e) in enumerate(self.lines):
            text = self.span_text(s, e)
            if text.upper() == text and _TWO_LETTERS.search(text):
                self.caps.add(k)
            if _TWO_NUMBERS.search(text) and self._is_table(s, e):
                self.table.add(k)
            elif _FIXTURE.search(text):
                self.fixtures.add(k)

    def _is_table(self, s: int, e: int) -> bool:
        """A results or standings line: numbers and names, hardly any running words."""
        nums = lowers = words = 0
        for i in range(s, e):
            w = self.words[i]
            if _NUMBER.match(w):
                nums += 1
            elif w.isalpha():
                words += 1
                lowers += w.islower() and w not in FIXTURE_WORDS
        return nums >= 2 and lowers * 4 <= nums + words

    def _capital(self, i: int) -> bool:
        w = self.words[i]
        return w[:1].isupper() and any(c.isalpha() for c in w)

    def _in_caps(self, i: int) -> bool:
        return self.line_of[i] in self.caps if self.n else False

    # -- the steps ------------------------------------------------------------------------------
    def run(self) -> list[_Ent]:
        ents = []
        for ent in self.doc.ents:
            if ent.label_ in NAMED and self._in_caps(ent.start):
                continue  # the model reads all-caps text badly: decided below from shapes and the document
            ents.extend(self._clean(_Ent(ent.start, ent.end, ent.label_)))
        self.dateline_line = -1
        ents = self._titles(ents)
        ents = self._heads(ents)
        self.persons = self._person_names(ents)
        ents = self._vote(ents)
        lexicon = self._lexicon(ents)
        ents.extend(self._dateline())
        ents.extend(self._caps_lines(lexicon))
        ents = self._persons(ents)
        ents = self._first_names(ents)
        ents.extend(self._initials())
        ents.extend(self._tables())
        ents = self._gazetteer_labels(ents)
        return self._resolve(ents)

    def _clean(self, e: _Ent) -> list[_Ent]:
        """Split a named entity at line breaks, brackets and spaced dashes, then trim what no name
        holds; a date or number is only split at line breaks."""
        if e.label not in NAMED:
            if not any("\n" in w for w in self.words[e.start:e.end]):
                return [e]
            cuts = [e.start - 1] + [i for i in range(e.start, e.end) if "\n" in self.words[i]] + [e.end]
            parts = [(a + 1, b) for a, b in zip(cuts, cuts[1:])]
            return [_Ent(a, b, e.label, e.prio) for a, b in parts if a < b and not self.words[a].isspace() and not self.words[b - 1].isspace()]
        pieces = []
        start = e.start
        for i in range(e.start, e.end):
            if "\n" in self.words[i] or self._spaced_dash(i) or self.words[i] in BRACKETS:
                pieces.append((start, i))
                start = i + 1
        pieces.append((start, e.end))
        out = []
        for s, t in pieces:
            s, t = self._trim(s, t, e.label)
            if s < t and any(c.isalpha() for w in self.words[s:t] for c in w) and (len(pieces) == 1 or any(self.propn[s:t])):
                out.append(_Ent(s, t, e.label, e.prio, e.name))
        return out

    def _spaced_dash(self, i: int) -> bool:
        return self.words[i] in DASHES and i > 0 and self.ws[i - 1] and self.ws[i]

    def _trim(self, s: int, t: int, label: str) -> tuple[int, int]:
        """Drop edge tokens no name holds: punctuation, possessives, scores, trailing common nouns.

        A leading determiner is left as the model decided: OntoNotes and GUM keep it in names written
        with it ("the United States"), CoNLL drops it, and no rule can please both."""
        words = self.words
        tabular = self.line_of[s] in self.table if s < t else False
        while s < t:
            w = words[s]
            if self.punct[s] or w.isspace() or (w in DASHES):
                s += 1
            elif _NUMBER.match(w) and label != "PRODUCT" and not w[-1:].isalpha():  # "21st Century Fox" keeps its ordinal
                s += 1
            else:
                break
        while t > s:
            w = words[t - 1]
            if (self.punct[t - 1] and not w.endswith(".")) or w.isspace() or w in ("'s", "’s", "'", "’"):
                t -= 1
            elif (label in NO_TRAILING_NUMBER or tabular) and (_NUMBER.match(w) or (w in DASHES and t - 1 > s and _NUMBER.match(words[t - 2]))):
                t -= 1
            elif t - s >= 3 and _NUMBER.match(w) and words[t - 2] in DASHES and _NUMBER.match(words[t - 3]):
                t -= 3  # a score after a team: "the Kansas City Royals 4-0"
            elif label in NO_TRAILING_LOWER and w.isalpha() and w.islower():
                j = t - 1  # "Rafah city", "PAP news agency": a common noun after the name
                while j > s and words[j - 1].isalpha() and words[j - 1].islower():
                    j -= 1
                kept_head = label == "ORG" and j == t - 1 and self.a.heads.get(w.capitalize()) == "ORG"  # "the Liberal party"
                if j > s and self.ws[j - 1] and self._capital(j - 1) and not kept_head:
                    t = j
                break
            else:
                break
        return s, t

    def _title_at(self, i: int, end: int) -> int:
        """The end of the longest title starting at token i (i when none does)."""
        best = i
        for k in range(min(end, i + 6), i, -1):
            if tuple(self.lower[i:k]) in self.a.titles:
                best = k
                break
        return best

    def _titles(self, ents: list[_Ent]) -> list[_Ent]:
        """Titles are not part of a PERSON, and a title's words are not an ORG or GPE of their own."""
        out = []
        person_starts = {e.start for e in ents if e.label == "PERSON"}
        for e in ents:
            if e.label == "PERSON":
                s = e.start
                while s < e.end - 1:
                    k = self._title_at(s, e.end - 1)
                    if k == s:
                        break
                    s = k
                    while s < e.end - 1 and self.punct[s]:
                        s += 1
                e.start = s
            elif e.label in ("ORG", "GPE", "NORP") and e.end in person_starts and self._inside_title(e):
                continue  # "Secretary of State Antony Blinken": "State" belongs to the title
            out.append(e)
        return out

    def _heads(self, ents: list[_Ent]) -> list[_Ent]:
        """The last word of a name decides its type over the model ("Manchester United", "Pirelli SpA"
        are organisations, "Wembley Stadium" a facility); so does a club's first word ("Dynamo Moscow").
        A person keeps words that are also surnames ("Margaret Court") and never becomes a facility."""
        for e in ents:
            if e.label not in NAMED or e.end - e.start < 2:
                continue
            head = self.a.heads.get(self.words[e.end - 1])
            if self.words[e.start] in self.a.club_firsts and self._capital(e.start + 1):
                head = "ORG"
            if head is None or head == e.label or tuple(self.lower[e.start:e.end]) in self.a.gazetteer:
                continue
            if head == "ORG" and (e.label != "PERSON" or self.words[e.end - 1] not in SURNAME_HEADS):
                e.label = "ORG"
            elif head == "FAC" and e.label in ("GPE", "LOC", "ORG", "NORP"):
                e.label = "FAC"
        return ents

    def _inside_title(self, e: _Ent) -> bool:
        """Whether the entity's words complete a title that starts before it ("Secretary of | State")."""
        for s in range(max(0, e.start - 4), e.start):
            if tuple(self.lower[s:e.end]) in self.a.titles:
                return True
        return False

    def _person_names(self, ents: list[_Ent]) -> list[tuple[int, tuple[str, ...], str]]:
        """Full PERSON names met in mixed case: (position, lower-case words, the name as written).

        A name is two to four capitalised words ("Antony Blinken", "Joost van der Westhuizen"), none
        of them in capitals ("Arkham VR") nor a word the document also writes in lower case ("Space
        Shuttle Atlantis"); a name that starts with another person's surname is no name ("Warhol Polaroid").
        """
        out = []
        for e in ents:
            if e.label != "PERSON" or self._in_caps(e.start):
                continue
            parts = []
            for i in range(e.start, e.end):
                w = self.words[i]
                if self._capital(i) and not _INITIAL.match(w):
                    if w.isupper() and len(w) > 1 or self.lower[i] in self.lowercase:
                        break
                    parts.append(self.lower[i])
                elif w.isalpha() and w.islower() and w not in PARTICLES:
                    break
            else:
                if 2 <= len(parts) <= 4:
                    out.append((e.start, tuple(parts), self.name_of(e.start, e.end)))
        surnames = {p[-1] for _, p, _ in out}
        return [x for x in out if x[1][0] not in surnames]

    def _person_for(self, key: tuple[str, ...], at: int) -> str | None:
        """The full name a short mention refers to: the nearest earlier one containing it, else the first later one.

        The mention matches a name's last words ("Blinken", "Ben Ali"), or its first word when that
        word is no place name ("Wang" of "Wang Dan", but not "Israel" of "Israel Katz").
        """
        n = len(key)
        before = after = None
        for pos, parts, name in self.persons:
            if len(parts) <= n:
                continue
            hit = parts[-n:] == key or (parts[:n] == key and key not in self.a.gazetteer and n == 1)
            if not hit:
                continue
            if pos < at:
                before = name
            elif after is None:
                after = name
        return before or after

    def _vote(self, ents: list[_Ent]) -> list[_Ent]:
        """One name, one label in a document: a string the model labels differently takes its majority label."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for e in ents:
            if e.label in NAMED:
                counts[self.span_text(e.start, e.end)][e.label] += 1
        for e in ents:
            if e.label not in NAMED:
                continue
            c = counts[self.span_text(e.start, e.end)]
            if len(c) > 1:
                (top, k1), (_, k2) = c.most_common(2)
                if k1 > k2:
                    e.label = top
        return ents

    def _lexicon(self, ents: list[_Ent]) -> dict[tuple[str, ...], tuple[str, str]]:
        """What the document says in mixed case: lower-case words -> (label, name as written)."""
        lex: dict[tuple[str, ...], tuple[str, str]] = {}
        for e in ents:
            if e.label in NAMED and not self._in_caps(e.start) and e.end - e.start <= MAX_NAME:
                lex.setdefault(tuple(self.lower[e.start:e.end]), (e.label, self.name_of(e.start, e.end)))
        for _pos, parts, name in self.persons:
            lex[parts] = ("PERSON", name)
            lex.setdefault(parts[-1:], ("PERSON", name))
        return lex

    def _dateline(self) -> list[_Ent]:
        """A place that opens one of the first lines in capitals: "ANKARA", "LONDON 1996-08-30",
        "WASHINGTON (AP) --". It needs a date, an agency or a dash after it, or a known place name."""
        out = []
        self.dateline_line = -1
        for line, (s, e) in enumerate(self.lines[:4]):
            k = s
            while k < e and self.words[k].isupper() and (self.words[k].isalpha() or self.words[k].endswith(".")):
                k += 1
            if k == s:
                continue
            end = k
            region = None  # "CAIRO, Egypt", "ROCHESTER, N.H.": the region is a place of its own
            if k + 1 < e and self.words[k] == ",":
                j = k + 1
                while j < e and j - k <= 3 and self._capital(j) and self.words[j] not in DASHES and self.words[j] != "(":
                    j += 1
                if j > k + 1:
                    region, k = (k + 1, j), j
            key = tuple(self.lower[s:end])
            after = self.words[k] if k < e else None
            if after is None:
                if self.a.gazetteer.get(key) != "GPE":
                    continue  # a lone line in capitals is a dateline only when it names a known place
            else:
                dated = _DATE_AFTER.match(self.span_text(k, e)) is not None
                agency = after == "(" and k + 1 < e and self.words[k + 1] in self.a.agencies
                dash = after in DASHES and k + 1 < e and not self._line_caps_from(k + 1, e)
                if not (dated or agency or dash):
                    continue
                if agency:
                    out.append(_Ent(k + 1, k + 2, "ORG", 3, self.words[k + 1]))
            name = self.a.gazetteer_names.get(key) or " ".join(w.capitalize() for w in self.words[s:end])
            out.append(_Ent(s, end, "GPE", 3, name))
            if region is not None:
                out.append(_Ent(region[0], region[1], "GPE", 3, self.name_of(region[0], region[1])))
            self.dateline_line = line
            break
        return out

    def _line_caps_from(self, s: int, e: int) -> bool:
        text = self.span_text(s, e)
        return text.upper() == text

    def _caps_lines(self, lexicon: dict[tuple[str, ...], tuple[str, str]]) -> list[_Ent]:
        """All-caps lines: names the document writes elsewhere in mixed case, then the gazetteer."""
        out = []
        gaz = self.a.gazetteer
        for k in sorted(self.caps):
            s, e = self.lines[k]
            i = s
            while i < e:
                hit = None
                for j in range(min(e, i + MAX_NAME), i, -1):
                    key = tuple(self.lower[i:j])
                    label, name = lexicon.get(key) or (gaz.get(key), self.a.gazetteer_names.get(key))
                    if label is None:
                        continue
                    if label == "NORP" and j < e and self.words[j].isalpha():
                        break  # "GERMAN CUP", "AMERICAN LEAGUE": an adjective in a longer name
                    hit = _Ent(i, j, label, 1, name)
                    break
                if hit is not None and self.words[i][:1].isalpha():
                    out.append(hit)
                    i = hit.end
                else:
                    i += 1
        return out

    def _persons(self, ents: list[_Ent]) -> list[_Ent]:
        """A short mention of a person named in full elsewhere is that PERSON, with the full name,
        whatever the model called it ("Blinken" as GPE); a capitalised word the model left out that
        is such a surname is added, with the first name the model missed before it ("Junius Ho")."""
        out = []
        covered = [False] * self.n
        for e in ents:
            key = tuple(self.lower[e.start:e.end])
            if e.label in NAMED:
                full = self._person_for(key, e.start) if self.persons else None
                if full is not None:
                    e.label = "PERSON"
                    e.name = full
                elif e.label == "PERSON" and e.name is None:
                    e.name = self.name_of(e.start, e.end)
            for i in range(e.start, e.end):
                covered[i] = True
            out.append(e)
        if not self.persons:
            return out
        surnames = {parts[-1] for _, parts, _ in self.persons}
        for i, low in enumerate(self.lower):
            if low in surnames and not covered[i] and self._capital(i) and self.propn[i] and not self.words[i].isupper():
                full = self._person_for((low,), i)
                if full is None:
                    continue
                start = i  # "Junius Ho": a first name the model missed goes with the surname
                while start > 0 and not covered[start - 1] and self.propn[start - 1] and self._capital(start - 1) and self.line_of[start - 1] == self.line_of[i] \
                        and self.lower[start - 1] not in self.a.title_words and (self.lower[start - 1],) not in self.a.gazetteer and i - start < 3:
                    start -= 1
                if start == i and i > 0 and self.lower[i - 1] in PARTICLES and not covered[i - 1]:
                    start = i - 1  # "de Blasio"
                name = full if start >= i - 1 else self.name_of(start, i + 1)
                out.append(_Ent(start, i + 1, "PERSON", 1, name))
        return out

    def _first_names(self, ents: list[_Ent]) -> list[_Ent]:
        """A PERSON takes the capitalised proper nouns the model left just before it ("counterpart
        Sameh Shoukry"), unless they are a title, a place or a word the document also writes in lower case."""
        covered = [False] * self.n
        for e in ents:
            for i in range(e.start, e.end):
                covered[i] = True
        for e in ents:
            if e.label != "PERSON" or self._in_caps(e.start):
                continue
            s = e.start
            while s > 0 and e.start - s < 2 and not covered[s - 1] and self.propn[s - 1] and self.words[s - 1].istitle() \
                    and not self.sent_start[s] and not self.sent_start[s - 1] and self.line_of[s - 1] == self.line_of[e.start] \
                    and self.lower[s - 1] not in self.a.title_words and self.lower[s - 1][:-1] not in self.a.title_words \
                    and (self.lower[s - 1],) not in self.a.gazetteer and self.lower[s - 1] not in self.lowercase:
                s -= 1
            if s < e.start:
                e.start = s
                if e.name is None or len(e.name.split()) <= e.end - e.start:
                    e.name = self.name_of(e.start, e.end)
        return ents

    def _initials(self) -> list[_Ent]:
        """ "W. Athey", "J. R. Smith": initials before a capitalised word are a person's name."""
        out = []
        i = 0
        words = self.words
        while i < self.n - 1:  # the full stop tested first: the regex only for the few tokens that have one
            if words[i][1:2] == "." and _INITIAL.match(words[i]) and (i == 0 or not self._capital(i - 1) or words[i - 1] in ("(", ",", ";")):
                j = i
                while j < self.n and _INITIAL.match(words[j]):
                    j += 1
                if (j < self.n and words[j][:1].isupper() and words[j][1:].islower() and words[j].isalpha()
                        and (self.lower[j],) not in self.a.gazetteer and self.lower[j] not in self.a.title_words
                        and not self.sent_start[j] and self.lower[j] not in self.lowercase):  # not "vitamin D. Researchers"
                    k = j + 1  # "L. Ron Hubbard"
                    while k < self.n and k - j < 3 and self.words[k].istitle() and self.words[k].isalpha() and self.line_of[k] == self.line_of[j]:
                        k += 1
                    out.append(_Ent(i, k, "PERSON", 1, self.name_of(i, k)))
                    i = k
                    continue
            i += 1
        return out

    def _tables(self) -> list[_Ent]:
        """Score lines ("Leicestershire 22 points, Somerset 4"; "Swansea 49 Cardiff 23") and fixtures
        ("Bolton v Chelsea"): a name just before a score, or on either side of "v", is a team."""
        out = []
        for k, (s, e) in enumerate(self.lines):
            if k == self.dateline_line:
                continue
            if k not in self.table and k not in self.fixtures:
                continue
            runs = self._name_runs(s, e)
            if k in self.table:
                for a, b in runs:
                    if k not in self.caps and self._athlete(a, b, s, e):
                        out.append(_Ent(a, b, "PERSON", 2, self.name_of(a, b)))
                        if b + 2 < e and self.words[b] == "(" and (self.lower[b + 1],) in self.a.countries:
                            out.append(_Ent(b + 1, b + 2, "GPE", 2, self.a.gazetteer_names[(self.lower[b + 1],)]))
                        continue
                    if b == e or not _NUMBER.match(self.words[b]) or (a > s and self.words[a - 1] == "("):
                        continue
                    # in capitals a run may hold a headline's verbs: only a line's first name or one after a score
                    if k in self.caps and not (b - a <= 3 and (a == s or _NUMBER.match(self.words[a - 1]))):
                        continue
                    out.append(self._team(a, b))
            else:  # "Bolton v Chelsea", "May 18 v Worcestershire": the names on either side of "v" are teams
                for a, b in runs:
                    before = a > s and self.lower[a - 1] in FIXTURE_WORDS
                    after = b < e and self.lower[b] in FIXTURE_WORDS and b + 1 < e and self._capital(b + 1)
                    if before or after:
                        out.append(self._team(a, b, trust_model=False))
        return out

    def _name_runs(self, s: int, e: int) -> list[tuple[int, int]]:
        runs = []
        i = s
        while i < e:
            attached = i > s and not self.ws[i - 1]  # "Ata-ur-Rehman": not a name of its own
            if self._capital(i) and not attached and not _NUMBER.match(self.words[i]) and self.lower[i] not in RUN_BREAKS and not _CALENDAR.match(self.words[i]):
                j = i
                while j < e and (self._capital(j) or ((self.words[j] in PARTICLES or self.words[j] in ("of", "&")) and j + 1 < e and self._capital(j + 1))) \
                        and not _NUMBER.match(self.words[j]) and self.lower[j] not in RUN_BREAKS:
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        return runs

    def _athlete(self, a: int, b: int, s: int, e: int) -> bool:
        """In a results list, two to four capitalised words are a competitor's name when a country
        follows in brackets ("Steffi Graf ( Germany )") or a rank or shirt number comes before
        ("3. Vasily Kaptyukh", "2 - Bertrand Crasson ,"); clubs are recognised by their words."""
        if not 2 <= b - a <= 4 or any(w.isupper() and len(w) > 1 for w in self.words[a:b]):
            return False
        if self.words[b - 1] in self.a.heads or self.words[a] in self.a.club_firsts or tuple(self.lower[a:b]) in self.a.gazetteer:
            return False
        if b + 2 < e and self.words[b] == "(" and self.words[b + 2] == ")" and (self.lower[b + 1],) in self.a.countries:
            return True
        ranked = a - 2 >= s and _NUMBER.match(self.words[a - 2]) is not None and self.words[a - 1] in ("-", ".")
        ranked = ranked or (a - 1 >= s and re.match(r"^\d+\.$", self.words[a - 1]) is not None)
        return ranked and (b == e or self.words[b] in (",", ";", "(", ")"))

    def _team(self, a: int, b: int, trust_model: bool = True) -> _Ent:
        """What a name in a results line is: a person the document names, a country, else a team.

        In a score table the model's PERSON stands ("Jayasuriya 10-0-43-2"); on either side of "v" it
        does not, since fixtures are between teams unless the document names the person."""
        key = tuple(self.lower[a:b])
        if self.persons and self._person_for(key, a) is not None:
            return _Ent(a, b, "PERSON", 2, self._person_for(key, a))
        if _INITIAL.match(self.words[a]):
            return _Ent(a, b, "PERSON", 2, self.name_of(a, b))
        for e in self.doc.ents:
            if trust_model and e.start == a and e.end == b and e.label_ == "PERSON":
                return _Ent(a, b, "PERSON", 2, _plain(e.text))
        if self.a.gazetteer.get(key) == "NORP":
            return _Ent(a, b, "NORP", 2, self.a.gazetteer_names[key])
        if key in self.a.countries:
            return _Ent(a, b, "GPE", 2, self.a.gazetteer_names[key])
        return _Ent(a, b, "ORG", 2, self.name_of(a, b))

    def _gazetteer_labels(self, ents: list[_Ent]) -> list[_Ent]:
        """A country the model calls a person or an organisation is a GPE; so is a city it calls a
        person, a nationality, or an organisation outside a results table (there a city is its team);
        a nationality it calls anything else is a NORP."""
        for e in ents:
            if e.label not in NAMED or e.prio >= 2:
                continue
            key = tuple(self.lower[e.start:e.end])
            label = self.a.gazetteer.get(key)
            if label is None or label == e.label or (e.label == "PERSON" and e.name and e.name.lower().split() != list(key)):
                continue
            if key in self.a.countries and e.label in ("PERSON", "ORG", "NORP", "FAC", "LOC"):
                e.label = "GPE"
            elif label == "GPE" and (e.label in ("PERSON", "NORP") or (e.label == "ORG" and self.line_of[e.start] not in self.table)):
                e.label = "GPE"
            elif label == "NORP" and e.label in ("PERSON", "ORG", "GPE"):
                e.label = "NORP"
            elif label == "LOC" and e.label in ("PERSON", "GPE", "NORP"):
                e.label = "LOC"
        return ents

    def _resolve(self, ents: Iterable[_Ent]) -> list[_Ent]:
        """Non-overlapping entities: rules before the model, longer before shorter."""
        taken = [False] * self.n
        out = []
        for e in sorted(ents, key=lambda x: (-x.prio, -(x.end - x.start), x.start)):
            if e.start >= e.end or any(taken[e.start:e.end]):
                continue
            for i in range(e.start, e.end):
                taken[i] = True
            out.append(e)
        out.sort(key=lambda x: x.start)
        return out
