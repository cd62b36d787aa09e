"""Train the HueRevive colorization network on a folder of colour photos.

    python -m training.train --data ../shared/photos/train --out runs/main --time-budget 90m
    python -m training.train --out runs/main --resume --time-budget 30m --export huerevive/weights/colornet.pt
    torchrun --nproc_per_node=4 -m training.train --data DIR --out runs/ddp   # several GPUs

Checkpoints (``OUT/last.pt``) are written every few minutes and at the end;
``--resume`` continues from one. Per-epoch metrics go to ``OUT/metrics.csv``
and ``OUT/metrics.json``, a sample grid per epoch to ``OUT/samples/``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from PIL import Image
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from huerevive.ab_bins import decode_annealed_mean, gamut_bin_centres, rebalance_weights, soft_encode
from huerevive.color import lab_batch_to_rgb
from huerevive.model_loading import make_checkpoint, model_from_checkpoint, read_checkpoint, write_checkpoint
from huerevive.network import ENCODER_BLOCKS, ColorNet, NetConfig
from huerevive.progress import format_seconds
from training.adversarial import FeatureCritic, PatchCritic, adversarial_step
from training.perceptual import PerceptualLoss
from training.semantic import SemanticLoss
from training.record import training_record
from training.vividness import vividness_loss
from training.data import (
    GRAY_CHROMA,
    HOLDOUT_FILE,
    PhotoSet,
    jitter_lightness,
    load_photo_set,
    random_crop_batch,
    read_holdout,
    sampling_weights,
)
from training.hints import simulate_hint_maps

STRIDE = 4  # the network predicts ab at 1/4 of its input size
CHECK_COUNT = 16  # --val-data photos the per-epoch check scores unless told otherwise
CHECK_CHUNK = 16  # photos per forward pass in the per-epoch check


def parse_duration(text: str) -> float:
    """'90m' -> 5400.0 seconds; accepts s, m, h suffixes or a bare number of seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (use e.g. 90m, 2h, 600s)")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def parse_hint_mean(text: str) -> float:
    """'6' -> 6.0; a geometric count of at least one hint cannot average below 1."""
    try:
        mean = float(text)
    except ValueError:
        mean = 0.0
    if not mean >= 1:
        raise argparse.ArgumentTypeError(f"not a mean number of hints of at least 1: {text!r}")
    return mean


