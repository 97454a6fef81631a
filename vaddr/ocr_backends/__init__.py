"""OCR backends: the `Recognizer` protocol, the registry, image loading, CTC decoding, the bundled CRNN.

Importing this package is cheap: onnxruntime is only imported when the CRNN backend first runs.
"""

from vaddr.ocr_backends.base import ImageInput, InputImage, Recognition, Recognizer
from vaddr.ocr_backends.images import ImageError, load_gray
from vaddr.ocr_backends.registry import (
    BackendError,
    PluginResultError,
    UnknownBackendError,
    available,
    check_results,
    get,
)

__all__ = [
    "BackendError",
    "ImageError",
    "ImageInput",
    "InputImage",
    "PluginResultError",
    "Recognition",
    "Recognizer",
    "UnknownBackendError",
    "available",
    "check_results",
    "get",
    "load_gray",
]
