"""The annotators' error codes (E110-E119) as data, so a user can grep a code across tools.

`annotators` does not import `corpus`; the runner (`corpus.pipeline`) turns an `AnnotatorError`
into a rejected record or a `CorpusError` with the same code and message.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CODES", "AnnotatorError"]

CODES: dict[str, str] = {
    "E110": "{component} needs {what}, which no component of this pipeline sets; {fix}",
    "E111": "{component} reads the {layers} layer, which is not on this doc; {fix}",
    "E112": "{component}: cannot read its word list {path}: {cause}",
    "E113": "cannot load the spaCy pipeline {model!r}: {cause}",
    "E114": "the article has {length:,} characters, more than the model's max_length {limit:,}, and its paragraph "
            "[{start}:{end}] alone is longer than that: split that paragraph with line breaks (parts under {limit:,} "
            "characters), or raise nlp.max_length where the machine has the memory (about 1 GB per 100,000 characters)",
    "E115": "{component}: a {label} span holds only whitespace (a rule went wrong; the record is rejected)",
}


class AnnotatorError(ValueError):
    """A problem a user can act on (a missing parser, an unreadable word list), with a stable code."""

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.message = CODES[code].format(**fields)
        super().__init__(f"{code} {self.message}")
