"""The training script for real: a few steps on real photos, checkpoint, resume, export, DDP."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import REPO
from plain_weights import write_without_scene_summary
from huerevive.model_loading import load_model
from training.data import load_photo_set, read_holdout
from training.train import evaluate_epoch, lr_factor, parse_args, parse_duration, target_colours, val_batch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_train_set(photos_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six real training photos, plus a gray one and a broken file that must be skipped."""
    folder = tmp_path_factory.mktemp("train")
    (folder / "sub").mkdir()
    for i, photo in enumerate(sorted((photos_dir / "train").glob("gcompris-qt-data__*.jpg"))[:6]):
        shutil.copy(photo, folder / ("sub" if i % 2 else ".") / photo.name)
    from PIL import Image

    Image.open(next(folder.glob("*.jpg"))).convert("L").save(folder / "gray.png")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return folder


def _train(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "training.train", "--threads", "1", "--batch-size", "2", "--crop", "64", *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


def test_durations_and_schedule() -> None:
    assert parse_duration("90m") == 5400 and parse_duration("2h") == 7200 and parse_duration("45") == 45
    with pytest.raises(Exception, match="not a duration"):
        parse_duration("soon")
    assert lr_factor(0, 100) == 1.0 and lr_factor(74, 100) == 1.0
    assert lr_factor(100, 100) == pytest.approx(0.1) and 0.1 < lr_factor(90, 100) < 1.0


def test_the_epoch_check_scores_every_photo_asked_for_in_pieces(photos_dir: Path) -> None:
    """--check-count 0 scores the whole val set; scoring it in pieces gives each photo's own figures, averaged."""
    val = load_photo_set(photos_dir / "val")
    assert parse_args([]).check_count == 16 and parse_args(["--check-count", "0"]).check_count == 0
    for bad in ("-1", "all"):
        with pytest.raises(SystemExit):
            parse_args(["--check-count", bad])
    assert len(val_batch(val, 64)) == 16
    everything = val_batch(val, 64, 0)
    assert len(everything) == len(val.images) > 100
    model = load_model(device="cpu")
    weights = torch.ones(len(model.bin_centres))
    lab = everything[:21]  # more than one piece of 16, the last one short
    stats, pred_true = evaluate_epoch(model, lab, weights, torch.device("cpu"))
    assert pred_true.shape == (2, 21, 3, 64, 64)
    alone = [evaluate_epoch(model, lab[i : i + 1], weights, torch.device("cpu")) for i in range(len(lab))]
    for key in ("val_loss", "val_psnr"):
        assert stats[key] == pytest.approx(sum(s[key] for s, _ in alone) / len(alone), rel=1e-4)
    assert torch.allclose(pred_true[0], torch.cat([p[0] for _, p in alone]), atol=1e-4)
    assert not model.training  # the shared model is left as it was found


def test_photo_set_skips_gray_broken_and_held_out(small_train_set: Path, tmp_path: Path) -> None:
    holdout = tmp_path / "holdout.txt"
    first = sorted(small_train_set.rglob("*.jpg"))[1].stem
    holdout.write_text(f"# comment\n{first}\n")
    photos = load_photo_set(small_train_set, read_holdout(holdout))
    assert len(photos.images) == 5
    assert photos.skipped == {"unreadable": 1, "grayscale": 1, "too small": 0, "held out": 1}
    assert all(max(img.shape[1:]) <= 512 and img.dtype == torch.uint8 for img in photos.images)


def test_train_resume_and_export(small_train_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    first = _train("--data", str(small_train_set), "--val-data", str(small_train_set), "--out", str(out), "--max-steps", "6", "--snapshot-steps", "3")
    assert first.returncode == 0, first.stderr[-3000:]
    log = (out / "train.log").read_text()
    assert "skipped {'unreadable': 1, 'grayscale': 1" in log and "ETA" in log
    rows = list(csv.DictReader(open(out / "metrics.csv")))
    assert [int(r["epoch"]) for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 2
    assert {"train_loss", "val_psnr", "val_chroma"} <= rows[0].keys()
    assert json.loads((out / "metrics.json").read_text())[0]["epoch"] == 1
    assert sorted(p.name for p in (out / "samples").iterdir())[0] == "epoch_0001.png"
    assert (out / "step_000003.pt").is_file() and (out / "step_000006.pt").is_file()
    state = torch.load(out / "last.pt", weights_only=False)
    assert state["step"] == 6

    weights = tmp_path / "w.pt"
    second = _train("--data", str(small_train_set), "--out", str(out), "--resume", "--max-steps", "8", "--export", str(weights), "--loss", "l1")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "resumed at step 6" in (out / "train.log").read_text()
    assert torch.load(out / "last.pt", weights_only=False)["step"] == 8

    model = load_model(weights, device="cpu")
    assert model.meta["trained"] is True and model.meta["steps"] == 8
    with torch.inference_mode():
        ab = model.predict_ab(torch.full((1, 1, 64, 96), 50.0))
    assert ab.shape == (1, 2, 16, 24) and torch.isfinite(ab).all()

    from training.export import main as export_main

    shipped = tmp_path / "shipped.pt"
    assert export_main([str(out / "last.pt"), str(shipped), "--temperature", "0.8", "--spread-tau", "0.3", "--spread-sigma", "0.1",
                        "--flip-average", "on"]) == 0
    exported = load_model(shipped, device="cpu")
    assert (exported.config.temperature, exported.config.spread_tau, exported.config.spread_sigma) == (0.8, 0.3, 0.1)
    assert exported.meta["spread"] == {"tau": 0.3, "sigma": 0.1, "gamma": exported.config.spread_gamma}
    assert exported.config.flip_average is True and exported.meta["flip_average"] is True
    assert (exported.meta["hint_none"], exported.meta["freeze_blocks"]) == (None, 3)  # an automatic-only run
    assert model.config.flip_average is False  # the training run's own export: no flip unless asked
    # Both ways of writing weights give the same training record (training/record.py).
    same = model.meta.keys() - {"version", "photos", "config", "train_minutes"}
    assert same <= exported.meta.keys() and all(exported.meta[k] == model.meta[k] for k in same)
    assert model.meta["loss"] == exported.meta["loss"] == "l1" and model.meta["lr"] == exported.meta["lr"]

    # A package weights file re-exported with new decoding settings: same weights, training record kept, new version.
    again = tmp_path / "again.pt"
    assert export_main([str(shipped), str(again), "--flip-average", "off", "--temperature", "0.7", "--context-size", "256",
                        "--context-share", "0.3"]) == 0
    reexported = load_model(again, device="cpu")
    assert (reexported.config.flip_average, reexported.config.temperature) == (False, 0.7)
    assert reexported.config.context_size == 256 == reexported.meta["context_size"]
    assert reexported.config.context_share == 0.3 == reexported.meta["context_share"]
    assert reexported.meta["reexported_from"] == exported.meta["version"] != reexported.meta["version"]
    assert reexported.meta["steps"] == 8
    assert reexported.meta["temperature"] == 0.7 and reexported.meta["spread"] == exported.meta["spread"]
    # The file's record of its decoding is its config's, setting by setting (one list: huerevive.network).
    from huerevive.network import DECODING_FIELDS

    assert all(reexported.meta[k] == getattr(reexported.config, k) for k in DECODING_FIELDS)
    assert all(torch.equal(a, b) for a, b in zip(reexported.state_dict().values(), exported.state_dict().values()))


def test_moving_average_of_the_weights_is_kept_resumed_and_exported(small_train_set: Path, tmp_path: Path) -> None:
    out, decay = tmp_path / "ema", 0.5
    first = _train("--data", str(small_train_set), "--out", str(out), "--max-steps", "2", "--snapshot-steps", "1",
                   "--ema-decay", str(decay))
    assert first.returncode == 0, first.stderr[-3000:]
    # Resumed without --ema-decay: the run keeps its average going, as it had it.
    second = _train("--data", str(small_train_set), "--out", str(out), "--resume", "--max-steps", "3", "--snapshot-steps", "1",
                    "--export", str(tmp_path / "run_export.pt"))
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"moving average of the weights at {decay:g} per step (continued)" in (out / "train.log").read_text()
    steps = [torch.load(out / f"step_{n:06d}.pt", weights_only=False)["model"]["state_dict"] for n in (1, 2, 3)]
    state = torch.load(out / "last.pt", weights_only=False)
    average = state["ema_model"]["state_dict"]
    # The first update copies, each later one keeps `decay` of the average; across the resume too.
    name = "head.weight"
    expected = decay * (decay * steps[0][name] + (1 - decay) * steps[1][name]) + (1 - decay) * steps[2][name]
    assert torch.allclose(average[name], expected, atol=1e-6)
    assert not torch.allclose(average[name], state["model"]["state_dict"][name], atol=1e-6)
    # Batch-norm statistics are averaged with the weights.
    stat = "bridge.1.running_mean"
    assert not torch.equal(average[stat], state["model"]["state_dict"][stat])

    from training.export import main as export_main

    assert export_main([str(out / "last.pt"), str(tmp_path / "avg.pt"), "--ema"]) == 0
    assert export_main([str(out / "last.pt"), str(tmp_path / "own.pt")]) == 0
    averaged, own, run_export = (load_model(tmp_path / f, device="cpu") for f in ("avg.pt", "own.pt", "run_export.pt"))
    assert torch.allclose(averaged.state_dict()[name], expected, atol=1e-6)
    assert torch.equal(own.state_dict()[name], state["model"]["state_dict"][name])
    assert torch.equal(run_export.state_dict()[name], averaged.state_dict()[name])  # the run's own export is the average
    assert averaged.meta["ema_decay"] == run_export.meta["ema_decay"] == decay and own.meta["ema_decay"] == 0.0
    # A package weights file holds no average to export.
    with pytest.raises(SystemExit):
        export_main([str(tmp_path / "own.pt"), str(tmp_path / "never.pt"), "--ema"])
    assert not (tmp_path / "never.pt").exists()


@pytest.mark.parametrize("value", ["1", "-0.1", "fast"])
def test_moving_average_decay_outside_zero_to_one_is_refused(value: str, capsys) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--ema-decay", value])
    assert "not a moving-average decay from 0 (off) to below 1" in capsys.readouterr().err


def test_distributed_data_parallel_on_cpu(small_train_set: Path, tmp_path: Path) -> None:
    """Two processes with torchrun (gloo backend): the DDP path users need on several GPUs."""
    torchrun = Path(sys.executable).with_name("torchrun")
    out = tmp_path / "ddp"
    cmd = [
        str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "training.train", "--threads", "1",
        "--batch-size", "2", "--crop", "64", "--data", str(small_train_set), "--out", str(out), "--max-steps", "3",
    ]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert torch.load(out / "last.pt", weights_only=False)["step"] == 3
    assert (out / "train.log").read_text().count("checkpoint saved") == 1  # only rank 0 writes


def test_sampling_weights_set_group_shares() -> None:
    from training.data import PhotoSet, sampling_weights

    images = [torch.zeros(3, 8, 8, dtype=torch.uint8)] * 10
    photos = PhotoSet(images, [f"{i}.jpg" for i in range(10)], {}, ["faces"] * 6 + ["landscapes"] * 4)
    probs = sampling_weights(photos, {"faces": 0.2})
    assert probs.sum().item() == pytest.approx(1.0)
    assert probs[:6].sum().item() == pytest.approx(0.2) and probs[6:].sum().item() == pytest.approx(0.8)
    assert torch.allclose(sampling_weights(photos, {}), torch.full((10,), 0.1))
    raised = sampling_weights(photos, {"landscapes": 0.8})  # a small group raised to its share
    assert raised[6:].sum().item() == pytest.approx(0.8) and torch.allclose(raised[:6], torch.full((6,), 0.2 / 6))
    assert torch.allclose(sampling_weights(photos, {"sky": 0.5}), torch.full((10,), 0.1))  # no such group: ignored
    with pytest.raises(ValueError, match="sum to at most 1"):
        sampling_weights(photos, {"faces": 0.7, "landscapes": 0.5})


def test_photo_set_from_several_folders_names_groups(small_train_set: Path, photos_dir: Path) -> None:
    photos = load_photo_set([small_train_set, photos_dir / "val"], min_chroma=1.0)
    groups = set(photos.groups)
    assert small_train_set.name in groups and "sub" in groups and "val" in groups
    fussy = load_photo_set(small_train_set, min_chroma=200.0)  # nothing is that colourful
    assert not fussy.images and fussy.skipped["grayscale"] == 7  # 6 colour photos and the gray one


def test_simulated_hints_reveal_the_truths_patch_means() -> None:
    from training.hints import sample_eval_hints, simulate_hint_maps

    gen = torch.Generator().manual_seed(1)
    lab = torch.rand(4, 3, 32, 32) * torch.tensor([100.0, 60.0, 60.0]).view(1, 3, 1, 1)
    none_ab, none_mask = simulate_hint_maps(lab, gen, p_none=1.0)
    assert not none_mask.any() and not none_ab.any()
    ab, mask = simulate_hint_maps(lab, gen, p_none=0.0, max_patch=1)
    assert mask.sum() >= 4  # at least one hint per photo
    hit = mask[:, 0] > 0
    assert torch.allclose(ab[:, 0][hit], lab[:, 1][hit]) and torch.allclose(ab[:, 1][hit], lab[:, 2][hit])
    first = sample_eval_hints(lab[0], 5, seed=7)
    assert first == sample_eval_hints(lab[0], 5, seed=7) and first[:2] == sample_eval_hints(lab[0], 2, seed=7)
    assert all(0 <= x < 32 and 0 <= y < 32 and all(0 <= c <= 255 for c in rgb) for x, y, rgb in first)


def test_hint_fine_tune_from_automatic_weights(small_train_set: Path, tmp_path: Path) -> None:
    """--init shipped weights --hints: the branch is added, trained, exported; hints then change colours."""
    from huerevive.hints import hint_maps, Hint

    weights = tmp_path / "hints.pt"
    run = _train(
        "--data", str(small_train_set), "--out", str(tmp_path / "h"), "--max-steps", "3", "--lr", "0.05",
        "--init", str(REPO / "huerevive" / "weights" / "colornet.pt"), "--hints", "--hint-none", "0",
        "--hint-mean", "2", "--freeze-blocks", "16", "--export", str(weights),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "initialised from" in (tmp_path / "h" / "train.log").read_text()
    model = load_model(weights, device="cpu")
    # The record names the starting weights by version, not only by a path that later holds other weights.
    assert model.meta["init_version"] == load_model(REPO / "huerevive" / "weights" / "colornet.pt", device="cpu").meta["version"]
    assert model.config.hint_branch and model.meta["hints"] is True
    assert (model.meta["hint_none"], model.meta["hint_mean"], model.meta["freeze_blocks"]) == (0.0, 2.0, 16)
    l_chan = torch.full((1, 1, 64, 64), 50.0)
    hint_ab, mask = hint_maps([Hint(32, 32, (200, 30, 30))], (64, 64), (64, 64))
    with torch.inference_mode():
        plain = model(l_chan)
        hinted = model(l_chan, hint_ab, mask)
    assert not torch.allclose(plain, hinted)


def test_scene_summary_fine_tune_from_shipped_weights(small_train_set: Path, tmp_path: Path) -> None:
    """--init trained weights --scene-context: the summary is added at zero, trained, exported and recorded."""
    shipped_path = write_without_scene_summary(tmp_path / "plain.pt")  # the shipped weights may have one already
    weights = tmp_path / "scene.pt"
    run = _train(
        "--data", str(small_train_set), "--out", str(tmp_path / "s"), "--max-steps", "3", "--lr", "0.05",
        "--init", str(shipped_path), "--hints", "--scene-context", "--freeze-blocks", "16", "--export", str(weights),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    model, shipped = load_model(weights, device="cpu"), load_model(shipped_path, device="cpu")
    assert model.config.scene_context and model.meta["scene_context"] is True
    assert model.scene.mlp[-1].weight.abs().max() > 0  # trained away from its zero start
    l_chan = torch.linspace(0.0, 100.0, 64 * 64).reshape(1, 1, 64, 64)
    with torch.inference_mode():
        assert not torch.allclose(model(l_chan), shipped(l_chan))
    # A run resumed without the flag keeps the module its checkpoint has.
    again = _train("--data", str(small_train_set), "--out", str(tmp_path / "s"), "--max-steps", "4", "--resume", "--hints",
                   "--freeze-blocks", "16", "--export", str(tmp_path / "resumed.pt"))
    assert again.returncode == 0, again.stderr[-3000:]
    resumed = load_model(tmp_path / "resumed.pt", device="cpu")
    assert resumed.config.scene_context and resumed.meta["scene_context"] is True


def test_freeze_decoder_trains_only_the_new_module(small_train_set: Path, tmp_path: Path) -> None:
    """--freeze-decoder --freeze-blocks 16: every trained weight and batch-norm statistic stays as it was."""
    shipped_path = write_without_scene_summary(tmp_path / "plain.pt")  # the summary must be the new module
    weights = tmp_path / "scene_only.pt"
    run = _train(
        "--data", str(small_train_set), "--out", str(tmp_path / "f"), "--max-steps", "4", "--lr", "0.05",
        "--init", str(shipped_path), "--hints", "--scene-context", "--freeze-blocks", "16", "--freeze-decoder",
        # 3 steps to an epoch: the check crops run at step 3, and step 4 must still leave the fixed modules alone
        "--val-data", str(small_train_set), "--export", str(weights),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    model, shipped = load_model(weights, device="cpu"), load_model(shipped_path, device="cpu")
    ours = model.state_dict()
    for name, value in shipped.state_dict().items():  # running means and variances included
        assert torch.equal(ours[name], value), name
    assert model.scene.mlp[-1].weight.abs().max() > 0
    assert model.meta["freeze_decoder"] is True


def test_freeze_decoder_with_nothing_new_to_train_is_refused_before_any_work(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_args(["--data", "x", "--freeze-decoder", "--freeze-blocks", "16"])
    assert exc.value.code == 2
    assert "leaves nothing to train: add --scene-context" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0.5", "0", "-3", "many", "nan"])
def test_hint_mean_below_one_is_refused_before_any_work(value: str, capsys) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--hints", "--hint-mean", value])
    assert "at least 1" in capsys.readouterr().err
    assert parse_args(["--hint-mean", "1"]).hint_mean == 1.0


def test_a_hint_mean_of_one_gives_exactly_one_hint_per_photo() -> None:
    from training.hints import simulate_hint_maps

    lab = torch.rand(6, 3, 32, 32) * 50
    _, mask = simulate_hint_maps(lab, torch.Generator().manual_seed(0), p_none=0.0, mean_hints=1.0, max_patch=1)
    assert mask.sum((1, 2, 3)).tolist() == [1.0] * 6


def test_adversarial_fine_tune_keeps_its_critic_across_resume(small_train_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "adv"
    first = _train("--data", str(small_train_set), "--out", str(out), "--max-steps", "3", "--adv-weight", "0.3")
    assert first.returncode == 0, first.stderr[-3000:]
    state = torch.load(out / "last.pt", weights_only=False)
    assert {"critic", "critic_optimizer"} <= state.keys() and state["args"]["adv_weight"] == 0.3
    assert "(critic " in (out / "train.log").read_text()  # both losses are logged
    critic_before = {k: v.clone() for k, v in state["critic"].items()}

    weights = tmp_path / "adv.pt"
    second = _train("--data", str(small_train_set), "--out", str(out), "--resume", "--max-steps", "5",
                    "--adv-weight", "0.3", "--export", str(weights))
    assert second.returncode == 0, second.stderr[-3000:]
    critic_after = torch.load(out / "last.pt", weights_only=False)["critic"]
    # Resumed (same keys, same shapes) and trained further (weights moved).
    assert critic_after.keys() == critic_before.keys()
    assert any(not torch.equal(critic_after[k], critic_before[k]) for k in critic_before if critic_before[k].is_floating_point())
    assert load_model(weights, device="cpu").meta["adv_weight"] == 0.3

    plain = _train("--data", str(small_train_set), "--out", str(tmp_path / "plain"), "--max-steps", "1")
    assert plain.returncode == 0 and "critic" not in torch.load(tmp_path / "plain" / "last.pt", weights_only=False)


def test_feature_critic_fine_tune_trains_its_heads_and_records_its_kind(small_train_set: Path, tmp_path: Path) -> None:
    from training.adversarial import FeatureCritic

    out, weights = tmp_path / "feat", tmp_path / "feat.pt"
    result = _train("--data", str(small_train_set), "--out", str(out), "--max-steps", "3", "--hints",
                    "--adv-weight", "0.2", "--critic", "features", "--perceptual-weight", "5", "--export", str(weights))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(critic " in (out / "train.log").read_text()
    critic = torch.load(out / "last.pt", weights_only=False)["critic"]
    fresh = FeatureCritic().state_dict()
    assert critic.keys() == fresh.keys()
    # The AlexNet trunk is still LPIPS's: the critic's optimiser trains its heads only.
    assert all(torch.equal(critic[k], fresh[k]) for k in fresh if k.startswith(("trunk.", "scale.")))
    assert load_model(weights, device="cpu").meta["critic"] == "features"
    assert load_model(weights, device="cpu").meta["adv_weight"] == 0.2


def test_target_colours_are_pooled_and_saturated() -> None:
    lab = torch.zeros(1, 3, 8, 12)
    lab[:, 0], lab[:, 1], lab[:, 2] = 50.0, 10.0, -20.0
    lab[:, 1, :4, :4] = 30.0  # one 4x4 cell redder
    out = target_colours(lab, 1.15)
    assert out.shape == (1, 2, 2, 3)
    assert torch.allclose(out[0, :, 0, 0], torch.tensor([34.5, -23.0]))
    assert torch.allclose(out[0, :, 1, 2], torch.tensor([11.5, -23.0]))
    assert torch.equal(target_colours(lab), torch.nn.functional.avg_pool2d(lab[:, 1:], 4))


def test_saturated_targets_are_recorded_in_the_weights(small_train_set: Path, tmp_path: Path) -> None:
    from training.export import main as export_main

    out = tmp_path / "sat"
    run = _train("--data", str(small_train_set), "--out", str(out), "--max-steps", "1", "--target-saturation", "1.15")
    assert run.returncode == 0, run.stderr[-3000:]
    assert export_main([str(out / "last.pt"), str(tmp_path / "sat.pt")]) == 0
    assert load_model(tmp_path / "sat.pt", device="cpu").meta["target_saturation"] == 1.15


def _fine_tune(train_set: Path, tmp_path: Path, name: str, steps: int, *options: str) -> tuple[str, dict]:
    """A short run with extra loss ``options``, exported: its first logged step line and its weights' record."""
    out = tmp_path / name
    run = _train("--data", str(train_set), "--out", str(out), "--max-steps", str(steps), *options,
                 "--export", str(tmp_path / f"{name}.pt"))
    assert run.returncode == 0, run.stderr[-3000:]
    logged = [line for line in (out / "train.log").read_text().splitlines() if " loss " in line]
    return logged[0], load_model(tmp_path / f"{name}.pt", device="cpu").meta


def test_perceptual_fine_tune_logs_both_terms_and_records_its_weight(small_train_set: Path, tmp_path: Path) -> None:
    logged, meta = _fine_tune(small_train_set, tmp_path, "lpips", 2, "--perceptual-weight", "5")
    total, ce, lpips = (float(x) for x in re.search(r"loss ([\d.]+) \(ce ([\d.]+), lpips ([\d.]+)\)", logged).groups())
    assert 0 < lpips < 1 and total == pytest.approx(ce + 5 * lpips, abs=2e-3)  # the logged total is the sum trained on
    assert meta["perceptual_weight"] == 5.0


def test_vividness_term_is_logged_and_recorded(small_train_set: Path, tmp_path: Path) -> None:
    logged, meta = _fine_tune(small_train_set, tmp_path, "vivid", 1, "--vividness-weight", "5", "--vividness-centred")
    assert 0 < float(re.search(r"\(vivid ([\d.]+)\)", logged).group(1)) < 2
    assert meta["vividness_weight"] == 5.0 and meta["vividness_centred"] is True


def test_semantic_term_is_logged_and_recorded(small_train_set: Path, tmp_path: Path) -> None:
    logged, meta = _fine_tune(small_train_set, tmp_path, "semantic", 1, "--semantic-weight", "0.1")
    assert 0 < float(re.search(r"\(semantic ([\d.]+)\)", logged).group(1)) < 10
    assert meta["semantic_weight"] == 0.1


def test_decoding_threads_give_the_same_photo_set_in_the_same_order(small_train_set: Path, tmp_path: Path) -> None:
    holdout = tmp_path / "holdout.txt"
    holdout.write_text(sorted(small_train_set.rglob("*.jpg"))[2].stem + "\n")
    one = load_photo_set(small_train_set, read_holdout(holdout), workers=1)
    four = load_photo_set(small_train_set, read_holdout(holdout), workers=4)
    assert one.names == four.names and one.groups == four.groups and one.skipped == four.skipped
    assert one.skipped == {"unreadable": 1, "grayscale": 1, "too small": 0, "held out": 1}
    assert len(one.images) == 5 and all(torch.equal(a, b) for a, b in zip(one.images, four.images))


def test_crops_are_cut_and_jittered_on_the_photos_own_device() -> None:
    """On a GPU the photos live on the device; every random draw stays on the CPU's generator.

    The 'meta' device stands in for a GPU here: a tensor left on the CPU among meta tensors fails
    the way it would beside CUDA ones.
    """
    from huerevive.color import rgb_to_lab
    from training.data import PhotoSet, jitter_lightness, random_crop_batch

    orange = torch.tensor([230, 120, 30], dtype=torch.uint8).view(3, 1, 1).expand(3, 90, 120).contiguous()
    photos = PhotoSet([orange, orange.flip(0)], ["a.jpg", "b.jpg"], {}, ["x", "x"])
    gen = torch.Generator().manual_seed(0)
    crops = random_crop_batch(photos, 5, 32, gen, min_frac=0.5)
    assert crops.shape == (5, 3, 32, 32)
    colours = {tuple(rgb_to_lab(photo[:, :1, :1].float() / 255.0).flatten().round(decimals=2).tolist())
               for photo in photos.images}  # a solid photo's every crop is that colour, converted as a batch
    assert {tuple(c[:, 0, 0].round(decimals=2).tolist()) for c in crops} <= colours
    assert torch.allclose(crops, crops[:, :, :1, :1].expand_as(crops), atol=1e-3)

    moved = photos.to("meta")
    assert [img.device.type for img in moved.images] == ["meta", "meta"] and photos.images[0].device.type == "cpu"
    assert random_crop_batch(moved, 3, 16, gen).device.type == "meta"
    l_chan = torch.full((3, 1, 8, 8), 50.0)
    assert jitter_lightness(l_chan.to("meta"), torch.Generator().manual_seed(4)).device.type == "meta"
    same = jitter_lightness(l_chan, torch.Generator().manual_seed(4))
    assert same.shape == l_chan.shape and not torch.equal(same, l_chan) and (same >= 0).all() and (same <= 100).all()

