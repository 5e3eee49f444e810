"""The cue word lists of the quotes layer, as sets the extractors look words up in.

The lists themselves are data (`annotators/data/quotes_cues.json`, its "description" says what each
one holds); this module only loads them and derives the sets and string hashes the families use.
A new cue family adds its list to the JSON file and one field here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.strings import StringStore

__all__ = ["DATA", "Lexicon", "load_cues"]

DATA = Path(__file__).resolve().parent.parent / "data" / "quotes_cues.json"


def load_cues(path: Path = DATA) -> dict[str, Any]:
    """The cue word lists (lemmas), loaded once per component."""
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@dataclass(frozen=True)
class Lexicon:
    """Every word list as a frozenset of lemmas, plus the hashes of cue verbs and nouns for the
    vectorised candidate search."""

    speech: frozenset[str]
    clause_only: frozenset[str]
    quote_only: frozenset[str]
    recipient: frozenset[str]
    particles: dict[str, frozenset[str]]
    object: frozenset[str]
    intent: frozenset[str]
    agents: frozenset[str]
    object_like: frozenset[str]
    evidence: frozenset[str]
    documents: frozenset[str]
    directive: frozenset[str]
    seem: frozenset[str]
    question: frozenset[str]
    in_findings: frozenset[str]
    in_minds: frozenset[str]
    in_events: frozenset[str]
    passive_cues: frozenset[str]
    cue_lemmas: frozenset[str]
    nouns: frozenset[str]
    intent_nouns: frozenset[str]
    prep_nouns: dict[str, frozenset[str]]
    light_verbs: frozenset[str]
    regard: frozenset[str]
    as_it: frozenset[str]
    attitudes: dict[str, str]
    attitude_preps: frozenset[str]
    naming: frozenset[str]
    not_speakers: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    verb_hashes: np.ndarray
    noun_hashes: np.ndarray
    attitude_hashes: np.ndarray

    @classmethod
    def from_data(cls, cues: dict[str, Any], strings: StringStore) -> "Lexicon":
        speech = frozenset(cues["speech"])
        clause_only = frozenset(cues["clause_only"]) - speech
        quote_only = frozenset(cues["quote_only"]) - speech
        recipient = frozenset(cues["recipient"])
        obj = frozenset(cues["object"])
        intent = frozenset(cues["intent"])
        evidence = frozenset(cues["evidence"])
        directive = frozenset(cues["directive"])
        seem = frozenset(cues["seem"])
        question = frozenset(cues["question"])
        passive = frozenset(cues["passive"])
        nouns = frozenset(cues["nouns"])
        intent_nouns = frozenset(cues["intent_nouns"])
        cue_lemmas = speech | clause_only | quote_only | obj | intent | evidence | directive | seem | question
        return cls(
            speech=speech,
            clause_only=clause_only,
            quote_only=quote_only,
            recipient=recipient,
            particles={k: frozenset(v) for k, v in cues["particles"].items()},
            object=obj,
            intent=intent,
            agents=frozenset(cues["agents"]),
            # verbs whose object can be the content when there is no clause or quotation: positions,
            # intentions, and reporting verbs other than those whose object is a thing said or written
            object_like=obj | intent | (speech - recipient - frozenset(cues["no_object"])),
            evidence=evidence,
            documents=frozenset(cues["documents"]),
            directive=directive,
            seem=seem,
            question=question,
            in_findings=frozenset(cues["in_findings"]),
            in_minds=frozenset(cues["in_minds"]),
            in_events=frozenset(cues["in_events"]),
            passive_cues=passive,
            cue_lemmas=cue_lemmas,
            nouns=nouns,
            intent_nouns=intent_nouns,
            prep_nouns={k: frozenset(v) for k, v in cues["prep_nouns"].items()},
            light_verbs=frozenset(cues["light_verbs"]),
            regard=frozenset(cues.get("regard", ())),
            as_it=frozenset(cues.get("as_it", ())),
            attitudes={w: kind for kind, words in cues.get("attitude_adjectives", {}).items() for w in words},
            attitude_preps=frozenset(cues.get("attitude_preps", ())),
            naming=frozenset(cues.get("naming", ())),
            not_speakers=frozenset(w.lower() for w in cues["not_speakers"]),
            phrases=tuple(tuple(p) for p in cues["phrases"]),
            verb_hashes=_hashes(strings, cue_lemmas | passive | frozenset(cues.get("regard", ())) | frozenset(cues.get("as_it", ()))),
            noun_hashes=_hashes(strings, nouns | intent_nouns | frozenset(cues["prep_nouns"])),
            attitude_hashes=_hashes(strings, frozenset(w for words in cues.get("attitude_adjectives", {}).values() for w in words)),
        )


def _hashes(strings: StringStore, words: frozenset[str]) -> np.ndarray:
    return np.array(sorted(strings.add(w) for w in words), dtype=np.uint64)
