"""Leak-free splits: one assignment per group of articles, decided once, used by every config.

Groups are the article (default), any `meta` key (source, story, date...), or paragraphs of one
article (`paragraph`: each paragraph becomes its own record, see `record.slice_record`). Near-
duplicates (MinHash LSH candidates whose estimated Jaccard similarity reaches the threshold) are
merged into one group, so rewrites of a wire story land in one split.

Sizes follow what was asked: groups are taken in the order of a hash of (seed, group) and fill test,
then validation, up to the requested number of articles (a group is never cut, so a split is off by
at most one group); the rest is train. The result depends only on the set of groups and the seed.
Once an article has a split it keeps it: given an earlier plan (`earlier`, read from `splits.json`),
its articles stay where they were and only new groups fill the splits toward the requested sizes.
`stratify=True` makes the same fill pick, among the next groups in hash order, the one that best
fills each split's label deficits, so label shares match across splits too. It needs no minimum
count per label or stratum, so it never fails for lack of examples, and kept articles stay put.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CorpusError

__all__ = ["SplitPlan", "Sketch", "sketch", "plan_splits", "plan_from_sketches", "read_earlier_plan", "SPLITS"]

SPLITS = ("train", "validation", "test")
_WORD = re.compile(r"\w+")
# the class-label attribute of a span, counted beside its label so stratified fills and shares see it
_CLASS_ATTRS = {"QUOTE": "kind", "STANCE": "polarity", "STATISTIC": "kind"}


@dataclass
class SplitPlan:
    """The decision: each article's group and each group's split, and how it was reached."""

    group_of: dict[str, str]
    split_of_group: dict[str, str]
    near_duplicate_merges: int = 0
    near_duplicate_pairs: int = 0
    kept: int = 0
    asked: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def split_of(self, article_id: str) -> str:
        return self.split_of_group[self.group_of[article_id]]

    def sizes(self) -> Counter[str]:
        return Counter(self.split_of(a) for a in self.group_of)

    def deviations(self) -> list[str]:
        """One sentence per split whose size differs from the size asked, saying why."""
        got = self.sizes()
        out = []
        for split, want in self.asked.items():
            if got[split] != want:
                why = "articles kept from the earlier plan" if self.kept else "groups are never cut"
                out.append(f"{split}: asked {want} articles, got {got[split]} ({why})")
        return out

    def to_json(self, seed: int, group_by: str, test_size: float, validation_size: float) -> dict[str, Any]:
        return {
            "seed": seed,
            "group_by": group_by,
            "test_size": test_size,
            "validation_size": validation_size,
            "near_duplicate_merges": self.near_duplicate_merges,
            "asked": self.asked,
            "sizes": dict(sorted(self.sizes().items())),
            "kept_from_earlier_plan": self.kept,
            "articles": {a: {"group": g, "split": self.split_of_group[g]} for a, g in sorted(self.group_of.items())},
        }


def read_earlier_plan(path: Path) -> dict[str, str]:
    """Article id -> split from a `splits.json`, or from the export or build folder holding one."""
    candidates = [path] if path.is_file() else [path / "splits.json"]
    for candidate in candidates:
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
            return {str(a): str(v["split"]) for a, v in data["articles"].items() if v["split"] in SPLITS}
        except FileNotFoundError as exc:
            raise CorpusError("E057", f"{candidate}: no earlier split plan there (give a splits.json or an export folder holding one)") from exc
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CorpusError("E057", f"{candidate}: not a splits.json written by corpus export: {exc}") from exc
    return {}


def _unit(seed: int, key: str) -> float:
    """A number in [0, 1) fixed by (seed, key)."""
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class Sketch:
    """What the split decision needs of one article, so the corpus need not be held in memory:
    its id, its group key, the article it came from, a MinHash of its text, its label counts
    (labels, and `LABEL:value` for the class attribute of quotes, stances and statistics)."""

    id: str
    key: str | None
    parent: str
    minhash: Any = None
    labels: Counter[str] = field(default_factory=Counter)


_PERMUTATIONS = 64


def label_counts(record: dict[str, Any]) -> Counter[str]:
    """Span labels of a record, plus `LABEL:value` of each span's class attribute."""
    out: Counter[str] = Counter()
    for s in record.get("spans", []):
        out[s["label"]] += 1
        attr = _CLASS_ATTRS.get(s["label"])
        if attr is not None:
            out[f"{s['label']}:{(s.get('attrs') or {}).get(attr)}"] += 1
    return out


