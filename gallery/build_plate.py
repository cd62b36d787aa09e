"""Rebuild the Explainer's glass plate (``gallery/default/plate``) from Prokudin-Gorskii's scan.

    .venv/bin/python gallery/build_plate.py [--shared ../shared]

Cuts the plate ``../shared/prokudin/plates/<SCENE>`` into its three exposures
(top to bottom: blue, green, red filter), lines blue and red up with green
(``huerevive.plates.align_plate``: edge matching), crops them alike, stretches
each, and writes:

- ``plate.jpg``: the scanned plate as it is (the three exposures stacked);
- ``blue.png``, ``green.png``, ``red.png``: the aligned exposures, gray;
- ``colour.png``: the three stacked as the red, green and blue of every pixel;
- ``plate.toml``: title, credits and the shifts found (written here, not by hand).

The shifts are checked against the corpus's own alignment (``MANIFEST.tsv``,
``alignment_shift``); a difference of more than one pixel stops the build.
This runs offline; the Explainer page only reads the files.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

from PIL import Image

from huerevive.plates import CHANNELS, PLATE_DIR, PLATE_MANIFEST, align_plate, read_plate, to_u8

SCENE = "prk_01043"  # "Peasant girls", 1909: bright red, purple and white dresses, so the channels differ clearly
PLATE_JPEG_QUALITY = 90
TITLE = {"en": "Peasant girls", "ko": "농촌 소녀들"}
ERA = "1909"
CREDIT = "Sergei Prokudin-Gorskii, Library of Congress Prokudin-Gorskii Collection"
LICENCE = "No known restrictions on publication (Library of Congress)"
SOURCE = (
    "Library of Congress, Prokudin-Gorskii Collection, negative 01043 (LoC reference JPEG 01043v.jpg, "
    "via GitHub klaseskilson/Prokudin-Gorskii-colorization)"
)


def manifest_shifts(shared: Path, scene: str) -> dict[str, tuple[int, int]]:
    """The corpus's alignment of ``scene`` ('B(2, -1) R(2, 1) rel. G (dy,dx)') as {'blue': .., 'red': ..}."""
    with open(shared / "prokudin" / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh, delimiter="\t") if Path(r["file"]).stem == scene)
    pairs = re.findall(r"([BR])\((-?\d+), (-?\d+)\)", row["alignment_shift"])
    found = {channel: (int(dy), int(dx)) for channel, dy, dx in pairs}
    return {"blue": found["B"], "red": found["R"]}


def plate_file(shared: Path, scene: str) -> Path:
    return next(p for p in sorted((shared / "prokudin" / "plates").iterdir()) if p.stem == scene)


def build(shared: Path, out: Path = PLATE_DIR, scene: str = SCENE) -> dict[str, tuple[int, int]]:
    """Write the plate, its three aligned exposures, their combination and ``plate.toml``; return the shifts."""
    source = plate_file(shared, scene)
    plate = read_plate(source)
    aligned = align_plate(plate)
    expected = manifest_shifts(shared, scene)
    for name, shift in expected.items():
        got = aligned.shifts[name]
        if max(abs(got[0] - shift[0]), abs(got[1] - shift[1])) > 1:
            raise SystemExit(f"{scene}: {name} shift {got} differs from the corpus's {shift}; check the alignment")
    out.mkdir(parents=True, exist_ok=True)
    Image.fromarray(to_u8(plate), "L").save(out / "plate.jpg", quality=PLATE_JPEG_QUALITY)
    for name in CHANNELS:
        Image.fromarray(getattr(aligned, name), "L").save(out / f"{name}.png", optimize=True)
    Image.fromarray(aligned.rgb(), "RGB").save(out / "colour.png", optimize=True)
    shifts = "\n".join(f"{name} = [{dy}, {dx}]" for name, (dy, dx) in aligned.shifts.items())
    (out / PLATE_MANIFEST).write_text(
        "# Written by gallery/build_plate.py; do not edit by hand (rebuild instead).\n"
        "# Shifts: (dy, dx) in pixels that line each exposure up with the green one.\n"
        f"scene = {json.dumps(scene)}\n"
        f"title = {{ en = {json.dumps(TITLE['en'])}, ko = {json.dumps(TITLE['ko'], ensure_ascii=False)} }}\n"
        f"era = {json.dumps(ERA)}\n"
        f"credit = {json.dumps(CREDIT)}\n"
        f"licence = {json.dumps(LICENCE)}\n"
        f"source = {json.dumps(SOURCE)}\n\n"
        "[files]\n"
        'plate = "plate.jpg"\nblue = "blue.png"\ngreen = "green.png"\nred = "red.png"\ncolour = "colour.png"\n\n'
        f"[shifts]\n{shifts}\n",
        encoding="utf-8",
    )
    return aligned.shifts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PLATE_DIR.parent.parent.parent.parent / "shared")
    args = parser.parse_args(argv)
    shifts = build(args.shared)
    print(f"built {PLATE_DIR} from {SCENE}: shifts {shifts}")


if __name__ == "__main__":
    main()
