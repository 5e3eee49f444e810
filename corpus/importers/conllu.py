"""CoNLL-U with CorefUD entity mentions in MISC (`Entity=(1-person-...` ... `1)`), as GUM writes it.

One record per `# newdoc`. The text is rebuilt from the tokens, aligned to each sentence's
`# text` (SpaceAfter=No where there is none); sentences are separated by a newline and paragraphs
(`# newpar`) by a blank line. GUM marks every mention, pronouns and common nouns included; only
proper-name mentions of a type with an OntoNotes counterpart become entity spans, trimmed to the
name and without overlaps. Every mention not imported is counted in `meta.import.dropped`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..converters import Reject, source_name
from ..errors import CODES, CorpusError
from ..record import TokenIndex, new_record, set_hashes, stable_id
from .conll import tokens_for
from . import ImportOptions, walk_files

__all__ = ["read", "LABELS", "PLURAL_PERSON", "NAME_HEADS", "DROP_DEPRELS", "CUT_CASES", "PERSON_NAME_DEPRELS", "parse_entities", "Mention", "EntityError"]

# GUM entity type -> our label; None: no OntoNotes counterpart, never an entity span. GUM does not
# separate countries and cities from other places, so place -> GPE (see docs/importers.md).
LABELS: dict[str, str | None] = {
    "person": "PERSON",
    "place": "GPE",
    "organization": "ORG",
    "event": "EVENT",
    "time": "DATE",
    "object": "PRODUCT",  # named objects are products, vehicles and devices: PlayStation VR, Freewinds
    "abstract": None,
    "substance": None,
    "animal": None,
    "plant": None,
    "quantity": None,
}
PLURAL_PERSON = "NORP"  # a person mention headed by a plural proper noun (NNPS): Afghans, Democrats

# A mention is a name when its head word has one of these UPOS tags (NUM only for dates: "2015").
NAME_HEADS: dict[str, frozenset[str]] = {"time": frozenset({"PROPN", "NUM"})}
DEFAULT_NAME_HEADS = frozenset({"PROPN"})

# Dependents that extend a mention past the name ("STS-135, which will be the last mission";
# "Muslims traveling to the U.S."): their subtrees are cut from the entity span. Coordination stays
# inside a name ("For Inspiration and Recognition of Science"); a mention that coordinates other
# mentions ("Ubisoft, Microsoft, and PlayStation VR") is a group, not a name, and is not imported.
DROP_DEPRELS = frozenset({"acl", "appos", "parataxis", "list", "dislocated", "reparandum", "nmod:desc"})
# "Fan Expo Canada 2016 in Toronto", "Rehabilitation Project Force in Sydney": a modifier with one
# of these prepositions is a place next to the name; "of", "for", "on" stay (University of Texas).
CUT_CASES = frozenset({"in", "at", "near", "from"})
# A person's name is its head and these dependents (Hamdullah <-flat- Mohib); titles, parties and
# possessors around it ("U.S. President", "of the Labour Party", "New People Party's") are cut.
PERSON_NAME_DEPRELS = frozenset({"flat", "flat:name", "fixed", "goeswith", "compound", "punct"})

_NEWPAR = re.compile(r"^#\s*newpar(?:\s|$)")
_NEWDOC = re.compile(r"^#\s*newdoc(?:\s+id\s*=\s*(.*))?\s*$")
_COMMENT = re.compile(r"^#\s*([^=]+?)\s*=\s?(.*)$")
_DEFAULT_ENTITY_FIELDS = ("eid", "etype", "head", "other")


@dataclass
class _Word:
    id: int
    form: str
    lemma: str
    upos: str
    xpos: str
    head: int
    deprel: str
    misc: dict[str, str]
    line: int
    sentence: int = 0
    token: int = -1  # record token index
    fused: bool = False  # shares its record token with other words (a non-concatenative MWT)
    first_in_fused: bool = True
    last_in_fused: bool = True


@dataclass
class _Surface:
    form: str
    words: list[int]
    space_after: bool
    line: int


@dataclass
class _Sentence:
    sent_id: str | None
    text: str | None
    newpar: bool
    line: int
    words: list[_Word] = field(default_factory=list)
    surfaces: list[_Surface] = field(default_factory=list)


@dataclass
class _Document:
    doc_id: str | None
    index: int
    line: int
    comments: dict[str, str] = field(default_factory=dict)
    sentences: list[_Sentence] = field(default_factory=list)


class EntityError(ValueError):
    """A bracket of an `Entity=` value that does not match; carries the line."""

    def __init__(self, line: int, cause: str) -> None:
        super().__init__(f"line {line}: {cause}")
        self.line = line
        self.cause = cause


@dataclass(frozen=True)
class Mention:
    """One CorefUD mention: first and last word (document-wide word indices), entity id and attributes."""

    first: int
    last: int
    eid: str
    attrs: str
    line: int


def _misc(value: str) -> dict[str, str]:
    if value == "_":
        return {}
    out: dict[str, str] = {}
    for item in value.split("|"):
        key, _, val = item.partition("=")
        out[key] = val
    return out


def _parse(path: Path, source: str) -> Iterator[_Document | Reject]:
    """Documents of one file; a malformed line rejects the file with its line number."""
    docs: list[_Document] = []
    doc = _Document(None, 0, 1)
    sent: _Sentence | None = None
    pending: dict[str, Any] = {"newpar": False, "text": None, "sent_id": None}
    mwt_end = 0

    def finish_sentence() -> None:
        nonlocal sent
        if sent is not None and sent.words:
            doc.sentences.append(sent)
        sent = None

    try:
        with path.open(encoding="utf-8") as fh:
            for lineno, raw in enumerate(fh, start=1):
                line = raw.rstrip("\r\n")
                if not line.strip():
                    finish_sentence()
                    continue
                if line.startswith("#"):
                    if sent is not None:
                        finish_sentence()
                    m = _NEWDOC.match(line)
                    if m:
                        if doc.sentences:
                            docs.append(doc)
                        doc = _Document((m.group(1) or "").strip() or None, len(docs), lineno)
                        pending["newpar"] = True
                        continue
                    if _NEWPAR.match(line):
                        pending["newpar"] = True
                        continue
                    c = _COMMENT.match(line)
                    if c:
                        key, value = c.group(1), c.group(2)
                        if key == "text":
                            pending["text"] = value
                        elif key == "sent_id":
                            pending["sent_id"] = value
                        else:
                            doc.comments.setdefault(key, value)
                    continue
                cols = line.split("\t")
                if len(cols) != 10:
                    yield Reject(source, "E063", CODES["E063"].format(source=source, line=lineno, cause=f"expected 10 tab-separated columns, got {len(cols)}"))
                    return
                if sent is None:
                    sent = _Sentence(pending["sent_id"], pending["text"], pending["newpar"], lineno)
                    pending = {"newpar": False, "text": None, "sent_id": None}
                    mwt_end = 0
                wid, form, misc = cols[0], cols[1], _misc(cols[9])
                try:
                    if "-" in wid:
                        a, b = (int(x) for x in wid.split("-"))
                        sent.surfaces.append(_Surface(form, list(range(a, b + 1)), misc.get("SpaceAfter") != "No", lineno))
                        mwt_end = b
                    elif "." in wid:
                        continue  # an empty node: no surface form
                    else:
                        n = int(wid)
                        head = int(cols[6]) if cols[6] != "_" else 0
                        sent.words.append(_Word(n, form, cols[2], cols[3], cols[4], head, cols[7], misc, lineno, len(doc.sentences)))
                        if n > mwt_end:
                            sent.surfaces.append(_Surface(form, [n], misc.get("SpaceAfter") != "No", lineno))
                except ValueError:
                    yield Reject(source, "E063", CODES["E063"].format(source=source, line=lineno, cause=f"bad ID or HEAD column: {cols[0]!r}, {cols[6]!r}"))
                    return
    except UnicodeDecodeError as exc:
        yield Reject(source, "E050", CODES["E050"].format(source=source, cause=exc))
        return
    finish_sentence()
    if doc.sentences:
        docs.append(doc)
    yield from docs


def _align(sent: _Sentence) -> list[str]:
    """The whitespace after each surface token, read from `# text` (or SpaceAfter when absent)."""
    if sent.text is None:
        return [" " if s.space_after else "" for s in sent.surfaces]
    gaps: list[str] = []
    pos = 0
    text = sent.text
    for i, surface in enumerate(sent.surfaces):
        start = pos
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if i and start < pos:
            gaps[-1] = text[start:pos]
        if not text.startswith(surface.form, pos):
            raise ValueError(f"token {surface.form!r} (line {surface.line}) is not at {text[pos:pos + 20]!r} in its # text")
        pos += len(surface.form)
        gaps.append("")
    if text[pos:].strip():
        raise ValueError(f"# text goes on after the last token: {text[pos:pos + 20]!r}")
    return gaps


def _build(doc: _Document) -> tuple[str, list[dict[str, Any]], list[_Word]]:
    """Text and tokens of a document; fills each word's record token index."""
    pieces: list[tuple[str, str]] = []
    owners: list[list[_Word]] = []  # the words behind each piece
    for s, sent in enumerate(doc.sentences):
        by_id = {w.id: w for w in sent.words}
        gaps = _align(sent)
        if s + 1 < len(doc.sentences):
            gaps[-1] = "\n\n" if doc.sentences[s + 1].newpar else "\n"
        else:
            gaps[-1] = ""
        for surface, gap in zip(sent.surfaces, gaps, strict=True):
            words = [by_id[i] for i in surface.words if i in by_id]
            if len(words) > 1 and "".join(w.form for w in words) == surface.form:
                for k, w in enumerate(words):  # "Trump's" -> Trump + 's, as spaCy splits it
                    pieces.append((w.form, gap if k == len(words) - 1 else ""))
                    owners.append([w])
            else:
                pieces.append((surface.form, gap))
                owners.append(words)
                for k, w in enumerate(words):
                    w.fused = len(words) > 1
                    w.first_in_fused = k == 0
                    w.last_in_fused = k == len(words) - 1
    text, tokens, word_index = tokens_for(pieces)
    for piece, words in enumerate(owners):
        for w in words:
            w.token = word_index[piece]
    return text, tokens, [w for sent in doc.sentences for w in sent.words]


