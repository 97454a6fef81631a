"""End-to-end check of a bundled ONNX model on the held-out real writers, from the JPEG files.

Runs the runtime path (grayscale load -> ``prepare`` -> onnxruntime -> greedy CTC) on the photos of
``VAL_WRITERS`` (never trained on) and prints CER / exact / Kalapa overall and per writer, plus a few
predictions next to their labels.

    .venv/bin/python -m training.evaluate --model vaddr/ocr_backends/models/crnn.onnx
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

from training.common import MODEL_PATH, REAL_DIR, preprocess
from training.real_data import VAL_WRITERS, read_labels
from vaddr.metrics import summarize
from vaddr.ocr_backends.ctc import greedy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=MODEL_PATH)
    ap.add_argument("--show", type=int, default=12)
    a = ap.parse_args()
    sess = ort.InferenceSession(str(a.model), providers=["CPUExecutionProvider"])
    charset = json.loads(sess.get_modelmeta().custom_metadata_map["charset"])
    rows = [r for r in read_labels(REAL_DIR) if r[0] in VAL_WRITERS]
    preds, labels, by_writer = [], [], defaultdict(lambda: ([], []))
    for writer, path, label in sorted(rows):
        x = preprocess.prepare(np.asarray(Image.open(path).convert("L")))
        lp = sess.run(["log_probs"], {"image": x[None]})[0][0]
        p = greedy(lp, charset).text
        preds.append(p)
        labels.append(label)
        by_writer[writer][0].append(p)
        by_writer[writer][1].append(label)
    print("all", json.dumps({k: round(v, 4) for k, v in summarize(preds, labels).items()}))
    for w, (p, t) in sorted(by_writer.items()):
        print(f"writer {w:>4s}", json.dumps({k: round(v, 4) for k, v in summarize(p, t).items()}))
    for p, t in list(zip(preds, labels, strict=True))[:: max(1, len(preds) // max(1, a.show))][: a.show]:
        print(f"  label: {t}\n  pred:  {p}")


if __name__ == "__main__":
    main()
