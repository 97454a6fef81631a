"""Load any reasonable image input as a grayscale uint8 line image, or fail with a message a user can act on.

Why so strict: the recognizer is trained on single handwritten lines. A truncated upload, a whole page, a
rotated phone photo or a 1-pixel sliver would still "recognise" into confident garbage; it is kinder to say
what is wrong with the file than to return a wrong address.

Bounded resources, whatever the input: a path is checked with ``fstat`` before anything is read (only regular
files; a FIFO, ``/dev/zero`` or a directory is refused without blocking), at most `MAX_FILE_BYTES` are read,
the image's size is checked from its header before decoding (`MAX_WIDTH`, `MAX_HEIGHT`, `MAX_DECODED_BYTES`),
and a large image is brought down to at most `WORK_PIXELS` right after decoding (JPEGs are decoded at a reduced
scale directly), so one image costs at most `MAX_DECODED_BYTES` while it is decoded and `WORK_PIXELS` bytes
after. Multi-frame files (animated GIF, multi-page TIFF) are refused rather than read at their first frame.
"""

from __future__ import annotations

import io
import math
import os
import stat
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from vaddr.ocr_backends.base import ImageInput
from vaddr.validation import safe_name

__all__ = [
    "ImageError",
    "load_gray",
    "describe",
    "MAX_WIDTH",
    "MAX_HEIGHT",
    "MIN_SIDE",
    "MAX_TALL_RATIO",
    "MAX_FILE_BYTES",
    "MAX_DECODED_BYTES",
    "WORK_PIXELS",
    "PAGE_HEIGHT",
    "LINE_ASPECT",
]

#: Sizes beyond which an input cannot be one line photographed at a sane resolution.
MAX_WIDTH = 16000
MAX_HEIGHT = 4000
#: Below this many pixels on either side there is no handwriting to read.
MIN_SIDE = 8
#: A line is wider than tall; allow some slack for a single short word with generous margins.
MAX_TALL_RATIO = 2.0
#: An image at least this high must be at least `LINE_ASPECT` times as wide as high: a taller one is a page or a
#: photo with the line somewhere in it (real form lines: ~1840x115 px, aspect 16).
PAGE_HEIGHT = 800
LINE_ASPECT = 2.0
#: Files larger than this are refused before reading (a 16000x4000 line photo is well under 30 MB as JPEG).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Width x height x bytes per pixel an image may decode to, checked from the header before decoding (the largest
#: 8-bit RGB line, 16000x4000, takes 183 MB; the same in RGBA or 32-bit would take 244 MB and is refused).
MAX_DECODED_BYTES = 200 * 1024 * 1024
#: Images with more pixels are reduced right after decoding (real form lines have 0.2 M; the model reads 32 px
#: of height anyway): each loaded line then costs at most this many bytes, so a batch of N at most N times it.
WORK_PIXELS = 2_000_000
#: PIL's own decompression-bomb limit is set to the largest image `_check_size` lets through.
_PIL_MAX_PIXELS = MAX_WIDTH * MAX_HEIGHT


class ImageError(ValueError):
    """The input is not a usable line image. The message names the input and says why."""


