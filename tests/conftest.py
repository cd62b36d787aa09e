"""Shared fixtures: the real photo corpus beside the checkout, and the real model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HUEREVIVE_SHARED", REPO.parent / "shared"))


def _need_shared(sub: str) -> Path:
    path = SHARED / sub
    if path.is_dir():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the shared corpus {path} is missing: CI must provide ../shared")
    pytest.skip(f"needs the shared photo corpus at {path} (present in CI, absent in a fresh clone)")


@pytest.fixture(scope="session")
def photos_dir() -> Path:
    """../shared/photos (train/ and val/ with MANIFEST.tsv)."""
    return _need_shared("photos")


@pytest.fixture(scope="session")
def historical_dir() -> Path:
    """../shared/historical: 100 old photos with no colour truth."""
    return _need_shared("historical")


@pytest.fixture(scope="session")
def colorizer():
    """The shipped model, loaded once for the whole test session."""
    from huerevive.pipeline import Colorizer

    return Colorizer()
