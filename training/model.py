"""A light CRNN sized for CPU training: 6 conv layers (BatchNorm, ReLU) + 2-layer BiLSTM + linear.

The CNN halves the height four times (32 -> 2) and the width twice (stride 4): one output frame per
4 input columns, i.e. about 3-4 frames per handwritten character at 32 px height, enough for CTC
(which needs a blank between doubled letters). On 2 CPU threads it trains at ~100 lines/s.
"""

from __future__ import annotations

import torch
from torch import nn


def _conv(cin: int, cout: int) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class CRNN(nn.Module):
    """[N, 1, H, W] float (ink ~1, paper 0) -> [N, T=W/4, C] log-probabilities (blank = 0)."""

    def __init__(
        self,
        num_classes: int,
        height: int = 32,
        channels: tuple[int, int, int, int] = (16, 32, 64, 96),
        hidden: int = 128,
        dropout: float = 0.15,
    ) -> None:
        super().__init__()
        c1, c2, c3, c4 = channels
        self.cnn = nn.Sequential(
            *_conv(1, c1),
            nn.MaxPool2d(2),
            *_conv(c1, c2),
            nn.MaxPool2d(2),
            *_conv(c2, c3),
            *_conv(c3, c3),
            nn.MaxPool2d((2, 1)),
            *_conv(c3, c4),
            *_conv(c4, c4),
            nn.MaxPool2d((2, 1)),
        )
        feat_h = height // 16
        self.proj = nn.Sequential(nn.Linear(c4 * feat_h, 2 * hidden), nn.ReLU(inplace=True), nn.Dropout(dropout))
        self.rnn = nn.LSTM(2 * hidden, hidden, num_layers=2, bidirectional=True, batch_first=True, dropout=dropout)
        self.fc = nn.Linear(2 * hidden, num_classes)
        self.config = {"num_classes": num_classes, "height": height, "channels": list(channels), "hidden": hidden}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.cnn(x)  # N, C, h, T
        n, c, h, t = f.shape
        f = f.permute(0, 3, 1, 2).reshape(n, t, c * h)
        f, _ = self.rnn(self.proj(f))
        return self.fc(f).log_softmax(-1)