def parse_entities(words: list[tuple[str, int]]) -> list[Mention]:
    """CorefUD mentions from (Entity value or '', line) per word, in document order.

    `(e-attrs` opens a mention, `e)` closes the latest open mention of entity e, `(e-attrs)` is a
    one-word mention. Raises EntityError for a bracket that does not match.
    """
    open_: list[tuple[str, str, int, int]] = []
    out: list[Mention] = []
    for i, (value, line) in enumerate(words):
        pos = 0
        while pos < len(value):
            if value[pos] == "(":
                end = pos + 1
                while end < len(value) and value[end] not in "()":
                    end += 1
                body = value[pos + 1:end]
                eid = body.split("-", 1)[0]
                if not eid:
                    raise EntityError(line, f"mention without an entity id in {value!r}")
                if end < len(value) and value[end] == ")":
                    out.append(Mention(i, i, eid, body, line))
                    end += 1
                else:
                    open_.append((eid, body, i, line))
                pos = end
            else:
                end = value.find(")", pos)
                if end < 0:
                    raise EntityError(line, f"{value[pos:]!r} is neither '(ID-...' nor 'ID)'")
                eid = value[pos:end]
                for k in range(len(open_) - 1, -1, -1):
                    if open_[k][0] == eid:
                        _, body, first, first_line = open_.pop(k)
                        out.append(Mention(first, i, eid, body, first_line))
                        break
                else:
                    raise EntityError(line, f"{eid}) closes a mention that is not open")
                pos = end + 1
    if open_:
        eid, _, _, line = open_[-1]
        raise EntityError(line, f"the mention of entity {eid} opened here is never closed")
    return sorted(out, key=lambda m: (m.first, -m.last))


