"""Statistics: numeric expressions with a normalised value, unit, approximator and kind, and what they count.

A scan of the doc's words finds the tokens that hold a number (digits or number words); from each, a small
parser reads the whole expression on the one parse (currency and approximator before, scale and
unit after, a second number for a range), drops what is a date, a time, a name or an identifier,
and links the statistic to its CONCEPT through the dependency parse. Word lists are data files in
`data/statistics_*.json`. Conventions (documented in `data/statistics_approximators.json`): the span
covers the approximator, currency, number, scale and unit ("nearly 32,000", "About 85%",
"$2.5bn", "10 miles", "29 years old"), never the counted noun, which is the CONCEPT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .base import Layer, LayerWriter, WordListComponent, require, shared, words_of, write_layer
from .statistics_units import PERCENT, Unit, UnitTables, load_data, surface_key, units

__all__ = ["Lexicon", "StatisticsAnnotator", "load_lexicon", "extract"]

DATA = Path(__file__).parent / "data"
LAYER = "statistics"
# Entity types whose numbers belong to a name ("Apollo 11", "Boeing 737", "Article 5", "G7").
NAMED = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
# A token that holds a number: optional glued prefix (currency or approximator symbol), sign, digits
# with thousands separators (Western or Indian grouping), decimals or a fraction, optional glued suffix.
NUM_RE = re.compile(
    r"^(?P<pre>\D*?)(?P<sign>[-−+]?)(?P<num>(?:\d{1,3}(?:,\d{2,3})+|\d+,\d(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:/(?P<den>\d+))?(?P<suf>\D.*)?$"
)
_DIGIT = re.compile(r"\d")
_SEED_CACHE = 500_000  # distinct words whose seed test is remembered
HYPHENS = frozenset({"-", "–", "—"})
COUNTED_DEPS = frozenset({"nummod", "quantmod", "compound", "amod", "nmod", "npadvmod", "det"})
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
MAX_PHRASE = 5
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
# Words between a number and its unit that leave the unit the number's: "two more years", "50 extra pounds".
MEASURE_ADJECTIVES = frozenset({"more", "extra", "additional", "further", "full", "straight", "consecutive", "successive", "whole"})
TIME_UNITS = frozenset({"second", "minute", "hour", "day", "week", "month", "year"})


@dataclass(frozen=True)
class Lexicon:
    """All word lists, loaded once from the data files and indexed for lookups by token tuples."""

    prefix_approx: dict[tuple[str, ...], str]
    suffix_approx: dict[tuple[str, ...], str]
    between_joiners: frozenset[str]
    range_joiners: frozenset[str]
    age_suffixes: frozenset[tuple[str, ...]]
    age_prefixes: frozenset[str]
    age_short: dict[str, str]
    per_words: frozenset[str]
    per_aliases: dict[str, str]
    per_not_after: frozenset[str]
    rate_nouns: frozenset[str]
    change_up: frozenset[str]
    change_down: frozenset[str]
    vague_scales: dict[str, tuple[int, int]]
    small: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    scale_symbols: dict[str, int]
    dozen: dict[str, int]
    fractions: dict[str, float]
    vulgar: dict[str, float]
    denominators: frozenset[int]
    months: frozenset[str]
    time_markers: frozenset[str]
    id_nouns: frozenset[str]
    score_words: frozenset[str]
    change_lemmas: frozenset[str]
    collective_nouns: frozenset[str]
    not_fraction_before: frozenset[str]
    year_range: tuple[int, int]
    marks: dict[str, str]
    primes: frozenset[str]
    mark_words: dict[str, str]
    dimension_adjectives: frozenset[str]
    times: frozenset[str]
    brackets: dict[str, str]

    @cached_property
    def number_words(self) -> frozenset[str]:
        return frozenset(self.small) | frozenset(self.tens) | frozenset(self.scales) | frozenset(self.dozen) | frozenset(self.fractions)


@lru_cache(maxsize=4)
def load_lexicon(folder: Path = DATA) -> Lexicon:
    """The statistics word lists in `folder` (read once per process and folder)."""
    approx, units, num = load_data("approximators", folder), load_data("units", folder), load_data("numbers", folder)
    joiners = approx["range_joiners"]
    return Lexicon(
        prefix_approx={surface_key(k): v for k, v in approx["prefix"].items()},
        suffix_approx={surface_key(k): v for k, v in approx["suffix"].items()},
        between_joiners=frozenset(joiners["between"]),
        range_joiners=frozenset(joiners[""]),
        age_suffixes=frozenset(surface_key(s) for s in units["ages"]["suffixes"]),
        age_prefixes=frozenset(units["ages"]["prefixes"]),
        age_short=dict(units["ages"]["short"]),
        per_words=frozenset(units["per"]["words"]),
        per_aliases=dict(units["per"]["aliases"]),
        per_not_after=frozenset(units["per"]["not_after"]),
        rate_nouns=frozenset(units["rate_nouns"]),
        change_up=frozenset(num["change_words"]["up"]),
        change_down=frozenset(num["change_words"]["down"]),
        vague_scales={w: (v[0], v[1]) for w, v in num["vague_scales"].items() if w != "description"},
        small=num["units"],
        tens=num["tens"],
        scales=num["scales"],
        scale_symbols=num["scale_symbols"],
        dozen=num["dozen"],
        fractions=num["fractions"],
        vulgar=num["vulgar"],
        denominators=frozenset(num["fraction_denominators"]),
        months=frozenset(num["months"]),
        time_markers=frozenset(num["time_markers"]),
        id_nouns=frozenset(num["identifier_nouns"]),
        score_words=frozenset(num["score_words"]),
        change_lemmas=frozenset(num["change_lemmas"]),
        collective_nouns=frozenset(num["collective_nouns"]),
        not_fraction_before=frozenset(num["ordinal_words"]),
        year_range=(num["year_range"][0], num["year_range"][1]),
        marks=dict(units["marks"]["marks"]),
        primes=frozenset(units["marks"]["primes"]),
        mark_words=dict(units["marks"]["words"]),
        dimension_adjectives=frozenset(units["marks"]["dimension_adjectives"]),
        times=frozenset(units["marks"]["times"]),
        brackets=dict(units["marks"]["brackets"]),
    )


@dataclass(frozen=True)
class Core:
    """A number as written: its tokens [start, end), value, and what was glued to it."""

    start: int
    end: int
    value: Decimal
    digits: bool = False  # written with digits (not words)
    plain: bool = False  # digits only: no comma, decimal, sign, glued prefix or suffix
    scaled: bool = False
    fraction: bool = False  # a fraction word or token with nothing to scale it ("a third", "1/2")
    unit: str | None = None
    currency: str | None = None
    approx: str | None = None
    upper: Decimal | None = None  # a range written as one token: "15–25"
    written: str | None = None  # a unit or currency glued to the number, as written ("km", "$", "p")
    vague: bool = False  # "hundreds of", "tens of thousands": value..upper is a range of unknown size


@dataclass(frozen=True)
class Statistic:
    """A statistic found in a doc: tokens [start, end), normalised attributes, and where the number ends."""

    start: int
    end: int
    value: Decimal
    unit: str | None
    approximator: str
    kind: str
    value_max: Decimal | None = None
    unit_text: str | None = None
    dimension: str = "count"
    si_value: float | None = None
    change: str | None = None


def extract(doc: Doc) -> Layer:
    """The statistics of a parsed `doc` as plain data ({"spans": [...], "relations": [...]}) with the
    shipped word lists, no pipeline needed. `doc` is not changed."""
    return shared(StatisticsAnnotator, doc).annotate(doc)  # type: ignore[no-any-return]


class Skip(Exception):
    """Raised inside the parser when the tokens are not a statistic; `end` is how far to skip."""

    def __init__(self, end: int) -> None:
        super().__init__(end)
        self.end = end


def _spaced_hyphen(doc: Doc, k: int) -> bool:
    """A hyphen with one space on each side, as tokenised text writes the one inside a word ("28 - year - old")."""
    return k > 0 and doc[k - 1].whitespace_ == " " and doc[k].whitespace_ == " "


TALLY_RE = re.compile(r"[-–]to[-–]\d[\d,]*(?![\d,.])(?!\s*(?:%|per))")  # "230-to-198", not "5-to-10 percent"
NBSP = frozenset({"\u00a0", "\u202f", "\u2009", "\u2007"})  # no-break, narrow no-break, thin and figure spaces


def _after_nbsp(doc: Doc, j: int) -> int:
    """The token after a no-break or thin space at doc[j] (which spaCy makes a token of its own) or after
    the second space of a doubled one, else j."""
    if j + 1 >= len(doc) or not doc[j].is_space:
        return j
    if doc[j].text in NBSP and not doc[j - 1].whitespace_:
        return j + 1
    return j + 1 if doc[j].text == " " and doc[j - 1].whitespace_ == " " else j  # "5.7  million": a doubled space


def _day(tok: Token) -> bool:
    """A day of the month written in digits ("5" of "December 5 and 6")."""
    return tok.text.isdigit() and 1 <= int(tok.text) <= 31


def _number(value: Decimal) -> int | float:
    """A JSON number: an int when the value is whole, else a float rounded to 6 significant decimals."""
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 6))


class StatisticsAnnotator(WordListComponent):
    """Writes the statistics layer: STATISTIC spans with value/unit/approximator/kind, CONCEPT spans, CONCEPT relations."""

    layer = LAYER

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.use_word_lists(DATA)

    def load(self, folder: Path) -> None:
        """Read the word lists from `folder`, the unit tables built on them, and the matcher of number seeds."""
        self.lex = load_lexicon(Path(folder))
        self.units: UnitTables = units(Path(folder))
        self.known: dict[str, Unit] = {}  # every unit found so far, by canonical name
        self._floor = 0  # where the statistic being parsed may start at the earliest (after the one before)
        self._grams_of: Doc | None = None  # the doc whose word sequences `_doc_grams` holds
        self._doc_grams: frozenset[tuple[str, ...]] = frozenset()
        self._words_from: Doc | None = None  # the doc whose token words `_doc_words` holds
        self._doc_words: tuple[list[str], list[str], list[bool]] = ([], [], [])
        # Number seeds: a token whose text holds a digit or whose lower case is a number word. Read
        # per distinct word (by its ORTH hash, cached) over one array of the doc: the same tokens a
        # Matcher with a REGEX predicate finds, several times cheaper.
        self._seed_words = frozenset(self.lex.number_words | frozenset(self.lex.vulgar) | frozenset(self.lex.vague_scales))
        self._seed_of: dict[int, bool] = {}

    def __call__(self, doc: Doc) -> Doc:
        write_layer(doc, LAYER, self.annotate(doc))
        return doc

    def annotate(self, doc: Doc) -> Layer:
        """The statistics layer of `doc` as plain data; `doc` is left as it is."""
        require(doc, self.name, needs=("parse", "tags", "lemmas", "ents"))
        writer = LayerWriter(doc, LAYER)
        for stat in self.find(doc):
            attrs: dict[str, Any] = {
                "value": _number(stat.value),
                "unit": stat.unit,
                "unit_text": stat.unit_text,
                "dimension": stat.dimension,
                "approximator": stat.approximator,
                "kind": stat.kind,
            }
            if stat.si_value is not None:
                attrs["si_value"] = stat.si_value
            if stat.value_max is not None:
                attrs["value_max"] = _number(stat.value_max)
            if stat.change is not None:
                attrs["change"] = stat.change
            head = writer.add(doc[stat.start:stat.end], "STATISTIC", attrs)
            concept = self.concept(doc, stat)
            if concept is not None:
                writer.relate("CONCEPT", head, writer.add(concept, "CONCEPT"))
        return writer.result()

    # ------------------------------------------------------------------ finding
    def find(self, doc: Doc) -> list[Statistic]:
        """Every statistic in `doc`, left to right, none overlapping another."""
        seeds = self._seeds(doc)
        self._words_from = self._grams_of = None  # read afresh: the doc may have changed since the last call
        found: list[Statistic] = []
        free = 0
        try:
            for i in seeds:
                if i < free:
                    continue
                self._floor = found[-1].end if found else 0  # what the statistic before has taken
                try:
                    stat = self.parse_at(doc, i)
                except Skip as skip:
                    free = max(free, skip.end)
                    continue
                if stat is None:
                    continue
                if found and stat.start < found[-1].end:  # an approximator or currency already taken
                    continue
                found.append(stat)
                free = stat.end
        finally:
            self._words_from = self._grams_of = None  # the component keeps no doc alive past its call
        return found

    def _seeds(self, doc: Doc) -> list[int]:
        """The tokens that may start a number, in order: a digit in the text, or a number word in lower case."""
        if not len(doc):
            return []
        orths = doc.to_array(ORTH)
        distinct, where = np.unique(orths, return_inverse=True)
        seed_of, strings, words = self._seed_of, doc.vocab.strings, self._seed_words
        if len(seed_of) > _SEED_CACHE:
            seed_of.clear()  # memory stays bounded on a corpus of any size
        flags = []
        for orth in distinct.tolist():
            flag = seed_of.get(orth)
            if flag is None:
                text = strings[orth]
                flag = seed_of[orth] = bool(_DIGIT.search(text)) or text.lower() in words
            flags.append(flag)
        return np.flatnonzero(np.array(flags, dtype=bool)[where.reshape(-1)]).tolist()  # type: ignore[no-any-return]

    def parse_at(self, doc: Doc, i: int) -> Statistic | None:
        """The statistic whose first number token is `doc[i]`, or None; raises Skip over what is not one."""
        lex = self.lex
        core = self.core(doc, i)
        if core is None:
            return None
        self._check_chain(doc, core)
        if core.end < len(doc) and not doc[core.end - 1].whitespace_ and doc[core.end].text[:1] in HYPHENS:
            last = doc[core.end - 1]
            tally = TALLY_RE.match(doc.text, last.idx + len(last.text))
            if tally is not None:  # "a 230-to-198 vote", "won 3-to-1": a tally, not a statistic
                k = core.end
                while k < len(doc) and doc[k].idx < tally.end():
                    k += 1
                raise Skip(k)
        start, end = core.start, core.end
        value, currency, unit, approx = core.value, core.currency, core.unit, core.approx
        written: list[tuple[int, str]] = [(core.start, core.written)] if core.written else []
        # Currency written before the number: "$ 75 million", "US$150", "c $ 16.4", "USD 200".
        if currency is None:
            found = self._currency_before(doc, start)
            if found is None and start > 1 and doc[start - 1].text in NBSP and not doc[start - 2].whitespace_:
                found = self._currency_before(doc, start - 1)  # "€\u00a050"
            if found is not None:
                new_start, currency, mult = found
                written.append((new_start, doc[new_start:start].text))
                start, value = new_start, value * mult
        j = end
        # Currency, unit or percent after the number.
        if currency is None and unit is None:
            j = _after_nbsp(doc, end)  # "75\u00a0m", "50\u00a0euros": a no-break space between number and unit
            found_after = self._currency_after(doc, j, core)
            if found_after is not None:
                k, currency, factor = found_after
                written.append((j, doc[j:k].text))
                j, value = k, value * factor
            else:
                found_unit = self._unit_after(doc, j)
                after = doc[j] if found_unit is None and j < len(doc) else None
                nxt_text, nxt_lower = (after.text, after.lower_) if after is not None else ("", "")
                if found_unit is None and nxt_lower in MEASURE_ADJECTIVES and j + 1 < len(doc):
                    further = self._unit_after(doc, j + 1)  # "two more years", "50 extra pounds", "3 full days"
                    if further is not None and further[1] != PERCENT:
                        written.append((j + 1, doc[j + 1:further[0]].text))
                        j, unit = further
                        after, nxt_text, nxt_lower = None, "", ""
                if found_unit is None and unit is None and core.fraction:
                    found_unit = self._fraction_of_unit(doc, j, core)
                if found_unit is None and unit is None and (nxt_text in lex.marks or nxt_lower in lex.mark_words):
                    found_unit = self._mark_after(doc, j, core)
                if found_unit is not None:
                    k, unit = found_unit
                    written.append((j, doc[j:k].text))
                    j = k
                elif nxt_lower in lex.times:
                    unit = self._size_side(doc, j, core)  # "2 x 3 metres": the first side is metres too
            if currency is None and unit is None:
                j = end  # nothing after the space: it is not the statistic's
            if unit is not None and (self.known[unit].dimension == "temperature" or unit == "degree"):
                start, j, value = self._below_zero(doc, start, j, value)
        if currency is not None and j < len(doc) and doc[j].lower_ in lex.scales and not core.scaled:
            value *= lex.scales[doc[j].lower_]  # "75 USD million"
            j += 1
        # Money written as major and minor units: "3 dollars 50 cents", "thirteen dollars and forty-five cents".
        if currency is not None and j > end and core.end < j:
            j, value = self._minor_tail(doc, j, value)
        if core.vague and currency is None and j + 1 < len(doc) and doc[j].lower_ == "of":
            of_money = self._currency_after(doc, j + 1, core)  # "millions of dollars"
            if of_money is not None:
                k, currency, _ = of_money
                written.append((j + 1, doc[j + 1:k].text))
                j = k
        upper: Decimal | None = core.upper
        # Ranges: "between 36 and 40", "36 to 40", "36-40", "eight to 10 feet"; not "from 5% to 7%" nor
        # "rose 6.2% to 7%" (a change and its result), nor two numbers with different units.
        opener = doc[start - 1].lower_ if start > 0 else ""
        rng = None
        if upper is None and opener != "from" and not self._is_change_target(doc, core, j):
            rng = self._range(doc, j, core, opener == "between")
        if rng is not None:
            k, second, second_unit, second_currency = rng
            agree = (second_currency is None or currency is None or second_currency == currency) and (second_unit is None or unit is None or second_unit == unit)
            agree = agree and not (currency is not None and second_unit is not None) and not (unit is not None and second_currency is not None)
            lower = value
            if second.scaled and not core.scaled and second.value > 0:
                scale = self._scale_of(doc, second)
                if scale > 1 and lower * scale < second.value:
                    lower *= scale
            minor: Decimal | int = 1  # "between 5 and 7 cents": both in hundredths of the currency
            if currency is None and second_currency is not None and second.currency is None:
                money_after = self._currency_after(doc, second.end, second)
                minor = money_after[2] if money_after is not None else 1
            if agree and second.value > lower:
                if unit is None and currency is None and (second_unit or second_currency):
                    written.append((second.end, doc[second.end:k].text))
                j, value, upper = k, lower * minor, second.value * minor
                currency = currency or second_currency  # "5 to $10 million"
                if unit is None and second_unit is not None:
                    unit = second_unit
                if opener == "between":
                    start -= 1
            elif core.plain and second.plain and doc[j].text in HYPHENS and second.value <= lower:
                raise Skip(k)  # a score or a vote ("won 3-1", "a 52-48 vote"), not a range
            elif agree and unit is None and currency is None and doc[j].lower_ == "to" and (second_unit or second_currency):
                # "50.1 to 42.9 percent": two figures compared, written with one unit
                currency = second_currency
                unit = second_unit
                value *= minor
                written.append((j, doc[second.end:k].text))
        elif upper is None and unit is None and currency is None and j < len(doc) and (
            doc[j].lower_ == "to" and (opener == "from" or self._is_change_target(doc, core, j)) or doc[j].lower_ == "or"
        ):
            # "from 10 to 15 degrees", "rose from 2 to 3 million barrels", "rose 5 to 7 euros", "two or three
            # days": two statistics, one unit written
            second_of = self._range(doc, j, core, False, alternative=True)
            if second_of is not None and (second_of[2] or second_of[3]) and not (core.plain and self._is_year(core.value)):
                k, second, unit, currency = second_of
                if second.scaled and not core.scaled and second.value > 0:
                    scale = self._scale_of(doc, second)
                    if scale > 1 and value * scale < second.value:
                        value *= scale
                in_minor = self._currency_after(doc, second.end, second) if currency is not None and second.currency is None else None
                if in_minor is not None:
                    value *= in_minor[2]  # "from 80 to 60 cents": 0.80 USD
                written.append((j, doc[second.end:k].text))
                rate = self._per_tail(doc, k)
                if rate is not None:  # "from 80 to 60 cents a share"
                    written.append((k, doc[k:rate[0]].text))
                    if currency is not None:
                        currency = f"{currency} / {rate[1]}"
                    elif unit is not None and " / " not in unit:
                        unit = self._rate(unit, rate[1])
        # Per-unit tails: "$70 a share", "15% per annum", "64.2 cents a dozen", "22 points per game".
        if currency is None and unit is None and j < len(doc) and doc[j].lower_ in lex.rate_nouns:
            tail = self._per_tail(doc, j + 1)
            if tail is not None:
                written.append((j, doc[j].text))
                unit = self._remember(Unit(doc[j].lemma_.lower(), "count"))
                j += 1
        if unit is not None and currency is None and j < len(doc) and doc[j].lower_ == "of":
            # "34,500 metric tons of copper a year": a rate whose unit is named before what it measures
            k = j + 1
            while k < min(j + 5, len(doc)) and doc[k].pos_ in ("NOUN", "PROPN", "ADJ") and doc[k].lower_ not in lex.per_words:
                k += 1
            over_time = self._per_tail(doc, k) if k > j + 1 else None
            if over_time is not None and over_time[1] in TIME_UNITS:
                j = k
        if currency is not None or unit is not None:
            tail = self._per_tail(doc, j)
            if tail is not None:
                k, per = tail
                written.append((j, doc[j:k].text))
                j = k
                if currency is not None:
                    currency = f"{currency} / {per}"
                else:
                    assert unit is not None
                    unit = self._rate(unit, per)
        ratio_kind = False
        # Ratios: "one in five", "3 out of 10" become a share in percent.
        if upper is None and unit is None and currency is None:
            ratio = self._ratio(doc, j, core)
            if ratio is not None:
                j, value = ratio
                unit, ratio_kind = PERCENT, True
        # Ages: "29 years old", "87 yo", "aged 87", "Smith, 45,".
        if unit is None and currency is None:
            age = self._age(doc, start, j, core)
            if age is not None:
                start, j, unit = age
                if doc[j - 1].lower_ in lex.age_short:
                    written.append((j - 1, doc[j - 1].text))
        # Approximators after ("100 or more", "100+") and before ("nearly", "more than", "~").
        if approx is None:
            suffix = self._phrase_after(doc, j, lex.suffix_approx)
            if suffix is not None:
                j, approx = suffix
        if start > 0 and doc[start - 1].lower_ == "minus" and core.digits == doc[core.start].like_num:
            start, value = start - 1, -value  # "minus 5 degrees"
        prefix = self._phrase_before(doc, start, lex.prefix_approx)
        if prefix is not None:
            start, approx = prefix
        if core.vague:
            approx = approx or "~"
        # Fractions of a whole are shares: "a third of Gazans" is 33.3 %.
        if core.fraction and unit is None and currency is None and upper is None and j < len(doc) and doc[j].lower_ == "of":
            value = (value * 100).quantize(Decimal("0.1"))
            unit, ratio_kind = PERCENT, True
        if not self._keep(doc, core, start, j, unit, currency, approx, upper):
            return None
        return self._statistic(doc, core, start, j, value, upper, unit, currency, approx, ratio_kind, written)

    def _statistic(
        self, doc: Doc, core: Core, start: int, end: int, value: Decimal, upper: Decimal | None, unit: str | None,
        currency: str | None, approx: str | None, ratio_kind: bool, written: list[tuple[int, str]],
    ) -> Statistic:
        """The record's view of a parsed statistic: canonical unit, its dimension, SI value, kind and change."""
        si_value: float | None = None
        if currency is not None:
            name: str | None = currency
            kind, dimension = "money", "rate" if " / " in currency else "currency"
        elif unit is not None:
            info = self.known.get(unit) or self.units.unit(unit)
            name, dimension = unit, info.dimension if info else "count"
            if unit.split(" / ")[0] == PERCENT:
                kind = "ratio" if ratio_kind else "percent"
                dimension = "rate" if " / " in unit else "percent"
            else:
                kind = "quantity"
                if info is not None and info.pint is not None:
                    si_value = self.units.si_value(float(value), info)
        else:
            name, kind, dimension = None, "count", "count"
        if upper is not None:
            kind = "range"
        texts = [t.lstrip("-–—") for _, t in sorted(set(written)) if t.lstrip("-–—")]  # "3-mile": the unit is "mile"
        unit_text = " ".join(texts) if texts else None
        return Statistic(start, end, value, name, approx or "=", kind, upper, unit_text, dimension, si_value, self._change(doc, core, start, end))

    def _fraction_of_unit(self, doc: Doc, j: int, core: Core) -> tuple[int, str] | None:
        """ "half a mile", "a quarter of an hour", "three quarters of a mile": a fraction of one unit."""
        if not core.fraction or core.digits:
            return None
        k = j + 1 if j < len(doc) and doc[j].lower_ == "of" else j
        if k + 1 < len(doc) and doc[k].lower_ in ("a", "an"):
            found = self._unit_after(doc, k + 1)
            if found is not None and found[1] != PERCENT:
                return found
        return None

    def _mark_after(self, doc: Doc, j: int, core: Core) -> tuple[int, str] | None:
        """Feet and inches written as marks or as "in": 10″, 6'2", '10" long', "6 ft 2 in"."""
        lex = self.lex
        if j >= len(doc) or not core.digits:
            return None
        tok = doc[j]
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        measured = nxt is not None and nxt.lower_ in lex.dimension_adjectives
        if tok.text in lex.marks:
            glued = not doc[j - 1].whitespace_
            if tok.text in lex.primes or measured:
                return j + 1, self._unit(lex.marks[tok.text]) or ""
            inches_next = j + 2 < len(doc) and doc[j + 2].text in lex.marks and lex.marks[doc[j + 2].text] == "inch"
            if glued and lex.marks[tok.text] == "foot" and nxt is not None and (not tok.whitespace_ or inches_next) and nxt.text[:1].isdigit():
                return j + 1, self._unit("foot") or ""  # 6'2", 6' 2": the inches follow
            return None
        if tok.lower_ in lex.mark_words:
            at_end = nxt is None or (nxt.is_punct and nxt.text not in ("-", "/")) or nxt.is_sent_start
            prev = doc[core.start - 1] if core.start > 0 else None
            after_larger = prev is not None and (self.units.unit(prev.text) or Unit("", "")).dimension == "length"
            if measured or at_end or after_larger:
                return j + 1, self._unit(lex.mark_words[tok.lower_]) or ""
        return None

    def _size_side(self, doc: Doc, j: int, core: Core) -> str | None:
        """The unit of the second side of a size ("2 x 3 metres", "2 by 3 feet"), for the first side."""
        if j + 1 >= len(doc) or doc[j].lower_ not in self.lex.times or core.scaled:
            return None
        second = self.core(doc, j + 1)
        if second is None or second.scaled or second.digits != core.digits:
            return None
        unit = second.unit
        if unit is None:
            found = self._unit_after(doc, second.end)
            unit = found[1] if found is not None else None
        return unit if unit is not None and self.known[unit].dimension in ("length",) else None

    def _below_zero(self, doc: Doc, start: int, j: int, value: Decimal) -> tuple[int, int, Decimal]:
        """A temperature's sign: "5 degrees below zero", "- 20 degrees" (a minus apart from its number)."""
        if tuple(t.lower_ for t in doc[j:j + 2]) in (("below", "zero"), ("above", "zero")):
            return start, j + 2, -value if doc[j].lower_ == "below" and value > 0 else value
        if start > 0 and value > 0 and doc[start - 1].text in HYPHENS | {"−"} and doc[start - 1].whitespace_:
            before = doc[start - 2] if start > 1 else None
            if before is None or not (before.like_num or before.is_punct or self.units.is_unit_word(before.text)):
                return start - 1, j, -value  # "convert - 20 degrees"; not "10 - 20 degrees" nor a list's dash
        return start, j, value

    def _rate(self, unit: str, per: str) -> str:
        """The unit of "metric tons a year", "% per annum", "points per game": one compound unit,
        converted to SI when both parts are pint units."""
        top = self.known.get(unit) or self.units.unit(unit)
        bottom = self.units.unit(per)
        expression = f"{top.pint} / {bottom.pint}" if top and top.pint and bottom and bottom.pint else None
        return self._remember(Unit(f"{unit} / {per}", "rate", expression))

    def _remember(self, unit: Unit) -> str:
        self.known.setdefault(unit.name, unit)
        return unit.name

    def _vague_core(self, doc: Doc, i: int) -> Core | None:
        """ "hundreds of", "tens of thousands", "dozens of", "thousands have fled": a range of unknown size."""
        scales = self.lex.vague_scales
        word = doc[i].lower_
        if word not in scales or (i > 0 and (doc[i - 1].like_num or doc[i - 1].lower_ in self.lex.number_words)):
            return None
        low, high = scales[word]
        end = i + 1
        if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].lower_ in scales and scales[doc[end + 1].lower_][0] >= 1000:
            times = scales[doc[end + 1].lower_][0]  # "tens of thousands": tens times a thousand
            low, high, end = low * times, high * times, end + 2
        elif word == "tens":
            return None
        follows_of = end < len(doc) and doc[end].lower_ == "of"
        if not follows_of and doc[end - 1].dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj"):
            return None
        return Core(i, end, Decimal(low), digits=False, scaled=True, upper=Decimal(high), vague=True)

    def _change(self, doc: Doc, core: Core, start: int, end: int) -> str | None:
        """ "up" or "down" when the statistic is a change: "rose 5%", "fell by 3 points", "a 2% drop", "up 4%"."""
        lex = self.lex
        before = doc[start - 1].lower_ if start > 0 else ""
        if before in ("up", "down") and doc[start - 1].pos_ in ("ADV", "ADP") and doc[start - 1].dep_ != "prt":  # not "make up 16%"
            return before
        root = doc[core.start]
        while root.head.i != root.i and start <= root.head.i < end:
            root = root.head
        head = root.head
        if head.i != root.i and head.lower_ in ("by", "of") and root.dep_ == "pobj":
            head = head.head
        if head.i == root.i or root.dep_ not in ("dobj", "npadvmod", "pobj", "nummod", "compound", "amod", "nmod", "advmod", "attr", "obj", "quantmod"):
            return None
        if head.i >= end and doc[end:head.i].text.strip() and head.pos_ == "VERB":
            return None  # the change word comes after other words: "5% of voters rose"
        lemma = head.lemma_.lower()
        if lemma in lex.change_up:
            return "up"
        if lemma in lex.change_down:
            return "down"
        return None

    # ------------------------------------------------------------------ numbers
    def core(self, doc: Doc, i: int) -> Core | None:
        """The number that starts at `doc[i]` (digits, a fraction, number words), or None."""
        tok = doc[i]
        if any(c.isdigit() for c in tok.text):
            return self._and_a_half(doc, self._digit_core(doc, i))
        if tok.text in self.lex.vulgar:
            return Core(i, i + 1, Decimal(str(self.lex.vulgar[tok.text])), digits=True, fraction=True)
        return self._vague_core(doc, i) or self._and_a_half(doc, self._word_core(doc, i))

    def _and_a_half(self, doc: Doc, core: Core | None) -> Core | None:
        """A whole number and a fraction of one: "two and a half years", "3 and a quarter hours", "two-and-a-half",
        "one and two thirds metres"."""
        if core is None or core.fraction or core.upper is not None or core.unit is not None or core.currency is not None:
            return core
        if core.end >= len(doc) or doc[core.end].text not in ("and", "-"):
            return core  # most numbers: nothing to read
        words: list[str] = []
        k = core.end
        while k < len(doc) and len(words) < 3:
            if doc[k].text in HYPHENS and not doc[k].whitespace_ and not doc[k - 1].whitespace_:
                k += 1
                continue
            words.append(doc[k].lower_)
            k += 1
        count = 1 if len(words) == 3 and words[1] in ("a", "an") else self.lex.small.get(words[1], 0) if len(words) == 3 else 0
        part = Decimal(str(self.lex.fractions[words[2]])) * count if count and words[2] in self.lex.fractions else Decimal(0)
        if words[:1] == ["and"] and 0 < part < 1:  # "one and two thirds metres": 1 2/3
            value, scaled = core.value + part, core.scaled
            if not scaled and k < len(doc) and doc[k].lower_ in self.lex.scales and len(doc[k].text) > 1:
                value, scaled, k = value * self.lex.scales[doc[k].lower_], True, k + 1  # "2 and a half million"
            return replace(core, end=k, value=value, plain=False, scaled=scaled)
        return core

    def _digit_core(self, doc: Doc, i: int) -> Core | None:
        lex = self.lex
        tok = doc[i]
        m = NUM_RE.match(tok.text)
        if m is None:
            return None
        pre, sign, num, den, suf = m.group("pre"), m.group("sign"), m.group("num"), m.group("den"), m.group("suf") or ""
        if pre and pre[-1].isalpha() and num.startswith("."):
            pre, num = pre + ".", num[1:]  # "Rs.2000": the abbreviation's full stop, not a decimal point
        currency = approx = unit = written = None
        if pre and pre[-1].isalpha() and sign in ("-", "−"):
            return None  # "Under-8", "covid-19": a word and a number joined into a name
        if pre:
            if surface_key(pre) in lex.prefix_approx:
                approx = lex.prefix_approx[surface_key(pre)]
            elif (code := self._currency_symbol(pre)) is not None:
                currency, written = code, pre
            elif (len(num) >= 3 or suf) and (code := self.units.glued_symbol(pre)) is not None:
                currency, written = code, pre  # "Rp15,000", "TSh500", "USh2bn": a country's English symbol; not "Le3" (a code)
            else:
                return None  # "COVID-19", "G7", "F-16": a name or code
        if re.fullmatch(r"\d+,\d", num):
            num = num.replace(",", ".")  # "1,5 million": a decimal comma (a group of thousands or lakhs has two digits or more)
        try:
            value = Decimal(num.replace(",", ""))
        except InvalidOperation:
            return None
        fraction = False
        if den is not None:
            d = int(den)
            if d not in lex.denominators or "." in num or "," in num or value >= d:
                return None  # "9/11", "24/7", "10/25": a date or a name, not a fraction
            value, fraction = value / d, True
        if sign in ("-", "−"):
            value = -value
        scaled = False
        upper: Decimal | None = None
        glued = re.fullmatch(r"[-–—](\d+(?:\.\d+)?)", suf)
        if glued and not pre and not den and not sign:
            upper, suf = Decimal(glued.group(1)), ""
            if upper <= value or self._is_year(value):
                return None  # "3-1" written as one token, "2019-20"
        if len(suf) > 1 and suf.endswith(".") and tok.is_sent_end:
            suf = suf[:-1]  # "ran 10K.": the sentence's full stop
        if suf:
            if suf in lex.scale_symbols:
                value, scaled = value * lex.scale_symbols[suf], True
            elif suf.lower() in ("m", "k", "b") and (currency is not None or self._currency_before(doc, i) is not None or self._currency_follows(doc, i + 1)):
                value, scaled = value * lex.scales[suf.lower()] if suf.lower() != "m" else value * 1_000_000, True  # "$5k", "£3m"
            elif suf.lower() in lex.scales and len(suf) > 1:
                value, scaled = value * lex.scales[suf.lower()], True
            elif suf.lower() in ORDINAL_SUFFIXES:
                return None  # "7th", "21st": an ordinal
            elif (glued_unit := self._unit(suf) or (self._unit(suf.lower()) if tok.ent_type_ == "QUANTITY" else None)) is not None:
                unit, written = glued_unit, suf
            elif suf in lex.primes:
                unit, written = self._unit(lex.marks[suf]), suf  # "9′", "10″"
            elif (code := self._currency_symbol(suf)) is not None:
                currency, written = code, suf
            elif surface_key(suf) in self.units.minor and not sign:
                currency, written, value = self.units.minor[surface_key(suf)], suf, value / 100  # "45p", "50¢"
            elif surface_key(suf) in lex.suffix_approx:
                approx = lex.suffix_approx[surface_key(suf)]
            elif suf.lower() in lex.age_short:
                unit, written = lex.age_short[suf.lower()], suf
            else:
                return None  # "1990s", "7th", "2:00", "24703L202": a decade, ordinal, time or code
        end = i + 1
        if unit is not None:  # "10km/hr": a glued unit continued by the next tokens
            for n in (3, 2, 1):
                toks = doc[end:end + n]
                if len(toks) == n and not doc[end - 1].whitespace_ and not any(t.whitespace_ for t in toks[:-1]):
                    longer = self._unit(suf + toks.text)
                    if longer is not None:
                        unit, written, end = longer, suf + toks.text, end + n
                        break
            else:  # "100° Celsius": a glued symbol named in full after a space
                if end < len(doc) and doc[end - 1].whitespace_ == " " and self.units.is_unit_word(doc[end].text):
                    longer = self._unit(f"{suf} {doc[end].text}")
                    if longer is not None and longer != unit:
                        unit, written, end = longer, f"{suf} {doc[end].text}", end + 1
        plain = not (pre or sign or suf or den) and num.isdigit()
        # "80, 000": a thousands group written after a space; a group with a leading zero is no number of its own
        grouped = len(num) <= 3
        while (
            plain and grouped and unit is None and currency is None and end + 1 < len(doc) and doc[end].text == "," and doc[end].whitespace_
            and re.fullmatch(r"0\d\d", doc[end + 1].text) and not scaled
        ):
            value, end = value * 1000 + int(doc[end + 1].text), end + 2
        # A mixed fraction: "10 1/2", "10½".
        if end < len(doc) and not fraction and value == value.to_integral_value() and unit is None:
            nxt = doc[end]
            frac = self._fraction_token(nxt)
            if frac is not None:
                value, end, plain = value + frac, end + 1, False
            elif nxt.text == "-" and end + 1 < len(doc) and not doc[end - 1].whitespace_ and not nxt.whitespace_ and "/" in doc[end + 1].text:
                frac = self._fraction_token(doc[end + 1])  # "3-1/2 miles"
                if frac is not None:
                    value, end, plain = value + frac, end + 2, False
        # Scale words: "1.4 million", "2.5 bn", "35 lakh", "1.8 M", "$5 m", "two dozen".
        while end < len(doc) and not scaled and unit is None:
            if _after_nbsp(doc, end) > end and (doc[end + 1].lower_ in lex.scales or doc[end + 1].text in lex.scale_symbols):
                end += 1  # "5\u00a0million"
            w = doc[end]
            if w.text in HYPHENS and not w.whitespace_ and not doc[end - 1].whitespace_ and end + 1 < len(doc) and doc[end + 1].lower_ in lex.scales and len(doc[end + 1].text) > 1:
                end += 1  # "$2.5-billion"
                w = doc[end]
            word = w.text[:-1] if len(w.text) > 1 and w.text.endswith(".") and w.is_sent_end else w.text  # "$1.5 m.": the full stop ends the sentence
            if word.lower() in lex.scales and len(word) > 1:
                value, scaled = value * lex.scales[word.lower()], True
            elif word in lex.scale_symbols:
                value, scaled = value * lex.scale_symbols[word], True
            elif word == "m" and (currency is not None or self._currency_before(doc, i) is not None or self._currency_follows(doc, end + 1)):
                value, scaled = value * 1_000_000, True
            elif w.lower_ in lex.dozen:
                value, scaled = value * lex.dozen[w.lower_], True
            else:
                break
            end += 1
            # "two hundred thousand": keep multiplying while scales follow.
            while end < len(doc) and doc[end].lower_ in lex.scales and len(doc[end].text) > 1:
                value *= lex.scales[doc[end].lower_]
                end += 1
        if upper is not None and scaled:
            upper *= value / Decimal(num.replace(",", ""))
        return Core(i, end, value, digits=True, plain=plain and not scaled and upper is None, scaled=scaled,
                    fraction=fraction and not scaled, unit=unit, currency=currency, approx=approx, upper=upper, written=written)

    def _fraction_token(self, tok: Token) -> Decimal | None:
        if tok.text in self.lex.vulgar:
            return Decimal(str(self.lex.vulgar[tok.text]))
        m = re.fullmatch(r"(\d+)/(\d+)", tok.text)
        if m and int(m.group(2)) in self.lex.denominators and int(m.group(1)) < int(m.group(2)):
            return Decimal(m.group(1)) / Decimal(m.group(2))
        return None

    def _word_core(self, doc: Doc, i: int) -> Core | None:
        """Number words: "twenty-five", "two hundred and ten", "a third", "two-thirds", "half a million", "a dozen"."""
        lex = self.lex
        start = i
        first = doc[i].lower_
        if first in lex.fractions and not self._is_fraction(doc, i):
            return None  # "the third quarter", "a third term": an ordinal
        if first in lex.small and i + 2 < len(doc) and doc[i + 1].text in HYPHENS and doc[i + 2].lower_ in lex.fractions and not self._is_fraction(doc, i + 2):
            return None
        if (first in lex.scales or first in lex.dozen or first in lex.fractions) and i > 0 and doc[i - 1].lower_ in ("a", "an", "one"):
            start = i - 1
        total, current = Decimal(0), Decimal(0)
        seen_number = start < i  # "a" counts as one before a scale or fraction
        if seen_number:
            current = Decimal(1)
        scaled = fraction = False
        j = i
        while j < len(doc):
            w = doc[j].lower_
            if w in lex.small or w in lex.tens:
                if seen_number and current % 100 != 0 and not (w in lex.small and doc[j - 1].lower_ in lex.tens or doc[j - 1].text in HYPHENS):
                    break  # "five ten": two numbers
                current += lex.small.get(w, 0) + lex.tens.get(w, 0)
            elif w in lex.fractions:
                if w == "half" and seen_number and current > 1:
                    break
                current = (current or Decimal(1)) * Decimal(str(lex.fractions[w]))
                fraction = True
            elif w in lex.dozen:
                current = (current or Decimal(1)) * lex.dozen[w]
                scaled = True
            elif w in lex.scales and len(doc[j].text) > 1 and w not in ("k",):
                scale = lex.scales[w]
                current = current or Decimal(1)
                if scale >= 1000:
                    total += current * scale
                    current = Decimal(0)
                else:
                    current *= scale
                scaled = True
            elif doc[j].text in HYPHENS and seen_number and j + 1 < len(doc) and doc[j + 1].lower_ in lex.number_words and (
                not doc[j - 1].whitespace_ or _spaced_hyphen(doc, j) and (
                    doc[j + 1].lower_ in lex.fractions or doc[j - 1].lower_ in lex.tens and 0 < lex.small.get(doc[j + 1].lower_, 0) < 10
                )  # text tokenised with hyphens apart: "three - quarters", "twenty - five"
            ) or w == "and" and seen_number and j + 1 < len(doc) and doc[j + 1].lower_ in (lex.small.keys() | lex.tens.keys()) and doc[j - 1].lower_ in lex.scales:
                j += 1
                continue
            elif w in ("a", "an") and fraction and j + 1 < len(doc) and doc[j + 1].lower_ in lex.scales:
                j += 1  # "half a million"
                continue
            elif w == "of" and fraction and not scaled and j + 2 < len(doc) and doc[j + 1].lower_ in ("a", "an") and doc[j + 2].lower_ in lex.scales:
                j += 2  # "a quarter of a million"
                continue
            else:
                break
            seen_number = True
            j += 1
        if j == i or (start == i and j == i + 1 and (first in lex.scales or first in lex.dozen)):
            return None  # nothing read, or a scale word alone ("millions of dollars"): no number to normalise
        value = total + current
        return Core(start, j, value, digits=False, scaled=scaled, fraction=fraction and not scaled and value < 1)

    def _is_fraction(self, doc: Doc, i: int) -> bool:
        """Whether a fraction word is a fraction ("a third of", "two-thirds", "half the") and not an ordinal."""
        tok = doc[i]
        prev = doc[i - 1].lower_ if i > 0 else ""
        nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
        if prev in self.lex.not_fraction_before:
            return False  # "the second half", "the first quarter"
        if prev == "-":  # "two-thirds", "one-half"; not "fourth-quarter"
            return i >= 2 and doc[i - 2].lower_ in self.lex.small
        if nxt in self.lex.scales:
            return True  # "quarter million", "half a million" (via "a" below)
        if tok.lower_ in ("half", "halves"):
            return prev in ("a", "one") or nxt in ("of", "a", "an", "the", "their", "its", "his", "her", "our", "your", "all")
        if tok.tag_ not in ("NN", "NNS"):
            return False
        return prev in ("a", "an", "one") or prev in self.lex.small

    def _scale_of(self, doc: Doc, core: Core) -> int:
        for t in doc[core.start:core.end]:
            if t.lower_ in self.lex.scales and len(t.text) > 1:
                return self.lex.scales[t.lower_]
            if t.text in self.lex.scale_symbols:
                return self.lex.scale_symbols[t.text]
        m = NUM_RE.match(doc[core.start].text)
        if m and m.group("suf"):
            suf = m.group("suf")
            return self.lex.scale_symbols.get(suf) or self.lex.scales.get(suf.lower(), 1)
        return 1

    # ------------------------------------------------------------------ around the number
    def _currency_symbol(self, text: str) -> str | None:
        return self.units.currency_symbol(text)

    def _unit(self, text: str) -> str | None:
        """The canonical name of the unit written as `text`, remembered with its dimension."""
        found = self.units.unit(text)
        return None if found is None else self._remember(found)

    def _currency_before(self, doc: Doc, i: int) -> tuple[int, str, int] | None:  # noqa: C901
        """(start, code, multiplier) of a currency written right before doc[i]: "$", "US$", "us $", "USD", "MAUD"."""
        words, _, spaces = self._words(doc)
        for n in (2, 1):
            if i - n < self._floor:
                continue  # "10 rmb 20 usd": "rmb" belongs to the 10
            if any(spaces[i - n:i]):
                continue
            toks = doc[i - n:i]
            text = " ".join(words[i - n:i])
            code = self._currency_symbol(text)
            if code is None and n == 2 and not toks[0].whitespace_:
                code = self._currency_symbol(toks.text)  # "Rs.": one symbol the tokenizer split
            if code is None and n == 2 and toks[-1].text == "$" and (toks[0].is_alpha or toks[0].text.endswith(".")) and toks[0].lower_ != "a":
                # "us $", "c $", "hk $", "nt $", "r $": a country's dollar (or real) symbol written apart, as CLDR
                # writes it together ("NT$"); not "a $5 bill" (the article, not Australian dollars)
                prefix = toks[0].text.lower().rstrip(".")
                code = self._currency_symbol(prefix + " $") or self._currency_symbol(prefix.replace(".", "").upper() + "$")
            if code is not None and not (text.isalpha() and toks[0].is_stop):  # "ALL 5": a word, not Albanian lek
                return i - n, code, 1
            if n == 1:
                t = toks[0].text
                if len(t) == 4 and t[0] == "M" and t[1:].isupper() and self._currency_symbol(t[1:]) is not None:
                    return i - 1, self._currency_symbol(t[1:]) or "", 1_000_000
        return None

    def _currency_follows(self, doc: Doc, j: int) -> bool:
        """Whether a currency's name or code is written at doc[j] ("1.2m euros", "5bn USD"): a glued "m" is then a million."""
        lowers = self._words(doc)[1]
        if any(tuple(lowers[j:j + n]) in self.units.currency_names for n in (3, 2, 1) if j + n <= len(doc)):
            return True
        return j < len(doc) and doc[j].text.isupper() and self._currency_symbol(doc[j].text) is not None

    def _other_currency(self, doc: Doc, j: int) -> bool:
        """Whether the sentence of doc[j] names a currency elsewhere ("the dollar rose to 1.86 marks"):
        a word that is also a thing is then money too."""
        sent = doc[j].sent
        names = self.units.currency_names
        return any(
            t.i != j and ((t.lower_,) in names or t.text in ("$", "€", "£", "¥") or (t.is_upper and len(t.text) == 3 and t.text in self.units.codes))
            for t in sent
        )

    def _currency_after(self, doc: Doc, j: int, core: Core) -> tuple[int, str, int | Decimal] | None:
        """(end, code, multiplier) of a currency after the number: "20 dollars", "420 million swiss francs",
        "75 USD", "30 MUSD", "12-cent" (a glued hyphen may come first)."""
        if j < len(doc) and doc[j].text in HYPHENS and j > 0 and not doc[j - 1].whitespace_ and not doc[j].whitespace_:
            j += 1
        names, minor = self.units.currency_names, self.units.minor
        lowers = self._words(doc)[1]
        for n in range(min(3, len(doc) - j), 0, -1):
            toks = doc[j:j + n]
            key = tuple(lowers[j:j + n])
            if key not in names and n > 1 and "." in key[0]:
                key = (key[0].replace(".", ""), *key[1:])  # "U.S. dollars" as "us dollars"
            if key in names:
                if key[-1] in self.units.pound_names and not self._pounds_are_money(doc, core, j + n):
                    return None
                if toks[-1].pos_ not in ("NOUN", "PROPN", "NUM", "X") and not (n == 1 and self._pounds_are_money(doc, core, j + n)):
                    continue  # "real", "won" as an adjective or a verb, unless money is spoken of ("cost 40,000 won")
                number = doc[core.end - 1]
                if number.dep_ in ("nsubj", "nsubjpass") and number.head.i == toks[-1].i:
                    continue  # "Of the 12 candidates, 3 won.": the number is the subject of a verb
                return j + n, names[key], 1
            if n == 1 and key in self.units.shared_heads and toks[0].pos_ in ("NOUN", "PROPN") and (
                self._pounds_are_money(doc, core, j + 1) or self._other_currency(doc, j)
            ):
                code = self.units.currency_in_context(key, self._grams(doc))  # "marks" in a text about Germany
                code = code or self.units.shared_singular.get(key)  # "8 billion dinars": money, whose is not said
                if code is not None:
                    return j + 1, code, 1
            if key in minor and len(key[0]) > 1:
                return j + n, minor[key], Decimal("0.01")  # "58 cents" is 0.58 USD
            if n == 1:
                t = toks[0].text
                known = not t.isalpha() or t.isupper() or surface_key(t) in self.units.currency_symbols_lower  # "20 usd", "10 rmb"
                code = self._currency_symbol(t) if known else None
                if code is not None:
                    return j + 1, code, 1
                if len(t) == 4 and t[0] == "M" and t[1:].isupper() and self._currency_symbol(t[1:]):
                    return j + 1, self._currency_symbol(t[1:]) or "", 1_000_000
        return None

    def _words(self, doc: Doc) -> tuple[list[str], list[str], list[bool]]:
        """The text, lower case and whether it is whitespace of every token of `doc` (read once per doc, when needed)."""
        if self._words_from is not doc:
            arr = doc.to_array([ORTH, IS_SPACE])
            words, lowers = words_of(doc, arr[:, 0])
            self._words_from = doc
            self._doc_words = (words, lowers, (arr[:, 1] != 0).tolist())
        return self._doc_words

    def _grams(self, doc: Doc) -> frozenset[tuple[str, ...]]:
        """The lower-cased word sequences of up to three words in `doc` (built once per doc, when needed)."""
        if self._grams_of is not doc:
            words = [t.lower_ for t in doc if not t.is_space]
            self._grams_of = doc
            self._doc_grams = frozenset(tuple(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1))
        return self._doc_grams

    def _pounds_are_money(self, doc: Doc, core: Core, end: int) -> bool:
        """Whether a word that is also a thing ("pounds", "marks") is money here: a scale, "sterling",
        or a money word governing the number."""
        if core.scaled or (end < len(doc) and doc[end].lower_ == "sterling"):
            return True
        # The words that govern the number, and their nouns: "fined 500 pounds", "a profit of 361 pounds".
        governors = list(doc[core.start].ancestors)[:3]
        near = governors + [c for g in governors for c in g.children if c.pos_ in ("NOUN", "VERB")]
        return any(t.lemma_.lower() in self.units.money_lemmas for t in near)

    def _unit_after(self, doc: Doc, j: int) -> tuple[int, str] | None:
        """(end, unit) of a unit after the number; a glued hyphen may come first ("3-inch", "28-year-old")."""
        k = j
        if k < len(doc) and doc[k].text in HYPHENS and not doc[k - 1].whitespace_ and not doc[k].whitespace_:
            k += 1
        elif k + 2 < len(doc) and doc[k].text in HYPHENS and _spaced_hyphen(doc, k) and doc[k + 2].text in HYPHENS and _spaced_hyphen(doc, k + 2):
            k += 1  # "28 - year - old", "a 3 - inch - thick wall": text tokenised with hyphens apart
        elif (
            k + 2 < len(doc) and doc[k].text in HYPHENS and _spaced_hyphen(doc, k) and doc[k + 1].is_alpha and len(doc[k + 1].text) > 2
            and doc[k + 2].pos_ in ("NOUN", "PROPN", "ADJ") and doc[k + 2].is_alpha
        ):
            k += 1  # "a 30 - mile stretch", "the 1,000 - pound bomb": a unit before the noun it measures
        if k + 2 < len(doc) and doc[k].text in self.lex.brackets:  # "20 (kg)": a unit in brackets
            close = self.lex.brackets[doc[k].text]
            for n in (1, 2, 3):
                if k + 1 + n < len(doc) and doc[k + 1 + n].text == close:
                    name = self._unit(doc[k + 1:k + 1 + n].text)
                    return (k + 2 + n, name) if name is not None else None
            return None
        if k >= len(doc):
            return None
        first = doc[k]
        # The parse's QUANTITY entity says a capitalised word measures ("5 KM", "20 Kg"), not names ("18 FM").
        measured = first.ent_type_ == "QUANTITY"

        def unit_word(text: str) -> bool:
            return self.units.is_unit_word(text) or (measured and self.units.is_unit_word(text.lower()))

        if not (unit_word(first.text) or first.lower_ in self.units.compound_firsts):
            return None
        for n in range(min(MAX_PHRASE, len(doc) - k), 0, -1):
            toks = doc[k:k + n]
            last_ok = (
                unit_word(toks[-1].text) or (n > 1 and toks[-2].text == "/" and self.units.is_symbol(toks[-1].text))
                or (n == 2 and toks[0].lower_ in self.units.compound_firsts and toks[1].is_alpha)  # "astronomical units"
            )
            if any(t.is_space for t in toks) or not last_ok:
                continue  # "m/s": a one-letter symbol ends a unit only after a slash
            name = self._unit(toks.text) or (self._unit(toks.text.lower()) if measured else None)
            if name is None:
                continue
            if n == 1 and len(toks[0].text) == 1 and toks[0].text.isupper() and doc[k - 1].whitespace_ and (
                k + 1 < len(doc) and doc[k + 1].is_title and doc[k + 1].is_alpha
            ):
                continue  # "23456 F Block": a capital letter apart from the number, before a name, is part of it
            if n == 1 and not any(c.isalpha() for c in toks[0].text) and toks[0].text not in ("%", "°", "º") and doc[k - 1].whitespace_:
                continue  # a mark after a space is punctuation, not a unit
            end = k + n
            if self.known[name].dimension == "time":
                end = self._age_suffix(doc, end)
            return end, name
        return None

    def _per_tail(self, doc: Doc, j: int) -> tuple[int, str] | None:
        """(end, denominator) of "a share", "per barrel", "-a-share", "per annum", "per game" after a unit."""
        lex = self.lex
        k = j
        if k < len(doc) and doc[k].text in HYPHENS and not doc[k - 1].whitespace_:
            k += 1
        if k + 1 >= len(doc) or doc[k].lower_ not in lex.per_words:
            return None
        k += 1
        if doc[k].text in HYPHENS and not doc[k - 1].whitespace_:
            k += 1
        if k >= len(doc):
            return None
        for n in (3, 2):  # "per square foot", "per cubic metre"
            if k + n <= len(doc) and all(self.units.is_unit_word(t.text) for t in doc[k:k + n]):
                longer = self._unit(doc[k:k + n].text)
                if longer is not None and longer != PERCENT:
                    return k + n, longer
        for n in (3, 2, 1):  # "yen per dollar", "per Swiss franc": a currency below is its code
            if k + n <= len(doc) and doc[k + n - 1].pos_ in ("NOUN", "PROPN"):
                code = self.units.currency_names.get(tuple(t.lower_ for t in doc[k:k + n]))
                if code is not None and not (n == 1 and doc[k].lower_ in self.units.pound_names):
                    return k + n, code
        noun = doc[k]
        word = noun.lower_
        unit = self._unit(noun.text) if word not in lex.per_aliases else None
        if noun.pos_ not in ("NOUN", "PROPN") and word not in lex.per_aliases and unit is None:
            return None
        if k + 1 < len(doc) and doc[k + 1].lower_ in lex.per_not_after:
            return None  # "a year earlier", "a month ago"
        if word in lex.per_aliases:
            return k + 1, lex.per_aliases[word]
        if unit is not None and unit != PERCENT:
            return k + 1, unit
        return k + 1, noun.lemma_.lower()

    def _age_suffix(self, doc: Doc, end: int) -> int:
        """Extend a time unit over "old" / "of age" ("29 years old", "28-year-old", "3 years of age")."""
        k = end
        if k < len(doc) and doc[k].text in HYPHENS and (not doc[k - 1].whitespace_ or _spaced_hyphen(doc, k)):
            k += 1
        for suffix in self.lex.age_suffixes:
            n = len(suffix)
            if tuple(t.lower_ for t in doc[k:k + n]) == suffix:
                return k + n
        return end

    def _minor_tail(self, doc: Doc, j: int, value: Decimal) -> tuple[int, Decimal]:
        k = j + 1 if j < len(doc) and doc[j].lower_ == "and" else j
        if k >= len(doc):
            return j, value
        minor = self.core(doc, k) if k < len(doc) and (doc[k].like_num or doc[k].lower_ in self.lex.number_words) else None
        if minor is None or minor.value >= 100 or minor.value != minor.value.to_integral_value() or minor.currency or minor.unit:
            return j, value
        end = minor.end
        if end < len(doc) and (doc[end].lower_,) in self.units.minor:
            end += 1
        elif end < len(doc) and (doc[end].pos_ in ("NOUN", "PROPN") or doc[end].like_num or self._currency_symbol(doc[end].text)):
            return j, value  # "15 dollars and 15 people", "10 $ 30 $": not cents
        return end, value + minor.value / 100

    def _range(self, doc: Doc, j: int, core: Core, between: bool, alternative: bool = False) -> tuple[int, Core, str | None, str | None] | None:
        """A second number after a joiner: (end, its core, its unit, its currency); with `alternative`
        also after "or" ("two or three days")."""
        if j >= len(doc):
            return None
        joiner = doc[j].lower_
        if not (joiner in self.lex.range_joiners or (between and joiner in self.lex.between_joiners) or (alternative and joiner == "or")):
            return None
        if joiner in HYPHENS and not core.digits:
            return None
        k = j + 1
        currency = None
        found = self._currency_at(doc, k)
        if found is not None:
            k, currency = found
        if k >= len(doc):
            return None
        second = self.core(doc, k)
        if second is None or (second.digits != core.digits and joiner in HYPHENS):
            return None
        if core.plain and self._is_year(core.value) and (joiner in HYPHENS or joiner == "to" and second.plain and self._is_year(second.value)):
            raise Skip(second.end)  # "2019-20", "1939-1945", "2012 to 2019": a period
        end = second.end
        unit: str | None = None
        if second.unit is not None:
            unit = second.unit
        elif second.currency is not None:
            currency = second.currency
        else:
            after = self._currency_after(doc, end, second)
            if after is not None:
                end, currency, _ = after
            else:
                found_unit = self._unit_after(doc, end)
                if found_unit is not None:
                    end, unit = found_unit
        return end, second, unit, currency

    def _is_change_target(self, doc: Doc, core: Core, j: int) -> bool:
        """Whether "to" after the number introduces the result of a change ("rose 6.2% to 7%")."""
        if j >= len(doc) or doc[j].lower_ != "to":
            return False
        governors = [doc[j].head, *list(doc[core.start].ancestors)[:3]]
        return any(t.lemma_.lower() in self.lex.change_lemmas for t in governors)

    def _currency_at(self, doc: Doc, k: int) -> tuple[int, str] | None:
        for n in (2, 1):
            toks = doc[k:k + n]
            if len(toks) < n:
                continue
            code = self._currency_symbol(" ".join(t.text for t in toks))
            if code is not None and k + n < len(doc) and any(c.isdigit() for c in doc[k + n].text):
                return k + n, code
        return None

    def _ratio(self, doc: Doc, j: int, core: Core) -> tuple[int, Decimal] | None:
        """ "one in five" -> 20 %, "3 out of 10" -> 30 %."""
        if core.value <= 0 or core.value != core.value.to_integral_value() or core.scaled:
            return None
        for joiner in (("in",), ("out", "of"), ("-", "in", "-")):  # "one in five", "3 out of 10", "a one-in-five chance"
            n = len(joiner)
            if tuple(t.lower_ for t in doc[j:j + n]) == joiner and j + n < len(doc):
                if joiner[0] == "-" and (doc[j - 1].whitespace_ or doc[j + n - 1].whitespace_):
                    continue
                second = self.core(doc, j + n)
                if second is None or second.scaled or second.value <= core.value or (second.plain and self._is_year(second.value)):
                    return None
                if self._unit_after(doc, second.end) is not None:
                    return None  # "2 in 5 years"
                return second.end, (core.value / second.value * 100).quantize(Decimal("0.1"))
        return None

    def _age(self, doc: Doc, start: int, end: int, core: Core) -> tuple[int, int, str] | None:
        """Ages written without a time unit: "aged 87", "age 87", "87 yo", "Smith, 45,"."""
        lex = self.lex
        if core.scaled or core.value != core.value.to_integral_value() or not 0 < core.value < 130:
            return None
        if end < len(doc) and doc[end].lower_ in lex.age_short:
            return start, end + 1, lex.age_short[doc[end].lower_]
        if start > 0 and doc[start - 1].lower_ in lex.age_prefixes:
            return start, end, "year"
        if start > 1 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in lex.age_prefixes:
            return start, end, "year"  # "at the age of ten"
        # "John Smith, 45, was arrested": an integer between commas right after a person's name.
        named = start >= 2 and (doc[start - 2].ent_type_ == "PERSON" or (doc[start - 2].tag_ == "NNP" and not doc[start - 2].ent_type_))
        if (
            named and doc[start - 1].text == "," and end < len(doc) and doc[end].text in (",", ")", ";") and core.digits and core.plain
        ):
            return start, end, "year"
        # "She was 26.": a person's age after "be", with nothing counted after it.
        be = doc[start - 1] if start > 0 else None
        if (
            be is not None and be.lemma_ == "be" and end < len(doc) and doc[end].is_punct and doc[end].text != "%"
            and any(c.dep_ == "nsubj" and (c.lower_ in ("i", "he", "she") or c.ent_type_ == "PERSON") for c in be.children)
        ):
            return start, end, "year"
        return None

    def _phrase_before(self, doc: Doc, start: int, table: dict[tuple[str, ...], str]) -> tuple[int, str] | None:
        _, lowers, spaces = self._words(doc)
        for n in range(min(MAX_PHRASE, start), 0, -1):
            if any(spaces[start - n:start]):
                continue
            key = tuple(lowers[start - n:start])
            if key in table:
                return start - n, table[key]
        return None

    def _phrase_after(self, doc: Doc, end: int, table: dict[tuple[str, ...], str]) -> tuple[int, str] | None:
        _, lowers, spaces = self._words(doc)
        for n in range(min(3, len(doc) - end), 0, -1):
            key = tuple(lowers[end:end + n])
            if key and key[0] in HYPHENS and len(key) > 1 and not doc[end - 1].whitespace_:
                key = key[1:]  # "200-plus"
            if key in table and not any(spaces[end:end + n]):
                if key == ("+",) and doc[end - 1].whitespace_:
                    continue
                return end + n, table[key]
        return None

    # ------------------------------------------------------------------ what is not a statistic
    def _is_year(self, value: Decimal) -> bool:
        lo, hi = self.lex.year_range
        return value == value.to_integral_value() and lo <= value <= hi

    def _digit_run(self, doc: Doc, k: int) -> int:
        """The end of the digit groups (joined by spaces, hyphens, dots or brackets) from doc[k]."""
        while k < len(doc) and (doc[k].text.isdigit() or doc[k].text in HYPHENS | {".", "(", ")"}) and not doc[k].is_sent_end:
            k += 1
        return k + 1 if k < len(doc) and doc[k].text.isdigit() else k

    def _check_chain(self, doc: Doc, core: Core) -> None:
        """Phone numbers and codes: three or more digit groups glued by hyphens or dots ("555-123-4567")."""
        if not core.digits:
            return
        first = doc[core.start]
        if core.start > 0 and doc[core.start - 1].text in ("'", "’") and not doc[core.start - 1].whitespace_ and re.fullmatch(r"\d\d", first.text):
            raise Skip(core.end)  # "in '69": a year
        if re.match(r"^\+\d", first.text) and core.end < len(doc) and (doc[core.end].text[:1].isdigit() or doc[core.end].text == "("):
            raise Skip(self._digit_run(doc, core.end))  # "+44 20 7946 0958": an international phone number
        if core.start > 0 and doc[core.start - 1].text == "(" and core.end + 1 < len(doc) and doc[core.end].text == ")" \
                and len(first.text) == 3 and doc[core.end + 1].text[:1].isdigit():
            raise Skip(self._digit_run(doc, core.end + 1))  # "(555) 010-9999": an area code and its number
        if re.fullmatch(r"0\d+", first.text):
            raise Skip(self._digit_run(doc, core.end))  # "010", "007": a leading zero writes a code, not a count
        if (
            core.start >= 3 and doc[core.start - 1].text in HYPHENS and doc[core.start - 2].text.isdigit() and not doc[core.start - 2].whitespace_
            and (doc[core.start - 2].ent_type_ in NAMED or (doc[core.start - 3].tag_ == "NNP" and doc[core.start - 3].lower_ not in self.lex.months))
        ):
            raise Skip(core.end)  # "Boeing 737-800": the second half of a name's model number
        if core.start >= 2 and doc[core.start - 1].text in HYPHENS and not doc[core.start - 2].whitespace_ and not doc[core.start - 1].whitespace_ and doc[core.start - 2].text[-1].isalnum() and not doc[core.start - 2].like_num:
            raise Skip(core.end)  # "scp2-173", "mid-2020", "top-10": part of a word or code
        k, groups = core.start, 1
        long_group = len(doc[k].text) >= 5 and doc[k].text.isdigit()
        while k + 2 < len(doc) and doc[k + 1].text in HYPHENS | {"."} and not doc[k].whitespace_ and not doc[k + 1].whitespace_ and doc[k + 2].text.isdigit():
            k += 2
            groups += 1
            long_group = long_group or len(doc[k].text) >= 5
        if groups >= 3 or (groups == 2 and long_group):
            raise Skip(k + 1)
        # Three or more bare numbers in a row ("+1 202 555 0199").
        run = core.start
        while run < len(doc) and doc[run].text.isdigit():
            run += 1
        if run - core.start >= 3:
            raise Skip(run)

    def _keep(self, doc: Doc, core: Core, start: int, end: int, unit: str | None, currency: str | None, approx: str | None, upper: Decimal | None) -> bool:
        """False for a date, a time, an identifier, a number inside a name, or a pronoun "one"."""
        lex = self.lex
        first = doc[core.start]
        if first.ent_type_ in NAMED and currency is None and unit is None:
            return False
        bare = unit is None and currency is None
        prev = doc[start - 1] if start > 0 else None
        nxt = doc[end] if end < len(doc) else None
        if nxt is not None and (nxt.lower_ in lex.time_markers or (nxt.lower_ == "local" and end + 1 < len(doc) and doc[end + 1].lower_ == "time")):
            return False  # "10 a.m.", "2 pm", "14:00 GMT"
        if unit == "point" and core.value == 1 and not core.digits and prev is not None and prev.lower_ == "at":
            return False  # "at one point": when, not how much
        if not bare:
            return True
        integer = core.value == core.value.to_integral_value()
        # Dates: "Oct. 7", "7 October", "January 2020", "in 1996".
        if core.digits and integer:
            p = core.start - 1
            while p >= 0 and (
                doc[p].text in (".", ",", "the", "of") or doc[p].is_space  # also "October\xa09"
                or (doc[p].lower_ in ("and", "or", "&", "to") or doc[p].text in HYPHENS) and p > 0 and _day(doc[p - 1])
                or p < core.start - 1 and _day(doc[p])  # "December 5 and 6", "May 3, 4 and 5": the later days too
            ):
                p -= 1
            if p >= 0 and doc[p].lower_ in lex.months and (doc[p].tag_ != "MD" or doc[p].is_title) and (core.value <= 31 or self._is_year(core.value)):
                return False
            n = core.end
            while n < len(doc) and (doc[n].text in ("of", "the") or doc[n].is_space):
                n += 1
            if n < len(doc) and doc[n].lower_ in lex.months and (doc[n].tag_ != "MD" or doc[n].is_title) and core.value <= 31:
                return False
            if core.plain and self._is_year(core.value) and approx is None and upper is None:
                return False
        if prev is not None and prev.text == "(" and nxt is not None and nxt.text == ")" and core.digits and integer and core.value < 100:
            return False  # "(1)", "(2)": a list marker
        if (
            nxt is not None and nxt.text == ")" and core.digits and integer and core.value < 100 and approx is None
            and "(" not in doc[doc[start].sent.start:start].text
        ):
            return False  # "1 ) explains ...; 2 ) cautions ...": a list marker with no opening bracket
        # A fraction alone ("in a quarter since 1950") is no statistic; "a third of", "half a million" are.
        if core.fraction and not core.digits:  # "1/2 teaspoon", "rose 3/8" are; "in a quarter" is not
            return False
        # Identifiers: "Article 5", "page 12", "No. 1", "PA 23456", "123 Main Street", "Category Two".
        if integer and approx is None and prev is not None and "," not in first.text and (core.digits or first.is_title):
            prev_is_name = prev.tag_ in ("NNP", "NNPS") and prev.lower_ not in lex.months and prev.lower_ not in WEEKDAYS
            counted = first.head.i > core.end - 1 and first.head.tag_ == "NNS"
            if (prev.lower_ in lex.id_nouns or prev.text == "#" or prev_is_name) and not counted and prev.lower_ not in lex.age_prefixes:
                return False
        if core.digits and approx is None and prev is not None and first.dep_ == "nummod" and first.head.i == prev.i and prev.i == start - 1 \
                and prev.text[:1].isupper() and prev.i > prev.sent.start:
            return False  # "Democracy 2.0", "Apollo 11": a number the name before it governs is part of the name
        if approx is None and upper is None and prev is not None and prev.i == start - 1 and first.dep_ == "nummod" and first.head.i == prev.i \
                and prev.tag_ == "NN" and prev.is_ascii and not prev.like_num and integer:
            # "day one", "phase two", "room 101": a whole number after the singular noun it names is a
            # designation ("magnitude 6.3", a measure on a scale, is written with a decimal)
            return False
        if core.digits and integer and approx is None and prev is not None and prev.i == start - 1 and prev.is_alpha and prev.is_upper and not prev.is_stop \
                and 2 <= len(prev.text) <= 4 and core.value >= 10:
            return False  # "HR 6819", "NGC 1300", "S&P 500"-like designations: an acronym and a number
        if core.digits and integer and core.plain and first.head.tag_ == "NNP" and first.head.i > core.start and first.dep_ in ("nummod", "compound"):
            return False  # "123 Random Street", "the 1990 Beretta"
        head = first.head
        if (
            core.plain and core.value >= 100 and approx is None and head.tag_ == "NN" and head.i == core.end
            and head.lemma_.lower() not in lex.collective_nouns and first.dep_ in ("nummod", "compound")
        ):
            return False  # "the 8088 chip", "a 737 jet": a model number, not a count
        # Pronoun "one" ("one of the", "no one", "one can"): a count only when it modifies a noun.
        if not core.digits and core.value == 1 and not core.fraction and approx is None:
            head = first.head
            if not (first.dep_ == "nummod" and head.i > first.i and head.pos_ in ("NOUN", "PROPN")) or head.dep_ == "pobj":
                return False  # "one can", "one of the", "in one exchange"
            if prev is not None and prev.lower_ in ("the", "this", "that", "whose"):
                return False  # "the one factor": the only one, not a count
        return True

    # ------------------------------------------------------------------ what it counts
    def concept(self, doc: Doc, stat: Statistic) -> Span | None:
        """What the statistic counts: the noun it modifies ("victims", "displaced Palestinians"), or the
        "of" phrase after a share ("of Gazans"); None when the parse does not say."""
        inside = range(stat.start, stat.end)
        roots = [t for t in doc[stat.start:stat.end] if t.head.i not in inside or t.head.i == t.i]
        if not roots:
            return None
        root = roots[-1]
        end = stat.end
        if end >= len(doc):
            return None
        # The noun the number modifies, to its right: "nearly 32,000 victims", "1.4 million displaced Palestinians".
        head = root.head
        if root.dep_ in COUNTED_DEPS and head.i >= end and head.pos_ in ("NOUN", "PROPN", "PRON") and head.i - end < 6:
            first = end
            while first < head.i and (doc[first].is_punct or doc[first].lower_ in self.lex.per_words):
                first += 1
            proper_name = head.tag_ == "NNP" and stat.kind == "count" and head.ent_type_ not in ("NORP", "")
            if all(head in t.ancestors for t in doc[first:head.i]) and not proper_name:
                return doc[first:head.i + 1]
        # The whole a share is taken of: "85% of Gazans", "60% of the enclave's infrastructure", "three of the victims".
        of = doc[end]
        if of.lower_ == "of" and (of.head.i in inside or stat.kind in ("percent", "ratio")):
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.i - end < 12:
                return doc[end:pobj.i + 1]
        return None
