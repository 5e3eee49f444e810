from __future__ import annotations

import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from corpus.errors import CorpusError
from corpus.registry import LAYERS, load_record_schema, load_registry

ONTONOTES = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
             "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")


def test_registry_layers_and_labels_are_the_designed_ones() -> None:
    reg = load_registry()
    assert tuple(reg.layers) == LAYERS
    assert set(reg.labels_of("entities")) == set(ONTONOTES)
    assert reg.labels_of("quotes") == ("QUOTE", "CUE", "SOURCE")
    assert reg.labels_of("stances") == ("STANCE", "TARGET")
    assert reg.labels_of("statistics") == ("STATISTIC", "CONCEPT")
    assert len(reg.labels) == len(set(reg.labels))  # no label in two layers
    assert not reg.overlapping["entities"] and reg.overlapping["quotes"]


def test_registry_layer_of_and_unknown_names_list_what_exists() -> None:
    reg = load_registry()
    assert reg.layer_of("GPE") == "entities"
    assert reg.layer_of("CONCEPT") == "statistics"
    with pytest.raises(CorpusError) as info:
        reg.layer_of("SPEAKER")
    assert info.value.code == "E033" and "QUOTE" in info.value.message
    with pytest.raises(CorpusError) as info:
        reg.labels_of("sentiment")
    assert info.value.code == "E033" and "stances" in info.value.message


@pytest.mark.parametrize(
    ("label", "head", "child", "allowed"),
    [
        ("SOURCE", "QUOTE", "SOURCE", True),
        ("CUE", "QUOTE", "CUE", True),
        ("HOLDER", "STANCE", "PERSON", True),
        ("HOLDER", "STANCE", "SOURCE", True),
        ("TARGET", "STANCE", "TARGET", True),
        ("CONCEPT", "STATISTIC", "CONCEPT", True),
        ("SOURCE", "SOURCE", "QUOTE", False),  # direction matters
        ("CUE", "QUOTE", "SOURCE", False),
        ("HOLDER", "STANCE", "DATE", False),
        ("SAID_BY", "QUOTE", "SOURCE", False),
    ],
)
def test_registry_allows_only_the_listed_relation_triples(label: str, head: str, child: str, allowed: bool) -> None:
    assert load_registry().allows(label, head, child) is allowed


def test_registry_relations_belong_to_the_layer_of_their_head() -> None:
    reg = load_registry()
    assert reg.relation_layer("QUOTE") == "quotes"
    assert reg.relation_layer("STATISTIC") == "statistics"


@pytest.mark.parametrize(
    ("label", "attr", "value", "ok"),
    [
        ("QUOTE", "kind", "direct", True),
        ("QUOTE", "kind", "reported", False),
        ("QUOTE", "kind", None, False),
        ("STANCE", "polarity", "against", True),
        ("STATISTIC", "value", 32000, True),
        ("STATISTIC", "value", 0.5, True),
        ("STATISTIC", "value", True, False),  # a bool is not a number here, though Python says it is an int
        ("STATISTIC", "value", float("nan"), False),
        ("STATISTIC", "value", "32000", False),
        ("STATISTIC", "unit", None, True),
        ("STATISTIC", "unit", "%", True),
        ("STATISTIC", "approximator", "~", True),
        ("STATISTIC", "approximator", "about", False),
        ("PERSON", "name", "Antony Blinken", True),
        ("PERSON", "name", 7, False),
    ],
)
def test_registry_attribute_specs_check_types_and_enums(label: str, attr: str, value: object, ok: bool) -> None:
    why = load_registry().attrs[label][attr].check(value)
    assert (why is None) is ok
    if not ok:
        assert why


def test_registry_required_attributes() -> None:
    attrs = load_registry().attrs
    required = {label: sorted(n for n, spec in specs.items() if spec.required) for label, specs in attrs.items()}
    assert required["QUOTE"] == ["kind"]
    assert required["STANCE"] == ["polarity"]
    assert required["STATISTIC"] == ["kind", "value"]
    assert required["PERSON"] == [] and required["CUE"] == []


def test_registry_ships_the_record_schema_and_it_is_a_valid_json_schema() -> None:
    schema = load_record_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["meta"]["properties"]["schema_version"] == {"const": "1"}
    # the label file in the package is the one the registry reads
    data = json.loads(resources.files("corpus.schemas").joinpath("labels.json").read_text(encoding="utf-8"))
    assert set(data["relations"]) == set(load_registry().relations)
