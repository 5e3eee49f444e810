"""Leak-free splits: one assignment per group of articles, decided once, used by every config.

Groups are the article (default), any `meta` key (source, story, date...), or paragraphs of one
article (`paragraph`: each paragraph becomes its own record, see `record.slice_record`). Near-
duplicates (MinHash over word shingles) are merged into one group, so rewrites of a wire story
land in one split. Each group's split comes from a hash of (seed, group): the same input and seed
give the same splits, and adding articles never moves the ones already assigned. `stratify=True`
instead balances label distributions across splits with scikit-learn, at the price of that stability.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import CorpusError

__all__ = ["SplitPlan", "Sketch", "sketch", "plan_splits", "plan_from_sketches", "SPLITS"]

SPLITS = ("train", "validation", "test")
_WORD = re.compile(r"\w+")


@dataclass
class SplitPlan:
    """The decision: each article's group and each group's split."""

    group_of: dict[str, str]
    split_of_group: dict[str, str]
    near_duplicate_merges: int = 0
    warnings: list[str] = field(default_factory=list)

    def split_of(self, article_id: str) -> str:
        return self.split_of_group[self.group_of[article_id]]

    def sizes(self) -> Counter[str]:
        return Counter(self.split_of(a) for a in self.group_of)

    def to_json(self, seed: int, group_by: str, test_size: float, validation_size: float) -> dict[str, Any]:
        return {
            "seed": seed,
            "group_by": group_by,
            "test_size": test_size,
            "validation_size": validation_size,
            "near_duplicate_merges": self.near_duplicate_merges,
            "articles": {a: {"group": g, "split": self.split_of_group[g]} for a, g in sorted(self.group_of.items())},
        }


def _unit(seed: int, key: str) -> float:
    """A number in [0, 1) fixed by (seed, key)."""
    digest = hashlib.sha256(f"{seed}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class Sketch:
    """What the split decision needs of one article, so the corpus need not be held in memory:
    its id, its group key, the article it came from, a MinHash of its text, its label counts."""

    id: str
    key: str | None
    parent: str
    minhash: Any = None
    labels: Counter[str] = field(default_factory=Counter)


_PERMUTATIONS = 64


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
        labels=Counter(s["label"] for s in record.get("spans", [])),
    )


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller key represents the group, so the result does not depend on order
            self.parent[max(ra, rb)] = min(ra, rb)


def _near_duplicate_pairs(sketches: Sequence[Sketch], threshold: float) -> Iterator[tuple[str, str]]:
    """Pairs of article ids whose texts are near-duplicates (MinHash LSH over their sketches)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=_PERMUTATIONS)
    for sk in sketches:
        for other in sorted(lsh.query(sk.minhash)):
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
) -> SplitPlan:
    """Decide the split of every article of `records` (see `plan_from_sketches`)."""
    sketches = [sketch(r, group_by, near_duplicates=bool(near_duplicates)) for r in records]
    return plan_from_sketches(sketches, test_size=test_size, validation_size=validation_size, seed=seed,
                              group_by=group_by, near_duplicates=near_duplicates, stratify=stratify)


def plan_from_sketches(
    sketches: Sequence[Sketch],
    *,
    test_size: float = 0.1,
    validation_size: float = 0.1,
    seed: int = 0,
    group_by: str = "article",
    near_duplicates: float | None = 0.8,
    stratify: bool = False,
) -> SplitPlan:
    """Decide the split of every article. Raises a `CorpusError` saying what to do instead when the
    corpus is too small to split as asked."""
    if not 0 <= test_size < 1 or not 0 <= validation_size < 1 or test_size + validation_size >= 1:
        raise CorpusError("E057", f"split sizes must be in [0, 1) and leave room for train; got test {test_size}, validation {validation_size}")
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
    merges = 0
    if near_duplicates and group_by != "paragraph" and len(sketches) > 1:
        uf = _UnionFind()
        for a, b in _near_duplicate_pairs(sketches, near_duplicates):
            uf.union(group_of[a], group_of[b])
        for rid, g in group_of.items():
            root = uf.find(g)
            if root != g:
                merges += 1
                group_of[rid] = root
    groups = sorted(set(group_of.values()))
    wanted = [s for s, size in (("test", test_size), ("validation", validation_size)) if size > 0]
    if len(groups) < len(wanted) + 1:
        hint = (
            "use --group-by paragraph (paragraphs of one article share a source, so its test scores will be optimistic)"
            if len({sk.parent for sk in sketches}) == 1
            else "add articles, lower --test-size/--validation-size to 0, or group by a finer key"
        )
        raise CorpusError("E057", f"{len(groups)} group(s) of articles cannot fill train plus {' and '.join(wanted)} splits without leaking; {hint}")
    if stratify:
        split_of_group = _stratified(sketches, group_of, groups, test_size, validation_size, seed)
    else:
        split_of_group = {}
        for g in groups:
            u = _unit(seed, g)
            split_of_group[g] = "test" if u < test_size else "validation" if u < test_size + validation_size else "train"
        _ensure_nonempty(split_of_group, groups, wanted, seed)
    return SplitPlan(group_of=group_of, split_of_group=split_of_group, near_duplicate_merges=merges, warnings=warnings)


def _ensure_nonempty(split_of_group: dict[str, str], groups: list[str], wanted: list[str], seed: int) -> None:
    """On small corpora the hash may leave an asked-for split empty: move the train groups with the
    lowest hash there (deterministic, and only ever touching groups the hash had put in train)."""
    for split in wanted:
        if split in split_of_group.values():
            continue
        donors = sorted((g for g in groups if split_of_group[g] == "train"), key=lambda g: _unit(seed, g))
        if len(donors) > 1:
            split_of_group[donors[0]] = split


def _stratified(sketches: Sequence[Sketch], group_of: dict[str, str], groups: list[str], test_size: float, validation_size: float, seed: int) -> dict[str, str]:
    """Balance label distributions: each group's stratum is its most frequent span label."""
    from sklearn.model_selection import train_test_split

    labels: dict[str, Counter[str]] = {g: Counter() for g in groups}
    for sk in sketches:
        labels[group_of[sk.id]].update(sk.labels)
    strata = [labels[g].most_common(1)[0][0] if labels[g] else "none" for g in groups]
    counts = Counter(strata)
    strata = [s if counts[s] >= 3 else "rare" for s in strata]  # sklearn needs >= 2 per stratum per cut
    use = strata if min(Counter(strata).values()) >= 3 else None
    out = {g: "train" for g in groups}
    rest, test = train_test_split(groups, test_size=test_size, random_state=seed, stratify=use) if test_size else (groups, [])
    for g in test:
        out[g] = "test"
    if validation_size:
        rest_strata = [strata[groups.index(g)] for g in rest] if use else None
        frac = validation_size / (1 - test_size)
        try:
            _, val = train_test_split(rest, test_size=frac, random_state=seed, stratify=rest_strata)
        except ValueError:
            _, val = train_test_split(rest, test_size=frac, random_state=seed)
        for g in val:
            out[g] = "validation"
    return out
