"""The one place where the colorization network is built from its weights file."""

from __future__ import annotations

import os
import threading
from dataclasses import fields
from pathlib import Path

import torch

from huerevive.decoding import POOL_MODES
from huerevive.errors import HueReviveError
from huerevive.network import (
    ColorNet,
    NetConfig,
    chroma_gain_problem,
    context_share_problem,
    context_size_problem,
    neutral_fade_problem,
)

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_WEIGHTS = WEIGHTS_DIR / "colornet.pt"
CHECKPOINT_FORMAT = "huerevive-colornet/1"

_lock = threading.Lock()
_loaded: dict[tuple[str, str], ColorNet] = {}


class WeightsError(HueReviveError):
    """The weights file is missing, or is not a HueRevive ColorNet checkpoint."""


def default_device() -> torch.device:
    """CUDA when present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_checkpoint(model: ColorNet, meta: dict) -> dict:
    """A self-describing checkpoint: config, weights and training metadata."""
    return {
        "format": CHECKPOINT_FORMAT,
        "config": model.checkpoint_config(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "meta": meta,
    }


def model_from_checkpoint(
    ckpt: dict, pretrained_encoder: bool = False, add_hint_branch: bool = False, add_scene_context: bool = False
) -> ColorNet:
    """Rebuild a ColorNet from a checkpoint dict (strict: every weight must match).

    ``add_hint_branch`` / ``add_scene_context`` upgrade weights trained without
    that module for fine-tuning: the new module starts at zero (a no-op);
    every other weight must still match.
    """
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        raise WeightsError(f"not a {CHECKPOINT_FORMAT} checkpoint")
    config = _net_config(ckpt.get("config"))
    added = []  # the state-dict prefixes of modules new to these weights
    if add_hint_branch and not config.hint_branch:
        config.hint_branch = True
        added.append("hints.")
    if add_scene_context and not config.scene_context:
        config.scene_context = True
        added.append("scene.")
    state = ckpt["state_dict"]
    model = ColorNet(config, state["bin_centres"], pretrained_encoder=pretrained_encoder)
    result = model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()}, strict=not added)
    if added and (result.unexpected_keys or any(not k.startswith(tuple(added)) for k in result.missing_keys)):
        raise WeightsError(f"weights do not match the network: {result}")
    return model


def _net_config(raw: object) -> NetConfig:
    """The checkpoint's network settings, checked here rather than at the first photo: an unknown or
    unusable setting is a WeightsError, not a crash.

    Settings a file lacks take their defaults (files from before a setting existed load as they always did).
    """
    if not isinstance(raw, dict):
        raise WeightsError("the weights file holds no network settings (its 'config' is missing or not a table)")
    unknown = sorted(str(key) for key in set(raw) - {f.name for f in fields(NetConfig)})
    if unknown:
        raise WeightsError(f"the weights file has settings this HueRevive does not know ({', '.join(unknown)}): "
                           "it was made by a newer version; update HueRevive to use it")
    config = NetConfig(**{**raw, "decoder_channels": tuple(raw.get("decoder_channels", NetConfig.decoder_channels))})
    if config.region_mode not in POOL_MODES:
        raise WeightsError(f"unknown region pooling mode {config.region_mode!r} (known: {', '.join(POOL_MODES)})")
    if problem := (context_size_problem(config.context_size) or context_share_problem(config.context_share)
                   or neutral_fade_problem(config.neutral_fade) or chroma_gain_problem(config.chroma_gain)):
        raise WeightsError(problem)
    return config


def read_checkpoint(path: str | Path) -> dict:
    """Load a checkpoint file onto the CPU, with a clear error when it is absent."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file not found: {path} (train with `python -m training.train`)")
    return torch.load(path, map_location="cpu", weights_only=True)


def write_checkpoint(obj: dict, path: str | Path) -> None:
    """Save ``obj`` with ``torch.save`` to a temp file beside ``path``, then move it into place.

    A reader (the site loading weights, a resumed run) sees the old file or
    the complete new one, never half a file from a write cut short.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_model(path: str | Path | None = None, device: str | torch.device | None = None) -> ColorNet:
    """The colorization network in eval mode, loaded once per (path, device), thread-safe."""
    resolved = Path(path) if path is not None else DEFAULT_WEIGHTS
    dev = torch.device(device) if device is not None else default_device()
    key = (str(resolved.resolve()), str(dev))
    with _lock:
        model = _loaded.get(key)
        if model is None:
            ckpt = read_checkpoint(resolved)
            model = model_from_checkpoint(ckpt).to(dev).eval()
            model.requires_grad_(False)
            model.meta = ckpt.get("meta", {})  # type: ignore[attr-defined]
            _loaded[key] = model
    return model


def model_version(model: ColorNet) -> str:
    """A short identifier of the loaded weights, for on-disk result caches."""
    return str(getattr(model, "meta", {}).get("version", "unversioned"))
