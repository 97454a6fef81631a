"""Export a checkpoint to ONNX (the contract of docs/architecture.md), quantise it, measure both.

Input ``image`` float32 [N, 1, HEIGHT, W] (dynamic N and W), output ``log_probs`` float32 [N, T, C]
(log-softmax inside the graph, CTC blank = 0). ``metadata_props``: ``charset`` (JSON list of the
characters of indices 1..C-1), ``height``, and provenance (command, seed, steps, metrics).

int8 dynamic quantisation (onnxruntime) is kept only when it costs at most ``--max-cer-loss`` CER
points on the validation data; otherwise the fp32 graph is bundled.

    .venv/bin/python -m training.export --ckpt training/runs/crnn32/best.pt
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

from training.charset import CHARSET, NUM_CLASSES, decode_greedy
from training.common import CACHE, MODEL_PATH, ROOT, preprocess
from training.model import CRNN
from training.train import LineSet, load_real, load_shards, make_batch
from vaddr.metrics import summarize

CHECKPOINT = ROOT / "training" / "checkpoint.pt"


def load_model(ckpt_path: Path) -> tuple[CRNN, dict]:
    ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    cfg = ck["config"]
    model = CRNN(cfg["num_classes"], cfg["height"], tuple(cfg["channels"]), cfg["hidden"])
    model.load_state_dict(ck["model"])
    model.eval()
    assert ck["charset"] == CHARSET and cfg["num_classes"] == NUM_CLASSES
    return model, ck


def to_onnx(model: CRNN, path: Path) -> None:
    """TorchScript-based exporter (stable for LSTMs), dynamic batch and width."""
    x = torch.zeros(2, 1, preprocess.HEIGHT, 256)
    kw = dict(
        input_names=["image"],
        output_names=["log_probs"],
        opset_version=17,
        dynamic_axes={"image": {0: "batch", 3: "width"}, "log_probs": {0: "batch", 1: "frames"}},
    )
    try:
        torch.onnx.export(model, (x,), str(path), dynamo=False, **kw)
    except TypeError:  # older torch without the dynamo switch
        torch.onnx.export(model, (x,), str(path), **kw)


def check_equivalence(model: CRNN, path: Path, data: LineSet) -> float:
    """Max |torch - onnxruntime| of the log-probs on a small batch of two different widths."""
    x, *_ = make_batch(data.images[:3], [""] * 3)
    with torch.no_grad():
        ref = model(x).numpy()
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = sess.run(["log_probs"], {"image": x.numpy()})[0]
    return float(np.abs(ref - got).max())


def add_metadata(path: Path, meta: dict[str, str]) -> None:
    m = onnx.load(str(path))
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, str(path))


def quantize(src: Path, dst: Path, float_output_layer: bool = False) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415

    # Conv layers stay fp32: ConvInteger is slower than float conv on CPU and they hold few weights;
    # the LSTM and linear layers hold ~80% of the parameters. ``float_output_layer`` keeps the output
    # layer fp32 (+0.24 MB): its per-tensor int8 scale would otherwise move every character's weights
    # when a fine-tune grows the rows of a few (training.finetune_head).
    quantize_dynamic(
        str(src),
        str(dst),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["LSTM", "MatMul", "Gemm"],
        nodes_to_exclude=["/fc/MatMul"] if float_output_layer else [],
    )


def onnx_predict(path: Path, data: LineSet, batch: int = 32) -> tuple[list[str], float]:
    """Greedy decoding with onnxruntime; returns predictions and ms per line."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    order = sorted(range(len(data)), key=lambda i: data.images[i].shape[1])
    preds: dict[int, str] = {}
    t = time.time()
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        x, _, in_len, _ = make_batch([data.images[i] for i in idx], [""] * len(idx))
        lp = sess.run(["log_probs"], {"image": x.numpy()})[0]
        best = lp.argmax(-1)
        for k, i in enumerate(idx):
            preds[i] = decode_greedy(best[k, : int(in_len[k])].tolist())
    ms = (time.time() - t) * 1000 / max(1, len(data))
    return [preds[i] for i in range(len(data))], ms


