"""Units and currencies for the statistics layer, from maintained libraries.

Units come from `pint` (names, symbols, plurals, SI prefixes, "per" and compound units,
dimensionality, conversion to SI). Currencies come from `babel`: it ships the Unicode CLDR data,
which keeps the ISO 4217 codes (current and historic) together with each currency's English name,
plural and symbols, both the English ones ("A$", "CA$", "£") and each country's own ("₺", "₾", "zł");
the ISO-only packages on PyPI carry codes and names but no symbols and no plurals, which news needs.
Our data files (`data/statistics_units.json`, `data/statistics_currencies.json`) add only what news
writes and no library has. Both tables are built once per process, on first use (`units()`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Unit", "UnitTables", "units"]

DATA = Path(__file__).parent / "data"
PERCENT = "%"
# Written with a power after the unit ("km2", "m³", "m^2"): pint reads "km**2".
POWER_RE = re.compile(r"^([^\W\d_]+)\^?([23²³])$")
POWERS = {"2": "2", "3": "3", "²": "2", "³": "3"}
# Words that join the parts of a compound unit; "a"/"an" as in "kilometres an hour".
JOINERS = frozenset({"per", "a", "an", "/"})
# SI prefixes news writes; pint also knows atto-, pico-, ronto-..., which turn English words into units ("am", "pm", "cat").
PREFIX_NAMES = frozenset({"kilo", "mega", "giga", "tera", "milli", "centi", "micro", "nano", "pico", "deci", "hecto"})
PREFIX_SYMBOLS = frozenset({"k", "M", "G", "T", "m", "c", "µ", "μ", "n", "d", "h"})
# "sq ft", "cu m": the abbreviations of the words pint reads before a unit.
SQUARE_CUBIC = {"square": "square", "sq": "square", "sq.": "square", "cubic": "cubic", "cu": "cubic", "cu.": "cubic"}
# Words for a degree that name a temperature scale when one follows ("degrees Celsius", "deg F").
DEGREE_WORDS = frozenset({"degree", "degrees", "deg", "deg.", "°"})
# Words that qualify a currency's name and news may leave out ("New Taiwan dollar", "South Korean won").
QUALIFIERS = frozenset({"new", "north", "south", "east", "west", "central"})
# ISO 4217's codes for precious metals (gold, silver, platinum, palladium): priced, not money.
METALS = frozenset({"XAU", "XAG", "XPT", "XPD"})


@dataclass(frozen=True)
class Unit:
    """A unit as the record names it: `name` canonical (pint's unit name, an ISO 4217 code, "%"),
    `dimension` ("length", "currency", "percent", "rate", ...), `pint` the pint expression when pint
    converts it (None for money, percent and news-only units)."""

    name: str
    dimension: str
    pint: str | None = None


def _plain(text: str) -> str:
    """A written unit with the look-alike characters news uses for the degree sign ("40ºC", "40˚F")
    replaced, hyphens between words as spaces ("square-foot"), "sq." and "cu." apart from their unit
    ("sq.m"), and no abbreviation's full stop."""
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text.replace("º", "°").replace("˚", "°"))
    text = re.sub(r"^(sq|cu)\.(?=[^\W\d_])", r"\1. ", text, flags=re.IGNORECASE)
    return text[:-1] if len(text) > 1 and text.endswith(".") and text[-2].isalpha() else text  # "5 ft.", "1.5 m."


def _micro(text: str) -> str:
    """The micro sign and the Greek mu are both written for micro- ("µg", "μg")."""
    return text.replace("μ", "µ")


def _shouted(text: str) -> bool:
    """A unit written in capitals, three letters or more ("MPH", "KM/H"); "FM", "KG" may be names."""
    return text.isupper() and sum(c.isalpha() for c in text) >= 3


