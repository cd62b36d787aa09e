"""``huerevive archive`` on a local Ray: real photos with hostile files, a kill and a resume, a file list,
and outputs pixel for pixel the same as ``huerevive colorize``.

The Ray tests share one local Ray started in this process (2 CPUs, a small
object store); the kill test runs the real command line in subprocesses: the
first run starts its own local Ray and is SIGKILLed, the re-run joins the
shared Ray with ``--address``.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
from PIL import Image

from conftest import REPO
from huerevive.archive import (
    MANIFEST_NAME,
    ArchiveInputError,
    Manifest,
    ManifestBusyError,
    plan_archive,
    read_photo_list,
    run_archive,
)
from huerevive.cli import build_parser, main
from huerevive.color import rgb_u8_to_l
from test_cli import CLI_TIMEOUT, every_file, image_size, make_png
from test_image_input import png_with_header_size

RAY_OBJECT_STORE_BYTES = 200 * 2**20


def read_manifest(outdir: Path) -> list[dict[str, Any]]:
    """Every complete line of OUTDIR/manifest.jsonl, parsed."""
    text = (outdir / MANIFEST_NAME).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def archive(*argv: str | Path) -> tuple[int, str]:
    """Run ``huerevive archive`` in this process (on the shared Ray); returns (exit status, stderr text)."""
    args = build_parser().parse_args(["archive", *map(str, argv)])
    err = io.StringIO()
    return run_archive(args, err), err.getvalue()


def lightness(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return rgb_u8_to_l(np.array(img.convert("RGB"))).numpy()


def pixels(path: Path) -> tuple[str, np.ndarray]:
    with Image.open(path) as img:
        return img.mode, np.array(img)


def colorize_one_thread(*argv: str | Path) -> int:
    """``huerevive colorize`` in this process with 1 torch thread, like each archive worker (1 CPU).

    The thread count changes float rounding order, which can move a few pixels
    by one level; with the same count the outputs must be identical.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return main(["colorize", *map(str, argv)])
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def val_photos(photos_dir: Path) -> list[Path]:
    photos = sorted((photos_dir / "val").glob("*.jpg"))
    assert len(photos) >= 8, f"expected at least 8 validation photos in {photos_dir / 'val'}"
    return photos[:8]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[str]:
    """One local Ray for this module's in-process runs; yields its address for subprocesses to join."""
    try:
        import ray
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Ray is not installed: requirements.txt installs ray[data]")
        pytest.skip("needs Ray: pip install 'huerevive[archive]'")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        address="local",
        num_cpus=2,
        object_store_memory=RAY_OBJECT_STORE_BYTES,
        include_dashboard=False,
        log_to_driver=False,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


# --- without Ray: the parser, the planning, the manifest ------------------------------------------


