"""A recognizer plugin that reads every image as the same fixed line (test fixture for the registry)."""

from __future__ import annotations

from vaddr.ocr_backends import Recognition, load_gray
from vaddr.types import Hypothesis

FIXED = [("thon 1 ea ktur cu kuin dak lak", -0.5), ("thon 1 ea ktur cu kuin dak lac", -1.5)]


class FakeRecognizer:
    """Validates its inputs like a real backend would, then returns `FIXED`."""

    name = "fake"

    def __init__(self, threads: int = 1, **options: object) -> None:
        self.threads = threads
        self.options = options

    def recognize(self, images, top_k: int = 10) -> list[Recognition]:
        out = []
        for image in images:
            load_gray(image)
            hyps = [Hypothesis(text=t, log_prob=lp) for t, lp in FIXED[:top_k]]
            out.append(Recognition(hypotheses=hyps))
        return out
