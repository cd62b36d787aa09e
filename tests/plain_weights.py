"""The shipped weights as a file trained without the whole-photo summary, for tests of adding that module."""

from __future__ import annotations

from pathlib import Path

from huerevive.model_loading import DEFAULT_WEIGHTS, read_checkpoint, write_checkpoint


def without_scene_summary() -> dict:
    """The shipped checkpoint minus its summary module (``scene.*``), if it has one; otherwise unchanged."""
    ckpt = read_checkpoint(DEFAULT_WEIGHTS)
    state = {k: v for k, v in ckpt["state_dict"].items() if not k.startswith("scene.")}
    return {**ckpt, "config": {**ckpt["config"], "scene_context": False}, "state_dict": state}


def write_without_scene_summary(target: Path) -> Path:
    """``without_scene_summary()`` written to ``target`` (a path for ``--init``); returns ``target``."""
    write_checkpoint(without_scene_summary(), target)
    return target
