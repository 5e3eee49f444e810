"""Small annotated records built by hand (no model), for tests of splitting and export."""

from __future__ import annotations

from typing import Any

from corpus.record import TokenIndex, make_relation, new_record, set_hashes

STANCE_WORDS = {"favor": "supports", "against": "opposes", "neutral": "discussed"}


def article(i: int, *, polarity: str = "against", source: str | None = None, extra: str = "") -> dict[str, Any]:
    """An article with one entity of each common kind, a quote, a stance and a statistic."""
    verb = STANCE_WORDS[polarity]
    text = (
        f"Maria Lopez{i} {verb} the new dam plan{i}.\n"
        f"“We counted 1,{i:03d} protesters,” Lopez{i} said in Lima on Tuesday. {extra}".rstrip()
    )
    rec = new_record(text, source=source or f"tests/article{i}.txt")
    idx = TokenIndex(text, rec["tokens"])

    def sp(s: str, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        start = text.index(s)
        return idx.span(start, start + len(s), label, attrs)

    person = sp(f"Maria Lopez{i}", "PERSON", {"name": f"Maria Lopez{i}"})
    stance = sp(verb, "STANCE", {"polarity": polarity})
    target = sp(f"the new dam plan{i}", "TARGET", {"name": f"dam plan{i}"})
    quote = sp(f"We counted 1,{i:03d} protesters,", "QUOTE", {"kind": "direct"})
    stat = sp(f"1,{i:03d}", "STATISTIC", {"value": 1000 + i, "unit": None, "approximator": "=", "kind": "count"})
    concept = sp("protesters", "CONCEPT")
    said_by = text.rindex(f"Lopez{i}")
    src = idx.span(said_by, said_by + len(f"Lopez{i}"), "SOURCE", {"name": f"Maria Lopez{i}"})
    cue = sp("said", "CUE")
    gpe = sp("Lima", "GPE", {"name": "Lima"})
    date = sp("Tuesday", "DATE")
    spans = [person, stance, target, quote, stat, concept, src, cue, gpe, date]
    relations = [
        make_relation("HOLDER", stance, person),
        make_relation("TARGET", stance, target),
        make_relation("CONCEPT", stat, concept),
        make_relation("SOURCE", quote, src),
        make_relation("CUE", quote, cue),
    ]
    rec["spans"] = sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))
    rec["relations"] = relations
    return set_hashes(rec)
