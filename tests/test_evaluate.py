"""training.evaluate end to end on real validation photos, and the published-report loader."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import REPO
from huerevive import metrics
from huerevive.evaluation_report import REPORT_PATH, load_evaluation_summary

if str(REPO) not in sys.path:  # `training` lives at the repo root, beside the package
    sys.path.insert(0, str(REPO))
from training import evaluate  # noqa: E402

METRIC_KEYS = {"psnr", "ssim", "lpips", "auc", "gray_tint", "fid", "colourfulness"}
PER_IMAGE_KEYS = {"psnr", "ssim", "lpips", "auc", "gray_tint", "colourfulness"}


# --- the published report loader (fast) ---------------------------------------


def test_report_path_sits_beside_the_weights() -> None:
    assert REPORT_PATH.name == "evaluation.json"
    assert REPORT_PATH.parent.name == "weights"
    assert REPORT_PATH.parent.parent.name == "huerevive"


def test_load_evaluation_summary_reads_a_report(tmp_path: Path) -> None:
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps({"images": 3, "summary": {"model": {"psnr": 22.5}}}), encoding="utf-8")
    assert load_evaluation_summary(path) == {"images": 3, "summary": {"model": {"psnr": 22.5}}}


@pytest.mark.parametrize(
    "content",
    [None, "", "{not json", "[1, 2]", b"\xff\xfe\x00garbage"],
    ids=["absent", "empty", "broken", "not-an-object", "not-utf8"],
)
def test_load_evaluation_summary_returns_none_for_bad_files(tmp_path: Path, content) -> None:
    path = tmp_path / "evaluation.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert load_evaluation_summary(path) is None


def test_load_evaluation_summary_of_a_folder_is_none(tmp_path: Path) -> None:
    assert load_evaluation_summary(tmp_path) is None


# --- helpers (fast) ----------------------------------------------------------


def _colour_row(ours: float, truth: float) -> dict:
    return {"model": {"colourfulness": ours}, "truth": {"colourfulness": truth}}


def test_colourfulness_by_quarter_splits_by_the_truths_colour() -> None:
    # Eight photos, given out of order: a model that colours every photo about alike (20-24), truths 5 to 75.
    rows = [_colour_row(o, t) for o, t in ((24, 75), (20, 5), (22, 40), (21, 15), (23, 60), (20, 10), (22, 35), (23, 50))]
    quarters = evaluate.colourfulness_by_quarter(rows)
    assert [q["images"] for q in quarters] == [2, 2, 2, 2]
    assert [q["truth_range"] for q in quarters] == [[5, 10], [15, 35], [40, 50], [60, 75]]
    assert [q["truth"] for q in quarters] == [7.5, 25.0, 45.0, 67.5]
    assert [q["model"] for q in quarters] == [20.0, 21.5, 22.5, 23.5]  # too much colour first, too little last
    # Fewer photos than quarters: no empty quarter.
    assert [q["images"] for q in evaluate.colourfulness_by_quarter(rows[:3])] == [1, 1, 1]
    md = evaluate.render_markdown({"settings": {"truth": True, "working_size": 480, "temperature": 0.8},
                                   "model_version": "v", "data": "d", "images": 8, "command": "c",
                                   "summary": {k: {} for k in ("model", "grayscale", "truth")},
                                   "colourfulness_by_quarter": quarters})
    assert "| 5.0–10.0 | 2 | 20.0 | 7.5 | 2.67 |" in md and "| 60.0–75.0 | 2 | 23.5 | 67.5 | 0.35 |" in md


def test_grayscale_of_keeps_lightness_and_drops_colour() -> None:
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (32, 48, 3), dtype=np.uint8)
    gray = evaluate.grayscale_of(rgb)
    assert gray.shape == rgb.shape and gray.dtype == np.uint8
    assert metrics.colourfulness(gray) < 0.5
    # Lab L of pure colours: the gray keeps it (green is far lighter than blue).
    primaries = np.array([[[0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0]]], dtype=np.uint8)
    levels = evaluate.grayscale_of(primaries)[0, :, 0].astype(int)
    # sRGB gray with the relative luminance Y of each: G 0.7152, B 0.0722.
    assert levels[0] == pytest.approx(255 * 1.055 * 0.71516 ** (1 / 2.4) - 0.055 * 255, abs=1.5)
    assert levels[1] == pytest.approx(255 * 1.055 * 0.072169 ** (1 / 2.4) - 0.055 * 255, abs=1.5)
    assert levels[2] == 255 and levels[3] == 0


def test_find_photos_is_recursive_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/one.JPG", "a/b/two.png", "three.webp", "four.tiff", "notes.txt", "a/b/five.gif"):
        (tmp_path / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in evaluate.find_photos(tmp_path)]
    assert found == ["a/b/two.png", "a/one.JPG", "four.tiff", "three.webp"]


def test_read_subjects_uses_the_parent_manifest(tmp_path: Path) -> None:
    (tmp_path / "val").mkdir()
    (tmp_path / "MANIFEST.tsv").write_text(
        'file\tsubject\tlicense\nval/x.jpg\tpeople\t"CC0 (""A"", 2020)"\nval/y.jpg\tcity\tCC0\n', encoding="utf-8"
    )
    subjects = evaluate.read_subjects(tmp_path / "val")
    assert subjects == {(tmp_path / "val/x.jpg").resolve(): "people", (tmp_path / "val/y.jpg").resolve(): "city"}


def test_read_subjects_without_a_subject_column_is_none(tmp_path: Path) -> None:
    (tmp_path / "MANIFEST.tsv").write_text("file\tlicense\nx.jpg\tCC0\n", encoding="utf-8")
    assert evaluate.read_subjects(tmp_path) is None


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--data", "x", "--max-images", "-1"], "--max-images"),
        (["--data", "x", "--working-size", "16"], "--working-size"),
        (["--data", "x", "--context-size", "16"], "--context-size: context_size must be 0 (off) or at least 32"),
        (["--data", "x", "--context-share", "1.5"], "--context-share: context_share must be a number from 0 to 1"),
        (["--data", "x", "--temperature", "0"], "--temperature"),
        (["--data", "x", "--no-truth", "--publish"], "--publish"),
    ],
)
def test_bad_options_fail_with_a_message(argv: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exc:
        evaluate.parse_args(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_data_folder_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert evaluate.main(["--data", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "is not a folder" in capsys.readouterr().err


# --- end to end with the real model (slow) -------------------------------------


def _four_val_photos(photos_dir: Path, tmp_path: Path) -> Path:
    """A DIR with 4 val photos (2 of people) and an unreadable file, plus the real manifest rows."""
    import csv

    with (photos_dir / "MANIFEST.tsv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["file"].startswith("val/")]
    people = [r for r in rows if r["subject"] == "people"][:2]
    others = [r for r in rows if r["subject"] != "people"][:2]
    data = tmp_path / "val"
    data.mkdir()
    for row in people + others:
        # Symlinks: the photos stay in ../shared, nothing is copied.
        (tmp_path / row["file"]).symlink_to((photos_dir / row["file"]).resolve())
    (data / "zz_broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with (tmp_path / "MANIFEST.tsv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(people + others)
    return data


@pytest.mark.slow
def test_evaluate_on_four_val_photos(photos_dir: Path, tmp_path: Path) -> None:
    data = _four_val_photos(photos_dir, tmp_path)
    out = tmp_path / "out"
    # The real command line, in its own process (so --threads does not leak into this one).
    argv = ["--data", str(data), "--out", str(out), "--grid", "3", "--threads", "1"]
    proc = subprocess.run(
        [sys.executable, "-m", "training.evaluate", *argv], cwd=REPO, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr
    assert "zz_broken.jpg" in err  # reported, then skipped
    assert "5/5 100%" in err  # the progress bar went to stderr and finished

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["command"].startswith("python -m training.evaluate --data ")
    assert report["data"] == str(data)
    assert report["model_version"]
    assert report["settings"]["truth"] is True
    assert report["images"] == 4
    assert [s["file"] for s in report["skipped"]] == ["zz_broken.jpg"]

    summary = report["summary"]
    assert set(summary["model"]) == METRIC_KEYS and set(summary["grayscale"]) == METRIC_KEYS
    for row in ("model", "grayscale"):
        for key in METRIC_KEYS:
            assert isinstance(summary[row][key], float) and np.isfinite(summary[row][key]), (row, key)
    gray, model, truth = summary["grayscale"], summary["model"], summary["truth"]
    assert gray["colourfulness"] < 1.0
    assert truth["colourfulness"] > 10.0
    assert 10 < gray["psnr"] < 60 and 10 < model["psnr"] < 60
    assert 0 < gray["ssim"] <= 1 and 0 < model["ssim"] <= 1
    assert 0 < gray["lpips"] < 1 and 0 < model["lpips"] < 1
    assert gray["fid"] > 0 and model["fid"] > 0
    # Tint on gray: none for the grayscale baseline; the truth's own gray pixels have a faint colour under the threshold.
    assert gray["gray_tint"] < 1.0 and 0.0 < truth["gray_tint"] < metrics.GRAY_CHROMA
    assert model["gray_tint"] > gray["gray_tint"]

    people = report["subsets"]["people"]
    assert people["images"] == 2
    assert set(people["model"]) == METRIC_KEYS and set(people["grayscale"]) == METRIC_KEYS

    per_image = report["per_image"]
    assert len(per_image) == 4
    assert {r["file"] for r in per_image} == {p.name for p in data.iterdir() if p.suffix == ".jpg"} - {"zz_broken.jpg"}
    for r in per_image:
        assert set(r["model"]) == PER_IMAGE_KEYS and set(r["grayscale"]) == PER_IMAGE_KEYS
        assert r["grayscale"]["colourfulness"] < 1.0
    # The set means are the means of the per-image numbers.
    assert summary["model"]["ssim"] == pytest.approx(np.mean([r["model"]["ssim"] for r in per_image]))

    # The per-image grayscale numbers are what the metrics give for that photo's lightness.
    first = per_image[0]
    truth_rgb = np.asarray(Image.open(data / first["file"]).convert("RGB"))
    gray_rgb = evaluate.grayscale_of(truth_rgb)
    assert first["grayscale"]["psnr"] == pytest.approx(metrics.psnr(gray_rgb, truth_rgb))
    assert first["truth"]["colourfulness"] == pytest.approx(metrics.colourfulness(truth_rgb))

    # Four photos: four quarters of one photo each, dullest truth first, ours beside it.
    quarters = report["colourfulness_by_quarter"]
    by_truth = sorted(per_image, key=lambda r: r["truth"]["colourfulness"])
    assert [q["model"] for q in quarters] == pytest.approx([r["model"]["colourfulness"] for r in by_truth])
    assert [q["truth"] for q in quarters] == pytest.approx([r["truth"]["colourfulness"] for r in by_truth])

    md = (out / "report.md").read_text(encoding="utf-8")
    assert "Grayscale baseline" in md and "HueRevive" in md and "People (2 photos" in md
    assert "## Colourfulness, by how colourful the truth is" in md
    assert report["command"] in md
    with Image.open(out / "grid.jpg") as grid:
        assert grid.height > 3 * 256 and grid.width > 3 * 256  # 3 rows of gray | ours | truth


@pytest.mark.slow
def test_evaluate_no_truth_on_historical_photos(historical_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "historical"
    data.mkdir()
    for path in sorted(historical_dir.glob("*.png"))[:2]:
        (data / path.name).symlink_to(path.resolve())
    out = tmp_path / "out"
    from huerevive.model_loading import load_model

    shared_config = dataclasses.asdict(load_model().config)
    argv = ["--data", str(data), "--out", str(out), "--no-truth", "--working-size", "256", "--temperature", "0.3",
            "--context-size", "160"]
    assert evaluate.main(argv) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["images"] == 2
    settings = report["settings"]
    assert (settings["working_size"], settings["temperature"], settings["truth"]) == (256, 0.3, False)
    assert settings["context_size"] == 160
    assert set(report["summary"]) == {"model"} and set(report["summary"]["model"]) == {"colourfulness"}
    assert all(set(r) == {"file", "model"} for r in report["per_image"])
    assert report["subsets"] == {}
    with Image.open(out / "grid.jpg") as grid:
        assert grid.height > 2 * 256
    # The overrides applied to a copy: the shared cached model keeps its own settings.
    assert dataclasses.asdict(load_model().config) == shared_config


@pytest.mark.slow
def test_publish_writes_the_report_beside_the_weights(photos_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "weights" / "evaluation.json"
    target.parent.mkdir()
    monkeypatch.setattr(evaluate, "REPORT_PATH", target)  # never overwrite the shipped report from a test
    data = tmp_path / "val"
    data.mkdir()
    photo = sorted((photos_dir / "val").glob("*.jpg"))[0]
    (data / photo.name).symlink_to(photo.resolve())
    out = tmp_path / "out"
    assert evaluate.main(["--data", str(data), "--out", str(out), "--publish", "--grid", "0"]) == 0
    published = load_evaluation_summary(target)
    assert published == json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert published["summary"]["model"]["fid"] is None  # one photo: no covariance, so no FID
    assert not (out / "grid.jpg").exists()


@pytest.mark.slow
def test_hint_curve_and_before_column(photos_dir: Path, tmp_path: Path) -> None:
    """--hint-counts: simulated hints from the truth raise PSNR; --before adds a grid column."""
    data = tmp_path / "val"
    data.mkdir()
    for photo in sorted((photos_dir / "val").glob("*.jpg"))[10:13]:
        (data / photo.name).symlink_to(photo.resolve())
    out = tmp_path / "out"
    weights = str(REPO / "huerevive" / "weights" / "colornet.pt")
    argv = ["--data", str(data), "--out", str(out), "--hint-counts", "0,1,10", "--before", weights, "--grid", "2", "--threads", "1"]
    assert evaluate.main(argv) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    curve = report["hints"]
    assert list(curve) == ["0", "1", "10"]
    # No hints is the automatic result; ten true colours help.
    assert curve["0"]["psnr"] == pytest.approx(report["summary"]["model"]["psnr"], abs=1e-6)
    assert curve["10"]["psnr"] > curve["0"]["psnr"] + 0.3
    assert "With simulated colour hints" in (out / "report.md").read_text(encoding="utf-8")
    cell = max(round(Image.open(p).width * 256 / Image.open(p).height) for p in sorted(data.iterdir())[:2])
    with Image.open(out / "grid.jpg") as grid:
        assert grid.width == 4 * cell + 5 * 6  # gray | before | ours | truth, 6 px gaps
