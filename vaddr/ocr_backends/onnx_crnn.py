"""The bundled recognizer: a small CRNN exported to ONNX, run with onnxruntime, decoded by CTC beam search.

Why ONNX: inference needs no torch (a ~1 GB dependency) and onnxruntime is fast on one CPU thread. The model
file carries its own charset and input height in ``metadata_props``, so the decoder can never disagree with
the network that produced the posteriors.
"""

from __future__ import annotations

import json
import logging
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

log = logging.getLogger(__name__)

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
    res = resources.files("vaddr.ocr_backends").joinpath("models").joinpath("crnn.onnx")  # 1 arg: Python 3.10
    return res.read_bytes() if res.is_file() else None


class CrnnOnnx:
    """Default backend ("crnn"). Cheap to construct: the ONNX session is created on first use, once.

    ``threads``: onnxruntime intra-op threads (1 is best for latency per line and for running many processes).
    ``beam_width``: CTC prefix beam width. ``max_batch``: accepted for compatibility and unused: every line is
    run alone (see `posteriors_prepared`). ``check_lines``: decide "no line of writing here" (`linecheck`).
    """

    name = "crnn"

    def __init__(
        self,
        model_path: str | Path | None = None,
        threads: int = 1,
        beam_width: int = 10,
        max_batch: int = 16,
        providers: Sequence[str] | None = None,
        check_lines: bool = True,
    ) -> None:
        self.model_path = Path(model_path) if model_path is not None else default_model_path()
        self._bundled = model_path is None and not os.environ.get(MODEL_ENV)
        if not self._bundled and not self.model_path.is_file():  # the user's path: say so now, not per image
            given = f"${MODEL_ENV}" if model_path is None else "model_path"
            raise FileNotFoundError(f"CRNN model not found at {self.model_path} (set by {given})")
        self.threads = max(1, int(threads))
        self.beam_width = beam_width
        self.max_batch = max(1, max_batch)
        self.check_lines = check_lines
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
            log.info(
                "crnn: loaded %s (providers %s, %d threads)", self.model_path, session.get_providers(), self.threads
            )
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
        (``[1, H, W_i]`` float32).

        Each line is run alone, at its own width: a line's reading is a function of that line only, whatever
        else is in the call. Batching cannot give that with this model: it is dynamically quantized
        (``DynamicQuantizeLinear`` takes one scale from the min/max of the whole input tensor), so in a batch
        every row's activations are quantized with a scale set by its neighbours, and padding to a common
        width changes what the bidirectional LSTM sees after the line. Measured on real lines, the batched
        runs moved per-frame log-probabilities by up to 0.6 and changed readings; running alone costs little
        throughput (benchmarks/ocr.py reports both).
        """
        session = self._load()
        for p in prepared:
            if self._height and p.shape[-2] != self._height:
                raise ValueError(f"input height {p.shape[-2]} but the model expects {self._height}")
        out: list[np.ndarray] = []
        for p in prepared:
            x = np.ascontiguousarray(p, dtype=np.float32)[None]  # [1, 1, H, W]
            (lp,) = session.run([self._output], {self._input: x})
            out.append(np.ascontiguousarray(lp[0]))
        return out

    def recognize(self, images: Sequence[ImageInput], top_k: int = 10) -> list[Recognition]:
        """Read each line image; hypotheses best first, plus the posteriors for the corrector.

        An image with no line of writing in it (blank, noise, texture; see `linecheck`) still gets its
        hypotheses, with `Recognition.no_text` saying why it holds no text (unless ``check_lines`` is off).
        """
        from vaddr.ocr_backends import linecheck, preprocess

        grays = [load_gray(im) for im in images]
        if not grays:
            return []
        charset = self.charset
        prepared = [preprocess.prepare_with_layout(g) for g in grays]
        results = []
        for (_, layout), lp in zip(prepared, self.posteriors_prepared([x for x, _ in prepared]), strict=True):
            hyps = ctc.beam_search(lp, charset, beam_width=max(self.beam_width, top_k), top_k=top_k)
            reason = linecheck.no_text_reason(layout, lp) if self.check_lines else None
            results.append(Recognition(hypotheses=hyps, log_probs=lp, charset=charset, no_text=reason))
        return results
