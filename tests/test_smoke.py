from __future__ import annotations

from pathlib import Path

from corpus.converters import convert_paths
from corpus.validate import check_record

from .conftest import ROOT


def test_seed_converts_to_a_valid_record_with_its_dateline() -> None:
    records = list(convert_paths([ROOT / "seeds"]))
    assert len(records) == 1
    record = records[0]
    assert isinstance(record, dict)
    assert record["meta"]["dateline"] == "ANKARA"
    assert record["meta"]["source"] == "seeds/000_3a1a4e80164071cf.txt"
    assert check_record(record) == []
