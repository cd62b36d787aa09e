"""huerevive/model_loading.py: weights files are read with clear errors and written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from conftest import REPO
from photo_crops import lab_crops_of
from plain_weights import without_scene_summary
from huerevive.model_loading import (
    DEFAULT_WEIGHTS,
    WeightsError,
    load_model,
    make_checkpoint,
    model_from_checkpoint,
    read_checkpoint,
    write_checkpoint,
)
from huerevive.network import chroma_gain_problem, context_share_problem, context_size_problem, neutral_fade_problem


def test_written_checkpoint_loads_as_the_same_network(tmp_path: Path) -> None:
    target = tmp_path / "copy.pt"
    write_checkpoint(read_checkpoint(DEFAULT_WEIGHTS), target)
    assert [p.name for p in tmp_path.iterdir()] == ["copy.pt"]  # no temp file left behind
    ours, shipped = load_model(target), load_model(DEFAULT_WEIGHTS)
    assert ours is not shipped
    assert all(torch.equal(a, b) for a, b in zip(ours.state_dict().values(), shipped.state_dict().values()))


def test_a_failed_write_leaves_the_old_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "weights.pt"
    write_checkpoint({"meta": {"version": "old"}}, target)
    before = target.read_bytes()
    # A lambda cannot be pickled: torch.save fails part-way, as a write cut short would.
    with pytest.raises(Exception):
        write_checkpoint({"meta": {"version": "new"}, "bad": lambda: None}, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["weights.pt"]  # the half-written temp file is removed
    assert torch.load(target, weights_only=True)["meta"]["version"] == "old"


def test_missing_or_foreign_weights_get_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="weights file not found"):
        read_checkpoint(tmp_path / "absent.pt")
    foreign = tmp_path / "foreign.pt"
    write_checkpoint({"state_dict": {}}, foreign)
    with pytest.raises(WeightsError, match="not a huerevive-colornet/1 checkpoint"):
        load_model(foreign)


@pytest.mark.parametrize(
    ("setting", "message"),
    [({"region_mode": "median"}, "unknown region pooling mode 'median'"),
     ({"context_size": 16}, "context_size must be 0 \\(off\\) or at least 32 pixels, got 16"),
     ({"context_size": -1}, "got -1"),
     ({"context_size": 288.0}, "got 288.0"),
     ({"context_share": 1.5}, "context_share must be a number from 0 to 1, got 1.5"),
     ({"context_share": "half"}, "got 'half'"),
     ({"neutral_fade": -0.5}, "neutral_fade must be a number from 0 \\(off\\) to 4, got -0.5"),
     ({"neutral_fade": float("nan")}, "got nan"),
     ({"chroma_gain": 0}, "chroma_gain must be a number from 0.5 to 2 \\(1: off\\), got 0"),
     ({"chroma_gain": "1.08"}, "got '1.08'"),
     # a file from a newer HueRevive, with a decoding setting this one does not have
     ({"chroma_scale": 1.02}, "settings this HueRevive does not know \\(chroma_scale\\): it was made by a newer version")],
)
def test_weights_with_unusable_decoding_settings_are_refused_on_loading(tmp_path: Path, setting: dict, message: str) -> None:
    ckpt = read_checkpoint(DEFAULT_WEIGHTS)
    ckpt["config"] = {**ckpt["config"], **setting}
    odd = tmp_path / "odd.pt"
    write_checkpoint(ckpt, odd)
    with pytest.raises(WeightsError, match=message):
        load_model(odd)


def test_older_files_load_with_defaults_and_a_file_without_settings_is_refused(tmp_path: Path) -> None:
    ckpt = without_scene_summary()
    # a file from before the whole-photo summary, the coarser look's share and the neutral fade existed: their
    # defaults apply (the fade off: such a file colours as it always did)
    newer = ("scene_context", "context_share", "neutral_fade", "chroma_gain")
    older = {k: v for k, v in ckpt["config"].items() if k not in newer}
    write_checkpoint({**ckpt, "config": older}, tmp_path / "older.pt")
    model = load_model(tmp_path / "older.pt", device="cpu")
    assert (model.config.scene_context, model.config.context_share) == (False, 0.5)
    assert (model.config.neutral_fade, model.config.chroma_gain) == (0.0, 1.0)
    assert model.config.context_size == ckpt["config"]["context_size"] != 0  # the settings it has are kept
    write_checkpoint({k: v for k, v in ckpt.items() if k != "config"}, tmp_path / "bare.pt")
    with pytest.raises(WeightsError, match="holds no network settings"):
        load_model(tmp_path / "bare.pt", device="cpu")


@pytest.mark.parametrize(("size", "allowed"), [(0, True), (32, True), (288, True), (31, False), (1, False), (-1, False),
                                               (True, False), (288.0, False), ("288", False)])
def test_one_rule_says_which_coarse_look_sizes_are_usable(size: object, allowed: bool) -> None:
    # the loader and the export/evaluation options all ask this one function
    assert (context_size_problem(size) is None) is allowed


@pytest.mark.parametrize(("share", "allowed"), [(0, True), (0.0, True), (0.35, True), (1, True), (-0.01, False),
                                                (1.01, False), (True, False), ("0.5", False), (float("nan"), False)])
def test_one_rule_says_which_shares_of_the_coarse_look_are_usable(share: object, allowed: bool) -> None:
    assert (context_share_problem(share) is None) is allowed


@pytest.mark.parametrize(("fade", "gain", "allowed"), [(0, 1, True), (0.5, 1.08, True), (4, 2, True), (0.0, 0.5, True),
                                                       (-0.1, 1, False), (4.5, 1, False), (0.5, 0.4, False),
                                                       (0.5, 2.1, False), (True, 1, False), (0.5, "1", False)])
def test_one_rule_each_says_which_neutral_fades_and_gains_are_usable(fade: object, gain: object, allowed: bool) -> None:
    assert (neutral_fade_problem(fade) is None and chroma_gain_problem(gain) is None) is allowed


def _real_l(size: int = 192) -> torch.Tensor:
    """L (1, 1, size, size) of a committed gallery photo (no ../shared needed)."""
    return lab_crops_of([REPO / "gallery" / "default" / "modern" / "coffee.jpg"], size)[:, :1]


def test_a_scene_summary_added_to_trained_weights_starts_as_a_no_op_and_keeps_its_weights(tmp_path: Path) -> None:
    ckpt = without_scene_summary()
    plain, upgraded = model_from_checkpoint(ckpt).eval(), model_from_checkpoint(ckpt, add_scene_context=True).eval()
    assert plain.scene is None and upgraded.config.scene_context and upgraded.scene is not None
    l_chan = _real_l()
    with torch.inference_mode():
        assert torch.equal(plain(l_chan), upgraded(l_chan))  # the new module adds exactly zero
    # Once trained (here: set by hand) it changes the colours, and its weights survive a write and a strict load.
    torch.manual_seed(0)
    upgraded.scene.mlp[-1].weight.data.normal_(0.0, 0.05)
    with torch.inference_mode():
        changed = upgraded(l_chan)
    assert (changed - plain(l_chan)).abs().max() > 0.1
    write_checkpoint(make_checkpoint(upgraded, {"version": "scene"}), tmp_path / "scene.pt")
    again = load_model(tmp_path / "scene.pt", device="cpu")
    with torch.inference_mode():
        assert torch.equal(again(l_chan), changed)


def test_the_scene_summary_says_what_is_in_the_photo_not_where() -> None:
    model = model_from_checkpoint(without_scene_summary(), add_scene_context=True).eval()
    torch.manual_seed(0)
    model.scene.mlp[-1].weight.data.normal_(0.0, 0.05)
    l_chan = _real_l()
    with torch.inference_mode():
        deepest = model.encode(torch.cat((l_chan, torch.full_like(l_chan, 50.0))))[-1]
        summary = model.scene(deepest)
        moved = model.scene(deepest.flip(-1).roll(2, dims=-2))  # mirrored and shifted
    assert summary.shape == (2, model.config.decoder_channels[0], 1, 1)
    # The same features anywhere in the picture give the same term: it is a summary, not a map.
    torch.testing.assert_close(moved, summary, rtol=1e-4, atol=1e-5)
    # A photo and a plain gray field are told apart.
    assert (summary[0] - summary[1]).abs().max() > 0.05


def test_adding_a_module_still_refuses_weights_that_do_not_otherwise_match() -> None:
    ckpt = without_scene_summary()
    state = {k: v for k, v in ckpt["state_dict"].items() if not k.startswith("up8.")}
    with pytest.raises(WeightsError, match="weights do not match the network"):
        model_from_checkpoint({**ckpt, "state_dict": state}, add_scene_context=True)
