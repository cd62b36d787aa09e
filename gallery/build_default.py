"""Rebuild the images of the embedded default gallery (``gallery/default``) from their sources.

    .venv/bin/python gallery/build_default.py [--shared ../shared]

Every source is public domain, CC0, or carries the Library of Congress's
"no known restrictions on publication":

- ``historical/``: Library of Congress photographs (1860s-1920s) from
  ``../shared/historical``, 512x256 gray crops, stored as gray JPEG. They have
  no colour truth.
- ``prokudin/``: Prokudin-Gorskii's colour photographs (c. 1905-1915) from
  ``../shared/prokudin/colour``, aligned from his three-filter plates. ``<id>.jpg``
  is the photo's lightness (CIE L) as a gray image, ``<id>_original.jpg`` his
  own colours, downscaled to at most ``PROKUDIN_MAX_SIDE``. Held out of
  training by ``training/holdout.txt``.
- ``modern/``: the "Test the model" room: validation photos from
  ``../shared/photos/val`` (never trained on) and sample images shipped inside
  scikit-image (held out by ``training/holdout.txt``), downscaled to at most
  ``MAX_SIDE``; ``<id>.jpg`` gray, ``<id>_original.jpg`` colour.

The Explainer's glass plate (``plate/``) is rebuilt by ``gallery/build_plate.py``.
The texts, rooms and credits live in ``gallery/default/collection.toml``, written by hand.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import skimage.data
import torch
from PIL import Image

from huerevive.color import lab_to_rgb, rgb_to_lab

GALLERY = Path(__file__).resolve().parent / "default"
MAX_SIDE = 1280
PROKUDIN_MAX_SIDE = 800  # 'emir' is a 1600 px scan; the others are about 330 px and stay as they are
JPEG_QUALITY = 90
HISTORICAL_JPEG_QUALITY = 92  # the crops are small: keep their grain


@dataclass(frozen=True)
class Source:
    """Where one modern gallery photo comes from, and whether its colour original may be shown."""

    val_file: str | None = None  # file name in ../shared/photos/val
    skimage_name: str | None = None  # function in skimage.data
    with_original: bool = True


# "Test the model": modern photos whose real colours may be shown (never trained on).
SOURCES: dict[str, Source] = {
    "eiffel-tower": Source(val_file="gcompris-qt-data__eiffelTower__bafe3f.jpg"),
    "trier-imperial-baths": Source(val_file="gcompris-qt-data__trierImperialBaths__9a5690.jpg"),
    "coffee": Source(skimage_name="coffee"),  # held out of training (training/holdout.txt)
    "chelsea": Source(skimage_name="chelsea"),  # held out of training (training/holdout.txt)
}

# Gallery id -> file in ../shared/historical (chosen by looking at all 100: people, streets, buildings, landscapes).
HISTORICAL: dict[str, str] = {
    # Streets and markets
    "genthe-street-of-shops": "Travel_0294.png",
    "genthe-shop-street": "Travel_0555.png",
    "genthe-straw-hats": "Travel_0177.png",
    "carpenter-village-procession": "Carpenter_179.png",
    "carpenter-arc-de-triomphe": "Carpenter_303.png",
    "carpenter-westminster": "Carpenter_365.png",
    "carpenter-city-street-trams": "Carpenter_819.png",
    "abdul-hamid-street-minaret": "Abdul_1003.png",
    # People at work
    "carpenter-railway-sacks": "Carpenter_1098.png",
    "carpenter-field-workers": "Carpenter_785.png",
    "carpenter-farmyard": "Carpenter_674.png",
    "carpenter-reindeer-sleds": "Carpenter_1763.png",
    "grabill-cowboys-buffalo": "Grabill_134.png",
    "genthe-masked-dancer": "Travel_0535.png",
    # Buildings and landscapes
    "carpenter-pyramids-flood": "Carpenter_81.png",
    "genthe-wooden-hall": "Travel_0007.png",
    "abdul-hamid-tower-in-the-sea": "Abdul_135.png",
    "abdul-hamid-pavilion": "Abdul_490.png",
    "carpenter-acropolis": "Carpenter_305.png",
    "carpenter-railway-mountains": "Carpenter_1553.png",
}

# Gallery id -> aligned colour image in ../shared/prokudin/colour (ids start with "prokudin-": see holdout.txt).
PROKUDIN: dict[str, str] = {
    "prokudin-emir": "emir.jpg",
    "prokudin-peasant-girls": "prk_01043.png",
    "prokudin-tea-harvest": "harvesters.png",
    "prokudin-melon-vendor": "melons.png",
    "prokudin-three-generations": "three_generations.png",
    "prokudin-self-portrait": "self_portrait.png",
    "prokudin-camel-and-sacks": "turkmen.png",
    "prokudin-locomotive": "train.png",
    "prokudin-island-monastery": "monastery.png",
    "prokudin-river-town": "tobolsk.png",
}


def downscale(img: Image.Image, max_side: int = MAX_SIDE) -> Image.Image:
    """Shrink so the long side is at most ``max_side`` (never enlarges)."""
    if max(img.size) <= max_side:
        return img
    scale = max_side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS)


def lightness_gray(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> uint8 gray (H, W) with the same CIE L: the photo with its colour removed."""
    lab = rgb_to_lab(torch.from_numpy(np.array(rgb, dtype=np.uint8)).permute(2, 0, 1).float() / 255.0)
    lab[1:] = 0.0
    gray = lab_to_rgb(lab)[0]
    return (gray * 255.0).round().clamp(0, 255).to(torch.uint8).numpy()


