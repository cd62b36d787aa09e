"""training/average_weights.py: a weighted mean of weights files that the pipeline loads."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import torch

from huerevive.model_loading import DEFAULT_WEIGHTS, WeightsError, load_model, read_checkpoint
from huerevive.pipeline import Colorizer
from training.average_weights import average_checkpoints, main, parse_input, read_weights


@pytest.fixture(scope="module")
def shipped() -> dict:
    return read_checkpoint(DEFAULT_WEIGHTS)


def _shifted(ckpt: dict, amount: float, version: str) -> dict:
    """A copy whose every floating-point tensor is ``amount`` higher, with its own version."""
    other = copy.deepcopy(ckpt)
    other["state_dict"] = {k: v + amount if v.is_floating_point() else v + 7 for k, v in ckpt["state_dict"].items()}
    other["meta"] = {**ckpt["meta"], "version": version}
    return other


def test_weighted_mean_of_tensors_and_record(shipped: dict) -> None:
    other = _shifted(shipped, 0.3, "other-version")
    averaged = average_checkpoints([shipped, other], [3.0, 1.0])
    for key, tensor in shipped["state_dict"].items():
        got = averaged["state_dict"][key]
        assert got.dtype == tensor.dtype
        if tensor.is_floating_point():
            torch.testing.assert_close(got, tensor + 0.075, rtol=1e-6, atol=1e-6)
        else:  # step counters: the first file's, not a mean
            assert torch.equal(got, tensor)
    assert averaged["config"] == shipped["config"]
    assert averaged["meta"]["averaged_from"] == [
        {"version": shipped["meta"]["version"], "weight": 0.75},
        {"version": "other-version", "weight": 0.25},
    ]
    assert averaged["meta"]["averaged"] == f"0.75 x {shipped['meta']['version']} + 0.25 x other-version"
    assert averaged["meta"]["version"] not in (shipped["meta"]["version"], "other-version")
    # Another mix gets another version, even in the same minute.
    assert average_checkpoints([shipped, other], [1.0, 1.0])["meta"]["version"] != averaged["meta"]["version"]


def test_different_networks_are_refused(shipped: dict) -> None:
    other = copy.deepcopy(shipped)
    key = next(k for k, v in other["state_dict"].items() if v.is_floating_point() and v.dim() == 4)
    other["state_dict"][key] = torch.zeros(1, 1, 1, 1)
    with pytest.raises(WeightsError, match="not the same network"):
        average_checkpoints([shipped, other], [1.0, 1.0])
    with pytest.raises(ValueError):
        average_checkpoints([shipped], [1.0, 1.0])


def test_inputs_with_and_without_weights() -> None:
    assert parse_input("runs/a.pt") == (Path("runs/a.pt"), 1.0)
    assert parse_input("runs/a.pt:2.5") == (Path("runs/a.pt"), 2.5)
    assert parse_input("C:/x/a.pt") == (Path("C:/x/a.pt"), 1.0)
    with pytest.raises(ValueError, match="positive"):
        parse_input("runs/a.pt:0")


def test_soup_of_a_file_with_itself_colorizes_as_the_file(tmp_path: Path, photos_dir: Path) -> None:
    """The command's output loads in the pipeline; averaging identical weights changes nothing."""
    photo_path = sorted((photos_dir / "val").rglob("*.jpg"))[0]
    out = tmp_path / "soup.pt"
    assert main([str(out), str(DEFAULT_WEIGHTS), f"{DEFAULT_WEIGHTS}:2"]) == 0
    soup = load_model(out, device="cpu")
    assert soup.meta["averaged_from"][0]["weight"] == pytest.approx(1 / 3, abs=1e-4)
    ours = np.asarray(Colorizer(soup).colorize(photo_path))
    shipped = np.asarray(Colorizer(load_model(DEFAULT_WEIGHTS, device="cpu")).colorize(photo_path))
    assert np.abs(ours.astype(int) - shipped.astype(int)).max() <= 1
    assert ours.std(axis=2).mean() > 1.0  # it is a colour photo, not a gray copy


def test_a_training_snapshot_is_read_as_its_weights(shipped: dict, tmp_path: Path) -> None:
    snapshot = tmp_path / "run" / "step_000003.pt"
    snapshot.parent.mkdir()
    torch.save({"model": {**shipped, "meta": {"step": 3}}}, snapshot)
    weights = read_weights(snapshot)
    assert weights["meta"]["version"] == "run/step_000003.pt"
    assert all(torch.equal(weights["state_dict"][k], v) for k, v in shipped["state_dict"].items())
    assert read_weights(DEFAULT_WEIGHTS)["meta"] == shipped["meta"]  # a weights file is read as it is


def test_bad_inputs_get_a_message_and_no_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "soup.pt"
    assert main([str(out), str(DEFAULT_WEIGHTS), str(tmp_path / "missing.pt")]) == 2
    assert "weights file not found" in capsys.readouterr().err and not out.exists()
    assert main([str(out), f"{DEFAULT_WEIGHTS}:0"]) == 2
    assert "weight must be positive" in capsys.readouterr().err and not out.exists()
