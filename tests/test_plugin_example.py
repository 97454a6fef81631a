"""The example plugin package in examples/vaddr-plugin-example is real and works: pip-installed (no network, no
build isolation) into a temporary directory, found through its entry points, and run by `vaddr-ocr --backend`.
Also: what a recognizer with ``wants = "input"`` receives (the original as path, bytes and colour)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vaddr.ocr_backends import InputImage, Recognition
from vaddr.reader import Reader
from vaddr.types import Hypothesis

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "vaddr-plugin-example"
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("example")
    src = tmp / "src"
    shutil.copytree(EXAMPLE, src)  # build in a copy: no build/ or egg-info in the repository
    target = tmp / "site"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    cmd += ["--disable-pip-version-check", "--target", str(target), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"could not install the example plugin:\n{proc.stdout}\n{proc.stderr}")
    return target


def ocr(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    return subprocess.run(
        [sys.executable, "-m", "vaddr.cli.ocr", *args], capture_output=True, text=True, env=env, timeout=180
    )


def blank_line(path: Path) -> Path:
    Image.fromarray(np.full((40, 300), 250, np.uint8)).save(path)
    return path


def test_sidecar_plugin_through_the_cli(site: Path, tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    blank_line(scans / "1.png").with_suffix(".txt").write_text("thon 1 ea ktur cu kuin dak lak\n", encoding="utf-8")
    blank_line(scans / "2.png").with_suffix(".gt.txt").write_text("p 7 q 3 tp hcm", encoding="utf-8")
    blank_line(scans / "3.png")  # no transcript: that image fails, the others do not
    proc = ocr(site, "--backend", "sidecar", "--json", str(scans))
    assert proc.returncode == 1, proc.stderr
    objs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o["text"] for o in objs[:2]] == ["Thôn 1 Ea Ktur Cư Kuin Đắk Lắk", "P 7 Q 3 Tp Hcm"]
    assert objs[0]["address"]["province"]["code"] == "66"
    assert "3.png: no transcript" in objs[2]["error"] and "3.png: no transcript" in proc.stderr


@pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample")
def test_ink_plugin_reads_colour_and_keeps_posteriors(site: Path, tmp_path: Path) -> None:
    gray = np.asarray(Image.open(SAMPLE).convert("L"))
    # the sample written in blue ink: dark blue strokes on white; the red channel carries the strokes
    rgb = np.stack([gray, gray, np.full_like(gray, 255)], axis=-1)
    rgb[..., 2] = np.maximum(rgb[..., 2], 200)
    blue = tmp_path / "blue.png"
    Image.fromarray(rgb).save(blue)
    proc = ocr(site, "--backend", "ink", "--json", str(blue), str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    blue_obj, plain_obj = (json.loads(x) for x in proc.stdout.splitlines())
    assert blue_obj["raw"] == plain_obj["raw"] != ""  # same strokes, same reading, colour or not
    sys.path.insert(0, str(site))
    try:
        from vaddr_plugin_example import InkChannelCrnn

        (rec,) = Reader(InkChannelCrnn()).recognize([blue])
        assert rec.log_probs is not None and rec.charset  # posteriors passed on for lexicon re-decoding
    finally:
        sys.path.remove(str(site))


class Capture:
    """Records what it was handed."""

    name = "capture"

    def __init__(self, wants: str) -> None:
        self.wants = wants
        self.seen: list[object] = []

    def recognize(self, images, top_k=10):
        self.seen.extend(images)
        return [Recognition(hypotheses=[Hypothesis(text="ha noi")]) for _ in images]


def test_wants_input_gets_the_original_in_every_form(tmp_path: Path) -> None:
    rgb = np.zeros((40, 300, 3), np.uint8)
    rgb[..., 0] = 200
    rgb[10:30, 20:280, 2] = 255
    path = tmp_path / "colour.png"
    Image.fromarray(rgb).save(path)
    data = path.read_bytes()
    cap = Capture("input")
    results = Reader(cap).read([path, data, rgb, Image.open(path)])
    assert all(r.ok for r in results)
    by_path, by_bytes, by_array, by_pil = cap.seen
    assert all(isinstance(x, InputImage) for x in cap.seen)
    assert by_path.path == path and by_path.bytes == data and by_bytes.bytes == data and by_bytes.path is None
    assert by_pil.path == path and by_array.path is None
    for x in cap.seen:
        assert x.gray.ndim == 2 and x.gray.dtype == np.uint8 and x.gray.shape == (40, 300)
        assert np.array_equal(x.rgb, rgb)
    assert Image.open(io.BytesIO(by_array.bytes)).size == (300, 40)  # arrays come back PNG-encoded


def test_default_wants_gray_arrays() -> None:
    cap = Capture("gray")
    del cap.wants  # no attribute at all: the default
    Reader(cap).read([np.full((40, 300), 250, np.uint8)])
    (x,) = cap.seen
    assert isinstance(x, np.ndarray) and x.ndim == 2 and x.dtype == np.uint8
