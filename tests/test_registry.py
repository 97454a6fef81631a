"""The recognizer registry finds backends through the `vaddr.recognizers` entry-point group.

The fake plugin under tests/fake_plugin is a real distribution: it is pip-installed into a temporary
directory (no network: no build isolation, no deps), so the test goes through the same metadata lookup as a
third-party package would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vaddr import ocr_backends
from vaddr.ocr_backends import Recognizer, UnknownBackendError

HERE = Path(__file__).parent
ROOT = HERE.parent


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("plugin")
    src = tmp / "src"
    shutil.copytree(HERE / "fake_plugin", src)  # build in a copy: no build/ or egg-info in the repo
    target = tmp / "site"
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--disable-pip-version-check",
        "--target",
        str(target),
        str(src),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"could not install the fake plugin:\n{proc.stdout}\n{proc.stderr}")
    assert any(p.name.endswith(".dist-info") for p in target.iterdir())
    return target


def test_builtin_is_available() -> None:
    assert "crnn" in ocr_backends.available()


def test_unknown_name_lists_available() -> None:
    with pytest.raises(UnknownBackendError, match=r"'nope'.*available: .*crnn"):
        ocr_backends.get("nope")


def test_builtin_constructs_lazily() -> None:
    rec = ocr_backends.get("crnn", threads=2)
    assert isinstance(rec, Recognizer)
    assert rec.name == "crnn" and rec.threads == 2  # type: ignore[attr-defined]


def test_plugin_is_found_by_name(plugin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "fake" not in ocr_backends.available()
    with pytest.raises(UnknownBackendError):
        ocr_backends.get("fake")
    monkeypatch.syspath_prepend(str(plugin_dir))
    assert "fake" in ocr_backends.available()
    rec = ocr_backends.get("fake", threads=3)
    assert type(rec).__module__ == "vaddr_fake_plugin"
    assert rec.name == "fake" and rec.threads == 3  # type: ignore[attr-defined]
    import numpy as np

    (r,) = rec.recognize([np.full((40, 200), 255, np.uint8)], top_k=1)
    assert [h.text for h in r.hypotheses] == ["thon 1 ea ktur cu kuin dak lak"]


def test_plugin_drives_the_cli(plugin_dir: Path, tmp_path: Path) -> None:
    """`vaddr-ocr --backend fake` runs the plugin end to end in a fresh interpreter."""
    import json

    import numpy as np
    from PIL import Image

    img = tmp_path / "line.png"
    Image.fromarray(np.full((40, 200), 255, np.uint8)).save(img)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(plugin_dir), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-m", "vaddr.cli.ocr", "--backend", "fake", "--raw", "--json", str(img)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    out = json.loads(line)
    assert out["text"] == "thon 1 ea ktur cu kuin dak lak"
    assert [h["log_prob"] for h in out["hypotheses"]] == [-0.5, -1.5]


def test_threads_is_only_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from vaddr.ocr_backends import registry

    monkeypatch.setitem(registry._BUILTIN, "plain", "vaddr_fake_plugin_free:Plain")

    class Plain:
        name = "plain"

        def __init__(self, beam: int = 1) -> None:
            self.beam = beam

        def recognize(self, images, top_k=10):
            return []

    monkeypatch.setattr(registry, "_load", lambda target: Plain)
    assert ocr_backends.get("plain", threads=4, beam=3).beam == 3  # type: ignore[attr-defined]
    with pytest.raises(ocr_backends.BackendError, match="'plain'.*failed to start: TypeError"):
        ocr_backends.get("plain", beam_size=3)  # a real option the backend lacks is an error


def test_broken_plugin_object_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    from vaddr.ocr_backends import registry

    monkeypatch.setitem(registry._BUILTIN, "broken", "builtins:dict")
    with pytest.raises(ocr_backends.BackendError, match="not a recognizer"):
        ocr_backends.get("broken")
    monkeypatch.setitem(registry._BUILTIN, "missing", "vaddr_no_such_module:X")
    with pytest.raises(ocr_backends.BackendError, match="'missing'.*failed to load"):
        ocr_backends.get("missing")
