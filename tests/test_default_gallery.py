"""The embedded default collection: rooms of real old photographs, complete, credited, bilingual, held out of
training where the real colours are shown, and its images are what they claim to be."""

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
from huerevive.plates import load_plate_exhibit
from conftest import REPO, _need_shared

HANGUL = re.compile(r"[\uac00-\ud7a3]")
YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
OPEN_LICENCES = {"Public domain", "CC0 1.0"}
LOC_RIGHTS = "No known restrictions on publication (Library of Congress)"
SKIMAGE_SOURCE = re.compile(r"^scikit-image [0-9.]+: skimage/data/(\w+)\.png$")
HISTORICAL_SOURCE = re.compile(r"\(HueRevive historical set: (\w+\.png)\)$")
PROKUDIN_SOURCE = re.compile(r"HueRevive Prokudin-Gorskii set: colour/(\w+\.(?:png|jpg))\)$")
ROOMS = ["streets", "work", "places", "true-colour", "test"]
OLD_ROOMS = {"streets", "work", "places", "true-colour"}


@pytest.fixture(scope="module")
def gallery() -> Collection:
    return load_collection(default_collection_path())


def _old(gallery: Collection) -> list:
    """The real old photographs: every room but "Test the model"."""
    return [p for p in gallery.photos if p.section in OLD_ROOMS]


