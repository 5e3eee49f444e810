"""Where a content ends, who its speaker is when the parse misleads, and layouts of headlines and
signed quotations. Every text here is written for the test."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from .test_quotes import nlp, quotes  # noqa: F401  (the module-scoped pipeline fixture)


def found(nlp: Language, text: str) -> list[tuple[Any, ...]]:  # noqa: F811
    return [(q["quote"], q["cue"], q["source"]) for q in quotes(nlp, text)]


# -- a content ends before the speaker's next report ----------------------------------------------


def test_quotes_content_ends_before_a_conjoined_report(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The governor said he would review the budget and warned against new taxes.")
    assert out[0] == ("he would review the budget", "said", "The governor")
    # the second report is an attribution of its own, not words of the first one
    assert [(q, c) for q, c, _ in out[1:]] == [("new taxes", "warned against")]


def test_quotes_content_ends_before_a_concession_that_reports(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The senator claimed that the plan was sound, although she refused to release the figures.")
    assert out == [("that the plan was sound", "claimed", "The senator"), ("to release the figures", "refused", "she")]


@pytest.mark.parametrize("text,content", [
    # a conjoined verb that reports nothing is part of what was said
    ("She said the council would meet and vote on the budget.", "the council would meet and vote on the budget"),
    # a second "that" clause is the same report going on
    ("He said that prices rose and that wages fell.", "that prices rose and that wages fell"),
])
def test_quotes_content_keeps_conjoined_words_that_report_nothing(nlp: Language, text: str, content: str) -> None:  # noqa: F811
    assert [q for q, _, _ in found(nlp, text)] == [content]


# -- speakers the parser misplaced ----------------------------------------------------------------


def test_quotes_speaker_is_not_a_word_of_the_quotation_before(nlp: Language) -> None:  # noqa: F811
    text = ("“Is he a fraud?”\n\nThe doctor, a surgeon, appeared on television and began by saying he would never "
            "diagnose anyone from afar.")
    assert found(nlp, text)[-1] == ("he would never diagnose anyone from afar", "saying", "The doctor, a surgeon")


def test_quotes_name_before_a_subjectless_cue_is_the_speaker(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "6:40 p.m.\n\nMaria Lopez is again questioning the fairness of the vote.")
    assert out == [("the fairness of the vote", "is again questioning", "Maria Lopez")]


def test_quotes_gerund_on_a_passive_clause_has_its_subject_as_speaker(nlp: Language) -> None:  # noqa: F811
    assert found(nlp, "After saying her knee was fine, she was taken to a hospital.") == [("her knee was fine", "saying", "she")]


def test_quotes_a_document_holds_the_position_it_states(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The advertisement criticizes the senator's record on taxes.")
    assert out == [("the senator's record on taxes", "criticizes", "The advertisement")]


@pytest.mark.parametrize("text,content,source", [
    ("We know that the tax code is complex.", "that the tax code is complex", "We"),
    ("I didn't expect the council to approve the plan.", "the council to approve the plan", "I"),
])
def test_quotes_first_person_beliefs_are_attributions(nlp: Language, text: str, content: str, source: str) -> None:  # noqa: F811
    assert [(q, s) for q, _, s in found(nlp, text)] == [(content, source)]


# -- headlines and signed quotations --------------------------------------------------------------


def test_quotes_headline_quotation_then_speaker(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "'We will strike again,' union leader says\n\nThe union met on Monday.")
    assert out == [("'We will strike again,'", "says", "union leader")]


def test_quotes_signed_quotation_with_a_title_before_the_name(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "“We will strike again” — union leader Maria Lopez\n\nThe union met on Monday.")
    assert out == [("“We will strike again”", "—", "union leader Maria Lopez")]


NOTHING = [
    "The campaign raised $2 million in June.",  # a sum of money is no position
    "Critics of the plan raised $400,000 for the campaign.",
    "The union voted on Monday.",  # a date after the preposition is when, not what about
    "Smith commented on Tuesday.",
    "“We will strike again” — and the union did.\n\nThe union met on Monday.",  # a dash, but no name after it
    "'Hamilton' wins big at the awards\n\nThe show won.",  # a quoted title, not a quotation with a speaker
]


@pytest.mark.parametrize("text", NOTHING)
def test_quotes_boundaries_nothing_to_find(nlp: Language, text: str) -> None:  # noqa: F811
    assert quotes(nlp, text) == []


@pytest.mark.parametrize("text", [
    "The mayor had told aides that she would resign, but the council refused, a spokesman said.",
    "The mayor had told aides that she wanted to resign, but the council overruled that request, the spokesman added.",
])
def test_quotes_cue_after_the_sentence_reports_all_of_it(nlp: Language, text: str) -> None:  # noqa: F811
    # one attribution for the sentence, however the parser split it; the report inside it gives way
    out = found(nlp, text)
    assert len(out) == 1
    assert out[0][0] == text[:text.rindex(",")]


@pytest.mark.parametrize("text,expected", [
    ("Criticism of the plan by the teachers' union grew.", ("the plan", "Criticism of", "the teachers' union")),
    ("Calls for a ceasefire from aid groups grew louder.", ("a ceasefire", "Calls for", "aid groups")),
])
def test_quotes_reporting_noun_takes_its_source_from_by_or_from(nlp: Language, text: str, expected: tuple[str, str, str]) -> None:  # noqa: F811
    assert found(nlp, text) == [expected]


def test_quotes_by_a_date_is_no_source(nlp: Language) -> None:  # noqa: F811
    assert all(s != "Friday" for _, _, s in found(nlp, "The board rejected calls for a review by Friday."))


def test_quotes_dummy_it_perception_reports_its_clause(nlp: Language) -> None:  # noqa: F811
    # no source is written; "It seems to rain" (no clause) stays empty (see test_quotes NOTHING)
    assert found(nlp, "It appeared that the mayor was unable to answer.") == [("that the mayor was unable to answer", "appeared", None)]


@pytest.mark.parametrize("text,content,cue", [
    ("It is widely believed that the mayor will resign.", "that the mayor will resign", "is widely believed"),
    ("It is expected that prices will rise.", "that prices will rise", "is expected"),
])
def test_quotes_impersonal_passive_reports_its_clause(nlp: Language, text: str, content: str, cue: str) -> None:  # noqa: F811
    assert found(nlp, text) == [(content, cue, None)]


@pytest.mark.parametrize("text,content", [
    ("The campaign manager said as much on Sunday.", "as much"),
    ("He does not think so.", "so"),
    ("Several senators have said the same thing.", "the same thing"),
])
def test_quotes_pro_form_stands_for_the_report(nlp: Language, text: str, content: str) -> None:  # noqa: F811
    assert [q for q, _, _ in found(nlp, text)] == [content]


@pytest.mark.parametrize("text", ["I think so.", "He did so quickly."])
def test_quotes_pro_form_needs_a_reporting_cue(nlp: Language, text: str) -> None:  # noqa: F811
    assert found(nlp, text) == []


def test_quotes_topic_headline_with_a_quotation_after_the_colon(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "A lesson from Maria Lopez: 'Be the voice people hear'\n\nThe union met on Monday.")
    assert out == [("'Be the voice people hear'", ":", "Maria Lopez")]


def test_quotes_topic_headline_without_a_quotation_reports_nothing(nlp: Language) -> None:  # noqa: F811
    assert found(nlp, "Strike day: the union walks out\n\nThe union met on Monday.") == []


def test_quotes_colon_elaboration_belongs_to_the_report(nlp: Language) -> None:  # noqa: F811
    text = 'She said she had the quality the job needs: "Steadiness, and strength." Then she left.'
    assert found(nlp, text) == [('she had the quality the job needs: "Steadiness, and strength."', "said", "She")]
