"""Load any reasonable image input as a grayscale uint8 line image, or fail with a message a user can act on.

Why so strict: the recognizer is trained on single handwritten lines. A truncated upload, a whole page, a
rotated phone photo or a 1-pixel sliver would still "recognise" into confident garbage; it is kinder to say
what is wrong with the file than to return a wrong address.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from vaddr.ocr_backends.base import ImageInput

__all__ = ["ImageError", "load_gray", "describe", "MAX_WIDTH", "MAX_HEIGHT", "MIN_SIDE", "MAX_TALL_RATIO"]

#: Sizes beyond which an input cannot be one line photographed at a sane resolution.
MAX_WIDTH = 16000
MAX_HEIGHT = 4000
#: Below this many pixels on either side there is no handwriting to read.
MIN_SIDE = 8
#: A line is wider than tall; allow some slack for a single short word with generous margins.
MAX_TALL_RATIO = 2.0


class ImageError(ValueError):
    """The input is not a usable line image. The message names the input and says why."""


def describe(source: object) -> str:
    """A short name for an input, used in error messages and in results."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return f"<{len(source)} bytes>"
    if isinstance(source, np.ndarray):
        return f"<array {'x'.join(map(str, source.shape))} {source.dtype}>"
    if isinstance(source, Image.Image):
        return getattr(source, "filename", "") or f"<PIL image {source.width}x{source.height} {source.mode}>"
    return f"<{type(source).__name__}>"


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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            # Check the header's size before decoding: an absurd image is refused without the cost.
            w, h = img.size
            if w > MAX_WIDTH or h > MAX_HEIGHT or w <= 0 or h <= 0:
                _check_size(*_oriented_size(img), name)
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
    return np.ascontiguousarray(arr)


def load_gray(source: ImageInput) -> np.ndarray:
    """Return the image as an HxW uint8 array (0 = black ink, 255 = white paper), upright per EXIF.

    Accepts a path (str or PathLike), encoded bytes, a PIL image or a numpy array (HxW, HxWx1, HxWx3 RGB,
    HxWx4 RGBA; uint8, or floats in [0, 1]). Raises `ImageError` (a ValueError) naming the input and the
    problem, or TypeError for an unsupported input type.
    """
    name = describe(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise ImageError(f"{name}: no such file")
        if path.is_dir():
            raise ImageError(f"{name}: is a directory, not an image")
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ImageError(f"{name}: cannot read file ({e.strerror or e})") from None
        return _open_encoded(data, name)
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
