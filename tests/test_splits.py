from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import CorpusError
from corpus.splits import plan_splits

from .factories import article

WORDS = "river council budget school harbour vaccine election bridge drought festival tariff strike".split()


def _doc(i: int, story: int, words: list[str]) -> dict[str, Any]:
    text = f"Story {story} report {i}: " + " ".join(words)
    return {"text": text, "meta": {"id": f"a{i}", "story": f"s{story}"}, "spans": []}


@settings(max_examples=40, deadline=None)
@given(
    stories=st.lists(st.integers(min_value=0, max_value=8), min_size=3, max_size=30),
    seed=st.integers(min_value=0, max_value=10_000),
    group_by=st.sampled_from(["article", "story"]),
    data=st.data(),
)
def test_splits_no_group_lands_in_two_splits(stories: list[int], seed: int, group_by: str, data: Any) -> None:
    records = [_doc(i, s, data.draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12))) for i, s in enumerate(stories)]
    try:
        plan = plan_splits(records, test_size=0.2, validation_size=0.1, seed=seed, group_by=group_by)
    except CorpusError as exc:
        assert exc.code == "E057"
        return
    split_of_group: dict[str, set[str]] = {}
    for rec in records:
        rid = rec["meta"]["id"]
        split_of_group.setdefault(plan.group_of[rid], set()).add(plan.split_of(rid))
    assert all(len(s) == 1 for s in split_of_group.values())
    if group_by == "story":  # articles of one story are always together
        by_story: dict[str, set[str]] = {}
        for rec in records:
            by_story.setdefault(rec["meta"]["story"], set()).add(plan.split_of(rec["meta"]["id"]))
        assert all(len(s) == 1 for s in by_story.values())


def test_splits_near_duplicates_stay_together() -> None:
    # a 120-word story; the two rewrites differ in their leads and a closing sentence
    wire = " ".join(f"{w}{k}" for k, w in enumerate(WORDS * 10))
    records = [{"text": f"Article {i} about the weather in region {i}, with rain and wind expected all week long.", "meta": {"id": f"x{i}"}} for i in range(40)]
    records.append({"text": "LONDON (Reuters) - " + wire, "meta": {"id": "wire-a"}})
    records.append({"text": "LONDON (AP) - " + wire + " Markets fell.", "meta": {"id": "wire-b"}})
    for seed in range(20):
        plan = plan_splits(records, test_size=0.3, validation_size=0.2, seed=seed)
        assert plan.group_of["wire-a"] == plan.group_of["wire-b"]
        assert plan.split_of("wire-a") == plan.split_of("wire-b")
    unmerged = plan_splits(records, test_size=0.3, validation_size=0.2, seed=0, near_duplicates=None)
    assert unmerged.group_of["wire-a"] != unmerged.group_of["wire-b"]


def test_splits_appending_articles_keeps_old_assignments() -> None:
    old = [article(i) for i in range(30)]
    new = [article(i) for i in range(30, 60)]
    before = plan_splits(old, seed=7)
    after = plan_splits(old + new, seed=7)
    assert {r["meta"]["id"]: before.split_of(r["meta"]["id"]) for r in old} == {r["meta"]["id"]: after.split_of(r["meta"]["id"]) for r in old}


def test_splits_same_seed_same_plan_other_seed_other_plan() -> None:
    records = [article(i) for i in range(50)]
    a, b, c = plan_splits(records, seed=1), plan_splits(records, seed=1), plan_splits(records, seed=2)
    assert a.split_of_group == b.split_of_group
    assert a.split_of_group != c.split_of_group


def test_splits_single_article_errors_with_paragraph_hint() -> None:
    with pytest.raises(CorpusError) as info:
        plan_splits([article(1)])
    assert info.value.code == "E057"
    assert "--group-by paragraph" in info.value.message


def test_splits_missing_group_key_falls_back_to_article_with_warning() -> None:
    records = [article(i) for i in range(10)]
    plan = plan_splits(records, group_by="story", near_duplicates=None)
    assert len(set(plan.group_of.values())) == 10
    assert any("meta.story" in w for w in plan.warnings)


def test_splits_stratified_balances_a_rare_label() -> None:
    records = [article(i, polarity="favor" if i % 2 else "against") for i in range(40)]
    plan = plan_splits(records, test_size=0.25, validation_size=0.0, seed=3, stratify=True)
    sizes = plan.sizes()
    assert sizes["test"] == 10 and sizes["train"] == 30
