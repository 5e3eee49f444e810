"""Semantic validation of records: the JSON Schema, then every rule of DESIGN.md's Validation section.

`check_record` returns the problems of one record; `Validator` adds what needs the whole file
(unique `meta.id`) and keeps counts for the summary. Each problem has a stable code (see
`corpus.errors.CODES`) and a message that says what to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from .errors import Problem
from .jsonl import Line, iter_lines
from .registry import Registry, load_record_schema, load_registry

__all__ = ["check_record", "check_shape", "Validator", "Report"]

_WS = frozenset(" \t\n\r\x0b\x0c\u00a0\u2028\u2029\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u1680\x85")


def _is_ws(ch: str) -> bool:
    return ch in _WS or ch.isspace()


_schema_validator: Draft202012Validator | None = None
_fast_validator: Any = None


def _schema() -> Draft202012Validator:
    global _schema_validator
    if _schema_validator is None:
        _schema_validator = Draft202012Validator(load_record_schema())
    return _schema_validator


def _tokens_plainly_valid(tokens: Any) -> bool:
    """A fast check, stricter than the schema's token definition: True means the schema accepts them."""
    if type(tokens) is not list:
        return False
    for t in tokens:
        if type(t) is not dict or len(t) != 5:
            return False
        try:  # five keys, all five of ours: exactly the token keys (cheaper than comparing key sets)
            s, e, i, text, ws = t["start"], t["end"], t["id"], t["text"], t["ws"]
        except KeyError:
            return False
        if type(s) is not int or type(e) is not int or type(i) is not int or s < 0 or e < 0 or i < 0:
            return False
        if type(text) is not str or type(ws) is not bool:
            return False
    return True


def _schema_accepts(record: dict[str, Any], tokens_plain: bool) -> bool:
    """The fast path for valid records: compiled schema over everything but the tokens, which a
    plain loop checks. Only records that fail here pay for the full validator's messages."""
    global _fast_validator
    import fastjsonschema

    if _fast_validator is None:
        _fast_validator = fastjsonschema.compile(load_record_schema())
    if not tokens_plain:
        return False
    try:
        _fast_validator({k: v for k, v in record.items() if k != "tokens"})
    except fastjsonschema.JsonSchemaException:
        return False
    return True


_SPAN_INTS = ("start", "end", "token_start", "token_end")


def _check_integers(record: dict[str, Any], tokens: bool) -> list[Problem]:
    """JSON Schema counts 1.0 as an integer, but offsets index a `str`: they must be JSON integers."""
    problems: list[Problem] = []

    def need_ints(path: str, obj: dict[str, Any], keys: tuple[str, ...]) -> None:
        for key in keys:
            if type(obj[key]) is not int:
                problems.append(Problem.make("E010", path=f"{path}/{key}", cause=f"{obj[key]!r} is not an integer"))

    if tokens:
        for i, tok in enumerate(record["tokens"]):
            need_ints(f"/tokens/{i}", tok, ("start", "end", "id"))
    for i, span in enumerate(record.get("spans", [])):
        need_ints(f"/spans/{i}", span, _SPAN_INTS)
    for i, rel in enumerate(record.get("relations", [])):
        need_ints(f"/relations/{i}", rel, ("head", "child"))
        need_ints(f"/relations/{i}/head_span", rel["head_span"], _SPAN_INTS)
        need_ints(f"/relations/{i}/child_span", rel["child_span"], _SPAN_INTS)
    return problems


def _check_schema(record: dict[str, Any]) -> list[Problem]:
    tokens_plain = "tokens" not in record or _tokens_plainly_valid(record["tokens"])
    if not _schema_accepts(record, tokens_plain):
        problems = []
        for err in sorted(_schema().iter_errors(record), key=lambda e: list(e.absolute_path)):
            path = "/" + "/".join(str(p) for p in err.absolute_path)
            problems.append(Problem.make("E010", path=path, cause=err.message))
        if problems:
            return problems
    return _check_integers(record, tokens=not tokens_plain)


