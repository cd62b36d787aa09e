"""Shared fixtures: the real photo corpus beside the checkout, and the real model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The real-site fixtures (`chromium_path`, `server`) for the browser tests, registered once here.
from browser_support import chromium_path, server  # noqa: F401, E402

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


def _model_without_hints(ckpt: dict):
    from huerevive.model_loading import model_from_checkpoint

    model = model_from_checkpoint(ckpt)
    model.hints = None
    model.config.hint_branch = False
    return model


@pytest.fixture(scope="module")
def weights_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped weights with a hint branch (an untrained one added if missing) and without one."""
    import torch

    from huerevive.model_loading import DEFAULT_WEIGHTS, make_checkpoint, model_from_checkpoint, read_checkpoint

    ckpt = read_checkpoint(DEFAULT_WEIGHTS)
    folder = tmp_path_factory.mktemp("weights")
    files = {"hints": folder / "with_hints.pt", "plain": folder / "plain.pt"}
    meta = ckpt.get("meta", {})
    torch.save(make_checkpoint(model_from_checkpoint(ckpt, add_hint_branch=True), {**meta, "version": "test-hints"}),
               files["hints"])
    torch.save(make_checkpoint(_model_without_hints(ckpt), {**meta, "version": "test-plain"}), files["plain"])
    return files


def use_weights(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, path: Path) -> None:
    """Point the site's cached colorizer at ``path`` for this test (and drop it afterwards)."""
    from huerevive import model_loading
    from ui.model import get_colorizer

    monkeypatch.setattr(model_loading, "DEFAULT_WEIGHTS", path)
    get_colorizer.clear()
    request.addfinalizer(get_colorizer.clear)
