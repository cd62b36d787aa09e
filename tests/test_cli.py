"""The real ``huerevive`` command line, run as a subprocess on real photos and files made here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import REPO
from huerevive.cli import main

pytestmark = pytest.mark.slow

CLI_TIMEOUT = 600  # seconds; the CPU is shared, so be generous, but never hang CI forever


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "huerevive", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
    )


def every_file(folder: Path) -> set[Path]:
    """All files below ``folder``, hidden ones (temporary files) included, relative to it."""
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def image_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as img:
        img.load()  # a partial file would fail here
        return img.size


@pytest.fixture(scope="module")
def val_photos(photos_dir: Path) -> list[Path]:
    photos = sorted((photos_dir / "val").glob("*.jpg"))
    assert len(photos) >= 8, f"expected at least 8 validation photos in {photos_dir / 'val'}"
    return photos[:8]


def make_png(path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(len(path.name))
    channels = len(mode)
    Image.fromarray(rng.integers(0, 256, (size[1], size[0], channels), dtype=np.uint8).squeeze(), mode).save(path)
    return path


def test_help_works_for_module_and_console_script() -> None:
    for args in (("--help",), ("colorize", "--help")):
        proc = run_cli(*args)
        assert proc.returncode == 0, proc.stderr
        assert "colorize" in proc.stdout
    assert "--max-megapixels" in proc.stdout and "--overwrite" in proc.stdout
    script = Path(sys.executable).with_name("huerevive")
    if script.exists():  # installed with `pip install -e .`; the module form above is the fallback
        proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=CLI_TIMEOUT)
        assert proc.returncode == 0 and "colorize" in proc.stdout, proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "required"),
        (("colorize", "x.jpg"), "-o/--output"),
        (("colorize", "x.jpg", "-o", "out", "--saturation", "2.5"), "--saturation must be between 0 and 2"),
        (("colorize", "x.jpg", "-o", "out", "--format", "gif"), "invalid choice"),
        (("colorize", "x.jpg", "-o", "out", "--max-megapixels", "0"), "--max-megapixels must be positive"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    # In-process through the console script's own entry point: same code, without a torch start-up per case.
    monkeypatch.chdir(tmp_path)
    assert main(list(args)) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clash = tmp_path / "out"
    clash.write_text("a file, not a folder")
    assert main(["colorize", str(tmp_path / "x.jpg"), "-o", str(clash)]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err


def test_batch_reports_bad_file_and_writes_the_rest(tmp_path: Path, val_photos: list[Path]) -> None:
    real = val_photos[:2]
    tiny = make_png(tmp_path / "in" / "tiny.png", (7, 3))
    rgba = make_png(tmp_path / "in" / "clear.png", (20, 12), "RGBA")
    broken = tmp_path / "in" / "broken.jpg"
    broken.write_bytes(real[0].read_bytes()[:300])
    out = tmp_path / "out"
    out.mkdir()
    stale = out / "clear.png"
    stale.write_text("an older result that must not be replaced by default")

    proc = run_cli("colorize", *real, tiny, broken, rgba, "-o", out)
    assert proc.returncode == 1, proc.stderr
    failed_lines = [line for line in proc.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed_lines) == 1 and str(broken) in failed_lines[0] and "truncated" in failed_lines[0]
    assert f"skipped, exists: {stale}" in proc.stderr
    assert "3 done, 1 skipped (output exists), 1 failed" in proc.stderr
    assert "ETA" in proc.stderr  # the progress bar
    for source in (*real, tiny):
        target = out / (source.stem + ".png")
        assert str(target) in proc.stdout.splitlines()
        assert image_size(target) == image_size(source)
    assert stale.read_text().startswith("an older result")
    assert every_file(out) == {Path(p.stem + ".png") for p in (*real, tiny, rgba)}

    again = run_cli("colorize", *real, tiny, rgba, "-o", out, "--overwrite")
    assert again.returncode == 0, again.stderr
    assert "4 done, 0 skipped (output exists), 0 failed" in again.stderr
    with Image.open(stale) as replaced:
        assert replaced.mode == "RGBA" and replaced.size == (20, 12)


def test_rerun_skips_everything_already_done(tmp_path: Path) -> None:
    photo = make_png(tmp_path / "one.png", (16, 16))
    out = tmp_path / "out"
    assert run_cli("colorize", photo, "-o", out).returncode == 0
    first = (out / "one.png").stat().st_mtime_ns
    proc = run_cli("colorize", photo, "-o", out)
    assert proc.returncode == 0
    assert "0 done, 1 skipped (output exists), 0 failed" in proc.stderr
    assert (out / "one.png").stat().st_mtime_ns == first


def test_jpg_format_and_saturation_zero(tmp_path: Path, val_photos: list[Path]) -> None:
    rgba = make_png(tmp_path / "glass.png", (10, 6), "RGBA")
    out = tmp_path / "out"
    proc = run_cli("colorize", val_photos[2], rgba, "-o", out, "--format", "jpg", "--saturation", "0")
    assert proc.returncode == 0, proc.stderr
    assert every_file(out) == {Path(val_photos[2].stem + ".jpg"), Path("glass.jpg")}
    with Image.open(out / (val_photos[2].stem + ".jpg")) as img:
        assert img.format == "JPEG" and img.size == image_size(val_photos[2])
        rgb = np.asarray(img.convert("RGB")).astype(int)
    # Saturation 0 = gray; JPEG's chroma rounding allows a few levels between channels.
    assert np.abs(rgb[..., 0] - rgb[..., 2]).max() <= 6
    with Image.open(out / "glass.jpg") as img:
        assert img.format == "JPEG" and img.mode == "RGB" and img.size == (10, 6)


def test_folders_are_searched_recursively_keeping_sub_folders(tmp_path: Path) -> None:
    album = tmp_path / "album"
    make_png(album / "1950s" / "beach.png", (12, 8))
    make_png(album / "1960s" / "beach.png", (8, 12))  # same stem, other sub-folder: no collision
    make_png(album / "1960s" / "deep" / "er" / "wedding.PNG", (9, 9))
    (album / "notes.txt").write_text("not a photo, and not a photo suffix: ignored")
    out = album / "colour"  # inside the input: must not be fed back in on a re-run

    proc = run_cli("colorize", album, "-o", out)
    assert proc.returncode == 0, proc.stderr
    expected = {Path("1950s/beach.png"), Path("1960s/beach.png"), Path("1960s/deep/er/wedding.png")}
    assert every_file(out) == expected
    assert image_size(out / "1950s/beach.png") == (12, 8)
    assert image_size(out / "1960s/beach.png") == (8, 12)

    rerun = run_cli("colorize", album, "-o", out)
    assert rerun.returncode == 0 and "0 done, 3 skipped" in rerun.stderr
    assert every_file(out) == expected


def test_same_stem_from_two_explicit_inputs_is_refused(tmp_path: Path) -> None:
    first = make_png(tmp_path / "a" / "portrait.png", (8, 8))
    second = make_png(tmp_path / "b" / "portrait.bmp", (8, 8))
    other = make_png(tmp_path / "other.png", (8, 8))
    out = tmp_path / "out"
    proc = run_cli("colorize", first, second, other, "-o", out)
    assert proc.returncode == 1
    collision = [line for line in proc.stderr.splitlines() if "would all be written to" in line]
    assert len(collision) == 2 and all(str(first) in line and str(second) in line for line in collision)
    assert every_file(out) == {Path("other.png")}


def test_photo_above_the_megapixel_limit_is_reported(tmp_path: Path) -> None:
    small = make_png(tmp_path / "small.png", (10, 10))
    large = make_png(tmp_path / "large.png", (100, 100))
    out = tmp_path / "out"
    proc = run_cli("colorize", small, large, "-o", out, "--max-megapixels", "0.001")
    assert proc.returncode == 1
    assert f"failed: {large}: image is 100x100 = 10000 pixels, above the limit of 1000 pixels" in proc.stderr
    assert every_file(out) == {Path("small.png")}


def test_sigint_midway_leaves_no_partial_files_and_rerun_finishes(tmp_path: Path, val_photos: list[Path]) -> None:
    out = tmp_path / "out"
    args = [sys.executable, "-m", "huerevive", "colorize", *map(str, val_photos), "-o", str(out)]
    proc = subprocess.Popen(
        args,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A child of a background job inherits "ignore SIGINT"; give it the normal Ctrl-C behaviour.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + CLI_TIMEOUT
        while not any(p.suffix == ".png" and not p.name.startswith(".") for p in out.glob("*")):
            assert proc.poll() is None, "the CLI ended before writing its first output"
            assert time.monotonic() < deadline, "no output appeared in time"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=CLI_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    written = every_file(out)
    assert 1 <= len(written) < len(val_photos), "SIGINT was not midway through the batch"
    assert all(p.suffix == ".png" and not p.name.startswith(".") for p in written), written  # no temp files
    for rel in written:  # every file with a final name is a complete photo
        source = next(s for s in val_photos if s.stem == rel.stem)
        assert image_size(out / rel) == image_size(source)

    rerun = run_cli("colorize", *val_photos, "-o", out)
    assert rerun.returncode == 0, rerun.stderr
    done = len(val_photos) - len(written)
    assert f"{done} done, {len(written)} skipped (output exists), 0 failed" in rerun.stderr
    assert every_file(out) == {Path(p.stem + ".png") for p in val_photos}


def test_input_folder_inside_the_output_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    album = tmp_path / "album"
    make_png(album / "a.png", (8, 8))
    assert main(["colorize", str(album), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"failed: {album}: is inside the output folder {tmp_path}" in err
    assert "0 done, 0 skipped (output exists), 1 failed" in err
    assert every_file(tmp_path) == {Path("album/a.png")}


def test_written_files_follow_the_umask_not_mkstemps_0600(tmp_path: Path) -> None:
    """A shared archive folder must stay readable: outputs get 0666 less the umask."""
    from huerevive.cli import save_atomically

    target = tmp_path / "out" / "photo.png"
    before = os.umask(0o027)
    try:
        save_atomically(Image.new("RGB", (4, 4), (200, 30, 30)), target, "PNG")
        assert os.umask(0o027) == 0o027  # the write left the umask as it was
    finally:
        os.umask(before)
    assert target.stat().st_mode & 0o777 == 0o666 & ~0o027
    assert Image.open(target).getpixel((0, 0)) == (200, 30, 30)
    assert not list(target.parent.glob(".photo.png.*"))  # no temporary left behind