def parse_check_count(text: str) -> int:
    """'16' -> 16; 0 means every photo, and a negative count would silently drop photos from the end."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"not a number of photos (0 for all of them): {text!r}")
    return int(text)


def parse_ema_decay(text: str) -> float:
    """'0.995' -> 0.995; 0 is off, 1 would never move."""
    try:
        decay = float(text)
    except ValueError:
        decay = -1.0
    if not 0.0 <= decay < 1.0:
        raise argparse.ArgumentTypeError(f"not a moving-average decay from 0 (off) to below 1: {text!r}")
    return decay


def moving_average(model: ColorNet, decay: float, saved: dict | None = None) -> AveragedModel:
    """An exponential moving average of ``model``'s weights and batch-norm statistics, updated after each step.

    ``saved``: the average as a checkpoint wrote it (``make_checkpoint``), to continue it on ``--resume``.
    """
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)
    if saved is not None:
        rebuilt = model_from_checkpoint(saved, add_hint_branch=model.hints is not None,
                                        add_scene_context=model.scene is not None)
        ema.module.load_state_dict(rebuilt.state_dict())
        ema.n_averaged.fill_(1)  # not 0: the next update averages instead of copying
    return ema


def fixed_at_inference(model: ColorNet, freeze_blocks: int) -> list[nn.Module]:
    """What ``--freeze-decoder`` keeps exactly as trained, batch-norm statistics included, by running it as at inference.

    The decoder and the hint branch; the encoder too when ``freeze_blocks``
    fixes all of it. Only modules new to the ``--init`` weights then train,
    against the network as the pipeline runs it.
    """
    fixed = [m for m in (model.bridge, model.up16, model.up8, model.up4, model.head, model.hints) if m is not None]
    return fixed + [model.encoder] if freeze_blocks >= ENCODER_BLOCKS else fixed


def parse_share(text: str) -> tuple[str, float]:
    """'faces=0.12' -> ('faces', 0.12)."""
    name, sep, value = text.partition("=")
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not sep or not name or not 0 < share <= 1:
        raise argparse.ArgumentTypeError(f"not FOLDER=SHARE with 0 < SHARE <= 1: {text!r}")
    return name, share


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", nargs="+", default=["../shared/photos/train"], help="folders of colour photos (recursive)")
    p.add_argument("--val-data", default=None, help="folder of held-out photos for per-epoch metrics")
    p.add_argument("--check-count", type=parse_check_count, default=CHECK_COUNT,
                   help="how many of --val-data's photos the per-epoch check scores (0: all of them)")
    p.add_argument("--out", default="runs/main", help="run folder: checkpoints, logs, samples")
    p.add_argument("--time-budget", type=parse_duration, default=parse_duration("90m"), help="wall time for this run")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in total (0: no limit)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--crop", type=int, default=224)
    p.add_argument("--min-crop-frac", type=float, default=0.35,
                   help="smallest crop as a share of the photo's short side (small photos want ~0.6)")
    p.add_argument("--min-chroma", type=float, default=GRAY_CHROMA,
                   help="skip photos whose mean chroma |ab| is below this (near-colourless photos)")
    p.add_argument("--group-share", type=parse_share, action="append", default=[], metavar="FOLDER=SHARE",
                   help="set a source folder's share of sampled crops, e.g. faces=0.12 (down) or train=0.2 (up); repeatable")
    p.add_argument("--hints", action="store_true",
                   help="train the colour-hint branch too (simulated hints; adds the branch to --init weights)")
    p.add_argument("--scene-context", action="store_true",
                   help="train a summary of the whole photo into the decoder too (adds it to --init weights at zero)")
    p.add_argument("--hint-none", type=float, default=0.25, help="with --hints: share of photos given no hints")
    p.add_argument("--hint-mean", type=parse_hint_mean, default=8.0,
                   help="with --hints: mean number of hints on a hinted photo (geometric; lower trains few-hint use)")
    p.add_argument("--init", default=None,
                   help="start a fresh run from these weights (e.g. the shipped colornet.pt) instead of ImageNet")
    p.add_argument("--lr", type=float, default=1e-3, help="decoder learning rate (encoder: lr/4)")
    p.add_argument("--loss", choices=("ce", "l1"), default="ce",
                   help="ce: rebalanced cross-entropy over ab bins; l1: L1 on the expected ab (the regression baseline)")
    p.add_argument("--rebalance-mix", type=float, default=0.5, help="0: full rebalancing, 1: none")
    p.add_argument("--target-saturation", type=float, default=1.0,
                   help="scale the training photos' chroma by this before encoding the targets (mildly >1 fights dullness)")
    p.add_argument("--adv-weight", type=float, default=0.0,
                   help="weight of a critic's loss (--critic) next to the cross-entropy (0: no critic); for a short fine-tune")
    p.add_argument("--adv-lr", type=float, default=2e-4, help="the critic's learning rate")
    p.add_argument("--critic", choices=("patch", "features"), default="patch",
                   help="with --adv-weight: patch = a small PatchGAN on (L, ab) trained from nothing; "
                        "features = heads on the frozen LPIPS AlexNet, judging the colour photo at crop size")
    p.add_argument("--perceptual-weight", type=float, default=0.0,
                   help="weight of an LPIPS term on the decoded colour next to the cross-entropy (0: none); for a fine-tune")
    p.add_argument("--semantic-weight", type=float, default=0.0,
                   help="weight of a term on what an ImageNet classifier makes of the decoded colour against the "
                        "truth (KL of its class distributions; 0: none); for a fine-tune")
    p.add_argument("--vividness-weight", type=float, default=0.0,
                   help="weight of a term on each crop's colourfulness against the truth's (0: none); for a fine-tune")
    p.add_argument("--vividness-centred", action="store_true",
                   help="score each crop's colourfulness against its batch's mean, so a uniform lift earns nothing")
    p.add_argument("--no-pretrained", action="store_true", help="random encoder instead of ImageNet")
    p.add_argument("--freeze-blocks", type=int, default=3, help="keep the stem and this many first encoder blocks fixed")
    p.add_argument("--freeze-decoder", action="store_true",
                   help="keep the decoder and hint branch fixed too, as at inference; with --freeze-blocks 16 only "
                        "modules new to the --init weights train (e.g. --scene-context), on weights otherwise unchanged")
    p.add_argument("--snapshot-steps", type=int, default=0, help="also keep OUT/step_N.pt every N steps (for comparisons)")
    p.add_argument("--checkpoint-minutes", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    p.add_argument("--holdout", default=str(HOLDOUT_FILE), help="file of photo stems never to train on")
    p.add_argument("--ema-decay", type=parse_ema_decay, default=None,
                   help="also keep an exponential moving average of the weights, this much of the old average kept "
                        "per step (0.995: about the last 200 steps; 0: off, the default; with --resume: as the run "
                        "had it); the run's export is the average")
    p.add_argument("--export", default=None, help="write the package's weights file here at the end")
    args = p.parse_args(argv)
    if args.freeze_decoder and not args.scene_context and not args.resume and args.freeze_blocks >= ENCODER_BLOCKS:
        p.error("--freeze-decoder with the whole encoder fixed leaves nothing to train: add --scene-context")
    return args


class Run:
    """Process-group facts: rank 0 logs and saves; other ranks only compute."""

    def __init__(self) -> None:
        self.distributed = "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1
        if self.distributed:
            dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
            self.rank, self.world = dist.get_rank(), dist.get_world_size()
            local = int(os.environ.get("LOCAL_RANK", 0))
            self.device = torch.device(f"cuda:{local}") if torch.cuda.is_available() else torch.device("cpu")
            if torch.cuda.is_available():
                torch.cuda.set_device(self.device)
        else:
            self.rank, self.world = 0, 1
            self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.main = self.rank == 0

    def log(self, out: Path, text: str) -> None:
        if self.main:
            line = f"{datetime.now().strftime('%H:%M:%S')} {text}"
            print(line, flush=True)
            with open(out / "train.log", "a", encoding="utf-8") as fh:
                fh.write(line + "\n")


def model_version_of(path: str) -> str:
    """The version recorded in a weights file's metadata."""
    return str(read_checkpoint(path).get("meta", {}).get("version", "unversioned"))


