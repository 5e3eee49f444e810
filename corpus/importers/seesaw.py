"""SEESAW: news articles split into sentences, with gold sentence-level stance triplets.

One record per article: the sentences joined by newlines (their offsets in `meta.sentences`),
every gold triplet (holder, POS/NEG, target) in `meta.gold_stances`, and STANCE/TARGET/holder spans
only where both names are found in the sentence. The mapping is in docs/importers.md#seesaw.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..converters import Reject
from ..errors import CODES
from ..jsonl import loads
from ..record import TokenIndex, make_relation, new_record, set_hashes, stable_id, tokenize
from . import ImportOptions

__all__ = ["read", "LABELS", "HOLDER_LABELS", "ALIASES", "surface_forms"]

# SEESAW sentiment -> our STANCE attrs.polarity.
LABELS: dict[str, str] = {"POS": "favor", "NEG": "against"}

# SEESAW entity type (when every annotator gave the same one) -> the entity label of a HOLDER span.
# Topic, Event and Others holders, disagreeing types and overlapping mentions get SOURCE instead.
HOLDER_LABELS: dict[str, str] = {"People": "PERSON", "Organization": "ORG", "GPE": "GPE", "Religion": "NORP"}

# SEESAW's two placeholders: no explicit holder (the article's own voice), and an entity that is
# not in the article's entity list. Neither names anyone, so neither gets a span.
NO_HOLDER = "None"
UNLISTED = "Not in the list"

# Surface forms that the rules in `surface_forms` cannot derive from a canonical name.
ALIASES: dict[str, tuple[str, ...]] = {
    "Republican Party": ("Republicans", "Republican", "GOP"),
    "Democratic Party": ("Democrats", "Democrat", "Democratic"),
    "United States": ("U.S.", "US", "America"),
    "United States Congress": ("Congress",),
    "Federal Bureau of Investigation": ("FBI",),
    "United States Department of Justice": ("Justice Department", "DOJ"),
    "United States Environmental Protection Agency": ("EPA",),
    "U.S. Immigration and Customs Enforcement": ("ICE",),
    "Centers for Disease Control and Prevention": ("CDC",),
    "Islamic State": ("ISIS", "ISIL"),
}

# Words that show a "People" name is a group or an institution, not one person's name.
_NOT_PERSON = frozenset(
    "the of and for who a an in on at to with from by party parties fans officials supporters leaders "
    "family class voters workers united states senate congress house committee department court "
    "administration republicans democrats conservatives liberals americans members".split()
)
# Titles that belong to the name after them, so they never end a STANCE region ("tapped Ms. Lynch").
_TITLES = frozenset("mr. mrs. ms. dr. sen. rep. gov. gen. president senator representative governor secretary".split())
_SUFFIXES = frozenset({"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"})
_INITIAL = re.compile(r"^[A-Za-z]\.$")
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.\-]*$")
_DOC_NAME = re.compile(r"^(?P<story>TRIPLET_\d+)_DOCUMENT_(?P<article>\d+)$")
_EDGES = re.compile(r"\S(?:.*\S)?", re.DOTALL)


def read(inputs: list[Path], options: ImportOptions) -> Iterator[dict[str, Any] | Reject]:
    """Records and rejects for every article under the inputs (a SEESAW root, its articles/ folder, or article files)."""
    for item in inputs:
        path = Path(item)
        found = _article_files(path)
        if isinstance(found, Reject):
            yield found
            continue
        root, files = found
        for article_path in files:
            yield _import_article(article_path, root)


def _article_files(path: Path) -> tuple[Path, list[Path]] | Reject:
    """The SEESAW root and the article files an input names."""
    if path.is_dir() and (path / "articles").is_dir():
        return path, sorted(p for p in (path / "articles").glob("*.json") if not p.name.startswith("."))
    if path.is_dir() and (path.parent / "annotations").is_dir():
        return path.parent, sorted(p for p in path.glob("*.json") if not p.name.startswith("."))
    if path.is_file() and path.suffix == ".json":
        return path.parent.parent, [path]
    cause = "not a SEESAW folder (expected articles/ and annotations/ inside it) or an article .json file"
    if not path.exists():
        cause = "no such file or directory"
    return Reject(str(path), "E070", CODES["E070"].format(source=path, cause=cause))


def _load_json(path: Path, source: str) -> Any:
    try:
        return loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return Reject(source, "E070", CODES["E070"].format(source=source, cause=f"cannot read {path.name} as JSON: {exc}"))
    except RecursionError:
        return Reject(source, "E070", CODES["E070"].format(source=source, cause=f"cannot read {path.name} as JSON: nested too deeply"))


def _source(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.name


def _import_article(path: Path, root: Path) -> dict[str, Any] | Reject:
    source = _source(path, root)
    article = _load_json(path, source)
    if isinstance(article, Reject):
        return article
    sentences = article.get("text") if isinstance(article, dict) else None
    if not isinstance(sentences, list) or not all(isinstance(s, dict) and isinstance(s.get("text"), str) for s in sentences):
        return Reject(source, "E070", CODES["E070"].format(source=source, cause="expected {title, text: [{id, text}, ...]}"))
    if [s.get("id") for s in sentences] != list(range(len(sentences))):
        return Reject(source, "E070", CODES["E070"].format(source=source, cause="sentence ids are not 0..n-1 in order"))
    ann_path = root / "annotations" / path.name
    if not ann_path.is_file():
        return Reject(source, "E075", CODES["E075"].format(source=source, path=_source(ann_path, root)))
    annotation = _load_json(ann_path, source)
    if isinstance(annotation, Reject):
        return annotation
    if not isinstance(annotation, dict) or not isinstance(annotation.get("sentence-level stances"), dict):
        return Reject(source, "E070", CODES["E070"].format(source=source, cause=f"{ann_path.name} has no 'sentence-level stances' object"))
    return _article_record(path.stem, source, root, article, annotation)


@dataclass
class _Triplet:
    sentence: int
    holder: str | None
    polarity: str
    target: str
    annotators: list[str]
    holder_at: tuple[int, int] | None = None
    target_at: tuple[int, int] | None = None
    holder_label: str = "SOURCE"
    why: str | None = None  # why this triplet has no spans

    def gold(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "holder": self.holder,
            "polarity": self.polarity,
            "target": self.target,
            "annotators": self.annotators,
            "located": self.why is None,
            **({"unlocated": self.why} if self.why else {}),
        }


def _article_record(name: str, source: str, root: Path, article: dict[str, Any], annotation: dict[str, Any]) -> dict[str, Any] | Reject:
    sentence_texts = [s["text"] for s in article["text"]]
    text = "\n".join(sentence_texts)
    if not text.strip():
        return Reject(source, "E051", CODES["E051"].format(source=source))
    bounds: list[tuple[int, int]] = []
    pos = 0
    for s in sentence_texts:
        bounds.append((pos, pos + len(s)))
        pos += len(s) + 1
    entities = _entity_list(annotation)
    triplets: list[_Triplet] = []
    for key, items in sorted(annotation["sentence-level stances"].items(), key=lambda kv: _sentence_order(kv[0])):
        index = _sentence_order(key)
        if not 0 <= index < len(sentence_texts) or not isinstance(items, list):
            return Reject(source, "E071", CODES["E071"].format(source=source, sentence=key, count=len(sentence_texts)))
        for t in items:
            if not isinstance(t, dict) or not all(isinstance(t.get(k), str) for k in ("subject", "sentiment", "object")):
                return Reject(source, "E070", CODES["E070"].format(source=source, cause=f"sentence {key}: a triplet lacks subject, sentiment or object"))
            if t["sentiment"] not in LABELS:
                return Reject(source, "E072", CODES["E072"].format(source=source, value=t["sentiment"], known=", ".join(LABELS)))
            holder = None if t["subject"] == NO_HOLDER else t["subject"]
            triplets.append(_Triplet(index, holder, LABELS[t["sentiment"]], t["object"], sorted(map(str, t.get("annotators") or []))))
    _locate(text, bounds, triplets, entities)
    cuts = {c for t in triplets for at in (t.holder_at, t.target_at) if at for c in at}
    for lo, hi in bounds:
        m = _EDGES.search(text, lo, hi)
        if m:
            cuts.update(m.span())
    tokens = tokenize(text, cuts=cuts)
    spans, relations = _build_spans(text, tokens, bounds, triplets)
    meta = _story_meta(name, root, article, annotation, entities)
    record = new_record(
        text,
        answer="accept",  # gold from human annotation
        source=source,
        id=stable_id("seesaw", name),
        tokens=tokens,
        sentences=[list(b) for b in bounds],
        gold_stances=[t.gold() for t in triplets],
        **meta,
    )
    record["spans"] = spans
    record["relations"] = relations
    return set_hashes(record)


def _sentence_order(key: str) -> int:
    try:
        return int(key)
    except (TypeError, ValueError):
        return -1


def _entity_list(annotation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The article's listed entities by canonical name: SEESAW types, roles, annotators, sentiments, ideologies."""
    out: dict[str, dict[str, Any]] = {}
    sentiments = annotation.get("entity sentiments") or {}
    ideologies = annotation.get("entity ideologies") or {}
    for row in annotation.get("entity lists") or []:
        if not (isinstance(row, list) and row and isinstance(row[0], str)):
            continue
        name = row[0]
        cols = [c if isinstance(c, list) else [] for c in row[1:4]] + [[], [], []]
        out[name] = {
            "name": name,
            "types": [str(c) for c in cols[0]],
            "roles": [str(c) for c in cols[1]],
            "annotators": [str(c) for c in cols[2]],
            "sentiments": sentiments.get(name, []) if isinstance(sentiments, dict) else [],
            "ideologies": ideologies.get(name, []) if isinstance(ideologies, dict) else [],
        }
    return out