def _holdout() -> list[str]:
    return [ln.strip() for ln in (REPO / "training" / "holdout.txt").read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def _tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _lightness(path: Path) -> np.ndarray:
    """CIE L (H, W) of an image file, 0..100."""
    rgb = torch.from_numpy(load_image(path).rgb).permute(2, 0, 1).float() / 255.0
    return rgb_to_l(rgb).numpy()


def _gray_lightness(gray_u8: np.ndarray) -> np.ndarray:
    return gray_to_l(torch.from_numpy(gray_u8).float() / 255.0).numpy()


def test_loads_completely_with_no_problems(gallery: Collection) -> None:
    assert gallery.problems == []
    assert gallery.root == REPO / "gallery" / "default"
    for lang in ("en", "ko"):
        assert gallery.title.get(lang, "").strip() and gallery.description.get(lang, "").strip()
    # A museum's walk: the rooms in this order, every photo in one of them.
    assert [room.section.id for room in gallery.rooms()] == ROOMS
    assert all(p.section in ROOMS for p in gallery.photos)
    assert len(_old(gallery)) >= 24  # real old photographs
    assert 3 <= sum(p.section == "test" for p in gallery.photos) <= 6  # a small "Test the model" room
    assert 30 <= len(gallery.photos) <= 40
    hero = gallery.hero()
    assert gallery.hero_id == hero.id and hero.section in OLD_ROOMS  # the home page shows an old photo


def test_every_room_is_named_in_english_and_korean(gallery: Collection) -> None:
    for section in gallery.sections:
        for field in ("title", "description"):
            en, ko = getattr(section, field).get("en", ""), getattr(section, field).get("ko", "")
            assert en.strip() and ko.strip() and HANGUL.search(ko) and not HANGUL.search(en), (section.id, field)


def test_every_photo_is_credited_and_openly_licensed(gallery: Collection) -> None:
    for photo in gallery.photos:
        for lang in ("en", "ko"):
            assert photo.text("era", lang).strip() and photo.text("place", lang).strip(), (photo.id, lang)
        assert photo.credit.strip() and photo.source.strip(), photo.id
        if photo.section in OLD_ROOMS:
            assert photo.licence == LOC_RIGHTS, (photo.id, photo.licence)
            assert HISTORICAL_SOURCE.search(photo.source) or PROKUDIN_SOURCE.search(photo.source), photo.id
        else:
            assert photo.licence in OPEN_LICENCES, (photo.id, photo.licence)
            assert photo.source.startswith("https://") or SKIMAGE_SOURCE.match(photo.source), (photo.id, photo.source)


def test_every_old_photo_has_credit_rights_source_and_a_year_before_1950(gallery: Collection) -> None:
    for photo in _old(gallery):
        assert "Library of Congress" in photo.credit and photo.source.startswith("Library of Congress"), photo.id
        assert "no known restrictions on publication" in photo.licence.lower(), photo.id
        for lang in ("en", "ko"):
            years = [int(y) for y in YEAR.findall(photo.text("era", lang))]
            assert years and max(years) < 1950, (photo.id, lang, photo.text("era", lang))


def test_every_text_exists_in_english_and_korean(gallery: Collection) -> None:
    for photo in gallery.photos:
        for field in ("title", "story"):
            en, ko = getattr(photo, field).get("en", ""), getattr(photo, field).get("ko", "")
            assert en.strip() and ko.strip(), (photo.id, field)
            assert not HANGUL.search(en), (photo.id, field, "English text contains Hangul")
            assert len(HANGUL.findall(ko)) >= len(ko.replace(" ", "")) * 0.4, (photo.id, field, "Korean text is not Korean")
        for field in ("era", "place"):
            by_lang = getattr(photo, f"{field}_text")
            if by_lang:  # given per language: both, each in its own script (years and names aside)
                assert by_lang.get("en", "").strip() and by_lang.get("ko", "").strip(), (photo.id, field)
                assert not HANGUL.search(by_lang["en"]), (photo.id, field)
                assert HANGUL.search(by_lang["ko"]) or by_lang["ko"] == by_lang["en"], (photo.id, field)
        assert 120 <= len(photo.story["en"]) <= 600, (photo.id, len(photo.story["en"]))  # a short story: 2-3 sentences
        assert 60 <= len(photo.story["ko"]) <= 400, (photo.id, len(photo.story["ko"]))


def test_no_stray_files_in_the_folder(gallery: Collection) -> None:
    """Only the manifest, the images it names and the Explainer's plate: nothing else slipped into the repository."""
    named = {p.image_path for p in gallery.photos} | {p.original_path for p in gallery.photos if p.original_path}
    plate = load_plate_exhibit()
    named |= {getattr(plate, n) for n in ("plate", "blue", "green", "red", "colour")} | {plate.folder / "plate.toml"}
    present = {p for p in gallery.root.rglob("*") if p.is_file()} - {gallery.root / "collection.toml"}
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
    holdout = _holdout()
    assert [p.id for p in gallery.photos if p.in_training] == []
    with_truth = [p for p in gallery.photos if p.original_path is not None]
    assert all(p.has_truth for p in with_truth)
    for photo in with_truth:
        match = SKIMAGE_SOURCE.match(photo.source)
        if match:
            # scikit-image photos sit in the training folder; the run must hold this one out.
            assert f"python3-skimage__{match.group(1)}" in holdout, photo.id
        elif photo.section == "true-colour":
            assert any(photo.image_path.stem.startswith(h) for h in holdout), photo.id
        else:
            assert photo.source.startswith("https://"), photo.id  # a validation photo: checked below


def test_true_colour_room_shows_prokudin_gorskiis_own_colours(gallery: Collection) -> None:
    room = [p for p in gallery.photos if p.section == "true-colour"]
    assert len(room) >= 6
    holdout = _holdout()
    for photo in room:
        assert photo.has_truth and photo.original_path is not None, photo.id
        assert photo.credit == "Sergei Prokudin-Gorskii, Library of Congress Prokudin-Gorskii Collection", photo.id
        stem = Path(PROKUDIN_SOURCE.search(photo.source).group(1)).stem
        # Kept out of training: both the corpus's scene and the gallery's copy (training/holdout.txt).
        assert stem in holdout and photo.id.startswith("prokudin-") and "prokudin-" in holdout, photo.id
    # No photo of another room is ever trained on by mistake through the "prokudin-" prefix.
    assert not [p.id for p in gallery.photos if p.section != "true-colour" and p.image_path.stem.startswith("prokudin-")]


def test_every_prokudin_gorskii_scene_is_held_out_of_training() -> None:
    scenes = {Path(r["file"]).stem for r in _tsv(_need_shared("prokudin") / "MANIFEST.tsv")}
    assert len(scenes) == 16
    holdout = _holdout()
    assert scenes <= set(holdout)
    from training.data import read_holdout

    assert scenes <= set(read_holdout(REPO / "training" / "holdout.txt"))  # what the training script reads


def test_true_colour_photos_are_the_corpus_images(gallery: Collection) -> None:
    colour_dir = _need_shared("prokudin") / "colour"
    for photo in (p for p in gallery.photos if p.section == "true-colour"):
        name = PROKUDIN_SOURCE.search(photo.source).group(1)
        with Image.open(colour_dir / name) as src:
            original = load_image(photo.original_path)
            assert max(original.size) == min(800, max(src.size)), photo.id
            expected = src.convert("RGB").resize(original.size, Image.Resampling.LANCZOS)
        # The scans are grainy and JPEG drops some grain: compare at a quarter of the size.
        quarter = (original.size[0] // 4, original.size[1] // 4)
        ours = np.asarray(Image.fromarray(original.rgb).resize(quarter, Image.Resampling.BOX)).astype(int)
        theirs = np.asarray(expected.resize(quarter, Image.Resampling.BOX)).astype(int)
        assert np.abs(ours - theirs).mean() < 1.5, photo.id


def test_historical_photos_are_the_library_of_congress_crops(gallery: Collection, historical_dir: Path) -> None:
    rows = {r["file"]: r for r in _tsv(historical_dir / "MANIFEST.tsv")}
    checked = 0
    for photo in gallery.photos:
        match = HISTORICAL_SOURCE.search(photo.source)
        if not match:
            continue
        row = rows[match.group(1)]
        assert "no known restrictions" in row[next(k for k in row if k.startswith("rights"))].lower(), photo.id
        collection = row["source_collection"].split(" (LoC")[0].split(" - ")[0]
        assert collection.replace("Collection", "").strip() in photo.source, (photo.id, collection)
        with Image.open(historical_dir / match.group(1)) as src:
            source = np.asarray(src.convert("L"), dtype=int)
        gray = load_image(photo.image_path).rgb[..., 0].astype(int)
        assert gray.shape == source.shape, photo.id
        assert np.abs(gray - source).mean() < 2.5, photo.id  # the same crop, JPEG noise in the grain aside
        checked += 1
    assert checked >= 18


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
    assert found == 2


def _manifest_rows(photos_dir: Path) -> list[dict[str, str]]:
    with open(photos_dir / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_corpus_photos_are_public_domain_validation_photos(gallery: Collection, photos_dir: Path) -> None:
    """Each modern photo with a web source is one PD/CC0 photo of ../shared/photos/val, downscaled, never trained on."""
    rows = _manifest_rows(photos_dir)
    checked = 0
    for photo in gallery.photos:
        if not photo.source.startswith("https://"):
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
    assert checked >= 2
