"""Rebuild the images of the embedded default gallery (``gallery/default``) from their sources.

    .venv/bin/python gallery/build_default.py [--shared ../shared]

Sources are only public-domain / CC0 photos: validation photos from
``../shared/photos/val`` (never trained on, so their colour original may be
shown as truth) and sample images shipped inside scikit-image. Each photo is
downscaled to at most 1280 px on its long side; ``<id>.jpg`` is its lightness
(CIE L) as a gray image, the input the visitor sees colorized, and
``<id>_original.jpg`` the colour original, when the photo may show one.
The texts and credits live in ``gallery/default/collection.toml``, written by hand.
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
JPEG_QUALITY = 90


@dataclass(frozen=True)
class Source:
    """Where one gallery photo comes from, and whether its colour original may be shown."""

    val_file: str | None = None  # file name in ../shared/photos/val
    skimage_name: str | None = None  # function in skimage.data
    with_original: bool = True


SOURCES: dict[str, Source] = {
    "red-pyramid": Source(val_file="gcompris-qt-data__redPyramid__88041c.jpg"),
    "eiffel-tower": Source(val_file="gcompris-qt-data__eiffelTower__bafe3f.jpg"),
    "trier-imperial-baths": Source(val_file="gcompris-qt-data__trierImperialBaths__9a5690.jpg"),
    "victoria-memorial": Source(val_file="gcompris-qt-data__victoriaMemorial__e150bf.jpg"),
    "mount-rushmore": Source(val_file="gcompris-qt-data__mountRushmore__d3681b.jpg"),
    "great-wall-mutianyu": Source(val_file="gcompris-qt-data__greatWall__84c6e6.jpg"),
    "qutub-minar": Source(val_file="gcompris-qt-data__kutubMinar__76b610.jpg"),
    "christ-the-redeemer": Source(val_file="gcompris-qt-data__christTheRedeemer__573a54.jpg"),
    "empire-state-building": Source(val_file="gcompris-qt-data__empireState__8c14b3.jpg"),
    "geothermal-plant": Source(val_file="gcompris-qt-data__geothermal__23aa52.jpg"),
    "basket-star": Source(val_file="gcompris-qt-data__sea6__41aa4a.jpg"),
    "coral-reef": Source(val_file="tuxpaint-data__reef-back__dd2c72.jpg"),
    "camera": Source(skimage_name="camera", with_original=False),  # grayscale already: no truth exists
    "coffee": Source(skimage_name="coffee"),  # held out of training (training/holdout.txt)
    "chelsea": Source(skimage_name="chelsea"),  # held out of training (training/holdout.txt)
    "astronaut": Source(skimage_name="astronaut", with_original=False),  # trained on: no truth shown
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


def build(photo_id: str, source: Source, shared: Path, out: Path) -> None:
    """Write ``<id>.jpg`` (gray) and, if allowed, ``<id>_original.jpg`` (colour) into ``out``."""
    img = downscale(load_source(source, shared))
    gray = np.asarray(img) if img.mode == "L" else lightness_gray(np.asarray(img))
    Image.fromarray(gray, "L").save(out / f"{photo_id}.jpg", quality=JPEG_QUALITY)
    if source.with_original:
        img.save(out / f"{photo_id}_original.jpg", quality=JPEG_QUALITY)


def main(argv: list[str] | None = None) -> None:
    """Rebuild every image of the default gallery."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=GALLERY.parent.parent.parent / "shared")
    args = parser.parse_args(argv)
    GALLERY.mkdir(parents=True, exist_ok=True)
    for photo_id, source in SOURCES.items():
        build(photo_id, source, args.shared, GALLERY)
        print(f"built {photo_id}")


if __name__ == "__main__":
    main()