def load_source(source: Source, shared: Path) -> Image.Image:
    """The full-size source photo as RGB or L."""
    if source.val_file is not None:
        with Image.open(shared / "photos" / "val" / source.val_file) as img:
            return img.convert("RGB")
    array = getattr(skimage.data, source.skimage_name)()
    return Image.fromarray(array, "L" if array.ndim == 2 else "RGB")


def write_pair(img: Image.Image, out: Path, photo_id: str, with_original: bool) -> None:
    """``<id>.jpg`` (its lightness as gray) and, if allowed, ``<id>_original.jpg`` (colour) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    gray = np.asarray(img) if img.mode == "L" else lightness_gray(np.asarray(img))
    Image.fromarray(gray, "L").save(out / f"{photo_id}.jpg", quality=JPEG_QUALITY)
    if with_original:
        img.save(out / f"{photo_id}_original.jpg", quality=JPEG_QUALITY)


def build_modern(photo_id: str, source: Source, shared: Path, out: Path) -> None:
    write_pair(downscale(load_source(source, shared)), out, photo_id, source.with_original)


def build_historical(photo_id: str, file_name: str, shared: Path, out: Path) -> None:
    """The crop as a one-channel gray JPEG (the scans are gray already: R = G = B)."""
    out.mkdir(parents=True, exist_ok=True)
    with Image.open(shared / "historical" / file_name) as img:
        img.convert("L").save(out / f"{photo_id}.jpg", quality=HISTORICAL_JPEG_QUALITY)


def build_prokudin(photo_id: str, file_name: str, shared: Path, out: Path) -> None:
    """``<id>_original.jpg`` (his colours) first, then ``<id>.jpg``: the lightness of that stored original.

    The scenes are small, grainy and strongly coloured: the colour JPEG keeps full-resolution chroma
    (no 4:2:0 subsampling), and the gray is taken from the JPEG as stored, so the two differ by the gray
    file's own compression only.
    """
    out.mkdir(parents=True, exist_ok=True)
    with Image.open(shared / "prokudin" / "colour" / file_name) as img:
        colour = downscale(img.convert("RGB"), PROKUDIN_MAX_SIDE)
    original = out / f"{photo_id}_original.jpg"
    colour.save(original, quality=HISTORICAL_JPEG_QUALITY, subsampling=0)
    with Image.open(original) as stored:
        gray = lightness_gray(np.asarray(stored.convert("RGB")))
    Image.fromarray(gray, "L").save(out / f"{photo_id}.jpg", quality=HISTORICAL_JPEG_QUALITY)


def main(argv: list[str] | None = None) -> None:
    """Rebuild every photo of the default gallery (not the Explainer's plate: see build_plate.py)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=GALLERY.parent.parent.parent / "shared")
    args = parser.parse_args(argv)
    for photo_id, file_name in HISTORICAL.items():
        build_historical(photo_id, file_name, args.shared, GALLERY / "historical")
        print(f"built historical/{photo_id}")
    for photo_id, file_name in PROKUDIN.items():
        build_prokudin(photo_id, file_name, args.shared, GALLERY / "prokudin")
        print(f"built prokudin/{photo_id}")
    for photo_id, source in SOURCES.items():
        build_modern(photo_id, source, args.shared, GALLERY / "modern")
        print(f"built modern/{photo_id}")


if __name__ == "__main__":
    main()