def _story_meta(name: str, root: Path, article: dict[str, Any], annotation: dict[str, Any], entities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """meta keys from the article, its annotations and its story's meta file (null where absent)."""
    meta: dict[str, Any] = {
        "title": article.get("title") if isinstance(article.get("title"), str) else None,
        "url": None,
        "date": None,
        "story": None,
        "story_title": None,
        "story_topic": None,
        "outlet": None,
        "bias_label": None,
        "split": None,
        "entities": list(entities.values()),
        "article_ideology": annotation.get("article ideology") or [],
        "coders": sorted({c for e in entities.values() for c in e["annotators"]}),
        "annotators": {"stances": "gold/seesaw"},
    }
    m = _DOC_NAME.match(name)
    if not m:
        return meta
    meta["story"] = m["story"]
    story_path = root / "meta" / f"{m['story']}.json"
    try:
        story = loads(story_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return meta  # the story meta is optional: its fields stay null
    if not isinstance(story, dict):
        return meta
    info = story.get(f"Meta info for article {int(m['article'])}")
    info = info if isinstance(info, dict) else {}
    meta.update(
        url=info.get("url"),
        date=story.get("story_time"),
        story_title=story.get("story_title"),
        story_topic=story.get("story_topic"),
        outlet=info.get("source"),
        bias_label=info.get("bias_label"),
        split=story.get("Split"),
    )
    return meta


def _looks_like_person(name: str, types: Sequence[str]) -> bool:
    """A "People" entity whose canonical name is a personal name (not a group such as "conservatives")."""
    if not types or set(types) != {"People"}:
        return False
    toks = name.split()
    if not 2 <= len(toks) <= 5 or not all(_NAME_TOKEN.match(t) for t in toks):
        return False
    if not name.islower() and not all(t[0].isupper() for t in toks):
        return False
    return not any(t.lower().strip(".,") in _NOT_PERSON for t in toks)


def _person_parts(name: str) -> list[str]:
    return [t for t in name.split() if t.lower() not in _SUFFIXES]


def surface_forms(name: str, types: Sequence[str], others: Sequence[str] = ()) -> list[str]:
    """How an article may write a canonical name: the name, a declared alias, the name without
    "United States", and for a person first+last name and the surname (unless `others` share it)."""
    forms = [name]
    if name.lower().startswith("the "):
        forms.append(name[4:])
    forms += ALIASES.get(name, ())
    for prefix in ("United States ", "U.S. "):
        if name.startswith(prefix) and name[len(prefix):][:1].isupper():
            rest = name[len(prefix):]
            forms += [f"U.S. {rest}", f"US {rest}", rest]
            if rest.startswith("Department of "):
                forms.append(f"{rest[len('Department of '):]} Department")
    if name.endswith(" of the United States"):
        forms.append(name[: -len(" of the United States")])
    if _looks_like_person(name, types):
        parts = _person_parts(name)
        if len(parts) > 2:
            forms.append(f"{parts[0]} {parts[-1]}")
        surname = parts[-1] if parts else ""
        clash = any(
            o != name and _looks_like_person(o, ("People",)) and _person_parts(o)[-1:] == [surname] for o in others
        )
        if len(surname) > 2 and not _INITIAL.match(surname) and not clash:
            forms.append(surname)
    return [f for f in dict.fromkeys(forms) if f]


def _pattern(form: str) -> re.Pattern[str]:
    # A form with capitals is matched as written ("US" must not match "us"); a lowercase one
    # ("abortion", a lowercased name) in any case.
    flags = 0 if any(c.isupper() for c in form) else re.IGNORECASE
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", flags)


def _occurrences(text: str, forms: Sequence[str], lo: int, hi: int) -> list[tuple[int, int]]:
    found = {m.span() for f in forms for m in _pattern(f).finditer(text, lo, hi)}
    # keep maximal occurrences only: "Obama" inside "Barack Obama" is the same mention
    return sorted(s for s in found if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in found))


def _mention(text: str, name: str, entities: dict[str, dict[str, Any]], lo: int, hi: int, avoid: tuple[int, int] | None) -> tuple[int, int] | None:
    """The first mention of `name` in text[lo:hi] that is not part of another listed entity's name and
    does not overlap `avoid` (the other role's mention); None when there is none."""
    info = entities.get(name, {"types": []})
    forms = surface_forms(name, info["types"], list(entities))
    others = [o for o in entities if o != name]
    blocked = _occurrences(text, others, lo, hi) if others else []
    for s, e in _occurrences(text, forms, lo, hi):
        if any(b0 <= s and e <= b1 and (b0, b1) != (s, e) for b0, b1 in blocked):
            continue
        if avoid and s < avoid[1] and avoid[0] < e:
            continue
        return (s, e)
    return None


def _holder_label(name: str, entities: dict[str, dict[str, Any]]) -> str:
    types = entities.get(name, {}).get("types") or []
    if len(set(types)) != 1:
        return "SOURCE"
    label = HOLDER_LABELS.get(types[0], "SOURCE")
    if label == "PERSON" and not _looks_like_person(name, types):
        return "SOURCE"  # a group of people ("conservatives") is not a PERSON
    return label


def _locate(text: str, bounds: list[tuple[int, int]], triplets: list[_Triplet], entities: dict[str, dict[str, Any]]) -> None:
    """Find each triplet's holder and target mentions inside its sentence, or say why not."""
    for t in triplets:
        lo, hi = bounds[t.sentence]
        if t.target == UNLISTED:
            t.why = "target not in the entity list"
            continue
        if t.holder == UNLISTED:
            t.why = "holder not in the entity list"
            continue
        if t.holder is not None:
            t.holder_at = _mention(text, t.holder, entities, lo, hi, None)
            if t.holder_at is None:
                t.why = "holder not found in the sentence"
                continue
            t.holder_label = _holder_label(t.holder, entities)
        t.target_at = _mention(text, t.target, entities, lo, hi, t.holder_at)
        if t.target_at is None:
            t.why = "target not found in the sentence"
            t.holder_at = None


def _build_spans(text: str, tokens: list[dict[str, Any]], bounds: list[tuple[int, int]], triplets: list[_Triplet]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Spans and relations for the located triplets; a triplet whose spans would clash keeps only its meta entry."""
    index = TokenIndex(text, tokens)
    tok_by_start = {tok["start"]: i for i, tok in enumerate(tokens)}
    tok_by_end = {tok["end"]: i for i, tok in enumerate(tokens)}
    spans: dict[tuple[int, int, str], dict[str, Any]] = {}
    entity_keys: list[tuple[int, int, str]] = []
    relations: list[dict[str, Any]] = []
    for t in triplets:
        if t.why is not None or t.target_at is None:
            continue
        holder: dict[str, Any] | None = None
        if t.holder_at is not None and t.holder is not None:
            label = t.holder_label
            mine = (t.holder_at[0], t.holder_at[1], label)
            if label != "SOURCE" and any(s < mine[1] and mine[0] < e and k != mine for k in entity_keys for s, e in [k[:2]]):
                label = "SOURCE"  # entity spans may not overlap; SOURCE (quotes layer) may
            holder = index.span(*t.holder_at, label, {"name": t.holder})
        target = index.span(*t.target_at, "TARGET", {"name": t.target})
        stance = None
        for region in (_between(tokens, tok_by_start, tok_by_end, t), _sentence_edges(text, bounds[t.sentence])):
            if region and (region[0], region[1], "STANCE") not in spans:
                stance = index.span(*region, "STANCE", {"polarity": t.polarity})
                break
        if stance is None:
            t.why = "its sentence's STANCE anchors are taken by other triplets"
            continue
        clash = [s for s in (holder, target) if s is not None and _key(s) in spans and spans[_key(s)].get("attrs") != s.get("attrs")]
        if clash:
            t.why = f"its {clash[0]['label']} mention is already the mention of another name"
            continue
        for s in (holder, target, stance):
            if s is not None and _key(s) not in spans:
                spans[_key(s)] = s
                if s["label"] not in ("SOURCE", "TARGET", "STANCE"):
                    entity_keys.append(_key(s))
        if holder is not None:
            relations.append(make_relation("HOLDER", stance, holder))
        relations.append(make_relation("TARGET", stance, target))
    ordered = sorted(spans.values(), key=lambda s: (s["start"], s["end"], s["label"]))
    return ordered, relations


def _key(span: dict[str, Any]) -> tuple[int, int, str]:
    return (span["start"], span["end"], span["label"])


def _between(tokens: list[dict[str, Any]], by_start: dict[int, int], by_end: dict[int, int], t: _Triplet) -> tuple[int, int] | None:
    """The tokens strictly between the holder and target mentions, without edge punctuation: the
    predicate region ("blasted" in "Obama blasted Republicans"). None without a holder or such words."""
    if t.holder_at is None or t.target_at is None:
        return None
    first, second = sorted((t.holder_at, t.target_at))
    a, b = by_end[first[1]] + 1, by_start[second[0]] - 1
    while a <= b and not any(c.isalnum() for c in tokens[a]["text"]):
        a += 1
    while b >= a and (not any(c.isalnum() for c in tokens[b]["text"]) or tokens[b]["text"].lower() in _TITLES):
        b -= 1
    if a > b:
        return None
    return (tokens[a]["start"], tokens[b]["end"])


def _sentence_edges(text: str, bound: tuple[int, int]) -> tuple[int, int] | None:
    m = _EDGES.search(text, *bound)
    return m.span() if m else None
