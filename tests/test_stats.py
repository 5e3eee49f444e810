from __future__ import annotations

from corpus.record import new_record
from corpus.stats import collect

from .test_validate import make_valid


def test_stats_counts_records_tokens_words_spans_and_relations() -> None:
    annotated = make_valid()
    plain = new_record("Nothing  here.", source="p.txt")  # the double space is a whitespace token, not a word
    st = collect([annotated, plain])
    assert st.records == 2
    assert st.tokens == len(annotated["tokens"]) + len(plain["tokens"])
    assert st.words == st.tokens - 2  # "\n\n" in one text, " " in the other
    assert st.spans[("entities", "PERSON")] == 1
    assert st.spans[("quotes", "SOURCE")] == 1
    assert sum(st.spans.values()) == len(annotated["spans"])
    assert dict(st.relations) == {"SOURCE": 1, "CUE": 1, "HOLDER": 1, "TARGET": 1, "CONCEPT": 1}


def test_stats_of_nothing_and_of_unknown_labels() -> None:
    assert collect([]).records == 0
    record = new_record("Hi.", source="s")
    record["spans"] = [{"start": 0, "end": 2, "token_start": 0, "token_end": 0, "label": "MYSTERY"}]
    assert collect([record]).spans == {("?", "MYSTERY"): 1}  # counted, under an unknown layer, not dropped
