"""Error codes as data: every problem the toolkit reports has a stable code and a message template.

Codes never change meaning once released; new problems get new codes. The validator, the JSONL
reader and the converters all report through these, so a user can grep a code across tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CODES", "Problem", "CorpusError", "InvalidLineError"]

CODES: dict[str, str] = {
    # reading
    "E001": "line {line} is not valid JSON: {cause}",
    "E002": "line {line} is JSON but not an object (got {kind})",
    # record contract (JSON Schema)
    "E010": "does not match the record schema at {path}: {cause}",
    "E011": "meta.id {id!r} already used on line {first_line}",
    # tokens
    "E020": "token {index} [{start}:{end}] lies outside the text (length {length})",
    "E021": "token {index} text {got!r} differs from text[{start}:{end}] = {want!r}",
    "E022": "token {index} has id {id}; tokens must be numbered 0..n-1 in order",
    "E023": "token {index} [{start}:{end}] overlaps or precedes the token before it",
    "E024": "token {index} ws={ws} but the character after it is {after!r}",
    "E025": "no token covers text[{start}:{end}] = {gap!r} (before token {before}); tokens must cover the whole text",
    # spans
    "E030": "span {index} {label} [{start}:{end}] lies outside the text (length {length}) or is empty",
    "E031": "span {index} {label} [{start}:{end}] does not agree with its tokens {token_start}..{token_end} [{tstart}:{tend}]",
    "E032": "span {index} {label} [{start}:{end}] starts or ends with whitespace: {snippet!r}",
    "E033": "span {index} has label {label!r}, which is not in the registry; known labels: {known}",
    "E034": "span {index} {label} attribute {attr!r}: {cause}",
    "E035": "entity spans {index} {label} [{start}:{end}] and {other} {other_label} [{ostart}:{oend}] overlap",
    "E036": "span {index} {label} carries text {got!r} but text[{start}:{end}] is {want!r}",
    "E037": "span {index} {label} is a duplicate of span {other}",
    # relations
    "E040": "relation {index} {label}: ({head_label} -> {child_label}) is not an allowed triple; allowed for {label}: {allowed}",
    "E041": "relation {index} {label}: its {which} span {span} is not in spans",
    "E042": "relation {index} {label}: {which} is {got} but its span ends at token {want}",
    "E043": "relation {index} has label {label!r}, which is not in the registry; known: {known}",
    # conversion and pipeline
    "E050": "cannot decode {source} as UTF-8: {cause}",
    "E051": "{source} holds no article text",
    "E052": "{source}: unknown input format {suffix!r}; known: {known}",
    "E053": "{source}: {cause}",
    "E054": "annotation failed: {cause}",
    "E055": "{cause}",
    "E056": "evaluation: {cause}",
    "E057": "splits: {cause}",
    "E058": "export: {cause}",
    # importers: unknown format, brat, conll, conllu (E060-E069)
    "E060": "unknown import format {name!r}; known formats: {known}",
    "E061": "{source}: cannot pair annotation and text files: {cause}",
    "E062": "{source}: annotation {ann_id} [{offsets}] says {want!r} but the text there is {got!r}",
    "E063": "{source}:{line}: cannot read this line: {cause}",
    "E064": "{source}:{line}: invalid {scheme} tag sequence: {cause}",
    "E065": "{source}: label {label!r} has no counterpart in our registry; known source labels: {known}",
    "E066": "{source}: sentence {sentence} does not rebuild from its tokens: {cause}",
    "E067": "{source}:{line}: malformed entity annotation: {cause}",
    "E068": "{source}: a gold span cannot be placed on the tokens: {cause}",
    # importers: seesaw and cqe (E070-E079)
    "E070": "{source}: {cause}",
    "E071": "{source}: annotated sentence {sentence!r} is not a sentence of the article (it has {count})",
    "E072": "{source}: unknown SEESAW sentiment {value!r}; known: {known}",
    "E073": "{source}: quantity value {value!r} is not a number or a range",
    "E074": "{source}: unknown CQE change {value!r}; known: {known}",
    "E075": "{source}: no annotations file for this article (looked for {path})",
    # review loop: annotation tools (Label Studio, doccano), merge, agreement
    "E080": "{source}: not a {format} export: {cause}",
    "E081": "{source}: span {label} [{start}:{end}]: {cause}",
    "E082": "{source}: label {label!r} is not in the registry; known labels: {known}",
    "E083": "{source}: attribute {attr!r} of {label} [{start}:{end}]: {cause}",
    "E084": "{source}: relation {label!r}: {cause}",
    "E085": "{source}: the imported record is invalid: {problems}",
    "E086": "record {id}: {cause}",
    "E087": "agree: {cause}",
    # files and the run itself (E090-E099): reported by the top-level handler or before any work
    "E090": "cannot read {path}: {cause}",
    "E091": "cannot write {path}: {cause}",
    "E092": "{output} is also {what} ({other}); refusing to write over it, choose another output path",
    "E093": "{source}: duplicate of {first}: meta.id {id!r} is already taken (the first copy is kept)",
    "E094": "{source}: {cause}; not read",
    "E098": "interrupted; nothing was written under a final name by the step that was running",
    "E099": "internal error: {cause}; re-run with --debug to see where, and report it",
    # export (E100-E109)
    "E100": "export: {count} invalid record(s); nothing was written: {cause}",
    "E101": "export: {path} is not ours to write: {cause}",
    "E102": "export: {path} holds an earlier export; pass --overwrite to replace it",
    # running annotation: engines, resume, processes (E120-E129)
    "E120": "cannot resume {partial}: a different run wrote it ({differences}); run without --resume to start over",
    "E121": "{path}: {cause}",
    "E123": "{cause}",
    "E124": "a worker process died ({cause}); the records written so far are kept in OUTPUT.partial: rerun with --resume",
    # stance model: model folders and training (E150-E159)
    # E150-E152: stance model folders, in annotators/errors.py
    "E153": "train stances: {cause}",
    "E154": "train stances: {path} exists and is not a stance model folder this command wrote; choose a new or empty folder",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record: a stable code and a readable message."""

    code: str
    message: str

    @classmethod
    def make(cls, code: str, **fields: Any) -> "Problem":
        return cls(code, CODES[code].format(**fields))

    def __str__(self) -> str:
        return f"{self.code} {self.message}"


class CorpusError(Exception):
    """An error a user can act on; carries a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message


class InvalidLineError(CorpusError):
    """A JSONL line that is not a JSON object. Carries the file, the 1-based line number and the line."""

    def __init__(self, code: str, message: str, *, path: str, lineno: int, line: str) -> None:
        super().__init__(code, f"{path}:{lineno}: {message}")
        self.path = path
        self.lineno = lineno
        self.line = line