def _head(words: list[_Word], first: int, last: int) -> _Word:
    """The word of the mention whose syntactic head lies outside it (the first such)."""
    ids = {w.id for w in words[first:last + 1]}
    for w in words[first:last + 1]:
        if w.head not in ids:
            return w
    return words[first]


def _name_extent(words: list[_Word], first: int, last: int, head: _Word, person: bool) -> tuple[int, int]:
    """The name inside a mention: the head's subtree without the dependents that are not part of
    a name (DROP_DEPRELS, CUT_CASES; for a person all but PERSON_NAME_DEPRELS), the contiguous
    part around the head, without edge punctuation or a trailing possessive 's."""
    offset = first - words[first].id  # document index of a word = offset + its id (one sentence)
    inside = {w.id for w in words[first:last + 1]}
    children: dict[int, list[int]] = {}
    for w in words[first:last + 1]:
        children.setdefault(w.head, []).append(w.id)

    def part_of_name(word: _Word) -> bool:
        if person:
            return word.deprel in PERSON_NAME_DEPRELS or word.deprel.split(":")[0] in PERSON_NAME_DEPRELS
        if word.deprel in DROP_DEPRELS or word.deprel.split(":")[0] in DROP_DEPRELS:
            return False
        if word.deprel == "nmod":
            cases = {words[offset + c].lemma.lower() for c in children.get(word.id, []) if words[offset + c].deprel == "case"}
            return not cases & CUT_CASES
        return True

    kept = {head.id}
    frontier = [head.id]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child in inside and part_of_name(words[offset + child]):
                kept.add(child)
                frontier.append(child)
    lo = hi = head.id
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    while lo < hi and words[offset + lo].upos == "PUNCT":
        lo += 1
    while hi > lo and (words[offset + hi].upos == "PUNCT" or words[offset + hi].xpos == "POS"):
        hi -= 1
    return offset + lo, offset + hi


def _entity_fields(doc: _Document) -> tuple[str, ...]:
    spec = doc.comments.get("global.Entity")
    if not spec:
        return _DEFAULT_ENTITY_FIELDS
    return tuple("eid" if f in ("GRP", "eid") else f for f in spec.split("-"))


