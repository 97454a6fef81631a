"""Train the CRNN with CTC on synthetic lines mixed with (augmented) real training writers.

One run, mixed from the start: each batch draws real training lines with probability ``real_share``,
which rises linearly from ``--real-start`` to ``--real-end`` over the last ``--real-ramp`` fraction of
the steps (pre-train-then-fine-tune squeezed into a single CPU run). ``--no-real`` trains on synthetic
data only (and is what happens when ``../shared`` is absent).

Evaluates greedy decoding on the synthetic validation set and the held-out real writers every
``--eval-every`` steps (CER, exact-line rate, Kalapa score), writes ``last.pt``/``best.pt`` in the run
folder and resumes from ``last.pt`` with ``--resume``.

    .venv/bin/python -m training.train --run crnn32 --steps 9000 --batch 32 --threads 2 --seed 1
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from training.charset import CHARSET, NUM_CLASSES, decode_greedy, encode
from training.common import CACHE, RUNS, preprocess
from training.metrics import summarize
from training.model import CRNN

STRIDE = 4


@dataclass
class LineSet:
    """Prepared lines: list of uint8 [H, W] arrays and their labels."""

    images: list[np.ndarray]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.labels)


def _split(pixels: np.ndarray, widths: np.ndarray, height: int) -> list[np.ndarray]:
    out, off = [], 0
    for w in widths:
        n = int(height * w)
        out.append(pixels[off: off + n].reshape(height, int(w)))
        off += n
    return out


def load_shards(folder: Path, limit: int | None = None) -> LineSet:
    """All ``shard_*.npz`` of a rendered folder (see ``training.render``)."""
    images: list[np.ndarray] = []
    labels: list[str] = []
    for p in sorted(folder.glob("shard_*.npz")):
        z = np.load(p)
        images += _split(z["pixels"], z["widths"], int(z["height"]))
        labels += [str(s) for s in z["labels"]]
        if limit and len(labels) >= limit:
            break
    return LineSet(images[:limit], labels[:limit]) if limit else LineSet(images, labels)


def load_real(path: Path) -> tuple[LineSet, LineSet]:
    """(train lines of the 40 training writers, all versions; clean lines of the 10 held-out writers)."""
    z = np.load(path)
    imgs = _split(z["pixels"], z["widths"], int(z["height"]))
    labels, val = [str(s) for s in z["labels"]], z["val"]
    tr = [i for i, v in enumerate(val) if not v]
    va = [i for i, v in enumerate(val) if v]
    train = LineSet([imgs[i] for i in tr], [labels[i] for i in tr])
    held = LineSet([imgs[i] for i in va], [labels[i] for i in va])
    return train, held


def augment(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Cheap augmentation on a prepared line: width scale, pen width, contrast, noise, shift."""
    h, w = img.shape
    if rng.random() < 0.5:
        w2 = max(8, int(w * rng.uniform(0.8, 1.2)))
        img = cv2.resize(img, (w2, h), interpolation=cv2.INTER_LINEAR)
    r = rng.random()
    if r < 0.15:
        img = cv2.dilate(img, np.ones((2, 1), np.uint8))
    elif r < 0.3:
        img = cv2.erode(img, np.ones((1, 2), np.uint8))
    if rng.random() < 0.3:  # vertical jitter
        dy = rng.choice((-1, 1))
        img = np.roll(img, dy, axis=0)
    x = img.astype(np.float32) * rng.uniform(0.7, 1.1)
    if rng.random() < 0.3:
        x += np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(3, 15), x.shape)
    return np.clip(x, 0, 255).astype(np.uint8)


