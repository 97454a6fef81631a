"""The bundled recognizer: a small CRNN exported to ONNX, run with onnxruntime, decoded by CTC beam search.

Why ONNX: inference needs no torch (a ~1 GB dependency) and onnxruntime is fast on one CPU thread. The model
file carries its own charset and input height in ``metadata_props``, so the decoder can never disagree with
the network that produced the posteriors.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from vaddr.ocr_backends import ctc
from vaddr.ocr_backends.base import ImageInput, Recognition
from vaddr.ocr_backends.images import load_gray

__all__ = ["CrnnOnnx", "bundled_model_bytes", "default_model_path", "MODEL_ENV"]

#: Lines in one ONNX batch may differ in width by at most this factor (padding is wasted compute).
_WIDTH_SLACK = 1.3


#: Environment variable naming another model file to use by default (to try a freshly trained model).
MODEL_ENV = "VADDR_CRNN_MODEL"


def default_model_path() -> Path:
    """``$VADDR_CRNN_MODEL`` if set, else the model shipped inside the package (a path that exists only when
    the package is installed as files; the model itself is read with `bundled_model_bytes`)."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    return Path(str(resources.files("vaddr.ocr_backends") / "models" / "crnn.onnx"))


def bundled_model_bytes() -> bytes | None:
    """The bundled model through importlib.resources (works from a zip or wheel on sys.path), None if absent."""
    res = resources.files("vaddr.ocr_backends").joinpath("models", "crnn.onnx")
    return res.read_bytes() if res.is_file() else None


class CrnnOnnx:
    """Default backend ("crnn"). Cheap to construct: the ONNX session is created on first use, once.

    ``threads``: onnxruntime intra-op threads (1 is best for latency per line and for running many processes).
    ``beam_width``: CTC prefix beam width. ``max_batch``: lines per ONNX run.
    """

    name = "crnn"

    def __init__(
        self,
        model_path: str | Path | None = None,
        threads: int = 1,
        beam_width: int = 10,
        max_batch: int = 16,
        providers: Sequence[str] | None = None,
    ) -> None:
        self.model_path = Path(model_path) if model_path is not None else default_model_path()
        self._bundled = model_path is None and not os.environ.get(MODEL_ENV)
        self.threads = max(1, int(threads))
        self.beam_width = beam_width
        self.max_batch = max(1, max_batch)
        self.providers = list(providers) if providers else ["CPUExecutionProvider"]
        self._session: Any = None
        self._charset: list[str] = []
        self._height = 0
        self._metadata: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- model ------------------------------------------------------------------------------------------
    def _load(self) -> Any:
        with self._lock:
            if self._session is not None:
                return self._session
            model: str | bytes | None = bundled_model_bytes() if self._bundled else None
            if model is None:
                if not self.model_path.is_file():
                    raise FileNotFoundError(
                        f"CRNN model not found at {self.model_path}; the package was installed without its model "
                        "file (training/ exports it)"
                    )
                model = str(self.model_path)
            import onnxruntime as ort  # deferred: importing it costs ~100 ms

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.log_severity_level = 3
            session = ort.InferenceSession(model, sess_options=opts, providers=self.providers)
            meta = dict(session.get_modelmeta().custom_metadata_map)
            if "charset" not in meta:
                raise ValueError(f"{self.model_path}: model metadata has no 'charset'")
            self._charset = list(json.loads(meta["charset"]))
            self._height = int(meta.get("height", 0))
            self._metadata = meta
            self._input = session.get_inputs()[0].name
            self._output = session.get_outputs()[0].name
            self._session = session
            return session

    @property
    def charset(self) -> list[str]:
        """Characters of classes 1..C-1 (class 0 is the CTC blank)."""
        self._load()
        return self._charset

    @property
    def metadata(self) -> dict[str, str]:
        """The model's ``metadata_props`` (charset, height, training provenance)."""
        self._load()
        return self._metadata

    # -- inference --------------------------------------------------------------------------------------
    def posteriors(self, grays: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per-line ``[T_i, C]`` log posteriors for already loaded grayscale uint8 line images."""
        from vaddr.ocr_backends import preprocess

        return self.posteriors_prepared([preprocess.prepare(g) for g in grays])

    def posteriors_prepared(self, prepared: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per-line ``[T_i, C]`` log posteriors for model inputs made by ``preprocess.prepare``
        (``[1, H, W_i]`` float32), run in batches of similar width."""
        from vaddr.ocr_backends import preprocess

        session = self._load()
        for p in prepared:
            if self._height and p.shape[-2] != self._height:
                raise ValueError(f"input height {p.shape[-2]} but the model expects {self._height}")
        out: list[np.ndarray] = [np.empty((0, len(self._charset) + 1), np.float32)] * len(prepared)
        for group in self._groups([p.shape[-1] for p in prepared]):
            x = preprocess.batch([prepared[i] for i in group]).astype(np.float32, copy=False)
            (lp,) = session.run([self._output], {self._input: x})
            w_max, t_max = x.shape[-1], lp.shape[1]
            # Padding columns map to trailing frames; drop them so the decoder only sees the line. The CNN
            # pools the width by an integer stride (T = W // stride + offset, offset usually 0).
            stride = max(1, round(w_max / max(1, t_max)))
            offset = t_max - w_max // stride
            for row, i in enumerate(group):
                t_i = min(t_max, max(1, prepared[i].shape[-1] // stride + offset))
                out[i] = np.ascontiguousarray(lp[row, :t_i])
        return out

    def _groups(self, widths: list[int]) -> list[list[int]]:
        """Indices batched by similar width, so padding stays small."""
        order = sorted(range(len(widths)), key=widths.__getitem__)
        groups: list[list[int]] = []
        for i in order:
            g = groups[-1] if groups else None
            if g and len(g) < self.max_batch and widths[i] <= _WIDTH_SLACK * max(1, widths[g[0]]):
                g.append(i)
            else:
                groups.append([i])
        return groups

    def recognize(self, images: Sequence[ImageInput], top_k: int = 10) -> list[Recognition]:
        """Read each line image; hypotheses best first, plus the posteriors for the corrector."""
        grays = [load_gray(im) for im in images]
        if not grays:
            return []
        charset = self.charset
        results = []
        for lp in self.posteriors(grays):
            hyps = ctc.beam_search(lp, charset, beam_width=max(self.beam_width, top_k), top_k=top_k)
            results.append(Recognition(hypotheses=hyps, log_probs=lp, charset=charset))
        return results