def describe(source: object) -> str:
    """A short name for an input, used in error messages and in results."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        return safe_name(path if isinstance(path, str) else os.fsdecode(path))
    if isinstance(source, (bytes, bytearray, memoryview)):
        return f"<{len(source)} bytes>"
    if isinstance(source, np.ndarray):
        return f"<array {'x'.join(map(str, source.shape))} {source.dtype}>"
    if isinstance(source, Image.Image):
        return safe_name(getattr(source, "filename", "")) or f"<PIL image {source.width}x{source.height} {source.mode}>"
    return safe_name(f"<{type(source).__name__}>")


def _check_size(width: int, height: int, name: str) -> None:
    if width <= 0 or height <= 0:
        raise ImageError(f"{name}: image is empty ({width}x{height} px)")
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise ImageError(
            f"{name}: {width}x{height} px is too large for one text line "
            f"(limits {MAX_WIDTH} px wide, {MAX_HEIGHT} px high); crop the line first"
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ImageError(f"{name}: {width}x{height} px is too small to hold handwriting (min {MIN_SIDE} px)")
    if height > MAX_TALL_RATIO * width:
        raise ImageError(
            f"{name}: {width}x{height} px is much taller than wide, which cannot be a single text line; "
            "is it rotated, or a whole page? Crop one line, upright"
        )
    if height >= PAGE_HEIGHT and width < LINE_ASPECT * height:
        raise ImageError(
            f"{name}: {width}x{height} px looks like a page or a photo, not one cropped line of writing "
            f"(a line image {PAGE_HEIGHT} px high or more is at least {LINE_ASPECT:g} times as wide); crop the line"
        )


_BANDS = {"1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "I;16": 2, "I;16B": 2, "I;16L": 2, "I": 4, "F": 4, "RGB": 3}


def _check_decoded_bytes(img: Image.Image, name: str) -> None:
    w, h = img.size
    need = w * h * _BANDS.get(img.mode, 4)
    if need > MAX_DECODED_BYTES:
        raise ImageError(
            f"{name}: {w}x{h} px {img.mode} would take {need / 2**20:.0f} MB to decode "
            f"(limit {MAX_DECODED_BYTES // 2**20} MB); save it as 8-bit grayscale or crop the line"
        )


def _reduce_factor(w: int, h: int) -> int:
    return max(1, math.ceil(math.sqrt(w * h / WORK_PIXELS))) if w * h > WORK_PIXELS else 1


def _shrink(img: Image.Image) -> Image.Image:
    """At most `WORK_PIXELS` pixels: reduced by an integer factor (box filter), early, so the full-size decode is
    freed before any conversion copies it."""
    f = _reduce_factor(*img.size)
    if f == 1:
        return img
    if img.mode not in ("L", "LA", "RGB", "RGBA", "I", "F"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "L")
    return img.reduce(f)


def _jpeg_looks_truncated(data: bytes) -> bool:
    """Fallback for when someone enabled PIL's LOAD_TRUNCATED_IMAGES globally: no end-of-image marker near
    the end of the file. (By default PIL itself raises on truncated files.)"""
    return data[:2] == b"\xff\xd8" and data.rfind(b"\xff\xd9", max(0, len(data) - 65536)) < 0


def _from_pil(img: Image.Image, name: str) -> np.ndarray:
    try:
        img = ImageOps.exif_transpose(img) or img
    except Exception:  # a broken EXIF block should not make an otherwise fine image unreadable
        pass
    _check_size(img.width, img.height, name)
    img = _shrink(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent background: composite on white paper, else it turns black like the ink.
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(paper, rgba)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
        return np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
    if img.mode == "F":
        return _from_array(np.asarray(img), name)
    return np.ascontiguousarray(np.asarray(img.convert("L"), dtype=np.uint8))


def _open_encoded(data: bytes, name: str) -> np.ndarray:
    if not data:
        raise ImageError(f"{name}: file is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(
            f"{name}: {len(data) / 2**20:.0f} MB is more than a line image needs (limit {MAX_FILE_BYTES // 2**20} MB)"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            # Check the header's size before decoding: an absurd image is refused without the cost.
            _check_size(*_oriented_size(img), name)
            _check_decoded_bytes(img, name)
            frames = getattr(img, "n_frames", 1)
            if frames > 1 and img.format != "MPO":  # MPO: a phone JPEG with its preview, read as the JPEG
                raise ImageError(
                    f"{name}: {img.format} with {frames} frames; a line image has one (save the frame to read)"
                )
            f = _reduce_factor(*img.size)
            if f > 1 and img.format in ("JPEG", "MPO"):
                img.draft(img.mode, (img.width // f, img.height // f))  # decode at 1/2, 1/4 or 1/8 scale
            img.load()
    except UnidentifiedImageError:
        raise ImageError(f"{name}: not an image (unrecognised format)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageError(f"{name}: image is absurdly large ({e})") from None
    except ImageError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        msg = str(e)
        if "truncat" in msg.lower():
            raise ImageError(f"{name}: image file is truncated or corrupt ({msg}); re-export or re-upload it") from None
        raise ImageError(f"{name}: cannot decode image ({type(e).__name__}: {msg})") from None
    if img.format == "JPEG" and ImageFile.LOAD_TRUNCATED_IMAGES and _jpeg_looks_truncated(data):
        raise ImageError(f"{name}: JPEG file is truncated (no end-of-image marker); re-export or re-upload it")
    return _from_pil(img, name)


def _oriented_size(img: Image.Image) -> tuple[int, int]:
    """Size after applying the EXIF orientation, without decoding pixels."""
    w, h = img.size
    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:
        orientation = 1
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def _from_array(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise ImageError(f"{name}: expected an HxW, HxWx3 or HxWx4 array, got shape {arr.shape}")
    _check_size(arr.shape[1], arr.shape[0], name)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.float32)
    if arr.dtype != np.uint8:
        if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
            raise ImageError(f"{name}: unsupported array dtype {arr.dtype}")
        a = arr.astype(np.float32)
        if not np.isfinite(a).all():
            raise ImageError(f"{name}: array contains NaN or infinite values")
        # Floats in [0, 1] are the common "normalised" convention; anything else is taken as 0..255.
        if np.issubdtype(arr.dtype, np.floating) and a.size and a.max() <= 1.0 and a.min() >= 0.0:
            a = a * 255.0
        arr = np.clip(np.rint(a), 0, 255).astype(np.uint8)
    if arr.ndim == 3:
        rgb = arr[:, :, :3].astype(np.float32)
        gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as PIL's convert("L")
        if arr.shape[2] == 4:
            alpha = arr[:, :, 3].astype(np.float32) / 255.0
            gray = gray * alpha + 255.0 * (1.0 - alpha)
        arr = np.clip(np.rint(gray), 0, 255).astype(np.uint8)
    if _reduce_factor(arr.shape[1], arr.shape[0]) > 1:
        arr = np.asarray(_shrink(Image.fromarray(arr)))
    return np.ascontiguousarray(arr)


def _read_file(path: Path, name: str) -> bytes:
    """The bytes of a regular file of at most `MAX_FILE_BYTES`, or an `ImageError` saying why not.

    Opened non-blocking and checked with ``fstat`` on the open descriptor: a FIFO does not hang the call, a
    device such as ``/dev/zero`` is never read, and the check is of the file actually read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ImageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ImageError(f"{name}: is a directory, not an image") from None
    except OSError as e:
        raise ImageError(f"{name}: cannot open file ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ImageError(f"{name}: is a directory, not an image")
        if not stat.S_ISREG(st.st_mode):
            raise ImageError(f"{name}: is {_file_kind(st.st_mode)}, not an image file")
        if st.st_size > MAX_FILE_BYTES:
            raise ImageError(
                f"{name}: {st.st_size / 2**20:.0f} MB is more than a line image needs "
                f"(limit {MAX_FILE_BYTES // 2**20} MB); not read"
            )
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as f:
        try:
            return f.read(MAX_FILE_BYTES + 1)  # a file grown since fstat is cut short here, then refused
        except OSError as e:
            raise ImageError(f"{name}: cannot read file ({e.strerror or e})") from None


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def load_gray(source: ImageInput) -> np.ndarray:
    """Return the image as an HxW uint8 array (0 = black ink, 255 = white paper), upright per EXIF.

    Accepts a path (str or PathLike), encoded bytes, a PIL image or a numpy array (HxW, HxWx1, HxWx3 RGB,
    HxWx4 RGBA; uint8, or floats in [0, 1]). Raises `ImageError` (a ValueError) naming the input and the
    problem, or TypeError for an unsupported input type.
    """
    name = describe(source)
    if isinstance(source, (str, os.PathLike)):
        return _open_encoded(_read_file(Path(source), name), name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _open_encoded(bytes(source), name)
    if isinstance(source, Image.Image):
        try:
            source.load()
        except OSError as e:
            raise ImageError(f"{name}: cannot decode image ({e})") from None
        return _from_pil(source, name)
    if isinstance(source, np.ndarray):
        return _from_array(source, name)
    raise TypeError(
        f"cannot read an image from {type(source).__name__}; pass a path, bytes, a PIL image or a numpy array"
    )
