"""What a weights file says about how it was trained: one record, built in one place.

Both ways of writing a weights file use it: ``training/train.py --export`` at
the end of a run and ``training/export.py`` from a run's checkpoint. The
About page and ``docs/RESULTS.md`` read it back.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def new_version(step: int) -> str:
    """A weights version: UTC minute of writing and step count, e.g. ``20261130-1547-s6498``."""
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M") + f"-s{step}"


def training_record(
    run_args: dict[str, Any], step: int, epoch: int, seconds: float, init_version: str | None = None
) -> dict[str, Any]:
    """The record of a run from its command-line arguments (``vars(args)`` of ``training.train``).

    ``init_version`` is the version of the ``--init`` weights file when the
    run started (the path may hold other weights by the time anyone reads
    this). Arguments missing from an older run's checkpoint get the value
    that run used implicitly (the option's default when it did not exist yet).
    """
    hints = bool(run_args.get("hints", False))
    return {
        "version": new_version(step),
        "trained": True,
        "steps": step,
        "epochs": epoch,
        "train_minutes": round(seconds / 60, 1),
        "data": [str(d) for d in run_args.get("data") or []],
        "init": run_args.get("init"),
        "init_version": init_version,
        "hints": hints,
        "hint_none": run_args.get("hint_none") if hints else None,
        "hint_mean": run_args.get("hint_mean") if hints else None,
        "freeze_blocks": run_args.get("freeze_blocks"),
        "freeze_decoder": bool(run_args.get("freeze_decoder", False)),
        "min_chroma": run_args.get("min_chroma"),
        "group_share": dict(run_args.get("group_share") or []),
        "lr": run_args.get("lr"),
        "crop": run_args.get("crop"),
        "batch_size": run_args.get("batch_size"),
        "rebalance_mix": run_args.get("rebalance_mix"),
        "loss": run_args.get("loss", "ce"),
        "adv_weight": run_args.get("adv_weight", 0.0),
        "critic": run_args.get("critic", "patch") if run_args.get("adv_weight") else None,
        "perceptual_weight": run_args.get("perceptual_weight", 0.0),
        "semantic_weight": run_args.get("semantic_weight", 0.0),
        "vividness_weight": run_args.get("vividness_weight", 0.0),
        "vividness_centred": bool(run_args.get("vividness_centred", False)),
        "target_saturation": run_args.get("target_saturation", 1.0),
        "scene_context": bool(run_args.get("scene_context", False)),
        "ema_decay": run_args.get("ema_decay", 0.0),  # > 0: the weights are the run's moving average
        "pretrained_encoder": not run_args.get("no_pretrained", False),
    }
