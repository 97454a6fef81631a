"""Train the CRNN with CTC on synthetic lines mixed with (augmented) real training writers.

One run, mixed from the start: each batch draws real training lines with probability ``real_share``,
which rises linearly from ``--real-start`` to ``--real-end`` over the last ``--real-ramp`` fraction of
the steps (pre-train-then-fine-tune squeezed into a single CPU run). ``--no-real`` trains on synthetic
data only (and is what happens when ``../shared`` is absent).

Evaluates greedy decoding on the synthetic validation set and the held-out real writers every
``--eval-every`` steps (CER, exact-line rate, Kalapa score), writes ``last.pt``/``best.pt`` in the run
folder and resumes from ``last.pt`` with ``--resume``.

    .venv/bin/python -m training.train --run crnn32 --steps 9000 --batch 32 --threads 2 --seed 1

On a GPU, ``--workers N`` moves augmentation and batching into N loader processes (each with its own
seeded mixer, so a run is still determined by its seed and worker count), and ``--budget-min M`` sizes
the run to a fixed time slot: ``--warm-steps`` steps at the warm-up learning rate measure the speed, then
the one-cycle schedule is laid over the number of steps that fits (logged, so that ``--steps`` can
repeat it). ``--out-dir`` receives weights-only copies of ``best``/``last`` and the log.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import torch
from torch import nn

from training import shards
from training.charset import CHARSET, NUM_CLASSES, decode_greedy, encode
from training.common import CACHE, RUNS, preprocess
from training.model import CRNN
from vaddr.metrics import summarize

STRIDE = 4


@dataclass
class LineSet:
    """Prepared lines: list of uint8 [H, W] arrays and their labels."""

    images: list[np.ndarray]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.labels)


def load_shards(folder: Path, limit: int | None = None) -> LineSet:
    """All ``shard_*.npz`` of a rendered folder (see ``training.render``), the first ``limit`` lines if given."""
    return LineSet(*shards.read_folder(folder, limit))


def load_real(path: Path, val_writers: tuple[str, ...] | None = None) -> tuple[LineSet, LineSet]:
    """(train lines of the 40 training writers, all versions; clean lines of the 10 held-out writers).

    ``val_writers`` holds out another set of writers (a fold of ``training.cv``): their clean lines
    (version 0) are the held-out set, every other line trains (the default held-out writers were
    cached in their clean version only, so they train with one version, not eight).
    """
    z = np.load(path)
    imgs = shards.split(z["pixels"], z["widths"], int(z["height"]))
    labels, val = [str(s) for s in z["labels"]], z["val"]
    if val_writers is not None:
        held_out = np.isin(z["writers"], np.array(val_writers))
        val = held_out
        keep = ~held_out | (z["version"] == 0)
        idx = np.nonzero(keep)[0]
        imgs, labels, val = [imgs[i] for i in idx], [labels[i] for i in idx], val[idx]
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


def make_batch(
    imgs: list[np.ndarray], labels: list[str]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
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
            self.queue = [pool[i : i + self.batch] for i in range(0, len(pool), self.batch)]
            self.rng.shuffle(self.queue)
        b = self.queue.pop()
        return [p[0] for p in b], [p[1] for p in b]


class BatchStream(torch.utils.data.IterableDataset):
    """Batches for steps ``[start, stop)``, split round-robin over the loader's workers.

    Worker ``w`` of ``n`` makes the batches of steps ``start + w, start + w + n, ...`` with its own mixer
    seeded from (seed, start, w); the loader hands batches back in step order, so the stream depends
    only on the seed and the worker count.
    """

    def __init__(
        self,
        synth: LineSet,
        real: LineSet | None,
        batch: int,
        seed: int,
        start: int,
        stop: int,
        share: Callable[[int], float],
    ) -> None:
        super().__init__()
        self.synth, self.real, self.batch, self.seed = synth, real, batch, seed
        self.start, self.stop, self.share = start, stop, share

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        cv2.setNumThreads(1)  # one core per loader process
        info = torch.utils.data.get_worker_info()
        wid, nw = (info.id, info.num_workers) if info is not None else (0, 1)
        mixer = Mixer(self.synth, self.real, self.batch, self.seed * 1_000_003 + self.start * 101 + wid)
        for step in range(self.start + wid, self.stop, nw):
            yield make_batch(*mixer.next(self.share(step)))


@torch.no_grad()
def predict(model: nn.Module, data: LineSet, device: str, batch: int = 64) -> list[str]:
    """Greedy CTC decoding of every line (batched by width)."""
    model.eval()
    order = sorted(range(len(data)), key=lambda i: data.images[i].shape[1])
    preds: dict[int, str] = {}
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
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


def save(path: Path, model: CRNN, opt: torch.optim.Optimizer, sched: object | None, step: int, extra: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "config": model.config,
            "opt": opt.state_dict(),
            "sched": sched.state_dict() if sched is not None else None,  # type: ignore[attr-defined]
            "step": step,
            "charset": CHARSET,
            "height": preprocess.HEIGHT,
            **extra,
        },
        tmp,
    )
    tmp.replace(path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Train the CRNN (CTC).")
    ap.add_argument("--run", default="crnn32", help="run name: training/runs/RUN/")
    ap.add_argument("--synth", type=Path, default=CACHE / "synth")
    ap.add_argument("--synth-val", type=Path, default=CACHE / "synth_val")
    ap.add_argument("--real", type=Path, default=CACHE / "real.npz")
    ap.add_argument("--no-real", action="store_true", help="synthetic data only (no ../shared needed)")
    ap.add_argument(
        "--val-writers",
        default=None,
        help="comma list of real writers to hold out instead of training.real_data.VAL_WRITERS (a CV fold)",
    )
    ap.add_argument("--steps", type=int, default=9000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=1e-2)
    ap.add_argument("--real-start", type=float, default=0.1)
    ap.add_argument("--real-end", type=float, default=0.45)
    ap.add_argument("--real-ramp", type=float, default=0.35, help="fraction of steps over which the real share rises")
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--synth-val-n", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true", help="continue from RUN/last.pt")
    ap.add_argument(
        "--init", type=Path, default=None, help="start from these weights (a fine-tuning phase with its own schedule)"
    )
    ap.add_argument("--pct-start", type=float, default=0.08, help="OneCycle warm-up fraction")
    ap.add_argument("--synth-limit", type=int, default=None)
    ap.add_argument(
        "--channels",
        type=int,
        nargs=4,
        default=None,
        help="CNN widths (4 stages; default: those of --init, else 16 32 64 96)",
    )
    ap.add_argument(
        "--hidden", type=int, default=None, help="BiLSTM hidden size per direction (default: that of --init, else 128)"
    )
    ap.add_argument("--workers", type=int, default=0, help="loader processes (0: batches made in-process)")
    ap.add_argument(
        "--warm-steps",
        type=int,
        default=0,
        help="steps at the warm-up learning rate before the one-cycle schedule starts",
    )
    ap.add_argument(
        "--budget-min",
        type=float,
        default=None,
        help="size --steps to this many minutes of training, measured over --warm-steps",
    )
    ap.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="also write weights-only RUN_best.pt, RUN_last.pt and RUN_log.jsonl here",
    )
    a = ap.parse_args(argv)
    if a.budget_min is not None and a.warm_steps < 50:
        ap.error("--budget-min needs --warm-steps >= 50 to measure the speed")
    return a


def save_slim(path: Path, model: CRNN, step: int, extra: dict) -> None:
    """Weights, config and provenance only: small enough to fetch back from a borrowed machine."""
    keep = {k: extra[k] for k in ("metrics", "command", "seed", "best") if k in extra}
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "config": model.config,
            "charset": CHARSET,
            "step": step,
            "height": preprocess.HEIGHT,
            **keep,
        },
        tmp,
    )
    tmp.replace(path)


def batches(
    a: argparse.Namespace, synth: LineSet, real: LineSet | None, mixer: Mixer, start: int, stop: int, total: int
) -> Iterator[tuple[torch.Tensor, ...]]:
    """The training batches of steps ``[start, stop)`` of a ``total``-step run."""
    share = partial(real_share_at, steps=total, a=a)
    if a.workers <= 0:
        for step in range(start, stop):
            yield make_batch(*mixer.next(share(step)))
        return
    ds = BatchStream(synth, real, a.batch, a.seed, start, stop, share)
    yield from torch.utils.data.DataLoader(
        ds, batch_size=None, num_workers=a.workers, prefetch_factor=6, pin_memory=a.device == "cuda"
    )


def main(argv: list[str] | None = None) -> None:
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    if a.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    run = RUNS / a.run
    run.mkdir(parents=True, exist_ok=True)
    command = " ".join(
        shlex.quote(s)
        for s in [sys.executable.split("/")[-1], "-m", "training.train", *(argv if argv is not None else sys.argv[1:])]
    )
    logs = [open(run / "log.jsonl", "a", encoding="utf-8")]
    if a.out_dir is not None:
        a.out_dir.mkdir(parents=True, exist_ok=True)
        logs.append(open(a.out_dir / f"{a.run}_log.jsonl", "a", encoding="utf-8"))

    def emit(rec: dict) -> None:
        print(json.dumps(rec, ensure_ascii=False), flush=True)
        for log in logs:
            log.write(json.dumps(rec, ensure_ascii=False) + "\n")
            log.flush()

    t0 = time.time()
    synth = load_shards(a.synth, a.synth_limit)
    val_sets = {"synth_val": load_shards(a.synth_val, a.synth_val_n)}
    real_train = None
    if not a.no_real and a.real.exists():
        real_train, held = load_real(a.real, tuple(a.val_writers.split(",")) if a.val_writers else None)
        val_sets["real_val"] = held
    elif not a.no_real:
        print(f"note: {a.real} missing, training on synthetic data only", flush=True)
    emit(
        {
            "event": "data",
            "synth": len(synth),
            "real_train": len(real_train) if real_train else 0,
            **{k: len(v) for k, v in val_sets.items()},
            "load_s": round(time.time() - t0, 1),
        }
    )

    init = torch.load(a.init, map_location=a.device, weights_only=False) if a.init is not None else None
    config = init.get("config", {}) if init is not None else {}
    channels = tuple(a.channels or config.get("channels", (16, 32, 64, 96)))
    hidden = a.hidden or config.get("hidden", 128)
    model = CRNN(NUM_CLASSES, preprocess.HEIGHT, channels, hidden).to(a.device)  # type: ignore[arg-type]
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd)
    if init is not None:
        model.load_state_dict({k: v.float() for k, v in init["model"].items()})  # the committed one is fp16
        emit({"event": "init", "from": str(a.init)})
    warm = a.warm_steps

    def one_cycle() -> torch.optim.lr_scheduler.OneCycleLR:
        return torch.optim.lr_scheduler.OneCycleLR(
            opt,
            max_lr=a.lr,
            total_steps=max(1, a.steps - warm),
            pct_start=a.pct_start,
            div_factor=20,
            final_div_factor=200,
        )

    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    mixer = Mixer(synth, real_train, a.batch, a.seed)
    step, best, wall = 0, -1.0, 0.0
    ck = None
    if a.resume and (run / "last.pt").exists():
        ck = torch.load(run / "last.pt", map_location=a.device, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best, wall = ck["step"], ck.get("best", -1.0), ck.get("wall_s", 0.0)
        a.steps = ck.get("steps_total", a.steps)
        mixer.rng.setstate(ck["mixer_rng"])
        torch.set_rng_state(ck["torch_rng"])
        emit({"event": "resume", "step": step})
    sched = one_cycle() if step >= warm else None
    if sched is not None and ck is not None and ck.get("sched") is not None:
        sched.load_state_dict(ck["sched"])
    elif sched is None:
        for g in opt.param_groups:
            g["lr"] = a.lr / 20  # what the one-cycle schedule starts from
    emit(
        {
            "event": "start",
            "command": command,
            "params": sum(p.numel() for p in model.parameters()),
            "args": {k: str(v) for k, v in vars(a).items()},
        }
    )

    def stream() -> Iterator[tuple[torch.Tensor, ...]]:
        nonlocal sched
        if step < warm:
            t_warm = time.time()
            yield from batches(a, synth, real_train, mixer, step, warm, a.steps)
            if a.budget_min is not None:  # fit the schedule to the time slot, from the measured speed
                per_step = (time.time() - t_warm) / warm
                a.steps = warm + max(1, int(a.budget_min * 60 / per_step) - warm)
                emit({"event": "steps", "steps": a.steps, "s_per_step": round(per_step, 4)})
            sched = one_cycle()
        yield from batches(a, synth, real_train, mixer, max(step, warm), a.steps, a.steps)

    model.train()
    t_last, seen, loss_acc, n_acc = time.time(), 0, 0.0, 0
    for x, tgt, in_len, tgt_len in stream():
        share = real_share_at(step, a.steps, a)
        lp = model(x.to(a.device, non_blocking=True))  # N, T, C
        loss = ctc(lp.transpose(0, 1), tgt, in_len, tgt_len)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if sched is not None:
            sched.step()
        step += 1
        seen += len(x)
        loss_acc += float(loss.detach())
        n_acc += 1
        if step % 50 == 0:
            dt = time.time() - t_last
            wall += dt
            emit(
                {
                    "step": step,
                    "loss": round(loss_acc / n_acc, 4),
                    "lr": round(opt.param_groups[0]["lr"], 6),
                    "real_share": round(share, 3),
                    "lines_per_s": round(seen / dt, 1),
                    "wall_s": round(wall),
                }
            )
            t_last, seen, loss_acc, n_acc = time.time(), 0, 0.0, 0
        if step % a.eval_every == 0 or step == a.steps:
            te = time.time()
            res = evaluate(model, val_sets, a.device)
            key = "real_val" if "real_val" in res else "synth_val"
            score = res[key]["kalapa"]
            extra = {
                "best": max(best, score),
                "wall_s": wall,
                "mixer_rng": mixer.rng.getstate(),
                "torch_rng": torch.get_rng_state(),
                "command": command,
                "seed": a.seed,
                "metrics": res,
                "steps_total": a.steps,
            }
            save(run / "last.pt", model, opt, sched, step, extra)
            if a.out_dir is not None:
                save_slim(a.out_dir / f"{a.run}_last.pt", model, step, extra)
            if score > best:
                best = score
                save(run / "best.pt", model, opt, sched, step, extra)
                if a.out_dir is not None:
                    save_slim(a.out_dir / f"{a.run}_best.pt", model, step, extra)
            emit(
                {
                    "event": "eval",
                    "step": step,
                    "eval_s": round(time.time() - te, 1),
                    **{f"{k}_{m}": round(v[m], 4) for k, v in res.items() for m in ("cer", "exact", "kalapa")},
                }
            )
            t_last = time.time()
    emit({"event": "done", "step": step, "wall_s": round(wall), "best": best})


if __name__ == "__main__":
    main()
