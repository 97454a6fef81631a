"""`load_gray`: every accepted input type, EXIF orientation, and a clear error for every bad input."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vaddr.ocr_backends import ImageError, load_gray


def line_rgb(w: int = 200, h: int = 40) -> Image.Image:
    """White line image with a dark stroke in the left third (so orientation is observable)."""
    arr = np.full((h, w, 3), 255, np.uint8)
    arr[10:30, 5 : w // 3] = (20, 30, 200)
    return Image.fromarray(arr)


def encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.fixture
def png_path(tmp_path: Path) -> Path:
    p = tmp_path / "line.png"
    p.write_bytes(encode(line_rgb()))
    return p


def test_path_str_and_pathlike(png_path: Path) -> None:
    a = load_gray(png_path)
    b = load_gray(str(png_path))
    assert a.dtype == np.uint8 and a.shape == (40, 200)
    np.testing.assert_array_equal(a, b)
    assert a[0, 0] == 255 and a[20, 10] < 100


def test_bytes_pil_and_arrays_agree(png_path: Path) -> None:
    ref = load_gray(png_path)
    img = line_rgb()
    np.testing.assert_array_equal(load_gray(png_path.read_bytes()), ref)
    np.testing.assert_array_equal(load_gray(img), ref)
    rgb = np.asarray(img)
    assert np.abs(load_gray(rgb).astype(int) - ref).max() <= 1
    np.testing.assert_array_equal(load_gray(ref), ref)
    np.testing.assert_array_equal(load_gray(ref[:, :, None]), ref)
    np.testing.assert_array_equal(load_gray(ref.astype(np.float32) / 255.0), ref)


def test_rgba_transparent_background_becomes_white() -> None:
    arr = np.zeros((40, 200, 4), np.uint8)  # fully transparent black
    arr[10:30, 5:60] = (0, 0, 0, 255)  # opaque black ink
    gray = load_gray(arr)
    assert gray[0, 0] == 255 and gray[20, 10] == 0
    pil = load_gray(Image.fromarray(arr, "RGBA"))
    assert pil[0, 0] == 255 and pil[20, 10] == 0


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # Store the line rotated 90 degrees on disk, with EXIF orientation 6 ("rotate 90 CW to view"):
    # a camera that was held sideways. The loader must hand back the upright 200x40 line.
    upright = line_rgb()
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # 40x200 on disk
    exif = Image.Exif()
    exif[0x0112] = 6
    p = tmp_path / "rotated.jpg"
    p.write_bytes(encode(stored, "JPEG", exif=exif.tobytes(), quality=95))
    gray = load_gray(p)
    assert gray.shape == (40, 200)
    assert gray[20, 20] < 128 and gray[20, 180] > 200  # the stroke is back on the left


def test_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "nope.jpg"
    with pytest.raises(ImageError, match=r"nope\.jpg: no such file"):
        load_gray(p)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="directory"):
        load_gray(tmp_path)


def test_not_an_image(tmp_path: Path) -> None:
    p = tmp_path / "notes.jpg"
    p.write_text("this is not a picture")
    with pytest.raises(ImageError, match=r"notes\.jpg: not an image"):
        load_gray(p)
    with pytest.raises(ImageError, match="not an image"):
        load_gray(b"GIF89a garbage")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.png"
    p.write_bytes(b"")
    with pytest.raises(ImageError, match=r"empty\.png: file is empty"):
        load_gray(p)


def test_zero_size_array() -> None:
    with pytest.raises(ImageError, match="empty"):
        load_gray(np.zeros((0, 100), np.uint8))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_file(tmp_path: Path, fmt: str) -> None:
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (115, 1840), dtype=np.uint8))
    data = encode(img, fmt)
    p = tmp_path / f"cut.{fmt.lower()}"
    p.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ImageError, match=r"cut\.\w+: image file is truncated"):
        load_gray(p)


def test_truncated_jpeg_even_if_pil_tolerates_truncation(tmp_path: Path, monkeypatch) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = encode(line_rgb(400, 60), "JPEG")
    with pytest.raises(ImageError, match="truncated"):
        load_gray(data[: len(data) - 40])


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        ((40, 17000), "too large"),
        ((4100, 9000), "too large"),
        ((4, 300), "too small"),
        ((600, 200), "taller than wide"),
    ],
)
def test_absurd_sizes(shape: tuple[int, int], why: str) -> None:
    with pytest.raises(ImageError, match=why):
        load_gray(np.full(shape, 255, np.uint8))


def test_absurd_size_refused_from_header(tmp_path: Path) -> None:
    """A huge encoded image is refused from its header, and the message names the file."""
    p = tmp_path / "page.png"
    p.write_bytes(encode(Image.new("L", (20000, 50), 255)))
    with pytest.raises(ImageError, match=r"page\.png: 20000x50 px is too large"):
        load_gray(p)


def test_bad_array_shapes() -> None:
    with pytest.raises(ImageError, match="shape"):
        load_gray(np.zeros((40, 200, 2), np.uint8))
    with pytest.raises(ImageError, match="shape"):
        load_gray(np.zeros(200, np.uint8))
    with pytest.raises(ImageError, match="NaN"):
        load_gray(np.full((40, 200), np.nan, np.float32))


def test_wrong_type() -> None:
    with pytest.raises(TypeError, match="cannot read an image from int"):
        load_gray(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        load_gray([[0, 1], [2, 3]])  # type: ignore[arg-type]


def test_image_error_is_value_error() -> None:
    assert issubclass(ImageError, ValueError)
