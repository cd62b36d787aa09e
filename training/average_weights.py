"""Average the weights of several fine-tunes of one model (a "model soup").

    python -m training.average_weights runs/soup.pt runs/run3.pt runs/wave5_export.pt runs/wave7_export.pt
    python -m training.average_weights runs/soup.pt runs/run3.pt:2 runs/wave7_export.pt:1

Fine-tunes that start from the same weights usually stay in one basin of the
loss, so their weighted mean is itself a good network, and often better than
each of them (Wortsman et al. 2022, "Model soups"). Each input is a package
weights file (``training/export.py``'s output) or a training snapshot
(``OUT/step_N.pt``), optionally ``PATH:WEIGHT``
(default weight 1; weights are normalised to sum to 1). Floating-point
tensors, BatchNorm's running statistics included, are averaged; integer
buffers (BatchNorm's step counters) are taken from the first file. The
decoding settings are the first file's, and so is the rest of the training
record. The output's record names every input's version and weight
(``averaged_from``, and ``averaged`` as one line), and it gets a new
version, so caches recompute.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import torch

from huerevive.errors import HueReviveError
from huerevive.model_loading import CHECKPOINT_FORMAT, WeightsError, read_checkpoint, write_checkpoint
from training.record import new_version


def parse_input(text: str) -> tuple[Path, float]:
    """``PATH`` or ``PATH:WEIGHT`` -> (path, weight); the weight must be positive."""
    path, sep, weight = text.rpartition(":")
    if not sep or not weight.replace(".", "", 1).isdigit():
        return Path(text), 1.0
    value = float(weight)
    if value <= 0:
        raise ValueError(f"weight must be positive: {text}")
    return Path(path), value


def read_weights(path: Path) -> dict:
    """A package weights file, or a training run's ``step_N.pt`` snapshot (named after its file)."""
    ckpt = read_checkpoint(path)
    if ckpt.get("format") != CHECKPOINT_FORMAT and isinstance(ckpt.get("model"), dict):
        snapshot = ckpt["model"]
        return {**snapshot, "meta": {**snapshot.get("meta", {}), "version": f"{path.parent.name}/{path.name}"}}
    return ckpt


def average_checkpoints(checkpoints: list[dict], weights: list[float]) -> dict:
    """The weighted mean of package checkpoints with identical configs and tensor names.

    Returns a package checkpoint with the first input's config and a meta that
    records what was averaged (``averaged_from``: version and normalised weight).
    """
    if not checkpoints or len(checkpoints) != len(weights):
        raise ValueError("need one weight per checkpoint, and at least one checkpoint")
    first = checkpoints[0]
    shape_of = {k: tuple(v.shape) for k, v in first["state_dict"].items()}
    for ckpt in checkpoints[1:]:
        if {k: tuple(v.shape) for k, v in ckpt["state_dict"].items()} != shape_of:
            raise WeightsError("these weights files are not the same network (tensor names or shapes differ)")
    total = float(sum(weights))
    shares = [w / total for w in weights]
    state = {}
    for key, tensor in first["state_dict"].items():
        if tensor.is_floating_point():
            mean = sum(share * ckpt["state_dict"][key].double() for share, ckpt in zip(shares, checkpoints))
            state[key] = mean.to(tensor.dtype)
        else:
            state[key] = tensor.clone()
    versions = [ckpt.get("meta", {}).get("version", "unversioned") for ckpt in checkpoints]
    steps = max(int(ckpt.get("meta", {}).get("steps", 0)) for ckpt in checkpoints)
    sources = [{"version": v, "weight": round(s, 4)} for v, s in zip(versions, shares)]
    # The digest keeps two soups made in the same minute apart (caches key on the version).
    digest = hashlib.sha256(json.dumps(sources).encode("utf-8")).hexdigest()[:6]
    version = f"{new_version(steps)}-avg{digest}"
    meta = {
        **first.get("meta", {}),
        "version": version,
        "averaged_from": sources,
        # One line a reader (and the site's About page, which lists scalar fields) can take in.
        "averaged": " + ".join(f"{src['weight']:g} x {src['version']}" for src in sources),
        "reexported_from": None,
    }
    return {**first, "state_dict": state, "meta": meta}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="where to write the averaged weights file")
    p.add_argument("inputs", nargs="+", help="package weights files, each PATH or PATH:WEIGHT")
    args = p.parse_args(argv)
    try:
        parsed = [parse_input(item) for item in args.inputs]
        checkpoints = [read_weights(path) for path, _ in parsed]
        averaged = average_checkpoints(checkpoints, [w for _, w in parsed])
    except (ValueError, HueReviveError) as exc:  # nothing is written
        print(f"error: {exc}", file=sys.stderr)
        return 2
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    write_checkpoint(averaged, Path(args.out))
    print(f"wrote {args.out}: {averaged['meta']['version']} from {averaged['meta']['averaged_from']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
