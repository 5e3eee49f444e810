"""CQE quantity test sets: `[{text, quantities: [{value, unit, normalized_unit, change, referred_concepts}]}]`.

One record per item. Each gold quantity whose value can be read off the text becomes a STATISTIC
span (CONCEPT spans for its referred concepts found verbatim); every quantity, located or not, is
kept in `meta.gold_quantities`. A `change` that gives a direction ("up", "increase", "down",
"decrease") becomes `attrs.change` ("up"/"down"), one that gives a bound (= ~ < > <= >=) the
approximator. CQE's unit names are read by the statistics layer's own tables (pint, babel), so
gold and layer name a unit alike. The locator and the tables are described in docs/importers.md#cqe.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..converters import Reject
from ..errors import CODES
from ..jsonl import loads
from ..record import TokenIndex, make_relation, new_record, set_hashes, stable_id, tokenize
from . import ImportOptions

__all__ = ["read", "LABELS", "UNITS", "CURRENCIES", "CHANGES", "CHANGE_DIRECTIONS", "locate", "Candidate"]

# CQE's quantity becomes a STATISTIC; its referred concepts become CONCEPT spans.
LABELS: dict[str, str] = {"quantity": "STATISTIC", "referred_concepts": "CONCEPT"}

# CQE's own names for units that no library reads as CQE writes them; every other CQE unit name is
# read by the statistics layer's tables (pint for units, babel's CLDR data for currencies:
# "kilometre" -> kilometer, "square metre" -> "meter ** 2", "swiss franc" -> CHF, "lao kip" -> LAK),
# so gold and layer meet on the same canonical names. "X per Y" reads each side.
UNITS: dict[str, str | None] = {
    "-": None, "": None, "count": None,
    "percentage": "%",
    "dollar": "USD",  # CQE's name of the US dollar
    "cent": "USD", "penny": "GBP",  # a hundredth of the currency (see MINOR)
    "pound-mass": "pound",
    "netherlands guilde": "NLG",  # CQE's spelling of the Dutch guilder
}
# CQE units that are a hundredth of the currency UNITS maps them to: the value is scaled to the major unit.
MINOR: frozenset[str] = frozenset({"cent", "penny"})

# CQE currency names with no one ISO code (subunits, unnamed marks): money, kept under CQE's name.
CURRENCIES: frozenset[str] = frozenset({"mark", "satoshi", "sen", "franc", "pound"})

# CQE change -> our attrs.approximator. Directions ("up", "down") say how a value moved, not how
# exact it is, so they give no approximator: they become attrs.change (CHANGE_DIRECTIONS).
CHANGES: dict[str, str | None] = {
    "=": "=", "~": "~", "<": "<", ">": ">", "<=": "<=", ">=": ">=",
    "up": None, "down": None, "increase": None, "decrease": None, "-": None, "": None,
}
CHANGE_DIRECTIONS: dict[str, str] = {"up": "up", "increase": "up", "down": "down", "decrease": "down"}

_SMALL = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
} | {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "lakh": 1e5, "crore": 1e7, "dozen": 12.0}
_ATTACHED_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}  # "1.8M", "$5bn": only with no space
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
_MILLION_CODE = re.compile(r"^M[A-Z]{3}$")  # "30 MUSD", "MAUD 60"
_CURRENCY_SYMBOLS = frozenset("$£€¥₿₹₩₽₺₪₫₱₴₦₡₾₭元")
_AFTER_SYMBOLS = frozenset("%‰°")
_MAIN_UNITS = frozenset({"dollar", "dollars", "usd", "$", "euro", "euros", "eur", "€", "pound", "pounds", "gbp", "£", "yuan", "rmb"})
_ATOM = re.compile(
    r"(?P<frac>\d+/\d+)|(?P<num>\d+(?:[,.]\d+)*)|(?P<vulgar>[\u00bc-\u00be\u2150-\u215e])|(?P<word>[^\W\d_]+)|(?P<sym>\S)"
)
_VALUE = re.compile(r"^\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?:\s*-\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))?\s*$")


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records and rejects for every item of every CQE JSON file among the inputs (files or folders)."""
    for item in inputs:
        path = Path(item)
        files = sorted(p for p in path.glob("*.json") if not p.name.startswith(".")) if path.is_dir() else [path]
        if not files:
            yield Reject(str(path), "E070", CODES["E070"].format(source=path, cause="no .json files in this folder"))
        for file in files:
            yield from _read_file(file)


