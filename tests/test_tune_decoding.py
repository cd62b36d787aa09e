"""training/tune_decoding.py: every setting decodes the shipped network's logits as the pipeline would."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from huerevive import metrics
from huerevive.color import lab_to_rgb_u8, rgb_to_lab
from huerevive.image_input import LoadedImage, load_image
from huerevive.decoding import decode_ab
from huerevive.pipeline import Colorizer
from training import tune_decoding
from training.evaluate import configured_model, find_photos, grayscale_of
from training.tune_decoding import main, setting_name, spread, truth_name, truth_saturation


def test_setting_names_show_the_mode_only_where_it_pools() -> None:
    assert setting_name(0.8, 0, 50.0, "consensus") == "T=0.8 r=0 eps=50"
    assert setting_name(0.8, 4, 50.0, "mixture") == "T=0.8 r=4 eps=50"
    assert setting_name(0.8, 4, 50.0, "consensus") == "T=0.8 r=4 eps=50 consensus"
    assert setting_name(0.8, 0, 50.0, "mixture", 1.15) == "T=0.8 r=0 eps=50 sat=1.15"
    assert setting_name(0.8, 0, 50.0, "mixture", 1.0) == "T=0.8 r=0 eps=50"
    assert setting_name(0.8, 0, 50.0, "mixture", 1.0, 0.5, 1.08) == "T=0.8 r=0 eps=50 fade=0.5 gain=1.08"
    assert setting_name(0.8, 0, 50.0, "mixture", 1.2, 0.0, 1.0) == "T=0.8 r=0 eps=50 sat=1.2"


@pytest.mark.parametrize(("option", "values", "message"),
                         [("--neutral-fades", "0,5", "neutral_fade must be a number from 0 (off) to 4, got 5.0"),
                          ("--chroma-gains", "1,0.2", "chroma_gain must be a number from 0.5 to 2 (1: off), got 0.2"),
                          ("--chroma-gains", ",", "no values")])
def test_fades_and_gains_the_weights_could_not_ship_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                                option: str, values: str, message: str) -> None:
    argv = ["--data", str(tmp_path / "nowhere"), option, values, "--out", str(tmp_path)]
    assert main(argv) == 2
    assert f"error: {option}: {message}" in capsys.readouterr().err
    assert not (tmp_path / "tune.json").exists()


def test_unknown_mode_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # Refused before any photo or weights are read: no ../shared needed.
    argv = ["--data", str(tmp_path / "nowhere"), "--max-images", "1", "--modes", "mixture,median", "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "--modes must be from mixture,consensus" in capsys.readouterr().err
    assert not (tmp_path / "tune.json").exists()


@pytest.mark.parametrize("saturations", ["1,2.5", "-0.1", ","])
def test_saturation_outside_the_pipelines_range_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                           saturations: str) -> None:
    argv = ["--data", str(tmp_path / "nowhere"), "--saturations", saturations, "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "--saturations must be from 0 to 2 (the pipeline's range)" in capsys.readouterr().err
    assert not (tmp_path / "tune.json").exists()


def test_truth_saturation_brings_the_colourfulness_to_the_truths_within_the_pipelines_range() -> None:
    assert truth_saturation(30.0, 45.0, 1.0) == pytest.approx(1.5)
    assert truth_saturation(30.0, 15.0, 1.0) == pytest.approx(0.5)
    assert truth_saturation(20.0, 45.0, 0.5) == pytest.approx(1.5)  # halfway on a log scale
    assert truth_saturation(10.0, 80.0, 1.0) == 2.0  # the pipeline's most
    assert truth_saturation(0.0, 40.0, 1.0) == 1.0  # gray stays gray whatever the scale
    assert truth_name("T=0.8 r=0 eps=50", 0.5) == "T=0.8 r=0 eps=50 truth-sat^0.5"


@pytest.mark.parametrize("powers", ["0", "1.5", "-1"])
def test_truth_powers_outside_zero_to_one_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture, powers: str) -> None:
    argv = ["--data", str(tmp_path / "nowhere"), "--truth-powers", powers, "--out", str(tmp_path)]
    assert main(argv) == 2
    assert "--truth-powers must be above 0 and at most 1" in capsys.readouterr().err
    assert not (tmp_path / "tune.json").exists()


@pytest.mark.slow
def test_truth_rows_take_each_photo_to_its_truths_colourfulness(photos_dir: Path, tmp_path: Path,
                                                                colorizer: Colorizer) -> None:
    # Three photos whose truth has half its real chroma (same lightness, so the same input and decoded colour):
    # the decoded colour is then well off the truth's amount whatever the weights, and scaling it down to the
    # truth's meets no sRGB clipping.
    val = tmp_path / "dull"
    val.mkdir()
    for f in spread(find_photos(photos_dir / "val"), 3):
        lab = rgb_to_lab(torch.from_numpy(load_image(f).rgb).permute(2, 0, 1).float() / 255)
        Image.fromarray(lab_to_rgb_u8(lab[0], lab[1:] * 0.5)).save(val / f"{f.stem}.png")
    temperature = colorizer.model.config.temperature
    own = {"fade": colorizer.model.config.neutral_fade, "gain": colorizer.model.config.chroma_gain}  # the weights' own
    argv = ["--data", str(val), "--max-images", "0", "--temperatures", f"{temperature:g}", "--radii", "0",
            "--saturations", "1,1.3", "--truth-powers", "1,0.5", "--out", str(tmp_path / "tune")]
    assert main(argv) == 0
    summary = json.loads((tmp_path / "tune" / "tune.json").read_text(encoding="utf-8"))["sets"][str(val)]["summary"]
    plain = setting_name(temperature, 0, 50.0, "mixture", **own)
    full, half = truth_name(plain, 1.0), truth_name(plain, 0.5)
    # Only the saturation-1 setting gets truth rows: the others already scale the colour.
    assert list(summary) == ["grayscale", plain, full, half, setting_name(temperature, 0, 50.0, "mixture", 1.3, **own),
                             "truth"]
    truth, ours = summary["truth"]["colourfulness"], summary[plain]["colourfulness"]
    assert abs(ours - truth) > 5.0  # these photos' decoded colour is not already the truth's amount
    # Scaling the chroma scales colourfulness about linearly (sRGB clipping aside): the full row lands near the
    # truth's, the half row between.
    assert summary[full]["colourfulness"] == pytest.approx(truth, rel=0.15)
    assert min(ours, truth) < summary[half]["colourfulness"] < max(ours, truth)


@pytest.mark.slow
def test_per_pixel_row_is_the_pipeline_and_pooling_rows_differ(photos_dir: Path, tmp_path: Path, colorizer: Colorizer,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    val = photos_dir / "val"
    decodings = []  # each photo's network output is decoded once per decoding setting, not again per saturation
    monkeypatch.setattr(tune_decoding, "decode_ab", lambda *a, **k: decodings.append(a[2:]) or decode_ab(*a, **k))
    temperature = colorizer.model.config.temperature
    own = {"fade": colorizer.model.config.neutral_fade, "gain": colorizer.model.config.chroma_gain}  # the weights' own
    argv = ["--data", str(val), "--max-images", "2", "--temperatures", f"{temperature:g}", "--radii", "0,4",
            "--modes", "mixture,consensus", "--saturations", "1,1.3", "--out", str(tmp_path)]
    assert main(argv) == 0
    report = json.loads((tmp_path / "tune.json").read_text(encoding="utf-8"))
    summary = report["sets"][str(val)]["summary"]
    assert report["sets"][str(val)]["images"] == 2
    assert len(decodings) == 2 * 3  # two photos x three decodings (per pixel, two pooling modes), each serving both saturations
    # One per-pixel row per saturation (eps and mode do not apply there), two pooled rows per saturation.
    per_pixel, mixture, consensus = (setting_name(temperature, r, 50.0, m, **own)
                                     for r, m in ((0, "mixture"), (4, "mixture"), (4, "consensus")))
    saturated, mixture_sat, consensus_sat = (setting_name(temperature, r, 50.0, m, 1.3, **own)
                                             for r, m in ((0, "mixture"), (4, "mixture"), (4, "consensus")))
    assert list(summary) == ["grayscale", per_pixel, saturated, mixture, mixture_sat, consensus, consensus_sat, "truth"]

    # The per-pixel row is the pipeline's own output (flip averaging included where the weights ship it).
    per_pixel_pipeline = Colorizer(configured_model(colorizer.model, None, None, region_radius=0))
    ours, ours_saturated = [], []
    for path in spread(find_photos(val), 2):
        truth = load_image(path).rgb
        gray = LoadedImage(grayscale_of(truth), None, path.name)
        ours.append(metrics.psnr(per_pixel_pipeline.colorize_loaded(gray).rgb, truth))
        ours_saturated.append(metrics.psnr(per_pixel_pipeline.colorize_loaded(gray, saturation=1.3).rgb, truth))
    assert summary[per_pixel]["psnr"] == pytest.approx(np.mean(ours), abs=0.02)
    # A saturation row is the pipeline's own saturation control, and more colourful than the plain row.
    assert summary[saturated]["psnr"] == pytest.approx(np.mean(ours_saturated), abs=0.02)
    assert summary[saturated]["psnr"] != pytest.approx(summary[per_pixel]["psnr"], abs=0.02)
    assert summary[saturated]["colourfulness"] > 1.15 * summary[per_pixel]["colourfulness"]
    assert summary[mixture]["psnr"] != pytest.approx(summary[consensus]["psnr"], abs=1e-4)  # the modes decode differently
    md = (tmp_path / "tune.md").read_text(encoding="utf-8")
    assert f"| {consensus} |" in md


@pytest.mark.slow
def test_fade_rows_take_colour_off_and_the_default_row_is_the_weights_own(photos_dir: Path, tmp_path: Path,
                                                                          colorizer: Colorizer) -> None:
    val = photos_dir / "val"
    config = colorizer.model.config
    temperature = config.temperature
    argv = ["--data", str(val), "--max-images", "2", "--temperatures", f"{temperature:g}", "--radii", "0",
            "--neutral-fades", "0,1", "--chroma-gains", "1", "--out", str(tmp_path)]
    assert main(argv) == 0
    summary = json.loads((tmp_path / "tune.json").read_text(encoding="utf-8"))["sets"][str(val)]["summary"]
    plain, faded = setting_name(temperature, 0, 50.0, "mixture"), setting_name(temperature, 0, 50.0, "mixture", fade=1.0)
    assert list(summary) == ["grayscale", plain, faded, "truth"]
    assert summary[faded]["colourfulness"] < summary[plain]["colourfulness"] - 0.5  # the fade took some colour
    assert summary[faded]["colourfulness"] > 0.5 * summary[plain]["colourfulness"]  # ...from the possibly gray pixels only
    # Without the options: one row, the weights' own fade and gain, which is the pipeline's colour.
    assert main(["--data", str(val), "--max-images", "2", "--temperatures", f"{temperature:g}", "--radii", "0",
                 "--out", str(tmp_path / "own")]) == 0
    own = json.loads((tmp_path / "own" / "tune.json").read_text(encoding="utf-8"))["sets"][str(val)]["summary"]
    name = setting_name(temperature, 0, 50.0, "mixture", fade=config.neutral_fade, gain=config.chroma_gain)
    ours = [metrics.psnr(colorizer.colorize_loaded(LoadedImage(grayscale_of(load_image(p).rgb), None, p.name)).rgb,
                         load_image(p).rgb) for p in spread(find_photos(val), 2)]
    assert list(own) == ["grayscale", name, "truth"] and own[name]["psnr"] == pytest.approx(np.mean(ours), abs=0.02)
