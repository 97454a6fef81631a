"""A tiny stand-in for the bundled CRNN, built with onnx.helper, honouring the same ONNX contract.

Input ``image`` [N, 1, HEIGHT, W] -> average ink per HEIGHTx4 column -> ``log_probs`` [N, W/4, 4]: blank where
the column is paper, "a" where it is inked. Used only where the bundled model is absent (and onnx is
importable): it tests the plumbing (metadata, batching, trimming, decoding), not the accuracy.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vaddr.ocr_backends import preprocess

CHARSET = ["a", "b", "c"]
HEIGHT = preprocess.HEIGHT


def build(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = np.array([[-10.0, 10.0, -10.0, -10.0]], np.float32)  # [1, C]: ink pushes "a" up, blank down
    b = np.array([2.0, -2.0, -10.0, -10.0], np.float32)
    nodes = [
        helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[HEIGHT, 4], strides=[HEIGHT, 4]),
        helper.make_node("Squeeze", ["pooled", "axes12"], ["cols"]),
        helper.make_node("Unsqueeze", ["cols", "axes2"], ["feat"]),
        helper.make_node("MatMul", ["feat", "w"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["logits"]),
        helper.make_node("LogSoftmax", ["logits"], ["log_probs"], axis=2),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_crnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, HEIGHT, "W"])],
        [helper.make_tensor_value_info("log_probs", TensorProto.FLOAT, ["N", "T", len(CHARSET) + 1])],
        [
            numpy_helper.from_array(w, "w"),
            numpy_helper.from_array(b, "b"),
            numpy_helper.from_array(np.array([1, 2], np.int64), "axes12"),
            numpy_helper.from_array(np.array([2], np.int64), "axes2"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    props = {"charset": json.dumps(CHARSET), "height": str(HEIGHT), "note": "test stub"}
    helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path
