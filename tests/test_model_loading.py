"""huerevive/model_loading.py: weights files are read with clear errors and written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from huerevive.model_loading import DEFAULT_WEIGHTS, WeightsError, load_model, read_checkpoint, write_checkpoint
from huerevive.network import context_share_problem, context_size_problem


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
     ({"context_share": "half"}, "got 'half'")],
)
def test_weights_with_unusable_decoding_settings_are_refused_on_loading(tmp_path: Path, setting: dict, message: str) -> None:
    ckpt = read_checkpoint(DEFAULT_WEIGHTS)
    ckpt["config"] = {**ckpt["config"], **setting}
    odd = tmp_path / "odd.pt"
    write_checkpoint(ckpt, odd)
    with pytest.raises(WeightsError, match=message):
        load_model(odd)


@pytest.mark.parametrize(("size", "allowed"), [(0, True), (32, True), (288, True), (31, False), (1, False), (-1, False),
                                               (True, False), (288.0, False), ("288", False)])
def test_one_rule_says_which_coarse_look_sizes_are_usable(size: object, allowed: bool) -> None:
    # the loader and the export/evaluation options all ask this one function
    assert (context_size_problem(size) is None) is allowed


@pytest.mark.parametrize(("share", "allowed"), [(0, True), (0.0, True), (0.35, True), (1, True), (-0.01, False),
                                                (1.01, False), (True, False), ("0.5", False), (float("nan"), False)])
def test_one_rule_says_which_shares_of_the_coarse_look_are_usable(share: object, allowed: bool) -> None:
    assert (context_share_problem(share) is None) is allowed
