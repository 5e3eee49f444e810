"""Who holds a nominal attribution, naming verbs with a relative object, and quotations that a
reporting noun announces with a colon. Every text here is written for the test."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from .test_quotes import nlp, quotes  # noqa: F401  (the module-scoped pipeline fixture)


def found(nlp: Language, text: str) -> list[tuple[Any, ...]]:  # noqa: F811
    return [(q["quote"], q["kind"], q["cue"], q["source"]) for q in quotes(nlp, text)]


# -- a reporting noun is held by the subject of the verb that takes it ---------------------------


@pytest.mark.parametrize("text,expected", [
    # an agreement or decision made, signed or reached: the verb joins the cue
    ("The two cities signed an agreement to share the water supply.",
     ("to share the water supply", "indirect", "signed an agreement", "The two cities")),
    ("The council made a decision to close the library.",
     ("to close the library", "indirect", "made a decision", "The council")),
    # questions one has
    ("Local officials have questions about the new rules.",
     ("the new rules", "indirect", "have questions about", "Local officials")),
    # a noun reached through a preposition of the verb
    ("The union persisted in arguments that the wage offer was too low.",
     ("that the wage offer was too low", "indirect", "arguments", "The union")),
])
def test_quotes_reporting_noun_is_held_by_the_verbs_subject(nlp: Language, text: str, expected: tuple[Any, ...]) -> None:  # noqa: F811
    assert found(nlp, text) == [expected]


def test_quotes_noun_holder_needs_someone_who_can_hold_a_view(nlp: Language) -> None:  # noqa: F811
    # a storm makes no decisions of its own: the content stays, with no source
    assert found(nlp, "The storm made a decision to turn north.") == [("to turn north", "indirect", "made a decision", None)]
    # a noun that reports nothing: nothing is attributed
    assert found(nlp, "The museum has a collection of old maps.") == []


# -- a naming verb whose object is the relative word before it -----------------------------------


def test_quotes_relative_object_of_a_naming_verb_leaves_the_as_complement(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The storm, which officials described as “a once-in-a-decade event,” closed the port.")
    assert out == [("as “a once-in-a-decade event,”", "mixed", "described", "officials")]
    # the relative word alone is never the content
    assert all(q != "which" for q, *_ in found(nlp, "The road, which the city described as unsafe, was closed."))


# -- a reporting noun and a colon announce a quotation -------------------------------------------


def test_quotes_noun_before_a_colon_announces_the_quotation_after_it(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The mayor delivered a short message: “We will rebuild.”")
    assert out == [("“We will rebuild.”", "direct", "delivered a short message", "The mayor")]


def test_quotes_noun_before_a_colon_announces_the_next_paragraph(nlp: Language) -> None:  # noqa: F811
    text = "The coach posted the following statement:\n\n“We are proud of the players.”\n\nThe club declined to comment."
    assert found(nlp, text) == [("“We are proud of the players.”", "direct", "posted the following statement", "The coach")]


@pytest.mark.parametrize("text", [
    # no quotation after the colon: an explanation, not a quote
    "The mayor gave a speech: the city would rebuild.",
    "The report had one flaw: it was late.",
])
def test_quotes_noun_before_a_colon_without_a_quotation_finds_nothing(nlp: Language, text: str) -> None:  # noqa: F811
    assert found(nlp, text) == []


def test_quotes_next_paragraph_with_its_own_cue_keeps_its_speaker(nlp: Language) -> None:  # noqa: F811
    text = "The coach posted the following statement:\n\n“We are proud of the players,” a fan wrote below it."
    assert found(nlp, text) == [("“We are proud of the players,”", "direct", "wrote", "a fan")]


# -- a quotation closed by a period ends its sentence --------------------------------------------


def test_quotes_quotation_closed_by_a_period_is_not_the_next_cues(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The chef called the soup “bland.” Critics then insisted that the menu was too short.")
    assert [(q, s) for q, _, _, s in out if s == "Critics"] == [("that the menu was too short", "Critics")]
    # closed by a comma, the quotation is the cue's
    assert found(nlp, "“The soup was bland,” critics said.") == [("“The soup was bland,”", "direct", "said", "critics")]


# -- a heading before a colon is no subject -------------------------------------------------------


def test_quotes_subject_after_a_heading_colon_is_the_speaker() -> None:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from annotators.quotes.sources import subject_of

    # the parse a tagger can give a heading line: both "Update" and "Lopez" hang on "urges" as subjects
    words = ["Update", ":", "Lopez", "urges", "voters", "to", "vote", "."]
    heads = [3, 3, 3, 3, 3, 6, 3, 3]
    deps = ["nsubj", "punct", "nsubj", "ROOT", "dobj", "aux", "xcomp", "punct"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps)
    speaker = subject_of(doc[3])
    assert speaker is not None and speaker.text == "Lopez"
    # one subject: it is the speaker, colon or not
    doc = Doc(Vocab(), words=["Lopez", "urges", "voters", "to", "vote", "."], heads=[1, 1, 1, 4, 1, 1],
              deps=["nsubj", "ROOT", "dobj", "aux", "xcomp", "punct"])
    one = subject_of(doc[1])
    assert one is not None and one.text == "Lopez"


# -- a pronoun reaches a surname the tagger did not take for a person -----------------------------


def _names_doc(second_subject_label: str) -> Any:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    # "Maria Lopez met Ann Berg. Berg said no. She left.", with the second "Berg" tagged as given
    words = ["Maria", "Lopez", "met", "Ann", "Berg", ".", "Berg", "said", "no", ".", "She", "left", "."]
    heads = [1, 2, 2, 4, 2, 2, 7, 7, 7, 7, 11, 11, 11]
    deps = ["compound", "nsubj", "ROOT", "compound", "dobj", "punct", "nsubj", "ROOT", "dobj", "punct", "nsubj", "ROOT", "punct"]
    pos = ["PROPN", "PROPN", "VERB", "PROPN", "PROPN", "PUNCT", "PROPN", "VERB", "ADV", "PUNCT", "PRON", "VERB", "PUNCT"]
    ents = ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "O", second_subject_label, "O", "O", "O", "O", "O", "O"]
    return Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, ents=ents)


@pytest.mark.parametrize("label", ["B-ORG", "B-GPE", "O"])
def test_quotes_pronoun_reaches_a_surname_tagged_as_something_else(label: str) -> None:
    from annotators.quotes.sources import Names

    doc = _names_doc(label)
    # the latest subject is "Berg", the last name of one person of the text, not the earlier Lopez
    assert Names(doc)._pronoun(doc[10]) == "Ann Berg"


def test_quotes_pronoun_refuses_a_surname_two_people_share() -> None:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from annotators.quotes.sources import Names

    words = ["Ann", "Berg", "met", "Tom", "Berg", ".", "Berg", "said", "no", ".", "She", "left", "."]
    heads = [1, 2, 2, 4, 2, 2, 7, 7, 7, 7, 11, 11, 11]
    deps = ["compound", "nsubj", "ROOT", "compound", "dobj", "punct", "nsubj", "ROOT", "dobj", "punct", "nsubj", "ROOT", "punct"]
    pos = ["PROPN", "PROPN", "VERB", "PROPN", "PROPN", "PUNCT", "PROPN", "VERB", "ADV", "PUNCT", "PRON", "VERB", "PUNCT"]
    ents = ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "O", "B-ORG", "O", "O", "O", "O", "O", "O"]
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, pos=pos, ents=ents)
    # "Berg" could be either Berg: it is no candidate, and the earlier subject Ann Berg is the one
    assert Names(doc)._pronoun(doc[10]) == "Ann Berg"


# -- "they" resolves to a group that can speak ---------------------------------------------------


def named(nlp: Language, text: str) -> list[tuple[Any, ...]]:  # noqa: F811
    return [(q["source"], q["name"]) for q in quotes(nlp, text)]


@pytest.mark.parametrize("text,expected", [
    ("City officials met on Monday. They said the bridge would reopen in May.", [("They", "City officials")]),
    ("Local Democrats gathered in the park. They said the vote was rigged.", [("They", "Local Democrats")]),
    # the nearest subject is one person: who "they" are is not known
    ("The mayor met city officials on Monday. He said the bridge would reopen in May. They said it would not.",
     [("He", None), ("They", None)]),
    # the nearest plural subject cannot speak
    ("Prices rose again in May. They said the bridge would reopen in May.", [("They", None)]),
])
def test_quotes_they_names_the_group_that_speaks(nlp: Language, text: str, expected: list[tuple[Any, ...]]) -> None:  # noqa: F811
    assert named(nlp, text) == expected


# -- a hedge on a report leaves the report to its speaker ----------------------------------------


def test_quotes_hedged_report_keeps_its_speaker(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The governor seemed to say that the tax would stay.")
    assert out == [("that the tax would stay", "indirect", "seemed to say", "The governor")]
    # a perception with no report in it stays a perception with no source
    assert found(nlp, "The plan seems to be failing.") == [("The plan", "indirect", "seems", None), ("to be failing", "indirect", "seems", None)]


# -- a quotation that the object goes on past ----------------------------------------------------


def test_quotes_quotation_inside_a_longer_object_is_mixed_content(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The department reported “1,200 thefts” in the city between May and June.")
    assert out == [("“1,200 thefts” in the city between May and June", "mixed", "reported", "The department")]
    # a quotation that ends its clause is the content alone
    assert found(nlp, "She said “no” and left.") == [("“no”", "direct", "said", "She")]
    assert found(nlp, 'He said "Yes." Then he left.') == [('"Yes."', "direct", "said", "He")]


# -- markup left in scraped text is no quotation --------------------------------------------------


def test_quotes_markup_attribute_values_are_not_quotations() -> None:
    from annotators.quotes.marks import find_quote_segments

    text = 'She wrote <post post-author="the group" post-date="May 2">Lopez</post> said "no" today.'
    assert [text[s.start:s.end] for s in find_quote_segments(text)] == ['"no"']
    # an equals sign inside a quotation does not hide it
    text = 'He said "it is 2=3" today.'
    assert [text[s.start:s.end] for s in find_quote_segments(text)] == ['"it is 2=3"']


# -- an "as" complement that quotes someone characterises the object -----------------------------


def test_quotes_quoted_as_complement_is_the_subjects_view(nlp: Language) -> None:  # noqa: F811
    out = found(nlp, "The senator has been pounding the governor as a “con artist” for weeks.")
    assert [(q.split(" for ")[0], k, c, s) for q, k, c, s in out] == [
        ("the governor as a “con artist”", "mixed", "has been pounding", "The senator")]


@pytest.mark.parametrize("text", [
    "She worked there as a “fixer” for years.",  # no object: a role, not a view of anything
    "He used the car as a taxi.",  # no quotation: nobody's words
])
def test_quotes_as_complement_without_object_or_quotation_finds_nothing(nlp: Language, text: str) -> None:  # noqa: F811
    assert found(nlp, text) == []


# -- span edges: a quotation taken whole, a bracket that never closes ------------------------------


def test_quotes_passive_naming_takes_the_quotation_whole(nlp: Language) -> None:  # noqa: F811
    got = found(nlp, "The senator's claim about the budget was labeled “Mostly True.” Nobody objected.")
    # the subject and the complement are the content's two pieces; the second keeps its closing marks
    assert [q[0] for q in got if q[2] == "was labeled"] == ["The senator's claim about the budget", "“Mostly True.”"]


def test_quotes_source_ends_before_a_bracket_that_does_not_close() -> None:
    import spacy

    from annotators.quotes.spans import trim_plain

    blank = spacy.blank("en")
    for text, expected in [("Mr. Lund (a view shared by others", "Mr. Lund"), ("the Coast Guard (USCG)", "the Coast Guard (USCG)"), ("(", None)]:
        doc = blank(text)
        got = trim_plain(doc, 0, len(doc))
        assert (doc[got[0]:got[1]].text if got else None) == expected