def bin_histogram(photos: PhotoSet, centres: torch.Tensor) -> torch.Tensor:
    """Empirical ab-bin frequencies over the training photos (at 1/8 size for speed)."""
    from huerevive.color import rgb_to_lab

    counts = torch.zeros(len(centres))
    for img in photos.images:
        small = F.avg_pool2d(img.float()[None] / 255.0, 8)[0]
        ab = rgb_to_lab(small)[1:].reshape(2, -1).T
        counts += torch.bincount(torch.cdist(ab, centres).argmin(1), minlength=len(centres)).float()
    return counts / counts.sum()


def target_colours(lab: torch.Tensor, saturation: float = 1.0) -> torch.Tensor:
    """Lab crops (B, 3, H, W) -> the ab the network should predict (B, 2, H/4, W/4), chroma times ``saturation``."""
    return F.avg_pool2d(lab[:, 1:], STRIDE) * saturation


def weighted_ce(logits: torch.Tensor, ab: torch.Tensor, centres: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Soft-encoded cross-entropy, each pixel weighted by its colour's rarity."""
    target = soft_encode(ab, centres)
    pix_w = weights[target.argmax(1)]
    ce = -(target * F.log_softmax(logits, 1)).sum(1)
    return (ce * pix_w).mean()


def l1_expected_ab(logits: torch.Tensor, ab: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """Plain regression for comparison: L1 between the distribution's mean colour and the truth."""
    return (decode_annealed_mean(logits, centres, 1.0) - ab).abs().mean()


def lr_factor(elapsed: float, budget: float) -> float:
    """Short warm-up, flat, then a linear fall to 10% over the last quarter of the budget."""
    frac = elapsed / max(budget, 1.0)
    if frac > 0.75:
        return max(0.1, 1.0 - 0.9 * (frac - 0.75) / 0.25)
    return 1.0


def val_batch(photos: PhotoSet, size: int, count: int = CHECK_COUNT) -> torch.Tensor:
    """Fixed Lab validation images (whole photo resized), for comparable epochs; ``count`` 0: every photo."""
    from huerevive.color import rgb_to_lab

    out = []
    for img in photos.images[:count or None]:
        t = F.interpolate(img.float()[None], size=(size, size), mode="bilinear", antialias=True, align_corners=False)[0]
        out.append(rgb_to_lab((t / 255.0).clamp(0, 1)))
    return torch.stack(out)


@torch.no_grad()
def evaluate_epoch(model: ColorNet, lab: torch.Tensor, weights: torch.Tensor, device: torch.device) -> tuple[dict, torch.Tensor]:
    """Validation loss, ab error, PSNR and colourfulness on the fixed batch; returns predicted RGB too."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    lab = lab.to(device)
    l_chan, ab = lab[:, :1], lab[:, 1:]
    weights = weights.to(device)
    loss, preds = 0.0, []
    for start in range(0, len(lab), CHECK_CHUNK):  # a larger check set in pieces: memory stays that of one piece
        part = lab[start : start + CHECK_CHUNK]
        logits = model(part[:, :1])
        part_loss = weighted_ce(logits, F.avg_pool2d(part[:, 1:], STRIDE), model.bin_centres, weights)
        loss += part_loss.item() * len(part) / len(lab)
        preds.append(decode_annealed_mean(logits, model.bin_centres, model.config.temperature))
    ab_pred = F.interpolate(torch.cat(preds), size=ab.shape[-2:], mode="bilinear", align_corners=False)
    rgb_pred = lab_batch_to_rgb(torch.cat((l_chan, ab_pred), 1))
    rgb_true = lab_batch_to_rgb(lab, keep_lightness=False)
    mse = ((rgb_pred - rgb_true) ** 2).flatten(1).mean(1).clamp_min(1e-10)
    chroma = ab_pred.norm(dim=1).mean().item()
    for module, mode in modes:  # back to how training runs each module (--freeze-decoder keeps some at inference)
        module.train(mode)
    stats = {
        "val_loss": loss,
        "val_ab_mae": (ab_pred - ab).abs().mean().item(),
        "val_psnr": (10 * torch.log10(1 / mse)).mean().item(),
        "val_chroma": chroma,
        "true_chroma": ab.norm(dim=1).mean().item(),
    }
    return stats, torch.stack((rgb_pred, rgb_true))


def save_grid(pred_true: torch.Tensor, lab: torch.Tensor, path: Path, count: int = 6) -> None:
    """gray | ours | truth, one row per image."""
    pred, true = pred_true[0][:count].cpu(), pred_true[1][:count].cpu()
    lab = lab[: len(pred)].cpu()
    gray = lab_batch_to_rgb(torch.cat((lab[:, :1], torch.zeros_like(lab[:, 1:])), 1))
    rows = [torch.cat((g, p, t), 2) for g, p, t in zip(gray, pred, true)]
    grid = torch.cat(rows, 1).permute(1, 2, 0).numpy()
    Image.fromarray((grid * 255).round().astype(np.uint8)).save(path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run = Run()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "samples").mkdir(exist_ok=True)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed * 1000 + run.rank)

    photos = load_photo_set(args.data, read_holdout(args.holdout), min_chroma=args.min_chroma)
    if not photos.images:
        print(f"no usable colour photos under {' '.join(args.data)}", file=sys.stderr)
        return 2
    draw_weights = sampling_weights(photos, dict(args.group_share))
    run.log(out, f"data: {len(photos.images)} photos from {' '.join(args.data)}; skipped {photos.skipped}")
    val = load_photo_set(args.val_data) if args.val_data else None
    val_lab = val_batch(val, args.crop, args.check_count) if val and val.images else None

    ckpt_path = out / "last.pt"
    state = torch.load(ckpt_path, map_location="cpu", weights_only=False) if args.resume and ckpt_path.exists() else None
    if args.resume and state is None:
        run.log(out, f"--resume: no checkpoint at {ckpt_path}, starting fresh")
    init_version = None  # the version of the weights this run started from (a path alone may be overwritten later)
    if state is not None:
        init_version = state.get("init_version")
        model = model_from_checkpoint(state["model"], add_hint_branch=args.hints, add_scene_context=args.scene_context)
        weights = state["rebalance_weights"]
        gen.set_state(state["generator"])
    elif args.init:
        model = model_from_checkpoint(read_checkpoint(args.init), add_hint_branch=args.hints,
                                      add_scene_context=args.scene_context)
        weights = rebalance_weights(bin_histogram(photos, model.bin_centres), model.bin_centres, mix=args.rebalance_mix)
        init_version = model_version_of(args.init)
        run.log(out, f"initialised from {args.init} ({init_version})")
    else:
        centres = gamut_bin_centres()
        config = NetConfig(num_bins=len(centres), hint_branch=args.hints, scene_context=args.scene_context)
        model = ColorNet(config, centres, pretrained_encoder=not args.no_pretrained)
        weights = rebalance_weights(bin_histogram(photos, centres), centres, mix=args.rebalance_mix)
    args.scene_context = model.scene is not None  # a resumed run keeps the module its checkpoint has: record it
    # Early high-resolution layers hold generic edge filters; fixing them halves
    # backward time on a CPU and guards 350 photos against overfitting.
    if args.freeze_blocks > 0:
        for module in (model.encoder._conv_stem, *model.encoder._blocks[: args.freeze_blocks]):
            module.requires_grad_(False)
        if args.freeze_blocks >= ENCODER_BLOCKS:  # whole encoder fixed: no backward through it
            model.encoder._bn0.requires_grad_(False)
    fixed = fixed_at_inference(model, args.freeze_blocks) if args.freeze_decoder else []
    for module in fixed:
        module.requires_grad_(False)
    model.to(run.device).train()
    for module in fixed:
        module.eval()
    model.to(memory_format=torch.channels_last)  # ~1.5x faster convolutions on the CPU
    weights_dev = weights.to(run.device)
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    enc_ids = {id(p) for p in model.encoder.parameters()}
    dec_params = [p for p in model.parameters() if id(p) not in enc_ids and p.requires_grad]
    if not enc_params and not dec_params:
        raise SystemExit("nothing left to train: --freeze-decoder fixes the decoder; add a new module "
                         "(--scene-context) or lower --freeze-blocks")
    groups = [{"params": enc_params, "lr": args.lr / 4}, {"params": dec_params, "lr": args.lr}]
    opt = torch.optim.AdamW([g for g in groups if g["params"]], weight_decay=1e-4)
    base_lrs = [g["lr"] for g in opt.param_groups]
    step, epoch, total_seconds = 0, 0, 0.0
    history: list[dict] = []
    if state is not None:
        opt.load_state_dict(state["optimizer"])
        step, epoch, total_seconds = state["step"], state["epoch"], state["total_seconds"]
        history = state.get("history", [])
        run.log(out, f"resumed at step {step}, epoch {epoch}, {format_seconds(total_seconds)} trained so far")
    critic, critic_opt = None, None
    if args.adv_weight > 0:
        # Not wrapped in DDP: under torchrun each rank trains its own critic on its own crops (untested at scale).
        critic = (FeatureCritic() if args.critic == "features" else PatchCritic()).to(run.device).train()
        critic_params = [p for p in critic.parameters() if p.requires_grad]  # a FeatureCritic's trunk stays fixed
        critic_opt = torch.optim.Adam(critic_params, lr=args.adv_lr, betas=(0.5, 0.999))
        if state is not None and "critic" in state:
            critic.load_state_dict(state["critic"])
            critic_opt.load_state_dict(state["critic_optimizer"])
    perceptual = PerceptualLoss().to(run.device) if args.perceptual_weight > 0 else None
    semantic = SemanticLoss().to(run.device) if args.semantic_weight > 0 else None
    ema = None
    if args.ema_decay is None:  # a resumed run keeps its average going unless told otherwise
        args.ema_decay = (state.get("args", {}).get("ema_decay") or 0.0) if state is not None else 0.0
    if args.ema_decay > 0:
        ema = moving_average(model, args.ema_decay, state.get("ema_model") if state is not None else None)
        run.log(out, f"moving average of the weights at {args.ema_decay:g} per step"
                     + (" (continued)" if state is not None and "ema_model" in state else ""))
    net = torch.nn.parallel.DistributedDataParallel(model) if run.distributed else model
    centres_dev = model.bin_centres
    if run.device.type == "cuda":
        # A few GB of uint8 photos on the GPU: each step's crops are cut and converted there, where one CPU
        # core cutting them one by one would leave the GPU waiting. TF32 products (convolutions use it by
        # default) and convolutions tuned to the fixed crop size: speed at a precision the loss does not notice.
        photos = photos.to(run.device)
        torch.set_float32_matmul_precision("high")
        torch.backends.cudnn.benchmark = True

    first_step = step
    steps_per_epoch = max(1, len(photos.images) // (args.batch_size * run.world))
    start = time.monotonic()
    last_ckpt = start
    epoch_loss, epoch_steps = 0.0, 0

    def save(final: bool = False) -> None:
        if not run.main:
            return
        meta = {"step": step, "epoch": epoch, "train_seconds": total_seconds + time.monotonic() - start}
        write_checkpoint(
            {
                "model": make_checkpoint(model, meta),
                "optimizer": opt.state_dict(),
                "rebalance_weights": weights,
                "generator": gen.get_state(),
                "step": step,
                "epoch": epoch,
                "total_seconds": total_seconds + time.monotonic() - start,
                "history": history,
                "args": vars(args),
                "init_version": init_version,
                **({"critic": critic.state_dict(), "critic_optimizer": critic_opt.state_dict()} if critic else {}),
                **({"ema_model": make_checkpoint(ema.module, meta)} if ema is not None else {}),
            },
            ckpt_path,
        )
        run.log(out, f"checkpoint saved: {ckpt_path} (step {step}{', final' if final else ''})")

    while True:
        elapsed = time.monotonic() - start
        if elapsed >= args.time_budget or (args.max_steps and step >= args.max_steps):
            break
        for group, base in zip(opt.param_groups, base_lrs):
            group["lr"] = base * lr_factor(elapsed, args.time_budget)
        lab = random_crop_batch(photos, args.batch_size, args.crop, gen, draw_weights, args.min_crop_frac).to(run.device)
        l_in = jitter_lightness(lab[:, :1], gen).contiguous(memory_format=torch.channels_last)
        if args.hints:
            hint_ab, hint_mask = simulate_hint_maps(lab, gen, p_none=args.hint_none, mean_hints=args.hint_mean)
            logits = net(l_in, hint_ab, hint_mask)
        else:
            logits = net(l_in)
        target_ab = target_colours(lab, args.target_saturation)
        if args.loss == "ce":
            loss = weighted_ce(logits, target_ab, centres_dev, weights_dev)
        else:
            loss = l1_expected_ab(logits, target_ab, centres_dev)
        loss_note = ""
        l_small = F.avg_pool2d(lab[:, :1], STRIDE)
        # The terms beyond the cross-entropy score the colour as it will be shown: the annealed mean at the
        # shipped temperature, decoded once for all of them.
        shown_ab = decode_annealed_mean(logits, centres_dev, model.config.temperature) if (
            critic is not None or perceptual is not None or semantic is not None or args.vividness_weight > 0) else None
        if critic is not None:
            # The feature critic looks at the photo at crop size, the patch critic at the network's output size.
            l_critic = lab[:, :1] if args.critic == "features" else l_small
            d_loss, g_loss = adversarial_step(critic, critic_opt, l_critic, target_ab, shown_ab)
            loss = loss + args.adv_weight * g_loss
            loss_note = f" (critic {d_loss.item():.3f}, adv {g_loss.item():.3f})"
        if perceptual is not None:
            p_loss = perceptual(shown_ab, lab)
            loss_note += f" (ce {loss.item():.3f}, lpips {p_loss.item():.4f})"
            loss = loss + args.perceptual_weight * p_loss
        if semantic is not None:
            s_loss = semantic(shown_ab, lab)
            loss_note += f" (semantic {s_loss.item():.4f})"
            loss = loss + args.semantic_weight * s_loss
        if args.vividness_weight > 0:
            v_loss = vividness_loss(shown_ab, l_small, target_ab, centred=args.vividness_centred)
            loss_note += f" (vivid {v_loss.item():.4f})"
            loss = loss + args.vividness_weight * v_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if ema is not None:
            ema.update_parameters(model)
        step += 1
        epoch_loss += loss.item()
        epoch_steps += 1
        if step % 10 == 0 or step == first_step + 1:
            per_step = (time.monotonic() - start) / (step - first_step)
            left = args.time_budget - (time.monotonic() - start)
            run.log(
                out,
                f"step {step} epoch {epoch} loss {loss.item():.3f}{loss_note} | {per_step:.2f} s/step | "
                f"elapsed {format_seconds(time.monotonic() - start)} | ETA {format_seconds(left)} (budget)",
            )
        if step % steps_per_epoch == 0:
            epoch += 1
            row = {
                "epoch": epoch,
                "step": step,
                "train_minutes": round((total_seconds + time.monotonic() - start) / 60, 2),
                "train_loss": epoch_loss / max(1, epoch_steps),
            }
            if val_lab is not None and run.main:
                stats, pred_true = evaluate_epoch(model, val_lab, weights, run.device)
                row.update(stats)
                save_grid(pred_true, val_lab, out / "samples" / f"epoch_{epoch:04d}.png")
            history.append(row)
            epoch_loss, epoch_steps = 0.0, 0
            if run.main:
                write_metrics(out, history)
                run.log(out, "epoch " + " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))
        if run.main and args.snapshot_steps and step % args.snapshot_steps == 0:
            write_checkpoint({"model": make_checkpoint(model, {"step": step})}, out / f"step_{step:06d}.pt")
        if time.monotonic() - last_ckpt > args.checkpoint_minutes * 60:
            save()
            last_ckpt = time.monotonic()

    save(final=True)
    if args.export and run.main:
        export(ema.module if ema is not None else model, args, step, epoch, total_seconds + time.monotonic() - start,
               photos, init_version)
        run.log(out, f"exported weights to {args.export}")
    if run.distributed:
        dist.destroy_process_group()
    return 0


def write_metrics(out: Path, history: list[dict]) -> None:
    keys = sorted({k for row in history for k in row}, key=lambda k: (k != "epoch", k != "step", k))
    with open(out / "metrics.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=keys)
        writer.writeheader()
        writer.writerows(history)
    (out / "metrics.json").write_text(json.dumps(history, indent=1), encoding="utf-8")


def export(
    model: ColorNet, args: argparse.Namespace, step: int, epoch: int, seconds: float, photos: PhotoSet, init_version: str | None
) -> None:
    """Write the package weights file (model only, fp32) with a description of its training."""
    record = training_record(vars(args), step, epoch, seconds, init_version)
    meta = {**record, "photos": len(photos.images), "config": asdict(model.config)}
    path = Path(args.export)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.eval()
    write_checkpoint(make_checkpoint(model, meta), path)


if __name__ == "__main__":
    sys.exit(main())
