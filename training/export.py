"""Export a training checkpoint as the package's weights file.

    python -m training.export runs/main/last.pt huerevive/weights/colornet.pt
    python -m training.export huerevive/weights/colornet.pt new.pt --flip-average on

Given a package weights file instead of a training checkpoint, it re-exports
the same weights with the new decoding settings (its training record kept,
a new version, ``reexported_from`` naming the old one).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import torch

from huerevive.decoding import POOL_MODES
from huerevive.model_loading import CHECKPOINT_FORMAT, make_checkpoint, model_from_checkpoint, write_checkpoint
from huerevive.network import decoding_settings
from training.decoding_options import (
    chroma_gain_option,
    context_share_option,
    context_size_option,
    neutral_fade_option,
)
from training.record import new_version, training_record


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="OUT/last.pt of a training run, or a package weights file to re-export")
    p.add_argument("weights", help="where to write the package weights file")
    p.add_argument("--ema", action="store_true",
                   help="export the run's moving average of the weights (a run trained with --ema-decay)")
    p.add_argument("--temperature", type=float, default=None, help="decode temperature to ship (chosen on val)")
    p.add_argument("--working-size", type=int, default=None, help="inference long side to ship (chosen on val)")
    p.add_argument("--region-radius", type=int, default=None, help="region-consistent decoding radius to ship (0: off)")
    p.add_argument("--region-eps", type=float, default=None, help="region-consistent decoding edge threshold to ship")
    p.add_argument("--region-mode", choices=POOL_MODES, default=None,
                   help="region-consistent decoding pools probabilities (mixture) or log-probabilities (consensus)")
    p.add_argument("--flip-average", choices=("on", "off"), default=None,
                   help="test-time flip averaging to ship (one more network pass)")
    p.add_argument("--context-size", type=context_size_option, default=None,
                   help="long side (px) of a coarser look whose colour is averaged in, to ship (0: off; one more network pass)")
    p.add_argument("--context-share", type=context_share_option, default=None,
                   help="the coarser look's share of the colour, to ship (0 to 1; 0.5: half and half)")
    p.add_argument("--neutral-fade", type=neutral_fade_option, default=None,
                   help="how much the colour of possibly gray pixels fades, to ship (0: off)")
    p.add_argument("--chroma-gain", type=chroma_gain_option, default=None,
                   help="the colour given back to the whole photo after the fade, to ship (1: none)")
    p.add_argument("--spread-tau", type=float, default=None, help="how alike a pixel must look to take a hint (0: off)")
    p.add_argument("--spread-sigma", type=float, default=None, help="how far a hint reaches, share of the diagonal")
    p.add_argument("--spread-gamma", type=float, default=None, help="how sharply the most alike hint wins")
    args = p.parse_args(argv)
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    weights_file = isinstance(state, dict) and state.get("format") == CHECKPOINT_FORMAT
    if args.ema and (weights_file or "ema_model" not in state):
        p.error(f"--ema: {args.checkpoint} holds no moving average (only a training run's checkpoint made with "
                "--ema-decay does)")
    model = model_from_checkpoint(state if weights_file else state["ema_model" if args.ema else "model"]).eval()
    if args.temperature is not None:
        model.config.temperature = args.temperature
    if args.working_size is not None:
        model.config.working_size = args.working_size
    if args.region_radius is not None:
        model.config.region_radius = args.region_radius
    if args.region_eps is not None:
        model.config.region_eps = args.region_eps
    if args.region_mode is not None:
        model.config.region_mode = args.region_mode
    if args.flip_average is not None:
        model.config.flip_average = args.flip_average == "on"
    if args.context_size is not None:
        model.config.context_size = args.context_size
    if args.context_share is not None:
        model.config.context_share = args.context_share
    for name in ("neutral_fade", "chroma_gain", "spread_tau", "spread_sigma", "spread_gamma"):
        if getattr(args, name) is not None:
            setattr(model.config, name, getattr(args, name))
    decoding = {
        **decoding_settings(model.config),
        "spread": {k: getattr(model.config, f"spread_{k}") for k in ("tau", "sigma", "gamma")},
    }
    meta = reexport_meta(state["meta"], decoding) if weights_file else training_meta(state, decoding)
    if not weights_file and not args.ema:
        meta["ema_decay"] = 0.0  # these are the run's own weights, not its moving average
    Path(args.weights).parent.mkdir(parents=True, exist_ok=True)
    write_checkpoint(make_checkpoint(model, meta), Path(args.weights))
    print(f"wrote {args.weights}: {meta}")
    return 0


def reexport_meta(old: dict, decoding: dict) -> dict:
    """The old weights file's record with new decoding settings and a new version (caches key on it).

    The version ends in a digest of the decoding settings, so two re-exports
    in the same minute with different settings still differ.
    """
    digest = hashlib.sha256(json.dumps(decoding, sort_keys=True).encode("utf-8")).hexdigest()[:6]
    version = f"{new_version(int(old.get('steps', 0)))}-d{digest}"
    return {**old, **decoding, "version": version, "reexported_from": old.get("version")}


def training_meta(state: dict, decoding: dict) -> dict:
    """What a training checkpoint says about how its weights were trained, plus the decoding to ship."""
    record = training_record(state.get("args", {}), state["step"], state["epoch"], state["total_seconds"], state.get("init_version"))
    return {**record, **decoding}


if __name__ == "__main__":
    sys.exit(main())