def _fold(key: tuple[str, ...]) -> tuple[str, ...]:
    """A name's words without accents ("króna" -> "krona")."""
    return tuple("".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c)) for w in key)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_off(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one letter missing, added or changed, or two neighbours swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def load_data(name: str, folder: Path = DATA) -> dict[str, Any]:
    with open(folder / f"statistics_{name}.json", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def surface_key(text: str) -> tuple[str, ...]:
    """Lower-cased words of a surface form, split the way spaCy splits hyphens and slashes."""
    return tuple(re.sub(r"([-/–])", r" \1 ", text.lower()).split())


class UnitTables:
    """pint's registry and babel's currency data, indexed for the statistics parser."""

    def __init__(self, folder: Path = DATA) -> None:
        import pint

        spec = load_data("units", folder)
        # pint's own definitions cache would save a second but writes into the user's cache folder;
        # the registry is built once per process instead (see `units()`).
        self.registry: Any = pint.UnitRegistry()
        for definition in spec["definitions"]:
            self.registry.define(definition)
        self.percent = frozenset(surface_key(s) for s in spec["percent"])
        self.aliases: dict[str, str] = dict(spec["aliases"])
        self.aliases_lower = {surface_key(k): v for k, v in spec["aliases"].items() if k == k.lower()}
        self.news_units = {surface_key(s): Unit(name, u["dimension"]) for name, u in spec["news_units"].items() for s in u["surfaces"]}
        self.rate_nouns = frozenset(spec["rate_nouns"])
        self.not_units = frozenset(spec["not_units"])
        # every word of a written form we list ("parts" of "parts per billion", "fahrenheit")
        words = [w for key in [*self.percent, *self.news_units, *self.aliases_lower] for w in key]
        self.alias_words = frozenset(words) | frozenset(_plain(w).lower() for w in words)
        self.not_pint_units = tuple(spec["not_pint_units"])
        self.short_symbols = frozenset(spec["short_symbols"])
        self.dimensions = {tuple(sorted(d.items())): name for name, d in spec["dimensions"].items()}
        self.dimensionless: dict[str, str] = dict(spec["dimensionless"])
        # First words of pint's two-word unit names ("astronomical_unit", "troy_ounce", "long_ton"),
        # which news writes apart ("30 astronomical units").
        firsts = (name.split("_")[0] for name in self.registry._units if name.count("_") == 1)
        self.compound_firsts = frozenset(
            w for w in firsts if w.isalpha() and w.islower() and len(w) >= 4 and w not in self.not_units and w not in SQUARE_CUBIC
        )  # "square feet" stays "foot ** 2", as "sq ft" reads
        self._currencies(load_data("currencies", folder))
        self._misspelt_index(spec["misspelt"])
        # Parsing with pint is slow next to a dict lookup; news repeats its units, so remember each answer.
        self._unit = lru_cache(maxsize=16384)(self._unit_uncached)
        self._unit_word = lru_cache(maxsize=8192)(self._unit_word_uncached)
        self.spelled = lru_cache(maxsize=8192)(self._spelled)  # type: ignore[method-assign]
        # and the readings of a written form, before `_plain` and the case and spelling fallbacks run again
        self.unit = lru_cache(maxsize=16384)(self._read_unit)  # type: ignore[method-assign]
        self.is_unit_word = lru_cache(maxsize=16384)(self._is_unit_word)  # type: ignore[method-assign]

    def _misspelt_index(self, spec: dict[str, Any]) -> None:
        """Long unit names by each form one letter shorter, to find a name written one letter off."""
        names = {prefix + base for prefix in PREFIX_NAMES for base in spec["bases"]} | set(spec["scales"])
        self.min_misspelt = int(spec["min_length"])
        self.misspelt: dict[str, set[str]] = {}
        for name in names | {n + "s" for n in names}:
            if len(name) >= self.min_misspelt:
                for short in {name} | _deletes(name):
                    self.misspelt.setdefault(short, set()).add(name)

    def spelled(self, word: str) -> str | None:
        """The long unit name `word` misspells by one letter ("celcius" -> "celsius"), or None."""
        return self._spelled(word)

    def _spelled(self, word: str) -> str | None:
        low = word.lower()
        if len(low) < self.min_misspelt or not low.isalpha() or low in self.misspelt.get(low, ()):
            return None
        found = {n for key in {low} | _deletes(low) for n in self.misspelt.get(key, ()) if _one_off(low, n)}
        meant = {unit.name for n in found if (unit := self._unit(n)) is not None}  # "kilometr": kilometre or kilometer
        return min(found) if len(meant) == 1 else None

    # ------------------------------------------------------------------ currencies
    def _currencies(self, spec: dict[str, Any]) -> None:
        from babel.numbers import get_currency_name, get_currency_symbol, list_currencies

        codes = sorted(list_currencies("en"))
        self.codes = frozenset(codes) | frozenset(spec["custom"])
        names: dict[tuple[str, ...], set[str]] = {}
        translated = {native: english for english, natives in spec["translations"].items() for native in natives}
        for code in codes:
            for count in (None, 1, 2):
                key = surface_key(get_currency_name(code, count=count, locale="en"))
                for form in {key, _fold(key)}:  # "icelandic krónur" and "icelandic kronur"
                    names.setdefault(form, set()).add(code)
                    if len(form) > 1 and form[-1] in translated:  # "czech koruna" is also "czech crowns"
                        names.setdefault(form[:-1] + (translated[form[-1]],), set()).add(code)
        # A full name ("swiss francs", "greek drachmas") names one currency; so does its last word
        # when no other currency, current or historic, ends with it ("euros", "yen", "hryvnias").
        heads: dict[tuple[str, ...], set[str]] = {}
        for key, owners in names.items():
            if len(key) > 1:
                heads.setdefault(key[-1:], set()).update(owners)
        self.currency_names = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}
        self.currency_words = frozenset(k[-1] for k in names if k)  # every word that ends a currency's name
        for key, owners in heads.items():
            if len(owners) == 1 and key not in self.currency_names:
                self.currency_names[key] = next(iter(owners))
            elif len(owners) > 1:
                self.currency_names.pop(key, None)  # "dollar", "pound": only a news default may say which
        for key in [k for k, code in self.currency_names.items() if code in METALS]:
            del self.currency_names[key]  # "3 silver": a medal or a metal, never money by name
        # A three-word name is also written without its qualifier: "Israeli shekels" (Israeli new shekel),
        # "Taiwan dollars" (New Taiwan dollar), "Korean won" (South Korean won). Such a short name counts
        # when one currency has it, or when the news default of its last word is among those that do
        # ("Korean won": the won is South Korea's, not North Korea's).
        shorts: dict[tuple[str, ...], set[str]] = {}
        for key, owners in names.items():
            if len(key) == 3 and all(w.isalpha() for w in key):
                for drop in (0, 1):
                    if key[drop] in QUALIFIERS:
                        shorts.setdefault(key[:drop] + key[drop + 1:], set()).update(owners)
        defaults = {surface_key(word): code for word, code in spec["defaults"].items()}
        for short, owners in shorts.items():
            if short in names:
                continue
            default = defaults.get(short[-1:])
            if len(owners) == 1 or default in owners:
                self.currency_names[short] = next(iter(owners)) if len(owners) == 1 else str(default)
        for word, code in spec["defaults"].items():
            self.currency_names[surface_key(word)] = code
            # the country's adjective before a news spelling CLDR does not use: "Russian roubles", "Brazilian reais"
            country = surface_key(get_currency_name(code, locale="en"))[:-1]
            if country:
                self.currency_names.setdefault(country + surface_key(word), code)
        for code, custom in spec["custom"].items():
            for name in custom["names"]:
                self.currency_names[surface_key(name)] = code
        # "marks", "guilders", "dinars": names several currencies share and no news default settles;
        # the text's country may (`currency_in_context`).
        self.shared_heads = {key: frozenset(owners) for key, owners in heads.items() if len(owners) > 1 and key not in self.currency_names}
        self.shared_singular = self._shared_singular(spec["translations"])
        self._places: dict[str, frozenset[tuple[str, ...]]] | None = None
        # Symbols: English CLDR symbols ("$" USD, "A$", "£" GBP) over our news abbreviations; a country's
        # own symbol ("₺", "zł") is looked up when needed (`_native_symbols`).
        symbols: dict[str, str] = {}
        symbols.update(spec["symbols"])
        for code, custom in spec["custom"].items():
            symbols.update({s: code for s in custom["symbols"]})
        for code in codes:
            symbols[code] = code
            symbols[get_currency_symbol(code, "en")] = code
        symbols["$"], symbols["£"], symbols["¥"] = "USD", "GBP", "JPY"  # CLDR's English readings, kept over national ones
        self.currency_symbols = symbols
        self._native: dict[str, str] | None = None
        self._english: dict[str, str] | None = None
        self.currency_symbols_lower = {surface_key(s): c for s, c in spec["symbols"].items() if s == s.lower()}
        self.minor = {surface_key(k): v for k, v in spec["minor"].items()}
        self.pound_names = frozenset(spec["ambiguous"]["pound_names"])
        self.money_lemmas = frozenset(spec["ambiguous"]["money_lemmas"])

    def _shared_singular(self, translations: dict[str, Any]) -> dict[tuple[str, ...], str]:
        """The singular name of each currency word several national currencies share ("dinars" ->
        "dinar", "kroner" -> "krone", "lei" -> "leu"), from CLDR's singular and plural names: the
        money a text names when no country settles which one (`currency_in_context`). Not a word a
        precious metal shares ("gold": ISO's XAU) nor one our lists keep as a thing ("marks", "units")."""
        from babel.numbers import get_currency_name

        singular: dict[str, str] = {}
        for english in translations:
            if not english.endswith("s"):
                singular[english] = english
                singular[english + "s"] = english  # "crowns"
        for owners in self.shared_heads.values():
            for code in owners:
                one = surface_key(get_currency_name(code, count=1, locale="en"))[-1:]
                many = surface_key(get_currency_name(code, count=2, locale="en"))[-1:]
                if one and many:
                    singular.setdefault(one[0], one[0])
                    singular.setdefault(many[0], one[0])
        out: dict[tuple[str, ...], str] = {}
        for key, owners in self.shared_heads.items():
            word = key[0]
            if len(key) != 1 or not word.isalpha() or word in self.not_units or owners & METALS:
                continue
            if word in singular:
                out[key] = singular[word]
        return out

    def currency_in_context(self, key: tuple[str, ...], grams: frozenset[tuple[str, ...]]) -> str | None:
        """The one currency named `key` ("marks") whose country the text names, by the adjective of its
        CLDR name ("German Mark") or a territory that used it ("Germany"); `grams` are the text's
        lower-cased word sequences (up to three words). None when no one currency is named."""
        owners = self.shared_heads.get(key)
        if not owners:
            return None
        places = self._currency_places()
        named = {code for code in owners if places.get(code, frozenset()) & grams}
        return next(iter(named)) if len(named) == 1 else None

    def _currency_places(self) -> dict[str, frozenset[tuple[str, ...]]]:
        if self._places is not None:
            return self._places
        from babel import Locale
        from babel.core import get_global
        from babel.numbers import get_currency_name

        territories = Locale("en").territories
        by_code: dict[str, set[tuple[str, ...]]] = {}
        heads_of: dict[str, set[tuple[str, ...]]] = {}
        for key, owners in self.shared_heads.items():
            for code in owners:
                heads_of.setdefault(code, set()).add(key)
        for territory, used in get_global("territory_currencies").items():
            if territory not in territories:
                continue
            spells = sorted(used, key=lambda u: u[1] or (0,))
            for n, (code, *_) in enumerate(spells):
                # a country names the last of the currencies it used under one name: Norway's crowns
                # are the Norwegian krone, not the Swedish krona of the union before 1905
                if any(heads_of.get(code, set()) & heads_of.get(later, set()) for later, *_ in spells[n + 1:]):
                    continue
                by_code.setdefault(code, set()).add(surface_key(territories[territory]))
        codes = {code for owners in self.shared_heads.values() for code in owners}
        for code in codes:
            adjective = surface_key(get_currency_name(code, count=1, locale="en"))[:-1]
            if adjective and not any("(" in w for w in adjective):
                by_code.setdefault(code, set()).add(adjective)
        self._places = {code: frozenset(p for p in by_code.get(code, ()) if 0 < len(p) <= 3) for code in codes}
        return self._places

    def currency_symbol(self, text: str) -> str | None:
        """The ISO code of a currency symbol or code as written ("$", "A$", "€", "USD", "₺"), or None."""
        code = self.currency_symbols.get(text)
        if code is None:
            code = self.currency_symbols_lower.get(surface_key(text))
        if code is None and len(text) == 4 and text.endswith("$") and text[:3].upper() in self.codes:
            code = text[:3].upper()  # "CAD$", "nzd$": a code written with the dollar sign
        if code is None and _may_be_native_symbol(text):
            code = self._native_symbols().get(text)  # "₺", "₾", "zł": a country's own symbol
        return code

    def glued_symbol(self, text: str) -> str | None:
        """The ISO code of a symbol written glued before a number the English tables do not know, as
        the English of the currency's own country writes it ("RM1.5bn" MYR, "Rp15,000" IDR, "Ksh500"
        TZS, "USh" UGX, from CLDR's en_ID, en_TZ, en_UG, ...): two letters or more, one currency's, not
        in capitals only ("SR", "MK" abbreviate anything; "RM" is in our news symbols)."""
        if sum(c.isalpha() for c in text) < 2 or (text.isalpha() and text.isupper()) or len(text) > 5:
            return None  # "G7", "MH17", "Boeing": never one, so the English locales are not read for them
        return self._english_symbols().get(text)

    def _english_symbols(self) -> dict[str, str]:
        if self._english is not None:
            return self._english
        from babel import Locale
        from babel.localedata import locale_identifiers
        from babel.numbers import get_territory_currencies

        owners: dict[str, set[str]] = {}
        for name in locale_identifiers():
            if not name.startswith("en_") or name.count("_") != 1:
                continue
            locale = Locale.parse(name)
            current = get_territory_currencies(locale.territory) if locale.territory else []
            symbol = locale.currency_symbols.get(current[0]) if current else None
            if symbol and symbol != current[0]:
                owners.setdefault(symbol, set()).add(current[0])
        self._english = {
            symbol: next(iter(codes)) for symbol, codes in owners.items()
            if len(codes) == 1 and sum(c.isalpha() for c in symbol) >= 2 and symbol not in self.currency_symbols
            and not (symbol.isalpha() and symbol.isupper())  # "SR", "VT", "MK": an abbreviation of anything
        }
        return self._english

    def _native_symbols(self) -> dict[str, str]:
        """Each country's own currency symbol from CLDR, where no other currency uses it ("₺" TRY,
        "₾" GEL, "zł" PLN). Reading every country's locale takes a second or more, so it happens
        only when a text has a symbol the English tables do not know."""
        if self._native is not None:
            return self._native
        from babel import Locale, UnknownLocaleError
        from babel.core import get_global
        from babel.languages import get_official_languages
        from babel.numbers import get_territory_currencies

        owners: dict[str, set[str]] = {}
        for territory in get_global("territory_currencies"):
            current = get_territory_currencies(territory)
            for language in get_official_languages(territory)[:1] if current else []:
                try:
                    symbol = Locale.parse(f"{language}_{territory}").currency_symbols.get(current[0])
                except (UnknownLocaleError, ValueError):
                    continue
                if symbol and symbol.strip() and symbol != current[0]:
                    owners.setdefault(symbol, set()).add(current[0])
        self._native = {
            symbol: next(iter(codes)) for symbol, codes in owners.items()
            if len(codes) == 1 and not (symbol.isascii() and symbol.isalpha() and len(symbol) <= 2) and symbol not in self.currency_symbols
            and _may_be_native_symbol(symbol)
        }
        return self._native

    # ------------------------------------------------------------------ units
    def unit(self, text: str) -> Unit | None:
        """The unit written as `text` (see `_read_unit`)."""
        return self._read_unit(text)

    def _read_unit(self, text: str) -> Unit | None:
        """The unit written as `text` ("km", "kilometres per hour", "sq ft", "°C", "%"), or None
        when it is not one a number in news is measured in. A unit written in capitals that pint does
        not know as written is read in lower case when it has three letters or more ("MPH", "KILOMETRES")
        or is a temperature scale named after a person ("Celsius", "Kelvin"); not "60 Minutes", "18 FM"."""
        plain = _plain(text)
        found = self._unit(plain)
        if found is None and _shouted(plain):
            found = self._unit(plain.lower())  # "MPH", "KILOMETRES"
        elif found is None and plain[:1].isupper() and plain[1:].islower() and " " not in plain:
            lower = self._unit(plain.lower())  # "Celsius", "Kelvin": the scales named after people
            found = lower if lower is not None and lower.dimension == "temperature" else None
        if found is None and " " not in plain and (spelled := self.spelled(plain)) is not None:
            found = self._unit(spelled)  # "celcius", "kilometr": a long name one letter off
        return found

    def canonical(self, text: str) -> str | None:
        """The canonical name of a unit named in words ("square metre", "kilowatt hour", "turn"): the
        name `unit` gives, else pint's own name without the news filters (a gold set's unit the layer
        does not write still gets pint's name, so it can never meet a null); None when pint does not
        know it (a counted noun: "consultant", "people")."""
        found = self.unit(text)
        if found is not None:
            return found.name
        words = _plain(text).split()
        if not words or any(w.lower() in self.not_units or not self._pint_word(w) for w in words):
            return None
        import pint

        try:
            parsed = self.registry.parse_units("_".join(words) if len(words) > 1 else words[0])
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError, KeyError):
            return None
        return self._per_name(str(parsed))

    def is_unit_word(self, word: str) -> bool:
        """Whether `word` may be part of a written unit (a cheap test before parsing a phrase)."""
        return self._is_unit_word(word)

    def _is_unit_word(self, word: str) -> bool:
        plain = _plain(word)
        if " " in plain.strip():  # "cu.m", "square-foot": each part is one
            return all(self.is_unit_word(part) for part in plain.split())
        return (
            self._unit_word(plain) or ((_shouted(plain) or plain.istitle()) and self._unit_word(plain.lower()))
            or self.spelled(plain) is not None
        )

    def si_value(self, value: float, unit: Unit) -> float | None:
        """`value` in SI base units (km -> m, lb -> kg, °F -> K), or None when the unit does not convert."""
        if unit.pint is None:
            return None
        quantity = self.registry.Quantity(value, self.registry.parse_units(unit.pint))
        magnitude = float(quantity.to_base_units().magnitude)
        return float(f"{magnitude:.6g}")

    def _unit_word_uncached(self, word: str) -> bool:
        low = word.lower()
        if low in JOINERS or low in self.alias_words or word in self.aliases or low in SQUARE_CUBIC:
            return True
        if low in self.not_units or (low.endswith("s") and low[:-1] in self.not_units):
            return False  # "in", "ins": an English word pint would read as a unit
        if "/" in word:  # "km/h", "m/s", "g/cm3": a unit over a unit (a symbol after the slash may be one letter)
            top, *below = word.split("/")
            return bool(top and below) and self._unit_word(top) and all(self._unit_word(b) or self.is_symbol(b) for b in below)
        m = POWER_RE.match(word)
        if m:
            word = m.group(1)
        if len(word) == 1 and word not in self.short_symbols:
            return False
        if self._pint_word(word):
            return True
        # a symbol written with a plural s ("cms", "mins" as pint writes "cm", "min"); not "ins" (in is no unit)
        return len(word) >= 3 and word.endswith("s") and word[:-1].lower() not in self.not_units and self.is_symbol(word[:-1])

    def _pint_word(self, word: str) -> bool:
        try:
            parts = self.registry.parse_unit_name(word)
        except Exception:  # pint raises several types for names it cannot split
            return False
        for prefix, name, _suffix in parts:
            if not prefix:
                return True
            if prefix not in PREFIX_NAMES:
                continue
            # "kilometres", "MW", "µg"; not "kilos" (kilo-second) nor "mare" (milli-are)
            if word.lower().startswith(prefix) and len(word) - len(prefix) >= 3:
                return True
            if word[0] in PREFIX_SYMBOLS and _micro(word) == _micro(self.registry.get_symbol(prefix + name)):
                return True  # a prefixed symbol as pint writes it: "km", "MW", "kB"; not "cats" (centi-at-s)
        return False

    def is_symbol(self, word: str) -> bool:
        """Whether `word` is a unit's symbol exactly as pint writes it ("cm", "s", "h", "kg")."""
        word = _plain(word)
        if not word or word.lower() in self.not_units:
            return False
        try:
            parts = self.registry.parse_unit_name(word)
        except Exception:  # pint raises several types for names it cannot split
            return False
        return any(_micro(self.registry.get_symbol(prefix + name)) == _micro(word) for prefix, name, _ in parts)

    def _unit_uncached(self, text: str) -> Unit | None:
        words = surface_key(text)
        if not words:
            return None
        if words in self.percent:
            return Unit(PERCENT, "percent")
        if words in self.news_units:
            return self.news_units[words]
        if len(text) == 1 and text not in self.short_symbols and text not in self.aliases:
            return None  # "4c": a letter that only names a unit inside a longer form ("° c", "deg c"), not the speed of light
        cut = next((n for n, w in enumerate(words) if w in JOINERS), 0)
        if 0 < cut < len(words) - 1 and words[:cut] in self.percent:
            # "5% a year", "3 pct per month": percent is ours, not pint's ("pct" would be a pico-carat)
            below = self._unit(" ".join(words[cut + 1:]))
            if below is None or below.name == PERCENT or " / " in below.name:
                return None
            return Unit(f"{PERCENT} / {below.name}", "rate")
        expression = self.aliases.get(text) or self.aliases_lower.get(words)
        if expression is not None:
            return self._parse(expression)
        if words[0] in DEGREE_WORDS and len(words) > 1 and " " in text.strip():
            # "degrees Celsius", "deg. kelvin", "° Fahrenheit": the degree names the temperature scale after it
            scale = self.unit(text.split(None, 1)[1])
            return scale if scale is not None and scale.dimension == "temperature" else None
        tokens = text.replace("/", " / ").split()
        if len(tokens) == 2 and tokens[0].lower() in self.compound_firsts and tokens[1].isalpha():
            joined = self._parse(f"{tokens[0].lower()}_{tokens[1].lower()}", named=True)  # "astronomical units"
            if joined is not None:
                return joined
        if any(w in self.not_units for w in words):
            return None
        if not all(self.is_unit_word(w) or (i > 0 and tokens[i - 1] == "/" and self.is_symbol(w)) for i, w in enumerate(tokens)):
            return None
        if words[0] in JOINERS or words[-1] in JOINERS or words[-1] in SQUARE_CUBIC:
            return None
        # "kilometres an hour" -> "kilometres per hour"; "km2" -> "km**2"; "sq ft" -> "square ft"; "cms" -> "cm"
        pieces = []
        for word in tokens:
            low = word.lower()
            if low in ("a", "an"):
                pieces.append("per")
                continue
            if low in SQUARE_CUBIC:
                pieces.append(SQUARE_CUBIC[low])
                continue
            alias = self.aliases.get(word) or self.aliases_lower.get((low,))
            if alias is not None:
                pieces.append(f"({alias})")  # "barrels a day": an oil barrel per day
                continue
            m = POWER_RE.match(word)
            if m:
                pieces.append(f"{m.group(1)}**{POWERS[m.group(2)]}")
            elif word != "/" and not self._pint_word(word) and word.endswith("s") and self.is_symbol(word[:-1]):
                pieces.append(word[:-1])
            else:
                pieces.append(word)
        return self._parse(" ".join(pieces))

    def _parse(self, expression: str, named: bool = False) -> Unit | None:
        """The unit pint reads in `expression`, when news measures in it; `named` when the expression is
        one of pint's own two-word names, which no English word is misread as."""
        import pint

        try:
            parsed = self.registry.parse_units(expression)
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError, KeyError):
            return None
        if not named and any(str(part).endswith(self.not_pint_units) for part in parsed._units):
            return None  # read off an English word ("bars", "cats"), or a unit news does not use
        dims = tuple(sorted(dict(parsed.dimensionality).items()))
        if len(parsed._units) > 1 and all(power > 0 for power in parsed._units.values()):
            # A product of units is one unit when pint names it ("kilowatt hours" is pint's kilowatt_hour)
            # or it measures a dimension news has ("newton metres"); "deg celsius" read as degree times
            # Celsius is a misreading.
            joined = self._joined(parsed)
            if joined is None and (dims not in self.dimensions or not all(self.registry.parse_units(u).dimensionality for u in parsed._units)):
                return None
            parsed = joined or parsed
        name = self._per_name(str(parsed))  # "mile_per_hour" is "mile / hour", as "miles per hour" parses
        if " / " in name:
            dimension = "speed" if self.dimensions.get(dims) == "speed" else "rate"
        elif dims:
            found = self.dimensions.get(dims)
            if found is None:
                return None  # farads, teslas, poise: not what news measures (and often an English word misread)
            dimension = found
        else:
            root = str(self.registry.get_root_units(parsed)[1])
            found = self.dimensionless.get(root) or self.dimensionless.get(name)
            if found is None:
                return None
            dimension = found
        return Unit(name, dimension, name)

    def _per_name(self, name: str) -> str:
        """pint's name of a unit it defines as one over another, written as the two parse apart:
        "mile_per_hour" -> "mile / hour", "revolutions_per_minute" -> "turn / minute" (as
        "revolutions per minute" reads)."""
        if "_per_" not in name:
            return name
        import pint

        parts = name.split("_per_")
        try:
            return " / ".join(str(self.registry.parse_units(part)) for part in parts)
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError, KeyError):
            return name.replace("_per_", " / ")

    def _joined(self, parsed: Any) -> Any:
        """pint's own unit for a product of two units written apart ("kilowatt hour" -> kilowatt_hour), or None."""
        if len(parsed._units) != 2 or any(power != 1 for power in parsed._units.values()):
            return None
        import pint

        try:
            joined = self.registry.parse_units("_".join(parsed._units))
        except (pint.errors.PintError, AttributeError, TypeError, ValueError, AssertionError, KeyError):
            return None
        return joined if joined.dimensionality == parsed.dimensionality and len(joined._units) == 1 else None


def _may_be_native_symbol(text: str) -> bool:
    """Whether `text` could be a country's own currency symbol: one short word (CLDR's are at most
    five characters, with no ASCII punctuation but a full stop), not ASCII, with a currency sign or a
    letter beyond ASCII ("₺", "zł", "Kč"). A dash, a curly quote, "(£", a name such as "Zrínyi" or a
    phrase next to a number is not, and so never makes the process read every country's locale
    (half a second)."""
    return 0 < len(text) <= 5 and all(ord(c) > 127 or c.isalnum() or c == "." for c in text) and any(
        ord(c) > 127 and (unicodedata.category(c) == "Sc" or unicodedata.category(c).startswith("L")) for c in text)


@lru_cache(maxsize=4)
def units(folder: Path = DATA) -> UnitTables:
    """The unit and currency tables of the word lists in `folder` (pint's registry is built once
    per process and folder, on first use)."""
    return UnitTables(Path(folder))
