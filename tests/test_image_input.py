"""load_image on real files written by the tests: every format, mode, size and failure."""

from __future__ import annotations

import io
import os
import struct
import tempfile
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from huerevive.errors import (
    EmptyFileError,
    ImageLoadError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    UnreadablePathError,
)
from huerevive.image_input import DEFAULT_MAX_PIXELS, load_image

NOBODY_UID = 65534


def gradient_rgb(width: int = 24, height: int = 16) -> np.ndarray:
    """A smooth colour ramp with no two neighbouring pixels alike (catches flips and transposes)."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack(
        [(x * 255 // max(1, width - 1)), (y * 255 // max(1, height - 1)), ((x + y) * 7) % 256], axis=2
    ).astype(np.uint8)


def png_with_header_size(width: int, height: int, mode: str = "L") -> bytes:
    """A small valid PNG whose IHDR then claims ``width`` x ``height`` (CRC fixed up)."""
    buf = io.BytesIO()
    Image.new(mode, (8, 8)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)


def with_exif_orientation(img: Image.Image, orientation: object) -> Image.Exif:
    exif = img.getexif()
    exif[0x0112] = orientation
    return exif


# --- every supported format ------------------------------------------------------------

LOSSLESS = {"PNG": ".png", "TIFF": ".tif", "BMP": ".bmp", "WEBP": ".webp"}


@pytest.mark.parametrize("fmt", sorted(LOSSLESS))
def test_lossless_formats_round_trip_exactly(tmp_path: Path, fmt: str) -> None:
    rgb = gradient_rgb()
    path = tmp_path / f"photo{LOSSLESS[fmt]}"
    Image.fromarray(rgb).save(path, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    loaded = load_image(path)
    assert loaded.size == (24, 16)
    assert loaded.alpha is None
    np.testing.assert_array_equal(loaded.rgb, rgb)
    assert loaded.name == str(path)


def test_jpeg_is_decoded_close_to_the_original(tmp_path: Path) -> None:
    rgb = gradient_rgb(64, 48)
    path = tmp_path / "photo.jpg"
    Image.fromarray(rgb).save(path, quality=95)
    loaded = load_image(path)
    assert loaded.rgb.shape == (48, 64, 3) and loaded.rgb.dtype == np.uint8
    assert np.abs(loaded.rgb.astype(int) - rgb).mean() < 4


def test_gif_gives_the_first_frame_of_an_animation(tmp_path: Path) -> None:
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
    frames = [Image.new("RGB", (12, 9), c) for c in colours]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(path) as check:
        assert check.n_frames == 3  # really animated, so "first frame" is being tested
    loaded = load_image(path)
    assert loaded.size == (12, 9)
    assert np.abs(loaded.rgb.astype(int) - colours[0]).max() <= 8


def test_format_is_sniffed_from_content_not_suffix(tmp_path: Path) -> None:
    path = tmp_path / "actually_a_png.jpg"
    Image.fromarray(gradient_rgb()).save(path, "PNG")
    np.testing.assert_array_equal(load_image(path).rgb, gradient_rgb())


# --- EXIF orientation --------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillows_reference(tmp_path: Path, orientation: int) -> None:
    img = Image.fromarray(gradient_rgb(30, 20))
    path = tmp_path / f"o{orientation}.png"
    img.save(path, exif=with_exif_orientation(img, orientation))
    with Image.open(path) as ref:
        expected = np.asarray(ImageOps.exif_transpose(ref).convert("RGB"))
    loaded = load_image(path)
    np.testing.assert_array_equal(loaded.rgb, expected)
    assert loaded.size == ((20, 30) if orientation >= 5 else (30, 20))


def test_jpeg_orientation_6_is_rotated_clockwise(tmp_path: Path) -> None:
    img = Image.new("RGB", (40, 20), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 10, 10))  # red block at the stored top-left
    path = tmp_path / "camera.jpg"
    img.save(path, quality=95, exif=with_exif_orientation(img, 6))
    loaded = load_image(path)
    assert loaded.size == (20, 40)
    # Orientation 6 = the camera was turned 90 degrees clockwise: stored top-left ends up top-right.
    assert loaded.rgb[2, 17, 0] > 200 and loaded.rgb[2, 17, 2] < 60
    assert loaded.rgb[2, 2, 2] > 200


@pytest.mark.parametrize("orientation", [0, 9, 255, 65535])
def test_garbage_orientation_leaves_the_photo_as_stored(tmp_path: Path, orientation: int) -> None:
    img = Image.fromarray(gradient_rgb(30, 20))
    path = tmp_path / "odd.png"
    img.save(path, exif=with_exif_orientation(img, orientation))
    np.testing.assert_array_equal(load_image(path).rgb, gradient_rgb(30, 20))


# --- colour modes ------------------------------------------------------------------------


def test_grayscale_becomes_three_equal_channels(tmp_path: Path) -> None:
    gray = gradient_rgb()[..., 0]
    path = tmp_path / "gray.png"
    Image.fromarray(gray, "L").save(path)
    loaded = load_image(path)
    for channel in range(3):
        np.testing.assert_array_equal(loaded.rgb[..., channel], gray)
    assert loaded.alpha is None


def test_rgba_alpha_is_kept_exactly(tmp_path: Path) -> None:
    rgb = gradient_rgb()
    alpha = np.tile(np.arange(24, dtype=np.uint8) * 10, (16, 1))
    path = tmp_path / "rgba.png"
    Image.fromarray(np.dstack((rgb, alpha)), "RGBA").save(path)
    loaded = load_image(path)
    np.testing.assert_array_equal(loaded.rgb, rgb)
    np.testing.assert_array_equal(loaded.alpha, alpha)


def test_la_gives_gray_and_alpha(tmp_path: Path) -> None:
    gray = gradient_rgb()[..., 1]
    alpha = 255 - gray
    path = tmp_path / "la.png"
    Image.merge("LA", (Image.fromarray(gray, "L"), Image.fromarray(alpha, "L"))).save(path)
    loaded = load_image(path)
    np.testing.assert_array_equal(loaded.rgb[..., 2], gray)
    np.testing.assert_array_equal(loaded.alpha, alpha)


def test_palette_without_transparency(tmp_path: Path) -> None:
    rgb = gradient_rgb()
    pal = Image.fromarray(rgb).quantize(colors=64)
    path = tmp_path / "pal.png"
    pal.save(path)
    loaded = load_image(path)
    np.testing.assert_array_equal(loaded.rgb, np.asarray(pal.convert("RGB")))
    assert loaded.alpha is None


def test_palette_with_transparency_gives_alpha(tmp_path: Path) -> None:
    pal = Image.new("P", (10, 6), 1)
    pal.putpalette([0, 0, 0, 250, 120, 10] + [0] * (254 * 3))
    pal.paste(0, (0, 0, 5, 6))  # left half is index 0, the transparent one
    path = tmp_path / "pal_t.png"
    pal.save(path, transparency=0)
    loaded = load_image(path)
    assert loaded.alpha is not None
    assert (loaded.alpha[:, :5] == 0).all() and (loaded.alpha[:, 5:] == 255).all()
    assert tuple(loaded.rgb[0, 7]) == (250, 120, 10)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_sixteen_bit_gray_is_scaled_not_clipped(tmp_path: Path, suffix: str) -> None:
    values = np.array([[0, 257, 32768, 65535], [1000, 20000, 50000, 65280]], dtype=np.uint16)
    img = Image.fromarray(values)
    assert img.mode == "I;16"
    path = tmp_path / f"deep{suffix}"
    img.save(path)
    with Image.open(path) as check:
        assert check.mode.startswith("I;16")  # the file really is 16-bit
    loaded = load_image(path)
    expected = np.round(values / 65535 * 255).astype(np.uint8)
    np.testing.assert_array_equal(loaded.rgb[..., 0], expected)
    np.testing.assert_array_equal(loaded.rgb[..., 1], expected)


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_cmyk_becomes_rgb(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"print{suffix}"
    Image.new("RGB", (16, 8), (200, 100, 50)).convert("CMYK").save(path)
    with Image.open(path) as check:
        assert check.mode == "CMYK"
    loaded = load_image(path)
    assert loaded.rgb.shape == (8, 16, 3)
    assert np.abs(loaded.rgb.astype(int) - (200, 100, 50)).max() <= 3


def test_one_bit_image(tmp_path: Path) -> None:
    path = tmp_path / "bw.png"
    img = Image.new("1", (9, 5), 0)
    img.paste(1, (0, 0, 4, 5))
    img.save(path)
    loaded = load_image(path)
    assert (loaded.rgb[:, :4] == 255).all() and (loaded.rgb[:, 4:] == 0).all()


@pytest.mark.parametrize("size", [(1, 1), (7, 3), (3, 7)])
def test_tiny_images(tmp_path: Path, size: tuple[int, int]) -> None:
    rgb = gradient_rgb(*size)
    path = tmp_path / "tiny.png"
    Image.fromarray(rgb).save(path)
    loaded = load_image(path)
    assert loaded.size == size
    np.testing.assert_array_equal(loaded.rgb, rgb)


# --- other source types --------------------------------------------------------------------


def test_bytes_file_object_pil_and_array_sources_agree(tmp_path: Path) -> None:
    rgb = gradient_rgb()
    path = tmp_path / "p.png"
    Image.fromarray(rgb).save(path)
    data = path.read_bytes()
    with Image.open(path) as pil:
        from_pil = load_image(pil)
    frozen = rgb.copy()
    frozen.flags.writeable = False
    for loaded in (load_image(data), load_image(io.BytesIO(data), name="upload.png"), from_pil, load_image(frozen)):
        np.testing.assert_array_equal(loaded.rgb, rgb)
        assert loaded.rgb.flags.writeable and loaded.rgb.flags.c_contiguous
    assert load_image(io.BytesIO(data), name="upload.png").name == "upload.png"


def test_array_with_alpha_and_bad_arrays() -> None:
    rgba = np.dstack((gradient_rgb(), np.full((16, 24), 77, np.uint8)))
    loaded = load_image(rgba)
    np.testing.assert_array_equal(loaded.alpha, 77)
    with pytest.raises(NotAnImageError, match="dtype float64"):
        load_image(gradient_rgb().astype(float))
    with pytest.raises(NotAnImageError, match=r"shape \(4, 4, 2\)"):
        load_image(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(NotAnImageError, match="no pixels"):
        load_image(np.zeros((0, 4, 3), np.uint8))


# --- size limits and decompression bombs --------------------------------------------------


def test_default_limit_is_about_fifty_megapixels() -> None:
    assert 40_000_000 <= DEFAULT_MAX_PIXELS <= 60_000_000


def test_configurable_limit(tmp_path: Path) -> None:
    path = tmp_path / "ten_by_ten.png"
    Image.new("L", (10, 10)).save(path)
    assert load_image(path, max_pixels=100).size == (10, 10)
    with pytest.raises(ImageTooLargeError, match=r"ten_by_ten\.png.*10x10 = 100 pixels.*limit of 99 pixels"):
        load_image(path, max_pixels=99)
    with pytest.raises(ValueError, match="max_pixels must be positive"):
        load_image(path, max_pixels=0)


def test_real_large_file_is_refused_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    Image.new("1", (8000, 7000)).save(path)  # a real 56 MP image, cheap because it is 1-bit
    with pytest.raises(ImageTooLargeError, match=r"poster\.png.*8000x7000 = 56\.0 megapixels.*50\.0 megapixels"):
        load_image(path)


def test_pil_decompression_bomb_becomes_our_error_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_with_header_size(30_000, 30_000))  # 900 MP claimed by a 100-byte file
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DecompressionBombWarning would fail the test
        with pytest.raises(ImageTooLargeError, match=r"bomb\.png.*decompression bomb"):
            load_image(path, max_pixels=10**12)  # even when the caller's own limit would allow it
        with pytest.raises(ImageTooLargeError, match=r"bomb\.png"):
            load_image(path)


def test_between_pils_warning_and_error_thresholds_no_warning_leaks(tmp_path: Path) -> None:
    path = tmp_path / "big_header.png"
    pixels = Image.MAX_IMAGE_PIXELS or 89_478_485
    side = int((pixels * 1.5) ** 0.5)  # PIL would only warn for this size
    path.write_bytes(png_with_header_size(side, side))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageTooLargeError):
            load_image(path)


# --- bad files ------------------------------------------------------------------------


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("these are my holiday notes, not a photo\n")
    with pytest.raises(NotAnImageError, match=r"notes\.jpg: not a supported image"):
        load_image(path)


@pytest.mark.parametrize(("fmt", "suffix"), [("JPEG", ".jpg"), ("PNG", ".png"), ("TIFF", ".tif"), ("WEBP", ".webp"), ("GIF", ".gif"), ("BMP", ".bmp")])
def test_truncated_file(tmp_path: Path, fmt: str, suffix: str) -> None:
    rng = np.random.default_rng(0)
    noisy = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)  # noise: no format can compress it away
    buf = io.BytesIO()
    Image.fromarray(noisy).save(buf, fmt)
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(TruncatedImageError, match=rf"cut\{suffix}: .*(truncated|corrupt)"):
        load_image(path)


def test_header_only_fragment_is_truncated_not_unknown(tmp_path: Path) -> None:
    path = tmp_path / "stub.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(TruncatedImageError, match=r"stub\.png: looks like a PNG"):
        load_image(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.touch()
    with pytest.raises(EmptyFileError, match=r"empty\.png: file is empty"):
        load_image(path)
    with pytest.raises(EmptyFileError):
        load_image(b"")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.jpg"
    with pytest.raises(UnreadablePathError, match=r"gone\.jpg: no such file"):
        load_image(path)


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadablePathError, match=rf"{tmp_path.name}: is a folder"):
        load_image(tmp_path)


def test_device_is_refused_without_blocking() -> None:
    with pytest.raises(UnreadablePathError, match="/dev/zero: is not a regular file"):
        load_image("/dev/zero")


def _load_error_as_nobody(path: Path) -> str:
    """The UnreadablePathError message when an unprivileged user loads ``path`` (forked child, no exec)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop root for real, try, report, and leave without running pytest's cleanup
        message = b"no error"
        try:
            os.setgroups([])
            os.setgid(NOBODY_UID)
            os.setuid(NOBODY_UID)
            load_image(path)
        except UnreadablePathError as exc:
            message = str(exc).encode()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as the failure
            message = f"{type(exc).__name__}: {exc}".encode()
        finally:
            os.write(write_end, message)
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


def test_no_permission() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # noqa: S103 - an unprivileged user must reach the file itself
        path = Path(folder) / "secret.png"
        Image.new("L", (4, 4)).save(path)
        path.chmod(0o000)
        if os.geteuid() == 0:
            message = _load_error_as_nobody(path)  # root ignores file modes
        else:
            with pytest.raises(UnreadablePathError) as info:
                load_image(path)
            message = str(info.value)
    assert message == f"{path}: permission denied"


def test_every_error_names_the_file_and_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "x.gif"
    path.write_bytes(b"GIF89a" + b"\x00" * 3)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert info.value.source == str(path) and str(path) in str(info.value)
    assert isinstance(info.value, ValueError)
