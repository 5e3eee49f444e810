"""CQE importer: `change` directions become `attrs.change`, and unit names are read by the layer's tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus.converters import Reject
from corpus.importers import ImportOptions, cqe
from corpus.validate import check_record


def _read(tmp_path: Path, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    path = tmp_path / "mixed-model.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    records = list(cqe.read([path], ImportOptions()))
    assert not [r for r in records if isinstance(r, Reject)]
    return [r for r in records if not isinstance(r, Reject)]


def _stat(record: dict[str, Any]) -> dict[str, Any]:
    (span,) = [s for s in record["spans"] if s["label"] == "STATISTIC"]
    return dict(span["attrs"])


@pytest.mark.parametrize(
    ("change", "direction", "approximator"),
    [("up", "up", None), ("increase", "up", None), ("down", "down", None), ("decrease", "down", None), ("~", None, "~"), (None, None, None)],
)
def test_cqe_change_direction_is_carried_into_the_gold(tmp_path: Path, change: str | None, direction: str | None, approximator: str | None) -> None:
    quantity: dict[str, Any] = {"value": "12", "normalized_unit": "percentage"}
    if change is not None:
        quantity["change"] = change
    (record,) = _read(tmp_path, [{"text": "Ticket sales moved 12 % over the summer.", "quantities": [quantity]}])
    attrs = _stat(record)
    assert (attrs.get("change"), attrs.get("approximator"), attrs["unit"]) == (direction, approximator, "%")
    (gold,) = record["meta"]["gold_quantities"]
    assert (gold.get("change"), gold["approximator"]) == (direction, approximator)
    assert check_record(record) == []


@pytest.mark.parametrize(
    ("cqe_unit", "unit", "kind"),
    [
        ("kilometre per hour", "kilometer / hour", "quantity"),
        ("square foot", "foot ** 2", "quantity"),
        ("kilowatt hour", "kilowatt_hour", "quantity"),
        ("year of age", "year", "quantity"),
        ("swiss franc", "CHF", "money"),
        ("dollar per share", "USD / share", "money"),
        ("percentage", "%", "percent"),
        ("peseta", "peseta", "money"),  # a name several currencies share stays money under its CQE name
        ("consultant", None, "count"),  # a counted noun, not a unit
        ("-", None, "count"),
    ],
)
def test_cqe_units_are_read_by_the_layers_tables(tmp_path: Path, cqe_unit: str, unit: str | None, kind: str) -> None:
    (record,) = _read(tmp_path, [{"text": "The figure was 7 in the end.", "quantities": [{"value": "7", "normalized_unit": cqe_unit}]}])
    (gold,) = record["meta"]["gold_quantities"]
    assert (gold["unit"], gold["kind"]) == (unit, kind)
