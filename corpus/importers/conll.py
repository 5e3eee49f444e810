"""CoNLL-2003 columns: one record per `-DOCSTART-` document, with its gold entity spans.

The text is rebuilt from the file's tokens (joined by single spaces, sentences by a newline
token), never re-tokenized, so every gold tag lands on exactly the token it was written for.
IOB1 and IOB2 are detected per file (or forced with `--scheme`); a tag sequence that breaks the
scheme rejects its document with the line, instead of being repaired by guesswork.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..converters import Reject, source_name
from ..errors import CODES, CorpusError
from ..record import TokenIndex, new_record, set_hashes, stable_id, tokens_from_doc
from ..registry import load_registry
from . import ImportOptions, walk_files

if TYPE_CHECKING:
    from spacy.vocab import Vocab

__all__ = ["read", "LABELS", "TO_CONLL", "ONTONOTES_TO_CONLL", "SCHEMES", "detect_scheme", "tokens_for"]

# CoNLL-2003's four classes and our OntoNotes label for each. The evaluation of entities on CoNLL
# maps our labels back down with ONTONOTES_TO_CONLL, so each class stays recoverable (TO_CONLL).
LABELS: dict[str, str] = {
    "PER": "PERSON",
    "ORG": "ORG",
    "LOC": "GPE",  # CoNLL's LOC is mostly countries and cities in news
    "MISC": "NORP",  # MISC has no OntoNotes equivalent; nationalities are its largest part
}
TO_CONLL: dict[str, str] = {ours: theirs for theirs, ours in LABELS.items()}

# For scoring a model that predicts OntoNotes labels against CoNLL gold: every name type has a
# CoNLL class; numeric types (DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL) are absent,
# which means "not an entity in CoNLL" and such predictions are dropped before scoring.
ONTONOTES_TO_CONLL: dict[str, str] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}

SCHEMES = ("iob1", "iob2")
DOCSTART = "-DOCSTART-"


@dataclass
class _Token:
    text: str
    tag: str
    line: int


@dataclass
class _Document:
    index: int
    line: int  # where it starts (the -DOCSTART- line, or 1)
    sentences: list[list[_Token]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _vocab() -> "Vocab":
    from spacy.vocab import Vocab

    return Vocab()


def tokens_for(pieces: Sequence[tuple[str, str]]) -> tuple[str, list[dict[str, Any]], list[int]]:
    """Text, Prodigy tokens and each word's token index, for words given as (word, whitespace after).

    The arithmetic is spaCy's `Doc(words, spaces)`. Whitespace other than one space (a sentence's
    newline, a double space) becomes a whitespace token, as spaCy's tokenizer makes it, so the
    tokens rebuild the text exactly.
    """
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    word_index: list[int] = []
    for word, gap in pieces:
        word_index.append(len(words))
        words.append(word)
        spaces.append(gap.startswith(" "))
        rest = gap[1:] if gap.startswith(" ") else gap
        if rest:
            words.append(rest)
            spaces.append(False)
    doc = Doc(_vocab(), words=words, spaces=spaces)
    return doc.text, tokens_from_doc(doc), word_index


def _split_tag(tag: str) -> tuple[str, str | None]:
    """('B', 'PER') for B-PER, ('O', None) for O; raises ValueError for anything else."""
    if tag == "O":
        return "O", None
    prefix, sep, kind = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not kind:
        raise ValueError(f"tag {tag!r} is neither O nor B-TYPE / I-TYPE")
    return prefix, kind


def _parse(path: Path, source: str) -> Iterator[_Document | Reject]:
    """Documents of one file; a line that is not `TOKEN ... TAG` rejects the file."""
    docs: list[_Document] = []
    doc = _Document(index=0, line=1)
    sentence: list[_Token] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for lineno, raw in enumerate(fh, start=1):
                cols = raw.split()
                if not cols:
                    if sentence:
                        doc.sentences.append(sentence)
                        sentence = []
                    continue
                if cols[0] == DOCSTART:
                    if sentence:
                        doc.sentences.append(sentence)
                        sentence = []
                    if doc.sentences or doc.line != 1 or docs:
                        docs.append(doc)
                    doc = _Document(index=len(docs), line=lineno)
                    continue
                if len(cols) < 2:
                    yield Reject(source, "E063", CODES["E063"].format(source=source, line=lineno, cause=f"expected a token and a tag, got {raw.strip()!r}"))
                    return
                try:
                    _split_tag(cols[-1])
                except ValueError as exc:
                    yield Reject(source, "E063", CODES["E063"].format(source=source, line=lineno, cause=exc))
                    return
                sentence.append(_Token(cols[0], cols[-1], lineno))
    except UnicodeDecodeError as exc:
        yield Reject(source, "E050", CODES["E050"].format(source=source, cause=exc))
        return
    if sentence:
        doc.sentences.append(sentence)
    if doc.sentences or doc.line != 1:
        docs.append(doc)
    yield from docs


def detect_scheme(sentences: Iterable[Sequence[str]]) -> tuple[str | None, str]:
    """('iob1' | 'iob2', why) from tag sequences, or (None, why) when they mix both schemes.

    An I- tag that opens an entity only happens in IOB1; a B- tag after O or another type only in
    IOB2. A file with neither (no entities, or only single B- continuations) reads the same both ways.
    """
    iob1_at: str | None = None
    iob2_at: str | None = None
    for tags in sentences:
        prev: str | None = None
        for tag in tags:
            prefix, kind = _split_tag(tag)
            if prefix == "I" and kind != prev and iob1_at is None:
                iob1_at = tag
            if prefix == "B" and kind != prev and iob2_at is None:
                iob2_at = tag
            prev = kind
    if iob1_at and iob2_at:
        return None, f"{iob1_at} opens an entity (IOB1) but {iob2_at} also opens one after O or another type (IOB2)"
    if iob1_at:
        return "iob1", f"{iob1_at} opens an entity"
    return "iob2", "no I- tag opens an entity"


class _TagError(ValueError):
    def __init__(self, line: int, cause: str) -> None:
        super().__init__(cause)
        self.line = line


def _entities(sentence: Sequence[_Token], scheme: str) -> list[tuple[int, int, str, int]]:
    """(first, last, type, line) per entity, token indices inclusive; _TagError on a broken sequence."""
    out: list[tuple[int, int, str, int]] = []
    prev: str | None = None
    for i, tok in enumerate(sentence):
        prefix, kind = _split_tag(tok.tag)
        if kind is None:
            prev = None
            continue
        continues = prefix == "I" and kind == prev
        if prefix == "I" and kind != prev and scheme == "iob2":
            raise _TagError(tok.line, f"{tok.tag} follows {sentence[i - 1].tag if i else 'the sentence start'}")
        if continues:
            first, _, k, line = out[-1]
            out[-1] = (first, i, k, line)
        else:
            out.append((i, i, kind, tok.line))
        prev = kind
    return out


def _label_table(options: ImportOptions) -> dict[str, str]:
    table = dict(LABELS)
    table.update(options.settings.get("labels") or {})
    return table


def _record(doc: _Document, source: str, scheme: str, labels: dict[str, str]) -> dict[str, Any] | Reject:
    registry = load_registry()
    pieces: list[tuple[str, str]] = []
    offsets: list[int] = []  # where each sentence's first word is in `pieces`
    for s, sentence in enumerate(doc.sentences):
        offsets.append(len(pieces))
        for t, tok in enumerate(sentence):
            at_end = t == len(sentence) - 1
            gap = " " if not at_end else ("\n" if s < len(doc.sentences) - 1 else "")
            pieces.append((tok.text, gap))
    text, tokens, word_index = tokens_for(pieces)
    rid = stable_id(source, str(doc.index), text)
    record = new_record(
        text,
        answer="accept",  # gold from human annotation
        source=source,
        id=rid,
        tokens=tokens,
        doc_index=doc.index,
        **{"import": {"format": "conll", "scheme": scheme, "labels": dict(sorted(labels.items()))}},
    )
    index = TokenIndex(text, tokens)
    entity_labels = set(registry.labels_of("entities"))
    for s, sentence in enumerate(doc.sentences):
        try:
            ents = _entities(sentence, scheme)
        except _TagError as exc:
            return Reject(f"{source}#{doc.index}", "E064", CODES["E064"].format(source=source, line=exc.line, scheme=scheme.upper(), cause=exc))
        for first, last, kind, line in ents:
            label = labels.get(kind, kind if kind in entity_labels else None)
            if label is None:
                known = ", ".join(sorted(labels))
                return Reject(f"{source}#{doc.index}", "E065", CODES["E065"].format(source=f"{source}:{line}", label=kind, known=known))
            a = tokens[word_index[offsets[s] + first]]
            b = tokens[word_index[offsets[s] + last]]
            try:
                record["spans"].append(index.span(a["start"], b["end"], label))
            except CorpusError as exc:
                return Reject(f"{source}#{doc.index}", "E068", CODES["E068"].format(source=source, cause=exc))
    return set_hashes(record)


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records (one per document) and rejects from CoNLL-2003 files and folders of them."""
    if options.scheme is not None and options.scheme.lower() not in SCHEMES:
        raise CorpusError("E064", f"unknown tag scheme {options.scheme!r}; known: {', '.join(SCHEMES)}")
    labels = _label_table(options)
    for path, root in walk_files([Path(p) for p in inputs]):
        source = source_name(path, root)
        if not path.exists():
            yield Reject(source, "E053", CODES["E053"].format(source=source, cause="no such file or directory"))
            continue
        docs: list[_Document] = []
        for item in _parse(path, source):
            if isinstance(item, Reject):
                yield item
                docs = []
                break
            docs.append(item)
        if not docs:
            continue
        scheme = options.scheme.lower() if options.scheme else None
        if scheme is None:
            scheme, why = detect_scheme([t.tag for t in sent] for d in docs for sent in d.sentences)
            if scheme is None:
                yield Reject(source, "E064", CODES["E064"].format(source=source, line=docs[0].line, scheme="IOB", cause=f"{why}; pass --scheme iob1 or iob2"))
                continue
        for doc in docs:
            if not doc.sentences:
                yield Reject(f"{source}#{doc.index}", "E051", CODES["E051"].format(source=f"{source}:{doc.line} (document {doc.index})"))
                continue
            yield _record(doc, source, scheme, labels)
