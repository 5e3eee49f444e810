from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_3a1a4e80164071cf.txt"
DEV_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def needs_dev_data(name: str) -> pytest.MarkDecorator:
    """Skip a test when ../shared/data/NAME is not beside the checkout (it is never committed)."""
    return pytest.mark.skipif(not (DEV_DATA / name).exists(), reason=f"development data {DEV_DATA / name} is not present")