def sketch(record: dict[str, Any], group_by: str = "article", near_duplicates: bool = True, shingle: int = 5) -> Sketch:
    """The sketch of one record (MinHash over word `shingle`-grams when near-duplicates are merged)."""
    meta = record["meta"]
    minhash = None
    if near_duplicates and group_by != "paragraph":
        from datasketch import MinHash

        words = _WORD.findall(record["text"].lower())
        shingles = {" ".join(words[i:i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
        minhash = MinHash(num_perm=_PERMUTATIONS, seed=1)
        minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return Sketch(
        id=meta["id"],
        key=_group_key(record, group_by),
        parent=str(meta.get("parent_id") or meta["id"]),
        minhash=minhash,
        labels=label_counts(record),
    )


class _UnionFind:
    """Groups joined by near-duplicate pairs. A group that already has a split (from an earlier
    plan) is never re-keyed and never joined to another such group, so no kept article moves."""

    def __init__(self, assigned: set[str]) -> None:
        self.parent: dict[str, str] = {}
        self.assigned = assigned

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        """Join the groups of a and b; False when both already have a split and so stay apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        fixed_a, fixed_b = ra in self.assigned, rb in self.assigned
        if fixed_a and fixed_b:
            return False
        if fixed_a or fixed_b:  # the assigned group keeps its key
            root, other = (ra, rb) if fixed_a else (rb, ra)
        else:  # the smaller key represents the group, so the result does not depend on order
            root, other = min(ra, rb), max(ra, rb)
        self.parent[other] = root
        return True


def _near_duplicate_pairs(sketches: Sequence[Sketch], threshold: float) -> Iterator[tuple[str, str]]:
    """Pairs of article ids whose texts are near-duplicates: LSH proposes candidates, and a pair is
    kept only when its estimated Jaccard similarity reaches `threshold` (LSH alone lets through
    pairs well below it)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=_PERMUTATIONS)
    by_id = {sk.id: sk for sk in sketches}
    for sk in sketches:
        for other in sorted(lsh.query(sk.minhash)):
            if sk.minhash.jaccard(by_id[other].minhash) >= threshold:
                yield sk.id, other
        lsh.insert(sk.id, sk.minhash)


def _group_key(record: dict[str, Any], group_by: str) -> str | None:
    meta = record["meta"]
    if group_by in ("article", "paragraph"):
        return str(meta.get("parent_id") or meta["id"]) if group_by == "article" else str(meta["id"])
    value = meta.get(group_by)
    return None if value in (None, "") else f"{group_by}={value}"


def plan_splits(
    records: Sequence[dict[str, Any]],
    *,
    test_size: float = 0.1,
    validation_size: float = 0.1,
    seed: int = 0,
    group_by: str = "article",
    near_duplicates: float | None = 0.8,
    stratify: bool = False,
    earlier: Mapping[str, str] | None = None,
) -> SplitPlan:
    """Decide the split of every article of `records` (see `plan_from_sketches`)."""
    sketches = [sketch(r, group_by, near_duplicates=bool(near_duplicates)) for r in records]
    return plan_from_sketches(sketches, test_size=test_size, validation_size=validation_size, seed=seed,
                              group_by=group_by, near_duplicates=near_duplicates, stratify=stratify, earlier=earlier)


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def plan_from_sketches(
    sketches: Sequence[Sketch],
    *,
    test_size: float = 0.1,
    validation_size: float = 0.1,
    seed: int = 0,
    group_by: str = "article",
    near_duplicates: float | None = 0.8,
    stratify: bool = False,
    earlier: Mapping[str, str] | None = None,
) -> SplitPlan:
    """Decide the split of every article; articles of `earlier` (article id -> split) keep theirs.
    Raises a `CorpusError` saying what to do instead when the corpus is too small to split as asked."""
    if not 0 <= test_size < 1 or not 0 <= validation_size < 1 or test_size + validation_size >= 1:
        raise CorpusError("E057", f"split sizes must be in [0, 1) and leave room for train; got test {test_size}, validation {validation_size}")
    earlier = earlier or {}
    warnings: list[str] = []
    group_of: dict[str, str] = {}
    missing = 0
    for sk in sketches:
        key = sk.key
        if key is None:
            missing += 1
            key = f"article={sk.id}"
        group_of[sk.id] = key
    if missing:
        warnings.append(f"{missing} articles have no meta.{group_by}; each forms its own group")

    # a group whose articles the earlier plan put in several splits is cut along them: kept articles never move
    earlier_splits: dict[str, Counter[str]] = {}
    for rid, g in group_of.items():
        if rid in earlier:
            earlier_splits.setdefault(g, Counter())[earlier[rid]] += 1
    cut = {g: c.most_common(1)[0][0] for g, c in earlier_splits.items() if len(c) > 1}
    if cut:
        warnings.append(f"{len(cut)} groups were in several splits in the earlier plan; their articles keep those splits")
        for rid, g in group_of.items():
            if g in cut:
                group_of[rid] = f"{g}#{earlier.get(rid, cut[g])}"
        earlier_splits = {}
        for rid, g in group_of.items():
            if rid in earlier:
                earlier_splits.setdefault(g, Counter())[earlier[rid]] += 1

    merges = pairs = 0
    if near_duplicates and group_by != "paragraph" and len(sketches) > 1:
        uf = _UnionFind(set(earlier_splits))
        apart = 0
        for a, b in _near_duplicate_pairs(sketches, near_duplicates):
            pairs += 1
            if not uf.union(group_of[a], group_of[b]):
                apart += 1
        for rid, g in group_of.items():
            root = uf.find(g)
            if root != g:
                merges += 1
                group_of[rid] = root
        if apart:
            warnings.append(f"{apart} near-duplicate pairs were already in two groups of the earlier plan and stay there")

    fixed = {g: c.most_common(1)[0][0] for g, c in earlier_splits.items()}
    articles = Counter(group_of.values())
    groups = sorted(articles)
    wanted = [s for s, size in (("test", test_size), ("validation", validation_size)) if size > 0]
    if not fixed and len(groups) < len(wanted) + 1:
        hint = (
            "use --group-by paragraph (paragraphs of one article share a source, so its test scores will be optimistic)"
            if len({sk.parent for sk in sketches}) == 1
            else "add articles, lower --test-size/--validation-size to 0, or group by a finer key"
        )
        raise CorpusError("E057", f"{len(groups)} group(s) of articles cannot fill train plus {' and '.join(wanted)} splits without leaking; {hint}")

    total = len(group_of)
    asked = {"test": _round(test_size * total), "validation": _round(validation_size * total)}
    for split in wanted:  # a split asked for gets at least one article
        asked[split] = max(1, asked[split])
    asked["train"] = total - asked["test"] - asked["validation"]

    labels: dict[str, Counter[str]] | None = None
    if stratify:
        labels = {g: Counter() for g in groups}
        for sk in sketches:
            labels[group_of[sk.id]].update(sk.labels)
    split_of_group = _fill(groups, articles, fixed, asked, wanted, seed, labels)
    return SplitPlan(group_of=group_of, split_of_group=split_of_group, near_duplicate_merges=merges, near_duplicate_pairs=pairs,
                     kept=sum(1 for rid in group_of if rid in earlier), asked=asked, warnings=warnings)


_WINDOW = 64  # groups a stratified fill looks ahead in hash order


def _gain(labels: Counter[str], size: int, want: dict[str, float], got: Counter[str], total: Counter[str]) -> float:
    """How well a group fills a split's label deficits, per article: what it adds up to each deficit
    counts for it, what it adds beyond counts against it, each label weighted by 1 / its count."""
    score = 0.0
    for k, c in labels.items():
        deficit = max(want[k] - got[k], 0.0)
        score += (min(c, deficit) - max(0.0, c - deficit)) / total[k]
    return score / size


def _fill(groups: list[str], articles: Counter[str], fixed: dict[str, str], asked: dict[str, int], wanted: list[str],
          seed: int, labels: dict[str, Counter[str]] | None) -> dict[str, str]:
    """Kept groups stay; the others, in hash order, fill test then validation toward the asked sizes
    (a group is taken while it brings the split closer to its size, or the split is empty), and the
    rest go to train; one group is always left for train.

    Stratified (`labels` given), each next group is the one among the next `_WINDOW` in hash order
    that best fills the split's label deficits (its share of every label and class value, rarer
    labels weighted more), so label shares match across splits as well as article counts."""
    out = dict(fixed)
    have: Counter[str] = Counter()
    got: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    total: Counter[str] = Counter()
    for g, split in fixed.items():
        have[split] += articles[g]
        if labels is not None:
            got[split].update(labels[g])
    if labels is not None:
        for g in groups:
            total.update(labels[g])
    n = sum(articles.values()) or 1
    free = sorted((g for g in groups if g not in fixed), key=lambda g: (_unit(seed, g), g))
    train_needs = 0 if have["train"] else 1

    def fits(split: str, g: str) -> bool:
        shortfall = asked[split] - have[split]
        return have[split] == 0 or (shortfall > 0 and articles[g] - shortfall <= shortfall)

    for split in wanted:
        want = {k: asked[split] / n * v for k, v in total.items()}
        while len(free) > train_needs:
            pick = 0
            if labels is not None:
                scores = [_gain(labels[g], articles[g], want, got[split], total) for g in free[:_WINDOW]]
                pick = max(range(len(scores)), key=lambda i: (scores[i], -i))
            if not fits(split, free[pick]):
                break
            g = free.pop(pick)
            out[g] = split
            have[split] += articles[g]
            if labels is not None:
                got[split].update(labels[g])
    for g in free:
        out[g] = "train"
    return out
