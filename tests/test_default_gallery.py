"""The embedded default collection: complete, credited, bilingual, and its images are what they claim to be."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
import skimage.data
import torch
from PIL import Image

from huerevive.collection import Collection, default_collection_path, load_collection
from huerevive.color import gray_to_l, rgb_to_l
from huerevive.image_input import load_image
from conftest import REPO

HANGUL = re.compile(r"[\uac00-\ud7a3]")
OPEN_LICENCES = {"Public domain", "CC0 1.0"}
SKIMAGE_SOURCE = re.compile(r"^scikit-image [0-9.]+: skimage/data/(\w+)\.png$")


@pytest.fixture(scope="module")
def gallery() -> Collection:
    return load_collection(default_collection_path())


def _lightness(path: Path) -> np.ndarray:
    """CIE L (H, W) of an image file, 0..100."""
    rgb = torch.from_numpy(load_image(path).rgb).permute(2, 0, 1).float() / 255.0
    return rgb_to_l(rgb).numpy()


def _gray_lightness(gray_u8: np.ndarray) -> np.ndarray:
    return gray_to_l(torch.from_numpy(gray_u8).float() / 255.0).numpy()


def test_loads_completely_with_no_problems(gallery: Collection) -> None:
    assert gallery.problems == []
    assert 12 <= len(gallery.photos) <= 16
    assert gallery.root == REPO / "gallery" / "default"
    for lang in ("en", "ko"):
        assert gallery.title.get(lang, "").strip() and gallery.description.get(lang, "").strip()


def test_every_photo_is_credited_and_openly_licensed(gallery: Collection) -> None:
    for photo in gallery.photos:
        assert photo.credit.strip() and photo.source.strip() and photo.era.strip() and photo.place.strip(), photo.id
        assert photo.licence in OPEN_LICENCES, (photo.id, photo.licence)
        assert photo.source.startswith("https://") or " Debian package " in photo.source or SKIMAGE_SOURCE.match(
            photo.source
        ), (photo.id, photo.source)
        assert "historical" not in photo.source.lower()


def test_every_text_exists_in_english_and_korean(gallery: Collection) -> None:
    for photo in gallery.photos:
        for field in ("title", "story"):
            en, ko = getattr(photo, field).get("en", ""), getattr(photo, field).get("ko", "")
            assert en.strip() and ko.strip(), (photo.id, field)
            assert not HANGUL.search(en), (photo.id, field, "English text contains Hangul")
            assert len(HANGUL.findall(ko)) >= len(ko.replace(" ", "")) * 0.4, (photo.id, field, "Korean text is not Korean")
        assert 120 <= len(photo.story["en"]) <= 600, (photo.id, len(photo.story["en"]))  # a short story: 2-3 sentences
        assert 60 <= len(photo.story["ko"]) <= 400, (photo.id, len(photo.story["ko"]))


def test_no_stray_files_in_the_folder(gallery: Collection) -> None:
    """Only the manifest and the images it names: nothing else slipped into the repository."""
    named = {p.image_path for p in gallery.photos} | {p.original_path for p in gallery.photos if p.original_path}
    present = {p for p in gallery.root.iterdir()} - {gallery.root / "collection.toml"}
    assert present == named


def test_images_load_and_originals_match_their_gray_version(gallery: Collection) -> None:
    for photo in gallery.photos:
        gray = load_image(photo.image_path)
        assert max(gray.size) <= 1280, photo.id
        assert np.array_equal(gray.rgb[..., 0], gray.rgb[..., 1]) and np.array_equal(gray.rgb[..., 1], gray.rgb[..., 2]), (
            f"{photo.id}: the input must be gray"
        )
        if photo.original_path is None:
            continue
        original = load_image(photo.original_path)
        assert original.size == gray.size, photo.id
        chroma = np.abs(original.rgb.astype(int) - original.rgb.mean(axis=2, keepdims=True)).mean()
        assert chroma > 2.0, f"{photo.id}: the original must be in colour"
        # The gray input is the original's lightness: same photo, colour removed (JPEG noise aside).
        diff = np.abs(_lightness(photo.image_path) - _lightness(photo.original_path))
        assert diff.mean() < 1.0 and np.percentile(diff, 99) < 6.0, (photo.id, diff.mean())


def test_truth_is_shown_only_for_photos_the_model_never_saw(gallery: Collection) -> None:
    holdout = (REPO / "training" / "holdout.txt").read_text(encoding="utf-8").split()
    trained = [p for p in gallery.photos if p.in_training]
    assert [p.id for p in trained] == ["astronaut"]
    assert all(p.original_path is None and not p.has_truth for p in trained)
    for photo in gallery.photos:
        match = SKIMAGE_SOURCE.match(photo.source)
        if match and photo.original_path is not None:
            # scikit-image photos sit in the training folder; the run must hold this one out.
            assert f"python3-skimage__{match.group(1)}" in holdout, photo.id


def test_scikit_image_photos_match_the_package_data(gallery: Collection) -> None:
    found = 0
    for photo in gallery.photos:
        match = SKIMAGE_SOURCE.match(photo.source)
        if not match:
            continue
        found += 1
        reference = getattr(skimage.data, match.group(1))()
        gray = load_image(photo.image_path).rgb[..., 0]
        assert gray.shape == reference.shape[:2], photo.id
        expected_l = _gray_lightness(reference) if reference.ndim == 2 else rgb_to_l(
            torch.from_numpy(reference).permute(2, 0, 1).float() / 255.0
        ).numpy()
        assert np.abs(_gray_lightness(gray) - expected_l).mean() < 1.0, photo.id
        if photo.original_path is not None:
            original = load_image(photo.original_path).rgb.astype(int)
            assert np.abs(original - reference).mean() < 3.0, photo.id
    assert found == 4


def _manifest_rows(photos_dir: Path) -> list[dict[str, str]]:
    with open(photos_dir / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_corpus_photos_are_public_domain_validation_photos(gallery: Collection, photos_dir: Path) -> None:
    """Each non-scikit-image photo is one PD/CC0 photo of ../shared/photos/val, downscaled, never a training photo."""
    rows = _manifest_rows(photos_dir)
    checked = 0
    for photo in gallery.photos:
        if SKIMAGE_SOURCE.match(photo.source):
            continue
        matches = [
            r for r in rows
            if (photo.source.startswith("https://") and photo.source in r["license"])
            or (not photo.source.startswith("https://") and r["path_inside_package"] in photo.source)
        ]
        assert len(matches) == 1, (photo.id, [r["file"] for r in matches])
        row = matches[0]
        assert row["file"].startswith("val/"), (photo.id, row["file"])
        assert re.match(r"(?i)(public domain|cc0)", row["license"]), (photo.id, row["license"])
        assert photo.original_path is not None and not photo.in_training, photo.id
        with Image.open(photos_dir / row["file"]) as src:
            source = src.convert("RGB")
            original = load_image(photo.original_path)
            assert max(original.size) == min(1280, max(source.size)), photo.id
            resized = np.asarray(source.resize(original.size, Image.Resampling.LANCZOS)).astype(int)
        assert np.abs(original.rgb.astype(int) - resized).mean() < 3.0, photo.id
        checked += 1
    assert checked >= 8