def _read_file(path: Path) -> Iterator[dict[str, Any] | Reject]:
    source = path.name
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        yield Reject(source, "E070", CODES["E070"].format(source=source, cause=f"cannot read as JSON: {exc}"))
        return
    except RecursionError:
        yield Reject(source, "E070", CODES["E070"].format(source=source, cause="cannot read as JSON: nested too deeply"))
        return
    if not isinstance(data, list):
        yield Reject(source, "E070", CODES["E070"].format(source=source, cause=f"expected a JSON array of items, got {type(data).__name__}"))
        return
    stem = path.stem
    set_name = stem[: -len("-model")] if stem.endswith("-model") else stem
    for index, item in enumerate(data):
        yield _item_record(item, source, set_name, index)


@dataclass(frozen=True)
class _Gold:
    value: float
    upper: float | None
    unit: str | None
    kind: str
    approximator: str | None
    change: str | None  # "up" or "down" where CQE's change gives a direction
    concepts: tuple[str, ...]
    raw: dict[str, Any]
    written: tuple[float, float | None]  # the value and upper as the text has them ("58 cents": 58)


def _item_record(item: Any, source: str, set_name: str, index: int) -> dict[str, Any] | Reject:
    where = f"{source}:{index}"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not isinstance(item.get("quantities"), list):
        return Reject(where, "E070", CODES["E070"].format(source=where, cause="expected {text: str, quantities: [...]}"), raw=item)
    text: str = item["text"]
    if not text.strip():
        return Reject(where, "E051", CODES["E051"].format(source=where), raw=item)
    golds: list[_Gold] = []
    for q in item["quantities"]:
        gold = _gold(q, where)
        if isinstance(gold, Reject):
            return Reject(gold.source, gold.code, gold.reason, raw=item)
        golds.append(gold)
    placed = locate(text, [g.written for g in golds])
    concept_at: dict[int, list[tuple[str, tuple[int, int]]]] = {}
    for i, (g, at) in enumerate(zip(golds, placed)):
        if at is not None:
            concept_at[i] = [(c, found) for c in g.concepts if (found := _concept(text, c, at)) is not None]
    cuts = {c for at in placed if at for c in at} | {c for pairs in concept_at.values() for _, at in pairs for c in at}
    tokens = tokenize(text, cuts=cuts)
    index_ = TokenIndex(text, tokens)
    spans: dict[tuple[int, int, str], dict[str, Any]] = {}
    relations: list[dict[str, Any]] = []
    gold_meta: list[dict[str, Any]] = []
    for i, (g, at) in enumerate(zip(golds, placed)):
        entry = _gold_meta(g, at)
        gold_meta.append(entry)
        if at is None:
            continue
        attrs: dict[str, Any] = {"value": g.value, "unit": g.unit, "kind": g.kind}
        if g.upper is not None:
            attrs["value_max"] = g.upper
        if g.approximator is not None:
            attrs["approximator"] = g.approximator
        if g.change is not None:
            attrs["change"] = g.change
        stat = index_.span(*at, "STATISTIC", attrs)
        spans[(stat["start"], stat["end"], "STATISTIC")] = stat
        concepts_found: list[str] = []
        for concept, cat in concept_at.get(i, []):
            key = (cat[0], cat[1], "CONCEPT")
            span = spans.setdefault(key, index_.span(*cat, "CONCEPT"))
            relations.append(make_relation("CONCEPT", stat, span))
            concepts_found.append(concept)
        entry["concepts_located"] = concepts_found
    record = new_record(
        text,
        answer="accept",  # gold from human annotation
        source=source,
        id=stable_id("cqe", source, str(index), text),
        tokens=tokens,
        set=set_name,
        index=index,
        gold_quantities=gold_meta,
        annotators={"statistics": "gold/cqe"},
    )
    record["spans"] = sorted(spans.values(), key=lambda s: (s["start"], s["end"], s["label"]))
    record["relations"] = relations
    return set_hashes(record)


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _gold(q: Any, where: str) -> _Gold | Reject:
    """One CQE quantity in our terms, or a Reject naming the field we cannot read."""
    if not isinstance(q, dict):
        return Reject(where, "E070", CODES["E070"].format(source=where, cause=f"a quantity is {type(q).__name__}, not an object"))
    raw_value = q.get("value")
    m = _VALUE.match(str(raw_value)) if isinstance(raw_value, (str, int, float)) and not isinstance(raw_value, bool) else None
    if m is None:
        return Reject(where, "E073", CODES["E073"].format(source=where, value=raw_value))
    value = _number(m[1])
    upper = _number(m[2]) if m[2] is not None else None
    change = q.get("change")
    if change is not None and (not isinstance(change, str) or change.strip() not in CHANGES):
        return Reject(where, "E074", CODES["E074"].format(source=where, value=change, known=", ".join(repr(k) for k in CHANGES)))
    approximator = CHANGES[change.strip()] if isinstance(change, str) else None
    direction = CHANGE_DIRECTIONS.get(change.strip()) if isinstance(change, str) else None
    cqe_unit = q.get("normalized_unit")
    cqe_unit = cqe_unit.strip() if isinstance(cqe_unit, str) else None
    written = (value, upper)
    if cqe_unit is not None and cqe_unit.partition(" per ")[0] in MINOR:
        value = _number(str(round(value / 100, 8)))
        upper = _number(str(round(upper / 100, 8))) if upper is not None else None
    unit, kind = _unit(cqe_unit)
    if upper is not None:
        kind = "range"
    if kind == "count":
        unit = None  # a plain count has no unit (DESIGN.md); the counted noun stays in cqe_unit
    concepts = _concepts(q.get("referred_concepts"))
    return _Gold(value, upper, unit, kind, approximator, direction, concepts, q, written)


