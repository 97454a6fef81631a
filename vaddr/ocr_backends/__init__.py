"""OCR backends: the `Recognizer` protocol, the registry, image loading, CTC decoding, the bundled CRNN.

Importing this package is cheap: onnxruntime is only imported when the CRNN backend first runs.
"""

from vaddr.ocr_backends.base import ImageInput, Recognition, Recognizer
from vaddr.ocr_backends.images import ImageError, load_gray
from vaddr.ocr_backends.registry import UnknownBackendError, available, get

__all__ = [
    "ImageError",
    "ImageInput",
    "Recognition",
    "Recognizer",
    "UnknownBackendError",
    "available",
    "get",
    "load_gray",
]