def test_help_names_the_manifest_and_the_extra(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["archive", "--help"]) == 0
    text = capsys.readouterr().out
    assert "manifest.jsonl" in text and "huerevive[archive]" in text and "--address" in text and "--workers" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--workers", "0"), "--workers must be at least 1"),
        (("--saturation", "3"), "--saturation must be between 0 and 2"),
        (("--format", "gif"), "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    make_png(tmp_path / "in" / "a.png", (8, 8))
    assert main(["archive", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_input_must_be_a_folder_or_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    photo = make_png(tmp_path / "a.png", (8, 8))
    binary = tmp_path / "list.bin"
    binary.write_bytes(b"\0\1\2")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n\n")
    cases = [
        (photo, "is a photo"),
        (tmp_path / "missing", "no such folder or file"),
        (binary, "not a text list"),
        (empty, "lists no photo paths"),
    ]
    for source, message in cases:
        assert main(["archive", str(source), "-o", str(tmp_path / "out")]) == 2, source
        assert message in capsys.readouterr().err, source
    assert not (tmp_path / "out").exists()


def test_without_ray_it_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_png(tmp_path / "in" / "a.png", (8, 8))
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    assert main(["archive", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 2
    assert "pip install 'huerevive[archive]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_file_list_paths_keep_their_layout_under_outdir(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    lists = tmp_path / "lists"
    lists.mkdir()
    listed = lists / "todo.txt"
    listed.write_text(
        "# box 1 and box 2\n"
        "../scans/box1/a.tif\n"
        "\n"
        f"{scans / 'box2' / 'deep' / 'b.jpg'}\n"
        "../scans/box2/missing.png\n"
        "../scans/box2/twin.jpg\n"
        "../scans/box2/twin.png\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert read_photo_list(listed)[0] == scans / "box1" / "a.tif"
    jobs, problems = plan_archive(listed, out, ".png")
    assert {(j.source, j.target) for j in jobs} == {
        (scans / "box1" / "a.tif", out / "box1" / "a.png"),
        (scans / "box2" / "deep" / "b.jpg", out / "box2" / "deep" / "b.png"),
        (scans / "box2" / "missing.png", out / "box2" / "missing.png"),  # load_image will explain it
    }
    assert sorted(p.name for p, _ in problems) == ["twin.jpg", "twin.png"]
    assert all("would all be written to" in reason for _, reason in problems)

    inside = tmp_path / "inside.txt"
    inside.write_text(f"{out / 'x.png'}\n{scans / 'y.png'}\n")
    jobs, problems = plan_archive(inside, out, ".png")
    assert [j.source for j in jobs] == [scans / "y.png"]
    assert problems and "is inside the output folder" in problems[0][1]
    with pytest.raises(ArchiveInputError, match="lists no photo paths"):
        read_photo_list(make_list(tmp_path / "blank.txt", ""))


def make_list(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_manifest_cuts_a_half_written_line_and_ignores_garbage(tmp_path: Path) -> None:
    path = tmp_path / MANIFEST_NAME
    done = {"input": "/a/x.jpg", "output": "x.png", "status": "done"}
    failed = {"input": "/a/y.jpg", "output": "y.png", "status": "failed", "error": "broken"}
    path.write_bytes(
        (json.dumps(done) + "\n" + "not json\n" + json.dumps(failed) + "\n").encode() + b'{"input": "/a/z.jpg", "outp'
    )
    with Manifest(path) as manifest:
        assert manifest.torn and manifest.unreadable == 1
        assert manifest.latest == {("/a/x.jpg", "x.png"): "done", ("/a/y.jpg", "y.png"): "failed"}
        manifest.append({"input": "/a/z.jpg", "output": "z.png", "status": "done"})
        manifest.append({"input": "caf\udce9.jpg", "output": "caf\udce9.png", "status": "done"})  # not UTF-8
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(json.loads(line) for line in lines[:-1] if line != b"not json")
    with Manifest(path) as again:
        assert not again.torn
        assert again.latest[("/a/z.jpg", "z.png")] == "done" and again.latest[("caf\udce9.jpg", "caf\udce9.png")] == "done"


def test_a_second_run_on_the_same_outdir_is_refused(tmp_path: Path) -> None:
    path = tmp_path / MANIFEST_NAME
    with Manifest(path):
        with pytest.raises(ManifestBusyError, match="another `huerevive archive` run"):
            Manifest(path)


# --- on a local Ray -------------------------------------------------------------------------------

GOOD_SYNTHETIC = {Path("tiny.png"): (7, 3), Path("glass/clear.png"): (20, 12)}
BROKEN = {
    "broken/truncated.jpg": "truncated",
    "broken/empty.png": "empty",
    "broken/text.jpg": "not a supported image",
    "broken/bomb.png": "above the limit",
    "clash/portrait.jpg": "would all be written to",
    "clash/portrait.png": "would all be written to",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, val_photos: list[Path], local_ray: str) -> dict[str, Any]:
    """A folder of real photos (odd names included) with broken and hostile files, archived once."""
    root = tmp_path_factory.mktemp("hostile")
    album = root / "album"
    real = {
        Path("1950s") / val_photos[0].name: val_photos[0],
        Path("1950s") / val_photos[1].name: val_photos[1],
        Path("사진 모음") / "가족 사진 1.jpg": val_photos[2],
        Path(os.fsdecode(b"caf\xe9 \xff.jpg")): val_photos[3],  # a file name that is not UTF-8
    }
    for rel, source in real.items():
        (album / rel).parent.mkdir(parents=True, exist_ok=True)
        (album / rel).write_bytes(source.read_bytes())
    make_png(album / "tiny.png", (7, 3))
    make_png(album / "glass" / "clear.png", (20, 12), "RGBA")
    (album / "broken").mkdir()
    (album / "broken" / "truncated.jpg").write_bytes(val_photos[0].read_bytes()[:300])
    (album / "broken" / "empty.png").write_bytes(b"")
    (album / "broken" / "text.jpg").write_text("this is not a photo")
    (album / "broken" / "bomb.png").write_bytes(png_with_header_size(100_000, 100_000))
    make_png(album / "clash" / "portrait.jpg", (8, 8))  # a PNG under a .jpg name: both want portrait.png
    make_png(album / "clash" / "portrait.png", (8, 8))
    (album / "notes.txt").write_text("not a photo suffix: ignored")

    out = root / "out"
    code, err = archive(album, "-o", out, "--workers", "2")
    return {
        "album": album,
        "out": out,
        "code": code,
        "err": err,
        "good": {rel.with_suffix(".png"): album / rel for rel in [*real, *GOOD_SYNTHETIC]},
        "manifest": read_manifest(out),
        "mtimes": {p: p.stat().st_mtime_ns for p in out.rglob("*.png")},
    }


@pytest.mark.slow
def test_good_photos_coloured_with_lightness_kept(hostile_run: dict[str, Any]) -> None:
    out = hostile_run["out"]
    assert every_file(out) == set(hostile_run["good"]) | {Path(MANIFEST_NAME)}  # no temp files, nothing broken
    for rel, source in hostile_run["good"].items():
        assert image_size(out / rel) == image_size(source)
        assert np.abs(lightness(out / rel) - lightness(source)).mean() <= 1.0, rel
    with Image.open(out / "glass" / "clear.png") as img:
        assert img.mode == "RGBA"
    done = [r for r in hostile_run["manifest"] if r["status"] == "done"]
    assert sorted(r["output"] for r in done) == sorted(rel.as_posix() for rel in hostile_run["good"])
    for record in done:
        source = Path(record["input"])
        assert source.is_absolute() and hostile_run["good"][Path(record["output"])] == source
        assert (record["width"], record["height"]) == image_size(source)
        assert record["error"] is None and record["seconds"] > 0 and record["model_version"]


@pytest.mark.slow
def test_every_broken_file_is_in_the_manifest_with_its_reason(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["code"] == 1, hostile_run["err"]
    failed = {r["input"]: r for r in hostile_run["manifest"] if r["status"] == "failed"}
    assert set(failed) == {str(hostile_run["album"] / rel) for rel in BROKEN}
    for rel, reason in BROKEN.items():
        record = failed[str(hostile_run["album"] / rel)]
        assert reason in record["error"], record
        assert f"failed: {hostile_run['album'] / rel}: " in hostile_run["err"]
    assert len(hostile_run["manifest"]) == len(hostile_run["good"]) + len(BROKEN)  # one line per photo
    assert f"{len(hostile_run['good'])} done, 0 skipped (done in an earlier run), {len(BROKEN)} failed" in hostile_run["err"]
    assert "ETA" in hostile_run["err"] and "photos/s" in hostile_run["err"]


@pytest.mark.slow
def test_outputs_are_identical_to_colorize(hostile_run: dict[str, Any], tmp_path: Path) -> None:
    reference = tmp_path / "colorize"
    assert colorize_one_thread(hostile_run["album"], "-o", reference) == 1  # the same broken files fail
    for rel in hostile_run["good"]:
        mode, archived = pixels(hostile_run["out"] / rel)
        ref_mode, coloured = pixels(reference / rel)
        assert mode == ref_mode and np.array_equal(archived, coloured), rel


@pytest.mark.slow
def test_rerun_skips_what_is_done_and_retries_failures(hostile_run: dict[str, Any]) -> None:
    out = hostile_run["out"]
    code, err = archive(hostile_run["album"], "-o", out, "--workers", "2")
    assert code == 1, err
    assert f"0 done, {len(hostile_run['good'])} skipped (done in an earlier run), {len(BROKEN)} failed" in err
    records = read_manifest(out)
    done = Counter(r["input"] for r in records if r["status"] == "done")
    assert len(done) == len(hostile_run["good"]) and set(done.values()) == {1}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.png")} == hostile_run["mtimes"]  # nothing rewritten


@pytest.mark.slow
def test_file_list_input_with_format_and_saturation(tmp_path: Path, val_photos: list[Path], local_ray: str) -> None:
    scans = tmp_path / "scans"
    for box, photo in (("box1", val_photos[4]), ("box2", val_photos[5])):
        (scans / box).mkdir(parents=True)
        (scans / box / photo.name).write_bytes(photo.read_bytes())
    listed = tmp_path / "lists" / "weekend.txt"
    listed.parent.mkdir()
    listed.write_text(
        f"# two boxes\n../scans/box1/{val_photos[4].name}\n{scans / 'box2' / val_photos[5].name}\n../scans/box2/lost.jpg\n"
    )
    out = tmp_path / "out"
    code, err = archive(listed, "-o", out, "--workers", "1", "--format", "jpg", "--saturation", "0.5")
    assert code == 1, err
    outputs = {Path("box1") / (val_photos[4].stem + ".jpg"), Path("box2") / (val_photos[5].stem + ".jpg")}
    assert every_file(out) == outputs | {Path(MANIFEST_NAME)}
    records = {r["input"]: r for r in read_manifest(out)}
    lost = records[str(scans / "box2" / "lost.jpg")]
    assert lost["status"] == "failed" and lost["error"] == "no such file" and lost["output"] == "box2/lost.jpg"

    reference = tmp_path / "colorize"
    sources = [scans / "box1" / val_photos[4].name, scans / "box2" / val_photos[5].name]
    assert colorize_one_thread(*sources, "-o", reference, "--format", "jpg", "--saturation", "0.5") == 0
    for rel in outputs:
        assert pixels(out / rel)[1].shape == pixels(reference / rel.name)[1].shape
        assert np.array_equal(pixels(out / rel)[1], pixels(reference / rel.name)[1]), rel


def session_processes(session: int) -> list[int]:
    """Live (non-zombie) processes in this session: what a killed run may have left behind."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.slow
def test_killed_run_then_rerun_colours_each_photo_exactly_once(
    tmp_path: Path, val_photos: list[Path], local_ray: str
) -> None:
    album = tmp_path / "album"
    album.mkdir()
    for photo in val_photos:
        (album / photo.name).write_bytes(photo.read_bytes())
    out = tmp_path / "out"
    command = [sys.executable, "-m", "huerevive", "archive", str(album), "-o", str(out), "--workers", "1"]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + CLI_TIMEOUT
        manifest = out / MANIFEST_NAME
        while not (manifest.exists() and manifest.read_text(encoding="utf-8").count('"status": "done"') >= 2):
            assert proc.poll() is None, f"the run ended before it was killed:\n{proc.stderr.read().decode()}"
            assert time.monotonic() < deadline, "no photo was recorded in time"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and everything it started in its process group
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    deadline = time.monotonic() + 60
    while (left := session_processes(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.5)  # Ray's own processes notice that their driver is gone
    for pid in left:  # never leave a stray Ray behind, even when failing
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the killed run still alive: {left}"

    before = read_manifest(out)
    recorded = {r["input"] for r in before if r["status"] == "done"}
    assert 2 <= len(recorded) < len(val_photos), "the kill was not halfway through"
    for photo in album.iterdir():  # every output with a final name is a complete photo
        target = out / (photo.stem + ".png")
        if target.exists():
            assert image_size(target) == image_size(photo)
    # What a kill in the middle of a write leaves: a half-written manifest line and a partial output.
    with open(out / MANIFEST_NAME, "ab") as stream:
        stream.write(b'{"input": "' + bytes(album / val_photos[-1].name) + b'", "output": "x.png", "sta')
    (out / f".{val_photos[-1].stem}.png.abc123.huerevive-partial").write_bytes(b"\x89PNG half")

    rerun = subprocess.run(
        [*command, "--address", local_ray], cwd=REPO, capture_output=True, text=True, timeout=CLI_TIMEOUT
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "removed a half-written last line" in rerun.stderr
    assert re.search(r"removed \d+ partial files? left by a killed run", rerun.stderr), rerun.stderr
    assert f"resuming: {len(recorded)} photos already done" in rerun.stderr  # at least 2 were recorded
    assert f"{len(val_photos) - len(recorded)} done, {len(recorded)} skipped" in rerun.stderr
    records = read_manifest(out)
    assert records[: len(before)] == before  # earlier lines are kept as they were
    done = Counter(r["input"] for r in records if r["status"] == "done")
    assert done == Counter({str(album / p.name): 1 for p in val_photos})  # each photo exactly once
    assert every_file(out) == {Path(p.stem + ".png") for p in val_photos} | {Path(MANIFEST_NAME)}
    for photo in val_photos:
        assert image_size(out / (photo.stem + ".png")) == image_size(photo)