def _unit(cqe_unit: str | None) -> tuple[str | None, str]:
    """CQE's unit name as our (attrs.unit, kind): the names the statistics layer writes, read by its
    tables (pint, babel) unless CQE names it its own way (UNITS); a name neither reads is a counted noun."""
    if cqe_unit is None or UNITS.get(cqe_unit, "") is None:
        return None, "count"
    name = cqe_unit.removesuffix(" of age")  # "year of age" is an age in years
    base, sep, per = name.partition(" per ")
    top, kind = _read(base)
    if top is None:
        return None, "count"
    if not sep:
        return top, kind
    below, _ = _read(per)
    return f"{top} / {below or per}", kind


def _read(name: str) -> tuple[str | None, str]:
    """One side of a CQE unit name as (unit, kind). CQE names a currency by its country's adjective and
    its name ("costa rican colón", "lao kip"), a unit by its English name ("metre", "dram")."""
    from annotators.statistics_units import PERCENT, surface_key, units

    if name in UNITS:
        unit = UNITS[name]
        return unit, "percent" if unit == PERCENT else "money" if unit is not None and unit.isupper() else "quantity"
    if name in CURRENCIES:
        return name, "money"
    tables = units()
    key = surface_key(name)
    measure = tables.canonical(name) if len(key) == 1 else None  # "dram" is CQE's mass unit, its currency "armenian dram"
    if measure is not None:
        return measure, "percent" if measure == PERCENT else "quantity"
    code = tables.currency_names.get(key) or (tables.currency_names.get(key[-1:]) if len(key) > 1 else None)
    if code is not None:
        return code, "money"
    if key and key[-1] in tables.currency_words:
        # a currency several share ("peseta", "dinars"): money, under its singular name as the layer writes it
        return (tables.shared_singular.get(key, name) if len(key) == 1 else name), "money"
    found = tables.canonical(name)
    if found is None:
        return None, "count"
    return found, "percent" if found == PERCENT else "quantity"


