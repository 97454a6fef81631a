"""The review page: self-contained, least confident first, and rendered by a real headless Chromium.

The browser test needs the Debian package `chromium` (.ci/run installs it) and skips cleanly without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from vaddr.cli.ocr import main
from vaddr.pipeline import read
from vaddr.report import render_report
from vaddr.review import mark

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="bundled sample absent")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The sample, a degraded copy (blurred and noisy: less sure) and a file that is no image."""
    folder = tmp_path_factory.mktemp("lines")
    good = folder / "1_sample.png"
    shutil.copy(SAMPLE, good)
    im = Image.open(SAMPLE).convert("L").filter(ImageFilter.GaussianBlur(3.5))
    noise = np.random.default_rng(0).normal(0, 60, (im.height, im.width))
    bad = folder / "2_degraded.png"
    Image.fromarray(np.clip(np.asarray(im, dtype=float) + noise, 0, 255).astype(np.uint8)).save(bad)
    broken = folder / "3_broken.png"
    broken.write_bytes(b"not an image")
    return [good, bad, broken]


def test_page_is_self_contained_and_sorted(images: list[Path]) -> None:
    results = [mark(r, 0.9) for r in read(images)]
    page = render_report(results)
    assert "http://" not in page and "https://" not in page  # nothing to fetch: it can be mailed alone
    assert page.count('src="data:image/') == 2
    confs = [float(c) for c in re.findall(r'data-confidence="([0-9.]+)"', page)]
    assert confs == sorted(confs) and len(confs) == 2
    assert page.index("3_broken.png") < page.index("2_degraded.png")  # failures first: they need a human most
    ok = [r for r in results if r.error is None]
    assert all(r.needs_review is (r.confidence < 0.9) for r in ok)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package chromium)")
def test_report_renders_in_headless_chromium(images: list[Path], tmp_path: Path, capsys) -> None:
    html_path = tmp_path / "review.html"
    assert main([*map(str, images), "--report", str(html_path), "--accept-above", "0.999", "--json"]) == 1
    capsys.readouterr()
    shot = tmp_path / "shot.png"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--hide-scrollbars",
        "--window-size=1100,1400",
    ]
    url = html_path.as_uri()
    run = subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", url], capture_output=True, text=True, timeout=180)
    assert shot.is_file(), run.stderr[-2000:]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
    assert dom.count('class="card') == 3
    assert dom.count('src="data:image/') == 2
    assert 'class="low"' in dom  # the degraded line has doubtful characters highlighted
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    red = (pixels[..., 0] > 180) & (pixels[..., 1] < 120) & (pixels[..., 2] < 120)
    assert red.sum() > 200  # review borders and highlights were painted
    ink = pixels.sum(axis=2) < 200
    assert ink.sum() > 2000  # the embedded photos and the text were painted
    keep = os.environ.get("VADDR_KEEP_SCREENSHOT")  # a path: keep the screenshot there to look at it
    if keep:
        shutil.copy(shot, keep)


def test_an_unwritable_report_is_refused_before_any_image_is_read(
    images: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for bad, why in ((tmp_path / "missing" / "r.html", "is no writable folder"), (tmp_path, "it is a folder")):
        assert main([str(images[0]), "--report", str(bad)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and why in err  # nothing read, nothing printed: the setup error comes first