def _record(doc: _Document, source: str, labels: dict[str, str | None]) -> dict[str, Any] | Reject:
    where = f"{source}#{doc.doc_id or doc.index}"
    try:
        text, tokens, words = _build(doc)
    except ValueError as exc:
        sent = next((s.sent_id for s in doc.sentences), None)
        return Reject(where, "E066", CODES["E066"].format(source=source, sentence=sent or "?", cause=exc))
    try:
        mentions = parse_entities([(w.misc.get("Entity", ""), w.line) for w in words])
    except EntityError as exc:
        return Reject(where, "E067", CODES["E067"].format(source=source, line=exc.line, cause=exc.cause))
    fields = _entity_fields(doc)
    etype_at = fields.index("etype") if "etype" in fields else 1
    etypes: dict[str, str] = {}
    dropped: Counter[str] = Counter()
    trimmed = 0
    candidates: list[tuple[int, int, str]] = []
    heads = {id(m): _head(words, m.first, m.last) for m in mentions if words[m.first].sentence == words[m.last].sentence}
    head_words = {id(h) for h in heads.values()}
    for m in mentions:
        parts = m.attrs.split("-", len(fields) - 1)
        etype = parts[etype_at] if len(parts) > etype_at and parts[etype_at] else etypes.get(m.eid, "")
        etypes.setdefault(m.eid, etype)
        if "[" in m.eid:
            dropped["discontinuous mention"] += 1
            continue
        if words[m.first].sentence != words[m.last].sentence:
            dropped["mention across sentences"] += 1
            continue
        head = heads[id(m)]
        if head.upos not in NAME_HEADS.get(etype, DEFAULT_NAME_HEADS):
            dropped["not a name (head is not a proper noun)"] += 1
            continue
        if etype not in labels:
            dropped[f"type {etype or '(none)'} (not in the type table)"] += 1
            continue
        label = labels[etype]
        if label is None:
            dropped[f"type {etype} (no OntoNotes counterpart)"] += 1
            continue
        offset = m.first - words[m.first].id
        conjuncts = [words[offset + w.id] for w in words[m.first:m.last + 1] if w.head == head.id and w.deprel.split(":")[0] == "conj"]
        if any(id(c) in head_words for c in conjuncts):
            dropped["coordination of mentions (each is its own mention)"] += 1
            continue
        if label == "PERSON" and head.xpos == "NNPS":
            label = PLURAL_PERSON
        lo, hi = _name_extent(words, m.first, m.last, head, person=label in ("PERSON", PLURAL_PERSON))
        if (lo, hi) != (m.first, m.last):
            trimmed += 1
        if (words[lo].fused and not words[lo].first_in_fused) or (words[hi].fused and not words[hi].last_in_fused):
            dropped["edge inside a multiword token"] += 1
            continue
        candidates.append((tokens[words[lo].token]["start"], tokens[words[hi].token]["end"], label))
    # entity spans may not overlap: the longest name wins, then the earliest
    kept: list[tuple[int, int, str]] = []
    duplicates = 0
    for start, end, label in sorted(candidates, key=lambda c: (c[0] - c[1], c[0], c[2])):
        if (start, end, label) in kept:
            duplicates += 1
        elif any(start < e and s < end for s, e, _ in kept):
            dropped["inside or across a longer name"] += 1
        else:
            kept.append((start, end, label))
    index = TokenIndex(text, tokens)
    try:
        spans = [index.span(s, e, label) for s, e, label in sorted(kept)]
    except CorpusError as exc:
        return Reject(where, "E068", CODES["E068"].format(source=source, cause=exc))
    info: dict[str, Any] = {"format": "conllu", "mentions": len(mentions), "entities": len(spans), "trimmed": trimmed}
    if duplicates:
        info["duplicate mentions stored once"] = duplicates
    if dropped:
        info["dropped"] = dict(sorted(dropped.items()))
    c = doc.comments
    rid = stable_id(source, doc.doc_id or str(doc.index), text)
    record = new_record(
        text,
        answer="accept",  # gold from human annotation
        source=source,
        id=rid,
        tokens=tokens,
        title=c.get("meta::title"),
        url=c.get("meta::sourceURL"),
        date=c.get("meta::dateCreated"),
        author=c.get("meta::author"),
        doc_id=doc.doc_id,
        **{"import": info},
    )
    record["spans"] = spans
    return set_hashes(record)


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records (one per `# newdoc`) and rejects from CoNLL-U files and folders of them."""
    labels = dict(LABELS)
    labels.update(options.settings.get("labels") or {})
    for path, root in walk_files([Path(p) for p in inputs], (".conllu",)):
        source = source_name(path, root)
        if not path.exists():
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause="no such file or directory"))
            continue
        for doc in _parse(path, source):
            yield doc if isinstance(doc, Reject) else _record(doc, source, labels)