def _concepts(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else (raw.split(",") if isinstance(raw, str) else [])
    names = [c.strip() for c in items if isinstance(c, str) and c.strip() and c.strip() != "-"]
    return tuple(dict.fromkeys(names))


def _gold_meta(g: _Gold, at: tuple[int, int] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "value": g.value,
        "unit": g.unit,
        "kind": g.kind,
        "approximator": g.approximator,
        "cqe_unit": g.raw.get("normalized_unit"),
        "located": at is not None,
    }
    if g.upper is not None:
        entry["value_max"] = g.upper
    if g.change is not None:
        entry["change"] = g.change
    for key in ("unit", "change"):
        if key in g.raw:
            entry[f"cqe_{key}"] = g.raw[key]
    entry["concepts"] = list(g.concepts)
    if at is not None:
        entry["start"], entry["end"] = at
    return entry


# ----------------------------------------------------------------------------------- the locator


@dataclass(frozen=True)
class Candidate:
    """A stretch of text that reads as a number (or a range): atoms first..last, characters start..end."""

    first: int
    last: int
    start: int
    end: int
    value: float
    upper: float | None = None


@dataclass(frozen=True)
class _Atom:
    kind: str  # frac, num, word, sym
    text: str
    start: int
    end: int


def _atoms(text: str) -> list[_Atom]:
    return [_Atom(m.lastgroup or "sym", m.group(), m.start(), m.end()) for m in _ATOM.finditer(text)]


def _digits_values(s: str) -> list[float]:
    """Values a digit string may mean: "12,345" and "12,34,567.89" with commas grouping; "1,5" also as 1.5."""
    out = []
    try:
        out.append(float(s.replace(",", "")))
    except ValueError:
        pass
    if s.count(",") == 1 and "." not in s and len(s.split(",")[1]) != 3:
        out.append(float(s.replace(",", ".")))
    return out


def _joined(text: str, a: _Atom, b: _Atom, max_gap: int = 1) -> bool:
    """b follows a with at most `max_gap` spaces between them (and nothing else)."""
    gap = text[a.end:b.start]
    return len(gap) <= max_gap and gap.strip(" ") == ""


def _base(text: str, atoms: list[_Atom], i: int) -> list[tuple[int, float]]:
    """Numbers that start at atom i, as (last atom, value): digits, fractions, spelled-out numbers."""
    a = atoms[i]
    out: list[tuple[int, float]] = []
    if a.kind == "num":
        values = _digits_values(a.text)
        out += [(i, v) for v in values]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        after = atoms[i + 2] if i + 2 < len(atoms) else None
        # "10, 000": a thousands separator followed by a space
        if nxt and after and nxt.text == "," and nxt.start == a.end and _joined(text, nxt, after) and re.fullmatch(r"\d{3}", after.text):
            out.append((i + 2, float(a.text.replace(",", "") + after.text)))
        # "10 1/2", "101 1/4", "10½"
        frac = _fraction(nxt) if nxt and "." not in a.text else None
        if nxt and frac is not None and _joined(text, a, nxt) and (nxt.kind == "vulgar" or nxt.start > a.end):
            out += [(i + 1, v + frac) for v in values]
    elif a.kind in ("frac", "vulgar"):
        frac = _fraction(a)
        if frac is not None:
            out.append((i, frac))
    elif a.kind == "word":
        out += _words(text, atoms, i)
        if a.text.lower() in _FRACTIONS:
            out.append((i, _FRACTIONS[a.text.lower()]))
    return out


def _fraction(a: _Atom) -> float | None:
    if a.kind == "frac":
        num, den = a.text.split("/")
        return int(num) / int(den) if int(den) else None
    if a.kind == "vulgar":
        return unicodedata.numeric(a.text)
    return None


def _words(text: str, atoms: list[_Atom], i: int) -> list[tuple[int, float]]:
    """Spelled-out numbers from atom i, one per word read: "ninety five", "forty-five",
    "three thousand", "two hundred and ten", "thousand"."""
    out: list[tuple[int, float]] = []
    total, current = 0.0, 0.0
    last_small: int | None = None  # tells "ninety five" (one number) from "five five" (two)
    j = i
    while j < len(atoms):
        a = atoms[j]
        if j > i and not _joined(text, atoms[j - 1], a):
            break
        w = a.text.lower()
        if w in _SMALL:
            v = _SMALL[w]
            if last_small is not None and not (last_small >= 20 and last_small % 10 == 0 and v < 10):
                break
            current += v
            last_small = v
        elif w == "hundred":
            current = (current or 1) * 100
            last_small = None
        elif w in _SCALES and w != "dozen":
            total += (current or 1) * _SCALES[w]
            current = 0.0
            last_small = None
        elif w == "dozen" and j == i:
            current = 12.0
        elif j > i and w in ("-", "and") and j + 1 < len(atoms) and atoms[j + 1].text.lower() in _SMALL:
            j += 1
            continue
        else:
            break
        out.append((j, total + current))
        j += 1
    return out


def _scaled(text: str, atoms: list[_Atom], base: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """The base numbers, and each times a scale after it: "75 million", "1.8M", "30 MUSD", "half million", "75 USD million"."""
    out = list(base)
    for j, v in base:
        k = j + 1
        if k < len(atoms) and atoms[k].kind == "word" and atoms[k].text.lower() in ("quarters", "quarter", "half", "third", "thirds") and _joined(text, atoms[j], atoms[k]):
            v, j = v * _FRACTIONS[atoms[k].text.lower()], k
            out.append((j, v))
            k = j + 1
        if k < len(atoms) and (atoms[k].text.isupper() and len(atoms[k].text) == 3 or atoms[k].text in _CURRENCY_SYMBOLS) and k + 1 < len(atoms) and atoms[k + 1].text.lower() in ("million", "billion", "trillion") and _joined(text, atoms[j], atoms[k]) and _joined(text, atoms[k], atoms[k + 1]):
            out.append((k + 1, v * _SCALES[atoms[k + 1].text.lower()]))
        if k >= len(atoms):
            continue
        nxt = atoms[k]
        w = nxt.text.lower()
        if w in _SCALES and w != "hundred" and _joined(text, atoms[j], nxt):
            out.append((k, v * _SCALES[w]))
        elif nxt.start == atoms[j].end and w in _ATTACHED_SCALES and atoms[j].kind == "num":
            out.append((k, v * _ATTACHED_SCALES[w]))
        elif _MILLION_CODE.match(nxt.text) and _joined(text, atoms[j], nxt):
            out.append((k, v * 1e6))
    return out


def _candidates(text: str) -> list[Candidate]:
    """Every stretch of `text` that reads as a number or a range, with every value it may mean."""
    atoms = _atoms(text)
    singles: list[Candidate] = []
    for i, a in enumerate(atoms):
        nums = _scaled(text, atoms, _base(text, atoms, i))
        for j, v in nums:
            singles.append(Candidate(i, j, a.start, atoms[j].end, v))
            # a minus sign that is not a hyphen between words: "-5", "- 20 degrees"
            if i > 0 and atoms[i - 1].text in "-−–" and _joined(text, atoms[i - 1], a) and (i < 2 or not _joined(text, atoms[i - 2], atoms[i - 1], 0) or atoms[i - 2].kind == "sym"):
                singles.append(Candidate(i - 1, j, atoms[i - 1].start, atoms[j].end, -v))
        if _MILLION_CODE.match(a.text) and i + 1 < len(atoms) and _joined(text, a, atoms[i + 1]):
            for j, v in _base(text, atoms, i + 1):
                singles.append(Candidate(i, j, a.start, atoms[j].end, v * 1e6))
    singles += _compounds(text, atoms, singles)
    ranges: list[Candidate] = []
    by_first: dict[int, list[Candidate]] = {}
    for c in singles:
        by_first.setdefault(c.first, []).append(c)
    for c in singles:
        k = c.last + 1
        if k < len(atoms) and atoms[k].text.lower() in ("-", "–", "—", "to") and _joined(text, atoms[c.last], atoms[k]):
            for d in by_first.get(k + 1, []):
                if _joined(text, atoms[k], atoms[k + 1]):
                    ranges.append(Candidate(c.first, d.last, c.start, d.end, c.value, d.value))
    return singles + ranges


def _compounds(text: str, atoms: list[_Atom], singles: list[Candidate]) -> list[Candidate]:
    """Amounts in a currency and its hundredths: "3 dollars 50 cents", "17 USD 25", "thirteen dollars and forty-five"."""
    out = []
    for c in singles:
        k = c.last + 1
        if c.upper is not None or k + 1 >= len(atoms) or atoms[k].text.lower() not in _MAIN_UNITS or not _joined(text, atoms[c.last], atoms[k]):
            continue
        m = k + 1
        if atoms[m].text.lower() == "and" and m + 1 < len(atoms) and _joined(text, atoms[k], atoms[m]):
            m += 1
        if not _joined(text, atoms[m - 1], atoms[m]):
            continue
        for j, cents in _base(text, atoms, m):
            if 0 < cents < 100 and float(cents).is_integer():
                last = j + 1 if j + 1 < len(atoms) and atoms[j + 1].text.lower() in ("cent", "cents") and _joined(text, atoms[j], atoms[j + 1]) else j
                out.append(Candidate(c.first, last, c.start, atoms[last].end, c.value + cents / 100))
    return out


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def locate(text: str, golds: Sequence[tuple[float, float | None]]) -> list[tuple[int, int] | None]:
    """Character offsets in `text` for each gold (value, upper): a stretch that reads as exactly that
    value, not overlapping another gold's; None when there is none. Never guesses a nearby number."""
    cands = _candidates(text)
    atoms = _atoms(text)
    matches = [
        [c for c in cands if _same(c.value, v) and (c.upper is None) == (u is None) and (u is None or c.upper is not None and _same(c.upper, u))]
        for v, u in golds
    ]
    out: list[tuple[int, int] | None] = [None] * len(golds)
    taken: list[tuple[int, int]] = []
    # the most constrained gold first, so "75" does not take the stretch that "75 million" needs
    for gi in sorted(range(len(golds)), key=lambda g: (len(matches[g]), g)):
        free = [c for c in matches[gi] if not any(c.start < e and s < c.end for s, e in taken)]
        if not free:
            continue
        best = min(free, key=lambda c: (c.start, -c.end))
        taken.append((best.start, best.end))
        out[gi] = (best.start, best.end)
    # widen in text order, so two amounts never share one "$"
    used = list(taken)
    for at, gi in sorted((at, gi) for gi, at in enumerate(out) if at is not None):
        wide = _with_symbols(text, atoms, at, used)
        out[gi] = wide
        used.append(wide)
    return out


def _with_symbols(text: str, atoms: list[_Atom], at: tuple[int, int], taken: list[tuple[int, int]]) -> tuple[int, int]:
    """Widen a located number over an adjacent currency symbol ("$ 75 million", "10 $") and a
    trailing % or ° ("27 %"), when no other located number uses that symbol."""
    start, end = at
    by_start = {a.start: n for n, a in enumerate(atoms)}
    by_end = {a.end: n for n, a in enumerate(atoms)}
    first, last = by_start.get(start), by_end.get(end)
    if first is None or last is None:
        return at

    def free(a: _Atom) -> bool:
        return not any(a.start < e and s < a.end for s, e in taken)

    widened_left = False
    if first > 0 and atoms[first - 1].text in _CURRENCY_SYMBOLS and _joined(text, atoms[first - 1], atoms[first]) and free(atoms[first - 1]):
        start, widened_left = atoms[first - 1].start, True
    if last + 1 < len(atoms) and _joined(text, atoms[last], atoms[last + 1]) and free(atoms[last + 1]):
        nxt = atoms[last + 1].text
        if nxt in _AFTER_SYMBOLS or (nxt in _CURRENCY_SYMBOLS and not widened_left):
            end = atoms[last + 1].end
    return (start, end)


def _concept(text: str, concept: str, near: tuple[int, int]) -> tuple[int, int] | None:
    """The occurrence of a referred concept (as written, any case) nearest the quantity; None if absent."""
    pattern = re.compile(r"(?<!\w)" + re.escape(concept) + r"(?!\w)", re.IGNORECASE)
    found = [m.span() for m in pattern.finditer(text)]
    outside = [s for s in found if s[1] <= near[0] or near[1] <= s[0]] or found
    if not outside:
        return None
    return min(outside, key=lambda s: (min(abs(s[0] - near[1]), abs(near[0] - s[1])), s[0]))