def _check_tokens(text: str, tokens: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    n = len(text)
    prev_end = 0
    expected = 0  # where this token must start: right after the last one and its trailing space
    for i, tok in enumerate(tokens):
        start, end = tok["start"], tok["end"]
        if 0 <= start <= n and start > expected:
            problems.append(Problem.make("E025", before=i, start=expected, end=start, gap=text[expected:start][:40]))
        if tok["id"] != i:
            problems.append(Problem.make("E022", index=i, id=tok["id"]))
        if not 0 <= start <= end <= n:
            problems.append(Problem.make("E020", index=i, start=start, end=end, length=n))
            continue
        if start < prev_end:
            problems.append(Problem.make("E023", index=i, start=start, end=end))
        prev_end = end
        if text[start:end] != tok["text"]:
            problems.append(Problem.make("E021", index=i, got=tok["text"], start=start, end=end, want=text[start:end]))
        after = text[end:end + 1]
        if tok["ws"] != (after == " "):
            problems.append(Problem.make("E024", index=i, ws=tok["ws"], after=after))
        expected = end + (1 if after == " " else 0)  # a wrong ws flag is E024's to report, not a gap
    if tokens and expected < n and not problems:
        problems.append(Problem.make("E025", before=len(tokens), start=expected, end=n, gap=text[expected:n][:40]))
    return problems


def _check_span(i: int, span: dict[str, Any], text: str, tokens: list[dict[str, Any]] | None, reg: Registry) -> list[Problem]:
    problems: list[Problem] = []
    start, end, label = span["start"], span["end"], span["label"]
    if not 0 <= start < end <= len(text):
        return [Problem.make("E030", index=i, label=label, start=start, end=end, length=len(text))]
    if _is_ws(text[start]) or _is_ws(text[end - 1]):
        problems.append(Problem.make("E032", index=i, label=label, start=start, end=end, snippet=text[start:end][:60]))
    if "text" in span and span["text"] != text[start:end]:
        problems.append(Problem.make("E036", index=i, label=label, got=span["text"], start=start, end=end, want=text[start:end]))
    if tokens is not None:
        ts, te = span["token_start"], span["token_end"]
        if not (0 <= ts <= te < len(tokens)) or tokens[ts]["start"] != start or tokens[te]["end"] != end:
            tstart = tokens[ts]["start"] if 0 <= ts < len(tokens) else "?"
            tend = tokens[te]["end"] if 0 <= te < len(tokens) else "?"
            problems.append(Problem.make("E031", index=i, label=label, start=start, end=end, token_start=ts, token_end=te, tstart=tstart, tend=tend))
    specs = reg.attrs.get(label)
    if specs is None:
        problems.append(Problem.make("E033", index=i, label=label, known=", ".join(reg.labels)))
        return problems
    attrs = span.get("attrs") or {}
    for name, value in attrs.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or "none"
            problems.append(Problem.make("E034", index=i, label=label, attr=name, cause=f"not an attribute of {label} (allowed: {known})"))
            continue
        why = spec.check(value)
        if why:
            problems.append(Problem.make("E034", index=i, label=label, attr=name, cause=why))
    for name, spec in specs.items():
        if spec.required and name not in attrs:
            problems.append(Problem.make("E034", index=i, label=label, attr=name, cause="required but missing"))
    return problems


def check_shape(record: dict[str, Any]) -> list[Problem]:
    """The JSON Schema problems of one record only: what a command that reads records (evaluate,
    merge, agree) needs to trust their shape, without refusing a span the rules would question."""
    try:
        return _check_schema(record)
    except RecursionError:
        return [Problem.make("E010", path="/", cause="the record is nested too deeply to check")]


def check_record(record: dict[str, Any], registry: Registry | None = None) -> list[Problem]:
    """Every problem of one record, in a stable order; an empty list means the record is valid."""
    reg = registry or load_registry()
    problems = _check_schema(record)
    if problems:
        return problems  # the semantic checks below rely on the shapes the schema guarantees
    text: str = record["text"]
    tokens = record.get("tokens")
    if tokens is not None:
        problems += _check_tokens(text, tokens)
        if problems:
            tokens = None  # token indices cannot be trusted; still check the spans' characters
    spans: list[dict[str, Any]] = record.get("spans", [])
    seen: dict[tuple[int, int, str], int] = {}
    for i, span in enumerate(spans):
        problems += _check_span(i, span, text, tokens, reg)
        key = (span["start"], span["end"], span["label"])
        if key in seen:
            problems.append(Problem.make("E037", index=i, label=span["label"], other=seen[key]))
        else:
            seen[key] = i
    problems += _check_entity_overlap(spans, reg)
    problems += _check_relations(record.get("relations", []), seen, spans, reg)
    return problems


def _check_entity_overlap(spans: list[dict[str, Any]], reg: Registry) -> list[Problem]:
    problems = []
    exclusive = {label for layer, labels in reg.layers.items() if not reg.overlapping[layer] for label in labels}
    ents = sorted((s["start"], s["end"], i, s["label"]) for i, s in enumerate(spans) if s["label"] in exclusive)
    # compare each span with the one reaching furthest so far, not only its neighbour: [0:10] overlaps [5:8]
    # even when [1:3] sorts between them
    reach: tuple[int, int, int, str] | None = None
    for s2, e2, i2, l2 in ents:
        if reach is not None and s2 < reach[1]:
            s1, e1, i1, l1 = reach
            problems.append(Problem.make("E035", index=i1, label=l1, start=s1, end=e1, other=i2, other_label=l2, ostart=s2, oend=e2))
        if reach is None or e2 > reach[1]:
            reach = (s2, e2, i2, l2)
    return problems


def _check_relations(relations: list[dict[str, Any]], index: dict[tuple[int, int, str], int], spans: list[dict[str, Any]], reg: Registry) -> list[Problem]:
    problems = []
    for i, rel in enumerate(relations):
        label = rel["label"]
        head, child = rel["head_span"], rel["child_span"]
        if label not in reg.relations:
            problems.append(Problem.make("E043", index=i, label=label, known=", ".join(reg.relations)))
        elif not reg.allows(label, head["label"], child["label"]):
            heads, children = reg.relations[label]
            allowed = f"{'|'.join(sorted(heads))} -> {'|'.join(sorted(children))}"
            problems.append(Problem.make("E040", index=i, label=label, head_label=head["label"], child_label=child["label"], allowed=allowed))
        for which, copy, token in (("head", head, rel["head"]), ("child", child, rel["child"])):
            key = (copy["start"], copy["end"], copy["label"])
            found = index.get(key)
            # the copy must be the span itself, token indices included: `head`/`child` point at tokens
            if found is None or (spans[found]["token_start"], spans[found]["token_end"]) != (copy["token_start"], copy["token_end"]):
                desc = f"{key[2]} [{key[0]}:{key[1]}] (tokens {copy['token_start']}..{copy['token_end']})"
                problems.append(Problem.make("E041", index=i, label=label, which=which, span=desc))
            elif token != copy["token_end"]:
                problems.append(Problem.make("E042", index=i, label=label, which=which, got=token, want=copy["token_end"]))
    return problems


@dataclass
class Report:
    """What a validation run saw: records, invalid records, problems per code."""

    records: int = 0
    invalid: int = 0
    codes: Counter[str] = field(default_factory=Counter)


class Validator:
    """Validates a stream of records, adding the file-level rule that `meta.id` is unique."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or load_registry()
        self.report = Report()
        self._ids: dict[str, str] = {}

    def check(self, record: dict[str, Any], where: str) -> list[Problem]:
        try:
            problems = check_record(record, self.registry)
        except RecursionError:  # JSON that parsed, nested too deeply for the schema checker to walk
            problems = [Problem.make("E010", path="/", cause="the record is nested too deeply to check")]
        meta = record.get("meta")
        rid = meta.get("id") if isinstance(meta, dict) else None
        if isinstance(rid, str):
            first = self._ids.setdefault(rid, where)
            if first != where:
                problems.append(Problem.make("E011", id=rid, first_line=first))
        self.report.records += 1
        if problems:
            self.report.invalid += 1
            self.report.codes.update(p.code for p in problems)
        return problems

    def check_lines(self, lines: Iterable[Line]) -> Iterator[tuple[Line, list[Problem]]]:
        for line in lines:
            yield line, self.check(line.record, f"{line.path}:{line.lineno}")

    def check_file(self, path: str) -> Iterator[tuple[Line, list[Problem]]]:
        """Validate one file; a line that is not JSON is reported as E001/E002 and the run goes on."""
        from .errors import InvalidLineError

        errors: list[InvalidLineError] = []
        for line in iter_lines(path, skip_invalid=True, errors=errors):
            while errors:
                yield from self._bad_line(errors.pop(0))
            yield line, self.check(line.record, f"{line.path}:{line.lineno}")
        while errors:
            yield from self._bad_line(errors.pop(0))

    def _bad_line(self, err: Any) -> Iterator[tuple[Line, list[Problem]]]:
        self.report.records += 1
        self.report.invalid += 1
        self.report.codes[err.code] += 1
        yield Line((err.path, err.lineno, {"_raw": err.line.rstrip("\n")})), [Problem(err.code, err.message.split(": ", 1)[-1])]
