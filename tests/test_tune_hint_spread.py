"""training/tune_hint_spread.py: its measures on known values, then a real run on real photos."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from huerevive.model_loading import load_model
from training.tune_hint_spread import FAR_SHARE, far_change, flattest_point, main


def test_far_change_counts_only_pixels_far_from_the_point() -> None:
    auto = np.zeros((2, 100, 100), np.float32)
    hinted = auto.copy()
    hinted[:, :30, :30] = 40.0  # changed around the point: not counted
    hinted[:, 90:, 90:] = 6.0  # far corner changed
    far = np.hypot(*np.mgrid[0:100, 0:100] - 10.0) > FAR_SHARE * np.hypot(100, 100)
    expected = 6.0 * far[90:, 90:].sum() / far.sum()
    assert far_change(auto, hinted, (10, 10)) == pytest.approx(expected, rel=1e-5)
    assert far_change(auto, auto, (10, 10)) == 0.0


def test_flattest_point_finds_the_plain_patch() -> None:
    rng = np.random.default_rng(0)
    l_chan = rng.uniform(0, 100, (200, 300)).astype(np.float32)
    l_chan[100:150, 160:220] = 55.0  # the one plain surface
    x, y = flattest_point(l_chan)
    assert 160 <= x < 220 and 100 <= y < 150


@pytest.mark.slow
def test_a_real_tuning_run_writes_its_table(photos_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tune"
    shipped = load_model().config
    before = (shipped.spread_tau, shipped.spread_sigma, shipped.spread_gamma)
    assert main(["--data", str(photos_dir / "val"), "--max-images", "2", "--counts", "1,5", "--taus", "0,0.5",
                 "--out", str(out)]) == 0
    report = json.loads((out / "tune_spread.json").read_text())
    off, on = report["summary"]["tau=0 sigma=0.2 gamma=4"], report["summary"]["tau=0.5 sigma=0.2 gamma=4"]
    assert report["images"] == 2 and set(off["psnr"]) == {"0", "1", "5"}
    assert on["psnr"]["0"] == off["psnr"]["0"]  # no hints: spreading has nothing to do
    assert on["psnr"]["5"] != off["psnr"]["5"]
    assert 0 <= off["far_mean"] <= off["far_worst"] < 3.0
    assert "| tau=0.5 sigma=0.2 gamma=4 |" in (out / "tune_spread.md").read_text()
    # The settings tried are not left on the process-wide loaded model.
    assert (shipped.spread_tau, shipped.spread_sigma, shipped.spread_gamma) == before