def validation_sets(real: Path, synth_val: Path, n_synth: int) -> dict[str, LineSet]:
    sets = {"synth_val": load_shards(synth_val, n_synth)}
    if real.exists():
        sets["real_val"] = load_real(real)[1]
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description="Export, quantise and bundle the CRNN as ONNX.")
    ap.add_argument("--ckpt", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--real", type=Path, default=CACHE / "real.npz")
    ap.add_argument("--synth-val", type=Path, default=CACHE / "synth_val")
    ap.add_argument("--synth-val-n", type=int, default=2000)
    ap.add_argument("--max-cer-loss", type=float, default=0.005, help="CER cost allowed for int8 (0.005 = 0.5 point)")
    ap.add_argument("--no-quant", action="store_true")
    ap.add_argument("--float-output-layer", action="store_true", help="int8 except the output layer (fp32)")
    ap.add_argument("--report", type=Path, default=None, help="write the measured metrics as JSON here")
    ap.add_argument(
        "--checkpoint",
        type=Path,
        default=CHECKPOINT,
        help="where the small fp16 resume checkpoint goes (elsewhere than the committed one to try a model)",
    )
    ap.add_argument(
        "--meta",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra provenance for metadata_props (data commands, seeds, init checkpoint)",
    )
    a = ap.parse_args()

    model, ck = load_model(a.ckpt)
    tmp = Path(tempfile.mkdtemp())
    fp32, int8 = tmp / "fp32.onnx", tmp / "int8.onnx"
    to_onnx(model, fp32)
    meta = {
        "charset": json.dumps(list(CHARSET), ensure_ascii=False),
        "height": str(preprocess.HEIGHT),
        "blank": "0",
        "input_normalisation": "vaddr.ocr_backends.preprocess.prepare: ink ~1.0, paper 0.0, pad 0",
        "command": str(ck.get("command", "")),
        "seed": str(ck.get("seed", "")),
        "steps": str(ck.get("step", "")),
        "train_wall_s": str(round(ck.get("wall_s", 0))),
        "producer_note": "vaddr training/ (synthetic fonts lines + real training writers)",
        **dict(m.split("=", 1) for m in a.meta),
    }
    add_metadata(fp32, meta)
    sets = validation_sets(a.real, a.synth_val, a.synth_val_n)
    diff = check_equivalence(model, fp32, sets["synth_val"])
    assert diff < 1e-3, f"ONNX differs from torch by {diff}"
    report: dict[str, dict] = {"fp32": {"bytes": fp32.stat().st_size, "max_abs_diff_vs_torch": diff}}
    for name, ds in sets.items():
        preds, ms = onnx_predict(fp32, ds)
        report["fp32"][name] = {**summarize(preds, ds.labels), "ms_per_line": round(ms, 2)}
    chosen = fp32
    if not a.no_quant:
        quantize(fp32, int8, a.float_output_layer)
        qnote = "int8 dynamic (onnxruntime)" + (", output layer fp32" if a.float_output_layer else "")
        add_metadata(int8, {**meta, "quantization": qnote})
        report["int8"] = {"bytes": int8.stat().st_size}
        ok = True
        for name, ds in sets.items():
            preds, ms = onnx_predict(int8, ds)
            report["int8"][name] = {**summarize(preds, ds.labels), "ms_per_line": round(ms, 2)}
            ok &= report["int8"][name]["cer"] - report["fp32"][name]["cer"] <= a.max_cer_loss
        if ok:
            chosen = int8
    report["bundled"] = {
        "variant": "int8" if chosen == int8 else "fp32",
        "path": str(a.out),
        "ckpt": str(a.ckpt),
        "steps": ck.get("step"),
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(chosen, a.out)
    half = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    torch.save(
        {
            "model": half,
            "config": model.config,
            "charset": CHARSET,
            "height": preprocess.HEIGHT,
            "step": ck.get("step"),
            "command": ck.get("command"),
            "seed": ck.get("seed"),
        },
        a.checkpoint,
    )
    text = json.dumps(report, indent=1, ensure_ascii=False)
    print(text)
    if a.report:
        a.report.write_text(text)


if __name__ == "__main__":
    main()