def make_batch(imgs: list[np.ndarray], labels: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor,
                                                                     torch.Tensor]:
    """Pad to a width multiple of STRIDE; returns (x, targets, input_lengths, target_lengths)."""
    h = imgs[0].shape[0]
    wmax = max(im.shape[1] for im in imgs)
    wmax = int(math.ceil(wmax / STRIDE) * STRIDE)
    x = np.zeros((len(imgs), 1, h, wmax), np.float32)
    for i, im in enumerate(imgs):
        x[i, 0, :, : im.shape[1]] = im / 255.0
    enc = [encode(t) for t in labels]
    tgt = torch.tensor([c for e in enc for c in e], dtype=torch.long)
    in_len = torch.tensor([im.shape[1] // STRIDE for im in imgs], dtype=torch.long)
    tgt_len = torch.tensor([len(e) for e in enc], dtype=torch.long)
    return torch.from_numpy(x), tgt, in_len, tgt_len


class Mixer:
    """Draws width-bucketed batches mixing synthetic and real lines, deterministically from a seed."""

    def __init__(self, synth: LineSet, real: LineSet | None, batch: int, seed: int) -> None:
        self.synth, self.real, self.batch = synth, real, batch
        self.rng = random.Random(seed)
        self.queue: list[list[tuple[np.ndarray, str]]] = []

    def next(self, real_share: float) -> tuple[list[np.ndarray], list[str]]:
        if not self.queue:
            pool = []
            for _ in range(self.batch * 8):
                use_real = self.real is not None and len(self.real) and self.rng.random() < real_share
                src = self.real if use_real else self.synth
                assert src is not None
                i = self.rng.randrange(len(src))
                pool.append((augment(src.images[i], self.rng), src.labels[i]))
            pool.sort(key=lambda p: p[0].shape[1])
            self.queue = [pool[i: i + self.batch] for i in range(0, len(pool), self.batch)]
            self.rng.shuffle(self.queue)
        b = self.queue.pop()
        return [p[0] for p in b], [p[1] for p in b]


@torch.no_grad()
def predict(model: nn.Module, data: LineSet, device: str, batch: int = 64) -> list[str]:
    """Greedy CTC decoding of every line (batched by width)."""
    model.eval()
    order = sorted(range(len(data)), key=lambda i: data.images[i].shape[1])
    preds: dict[int, str] = {}
    for s in range(0, len(order), batch):
        idx = order[s: s + batch]
        x, _, in_len, _ = make_batch([data.images[i] for i in idx], [""] * len(idx))
        lp = model(x.to(device)).argmax(-1).cpu().numpy()
        for k, i in enumerate(idx):
            preds[i] = decode_greedy(lp[k, : int(in_len[k])].tolist())
    model.train()
    return [preds[i] for i in range(len(data))]


def evaluate(model: nn.Module, sets: dict[str, LineSet], device: str) -> dict[str, dict[str, float]]:
    return {name: summarize(predict(model, ds, device), ds.labels) for name, ds in sets.items() if len(ds)}


def real_share_at(step: int, steps: int, a: argparse.Namespace) -> float:
    start = int(steps * (1 - a.real_ramp))
    if step < start:
        return a.real_start
    return a.real_start + (a.real_end - a.real_start) * (step - start) / max(1, steps - start)


def save(path: Path, model: CRNN, opt: torch.optim.Optimizer, sched: object, step: int, extra: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "config": model.config, "opt": opt.state_dict(),
                "sched": sched.state_dict(), "step": step, "charset": CHARSET,  # type: ignore[attr-defined]
                "height": preprocess.HEIGHT, **extra}, tmp)
    tmp.replace(path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Train the CRNN (CTC).")
    ap.add_argument("--run", default="crnn32", help="run name: training/runs/RUN/")
    ap.add_argument("--synth", type=Path, default=CACHE / "synth")
    ap.add_argument("--synth-val", type=Path, default=CACHE / "synth_val")
    ap.add_argument("--real", type=Path, default=CACHE / "real.npz")
    ap.add_argument("--no-real", action="store_true", help="synthetic data only (no ../shared needed)")
    ap.add_argument("--steps", type=int, default=9000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=1e-2)
    ap.add_argument("--real-start", type=float, default=0.1)
    ap.add_argument("--real-end", type=float, default=0.45)
    ap.add_argument("--real-ramp", type=float, default=0.35,
                    help="fraction of steps over which the real share rises")
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--synth-val-n", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true", help="continue from RUN/last.pt")
    ap.add_argument("--init", type=Path, default=None,
                    help="start from these weights (a fine-tuning phase with its own schedule)")
    ap.add_argument("--pct-start", type=float, default=0.08, help="OneCycle warm-up fraction")
    ap.add_argument("--synth-limit", type=int, default=None)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    run = RUNS / a.run
    run.mkdir(parents=True, exist_ok=True)
    command = " ".join(shlex.quote(s) for s in [sys.executable.split("/")[-1], "-m", "training.train",
                                                *(argv if argv is not None else sys.argv[1:])])
    log = open(run / "log.jsonl", "a", encoding="utf-8")

    def emit(rec: dict) -> None:
        print(json.dumps(rec, ensure_ascii=False), flush=True)
        log.write(json.dumps(rec, ensure_ascii=False) + "\n")
        log.flush()

    t0 = time.time()
    synth = load_shards(a.synth, a.synth_limit)
    val_sets = {"synth_val": load_shards(a.synth_val, a.synth_val_n)}
    real_train = None
    if not a.no_real and a.real.exists():
        real_train, held = load_real(a.real)
        val_sets["real_val"] = held
    elif not a.no_real:
        print(f"note: {a.real} missing, training on synthetic data only", flush=True)
    emit({"event": "data", "synth": len(synth), "real_train": len(real_train) if real_train else 0,
          **{k: len(v) for k, v in val_sets.items()}, "load_s": round(time.time() - t0, 1)})

    model = CRNN(NUM_CLASSES, preprocess.HEIGHT).to(a.device)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd)
    if a.init is not None:
        model.load_state_dict(torch.load(a.init, map_location=a.device, weights_only=False)["model"])
        emit({"event": "init", "from": str(a.init)})
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.steps, pct_start=a.pct_start,
                                                div_factor=20, final_div_factor=200)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    mixer = Mixer(synth, real_train, a.batch, a.seed)
    step, best, wall = 0, -1.0, 0.0
    if a.resume and (run / "last.pt").exists():
        ck = torch.load(run / "last.pt", map_location=a.device, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        step, best, wall = ck["step"], ck.get("best", -1.0), ck.get("wall_s", 0.0)
        mixer.rng.setstate(ck["mixer_rng"])
        torch.set_rng_state(ck["torch_rng"])
        emit({"event": "resume", "step": step})
    emit({"event": "start", "command": command, "params": sum(p.numel() for p in model.parameters()),
          "args": {k: str(v) for k, v in vars(a).items()}})

    model.train()
    t_last, seen, loss_acc, n_acc = time.time(), 0, 0.0, 0
    while step < a.steps:
        share = real_share_at(step, a.steps, a)
        imgs, labels = mixer.next(share)
        x, tgt, in_len, tgt_len = make_batch(imgs, labels)
        lp = model(x.to(a.device))  # N, T, C
        loss = ctc(lp.transpose(0, 1), tgt, in_len, tgt_len)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        step += 1
        seen += len(imgs)
        loss_acc += float(loss.detach())
        n_acc += 1
        if step % 50 == 0:
            dt = time.time() - t_last
            wall += dt
            emit({"step": step, "loss": round(loss_acc / n_acc, 4), "lr": round(sched.get_last_lr()[0], 6),
                  "real_share": round(share, 3), "lines_per_s": round(seen / dt, 1), "wall_s": round(wall)})
            t_last, seen, loss_acc, n_acc = time.time(), 0, 0.0, 0
        if step % a.eval_every == 0 or step == a.steps:
            te = time.time()
            res = evaluate(model, val_sets, a.device)
            key = "real_val" if "real_val" in res else "synth_val"
            score = res[key]["kalapa"]
            extra = {"best": max(best, score), "wall_s": wall, "mixer_rng": mixer.rng.getstate(),
                     "torch_rng": torch.get_rng_state(), "command": command, "seed": a.seed,
                     "metrics": res}
            save(run / "last.pt", model, opt, sched, step, extra)
            if score > best:
                best = score
                save(run / "best.pt", model, opt, sched, step, extra)
            emit({"event": "eval", "step": step, "eval_s": round(time.time() - te, 1),
                  **{f"{k}_{m}": round(v[m], 4) for k, v in res.items() for m in ("cer", "exact", "kalapa")}})
            t_last = time.time()
    emit({"event": "done", "step": step, "wall_s": round(wall), "best": best})


if __name__ == "__main__":
    main()
