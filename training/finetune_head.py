"""Fine-tune only the output layer of the CRNN, on cached features: a fine-tune that fits a crowded CPU.

Why: on the shared 2-core machine (load 15-20, ``nice -n 10``, one thread) one full training step of
the wide model (batch 32) took 40-70 s, i.e. about 60 steps an hour: ``training.train`` cannot make
progress there. The bundled model's failure on ``0`` (and on characters its training text never
had) is mostly in its output layer: the BiLSTM features already tell a ``0`` in ``Quận 10`` from an
``o`` in ``Hoà``, but the output unit of ``0`` was trained never to fire. So this script runs the
frozen network once over a fixed set of lines (forward only, cached to disk in resumable chunks),
then trains the final linear layer with CTC on the cached features for many epochs at almost no
cost, with an L2 pull towards the bundled weights (``--l2sp``) so that what already works stays.
``--rows new`` trains only the output units of :data:`NEW_CHARS` (every other character's logit stays
the bundled one); ``--train rnn2`` also trains the second BiLSTM layer, on cached outputs of the first
(about 10x the cost per epoch of the output layer alone, still no CNN or first-layer work per epoch).

Lines: ``--synth-n`` synthetic training lines (of which ``--zero-share`` contain a 0), the clean
version of every real line of the 40 training writers (``training.real_data``; held out: VAL_WRITERS,
as for the bundled model), and for evaluation the held-out writers' lines and ``--val-n`` synthetic
validation lines. Each epoch writes ``training/runs/RUN/last.pt`` (a full model checkpoint that
``training.export`` reads) and logs JSON lines; ``--resume`` continues from it.

    nohup nice -n 10 python -m training.finetune_head --run head0 --threads 1 > /work/notes/train.log 2>&1 &
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from training.charset import CHARSET, NUM_CLASSES, decode_greedy, encode
from training.common import CACHE, RUNS, preprocess
from training.metrics import summarize
from training.model import CRNN
from training.train import LineSet, load_real, load_shards, make_batch

FEATS = CACHE / "feats"
#: Characters the bundled model's training text never or hardly held (fewer than 20 in 20,000 sampled
#: lines of the sampler it was trained with): 0, capitals with tone marks, f j w z q s, punctuation.
#: With ``--rows new`` only their output units are trained, so every other character's logit is
#: exactly the bundled one and lines without them can change only where a new unit fires.
NEW_CHARS = "0fjqswzẳẵẽẹỡĂÊÔƠƯFJWZÀÁẢÃẠẰẮẲẴẶẦẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲỶỸỴ,.()-"


def load_init(path: Path) -> CRNN:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    cfg = ck["config"]
    model = CRNN(cfg["num_classes"], cfg["height"], tuple(cfg["channels"]), cfg["hidden"])
    model.load_state_dict({k: v.float() for k, v in ck["model"].items()})
    assert ck["charset"] == CHARSET
    return model.eval()


def split_rnn(model: CRNN) -> tuple[nn.LSTM, nn.LSTM]:
    """The 2-layer BiLSTM as two 1-layer ones sharing its weights (layer 0, layer 1)."""
    layers = []
    for k in (0, 1):
        lstm = nn.LSTM(
            model.rnn.input_size if k == 0 else 2 * model.rnn.hidden_size,
            model.rnn.hidden_size,
            batch_first=True,
            bidirectional=True,
        )
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            for suffix in ("", "_reverse"):
                getattr(lstm, f"{name}_l0{suffix}").data = getattr(model.rnn, f"{name}_l{k}{suffix}").data
        layers.append(lstm)
    return layers[0], layers[1]


@torch.no_grad()
def features(model: CRNN, images: list[np.ndarray], level: str = "head") -> list[np.ndarray]:
    """What the trained part sees, per line, batched by width: the BiLSTM outputs (``head``: the output
    layer's input, [T_i, 2*hidden]) or the first BiLSTM layer's outputs (``rnn2``)."""
    x, _, in_len, _ = make_batch(images, [""] * len(images))
    f = model.cnn(x)
    n, c, h, t = f.shape
    f = model.proj(f.permute(0, 3, 1, 2).reshape(n, t, c * h))
    if level == "head":
        f, _ = model.rnn(f)
    else:
        f, _ = split_rnn(model)[0](f)
    return [f[i, : int(in_len[i])].numpy().astype(np.float16) for i in range(n)]


def cached(
    name: str, model: CRNN, data: LineSet, run_dir: Path, emit, chunk: int = 48, level: str = "head"
) -> list[np.ndarray]:
    """Features of every line of ``data``, computed chunk by chunk (lines of similar width together)
    and kept in ``run_dir``: a stopped run picks up where it was."""
    run_dir.mkdir(parents=True, exist_ok=True)
    order = sorted(range(len(data)), key=lambda i: data.images[i].shape[1])
    out: dict[int, np.ndarray] = {}
    for k, s in enumerate(range(0, len(order), chunk)):
        idx = order[s : s + chunk]
        path = run_dir / f"{name}_{k:04d}.npz"
        if not path.exists():
            t0 = time.time()
            feats = features(model, [data.images[i] for i in idx], level)
            tmp = path.with_name("tmp_" + path.name)
            np.savez(tmp, idx=np.array(idx), lens=np.array([len(f) for f in feats]), feats=np.concatenate(feats))
            tmp.replace(path)
            emit({"event": "features", "set": name, "chunk": k, "lines": len(idx), "s": round(time.time() - t0, 1)})
        z = np.load(path)
        for i, f in zip(z["idx"], np.split(z["feats"], np.cumsum(z["lens"])[:-1]), strict=True):
            out[int(i)] = f
    return [out[i] for i in range(len(data))]


def pick_synth(data: LineSet, n: int, zero_share: float, seed: int) -> LineSet:
    """``n`` lines of which about ``zero_share`` contain a 0 (the rest drawn from the others)."""
    rng = random.Random(seed)
    zero = [i for i, t in enumerate(data.labels) if "0" in t]
    other = [i for i, t in enumerate(data.labels) if "0" not in t]
    rng.shuffle(zero)
    rng.shuffle(other)
    nz = min(len(zero), int(n * zero_share))
    idx = sorted(zero[:nz] + other[: n - nz])
    return LineSet([data.images[i] for i in idx], [data.labels[i] for i in idx])


def greedy_all(fc: nn.Module, feats: list[np.ndarray]) -> list[str]:
    with torch.no_grad():
        return [decode_greedy(fc(torch.from_numpy(f.astype(np.float32))[None])[0].argmax(-1).tolist()) for f in feats]


class Top(nn.Module):
    """The trained part: the output layer, or the second BiLSTM layer and the output layer."""

    def __init__(self, fc: nn.Linear, rnn2: nn.LSTM | None = None, dropout: float = 0.15) -> None:
        super().__init__()
        self.fc, self.rnn2, self.drop = fc, rnn2, nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.rnn2 is not None:
            x, _ = self.rnn2(self.drop(x))  # the dropout the 2-layer LSTM applies between its layers
        return self.fc(x)


def evaluate(fc: nn.Module, sets: dict[str, tuple[list[np.ndarray], list[str]]]) -> dict[str, dict[str, float]]:
    res = {}
    for name, (feats, labels) in sets.items():
        preds = greedy_all(fc, feats)
        res[name] = summarize(preds, labels)
        zl = [i for i, t in enumerate(labels) if "0" in t]
        if zl:
            digits = [
                i for i in zl if "".join(filter(str.isdigit, preds[i])) == "".join(filter(str.isdigit, labels[i]))
            ]
            res[name]["zero_lines_digits_ok"] = len(digits) / len(zl)
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", default="head0")
    ap.add_argument("--init", type=Path, default=Path("training/checkpoint.pt"))
    ap.add_argument("--synth", type=Path, default=CACHE / "synth_ft")
    ap.add_argument("--synth-val", type=Path, default=CACHE / "synth_val_ft")
    ap.add_argument("--real", type=Path, default=CACHE / "real.npz")
    ap.add_argument("--synth-n", type=int, default=1200)
    ap.add_argument("--zero-share", type=float, default=0.4)
    ap.add_argument("--val-n", type=int, default=300)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--l2sp", type=float, default=1e-2, help="pull towards the initial output layer (L2-SP)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="use only this many lines per set (a smoke test)")
    ap.add_argument(
        "--rows",
        choices=("new", "all"),
        default="new",
        help="train only the output units of NEW_CHARS (the others keep their bundled weights), or all",
    )
    ap.add_argument("--features-from", default=None, help="reuse the cached features of this run")
    ap.add_argument(
        "--train",
        choices=("head", "rnn2"),
        default="head",
        help="train the output layer only, or the second BiLSTM layer too (features: first layer's outputs)",
    )
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    run = RUNS / a.run
    run.mkdir(parents=True, exist_ok=True)
    command = " ".join(
        shlex.quote(s)
        for s in ["python", "-m", "training.finetune_head", *(argv if argv is not None else sys.argv[1:])]
    )
    log = open(run / "log.jsonl", "a", encoding="utf-8")

    def emit(rec: dict) -> None:
        line = json.dumps(rec, ensure_ascii=False)
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    emit({"event": "start", "command": command, "args": {k: str(v) for k, v in vars(a).items()}})
    model = load_init(a.init)
    synth = pick_synth(load_shards(a.synth), a.synth_n, a.zero_share, a.seed)
    real_train, real_val = load_real(a.real)
    z = np.load(a.real)  # the clean version (0) of each training line only: the features are fixed anyway
    versions = z["version"][~z["val"]]
    keep = [i for i in range(len(real_train)) if versions[i] == 0]
    real_train = LineSet([real_train.images[i] for i in keep], [real_train.labels[i] for i in keep])
    synth_val = load_shards(a.synth_val, a.val_n)
    if a.limit:
        synth, real_train, real_val, synth_val = (
            LineSet(d.images[: a.limit], d.labels[: a.limit]) for d in (synth, real_train, real_val, synth_val)
        )
    emit({"event": "data", "synth": len(synth), "real_train": len(real_train), "real_val": len(real_val)})
    fdir = FEATS / (a.features_from or a.run)
    lv = a.train
    train_feats = cached("synth", model, synth, fdir, emit, level=lv) + cached(
        "real", model, real_train, fdir, emit, level=lv
    )
    train_labels = synth.labels + real_train.labels
    val = {
        "real_val": (cached("real_val", model, real_val, fdir, emit, level=lv), real_val.labels),
        "synth_val": (cached("synth_val", model, synth_val, fdir, emit, level=lv), synth_val.labels),
    }
    rnn2 = split_rnn(model)[1] if a.train == "rnn2" else None
    top = Top(model.fc, rnn2)
    fc = model.fc
    w0 = [p.detach().clone() for p in top.parameters()]
    if a.rows == "new":  # gradients reach only the rows (output units) of the characters to learn
        mask = torch.zeros(fc.out_features, 1)
        mask[[CHARSET.index(c) + 1 for c in NEW_CHARS]] = 1.0
        fc.weight.register_hook(lambda g: g * mask)
        fc.bias.register_hook(lambda g: g * mask[:, 0])
    opt = torch.optim.Adam(top.parameters(), lr=a.lr)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    epoch = 0
    if a.resume and (run / "last.pt").exists():
        ck = torch.load(run / "last.pt", map_location="cpu", weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        epoch = ck["epoch"]
        emit({"event": "resume", "epoch": epoch})
    else:
        top.eval()
        emit({"event": "eval", "epoch": 0, **evaluate(top, val)})
    rng = random.Random(a.seed)
    for _ in range(epoch):
        rng.shuffle(list(range(len(train_labels))))  # keep the shuffles of a resumed run identical
    steps_per_epoch = (len(train_labels) + a.batch - 1) // a.batch
    while epoch < a.epochs:
        t0 = time.time()
        order = list(range(len(train_labels)))
        rng.shuffle(order)
        total = 0.0
        top.train()
        for s in range(0, len(order), a.batch):
            idx = order[s : s + a.batch]
            lens = [len(train_feats[i]) for i in idx]
            x = torch.zeros(len(idx), max(lens), train_feats[idx[0]].shape[1])
            for k, i in enumerate(idx):
                x[k, : lens[k]] = torch.from_numpy(train_feats[i].astype(np.float32))
            enc = [encode(train_labels[i]) for i in idx]
            tgt = torch.tensor([c for e in enc for c in e], dtype=torch.long)
            lp = top(x).log_softmax(-1)
            loss = ctc(lp.transpose(0, 1), tgt, torch.tensor(lens), torch.tensor([len(e) for e in enc]))
            reg = sum(((p - q) ** 2).sum() for p, q in zip(top.parameters(), w0, strict=True))
            opt.zero_grad(set_to_none=True)
            (loss + a.l2sp * reg).backward()
            opt.step()
            total += float(loss.detach())
        epoch += 1
        top.eval()
        res = evaluate(top, val)
        if rnn2 is not None:  # the trained second layer back into the full model (shared tensors)
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                for suffix in ("", "_reverse"):
                    getattr(model.rnn, f"{name}_l1{suffix}").data.copy_(getattr(rnn2, f"{name}_l0{suffix}").data)
        torch.save(
            {
                "model": model.state_dict(),
                "config": model.config,
                "opt": opt.state_dict(),
                "epoch": epoch,
                "step": epoch * steps_per_epoch,
                "charset": CHARSET,
                "height": preprocess.HEIGHT,
                "command": command,
                "seed": a.seed,
                "metrics": res,
                "init": str(a.init),
            },
            run / "last.tmp",
        )
        (run / "last.tmp").replace(run / "last.pt")
        emit(
            {
                "event": "eval",
                "epoch": epoch,
                "loss": round(total / steps_per_epoch, 4),
                "s": round(time.time() - t0, 1),
                **res,
            }
        )
    emit({"event": "done", "epoch": epoch})


if __name__ == "__main__":
    assert NUM_CLASSES == len(CHARSET) + 1
    main()
