"""The built wheel works as a zip on sys.path (Spark --py-files, zipimport, read-only installs): the gazetteer,
the rule tables and the model are package resources, never paths into the file system."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from vaddr import correct
from vaddr.pipeline import read

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
MODEL = ROOT / "vaddr" / "ocr_backends" / "models" / "crnn.onnx"

CHILD = r"""
import json, sys
wheel, site_dirs = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, wheel)
sys.path.extend(site_dirs)  # the dependencies only: -S kept the editable install's .pth (and finder) out
import vaddr
from importlib import resources
from vaddr import correct
from vaddr.pipeline import read
assert vaddr.__file__.startswith(wheel), vaddr.__file__
image = resources.files("vaddr").joinpath("samples", "sample.png").read_bytes()
(r,) = read(image)
print(json.dumps({
    "file": vaddr.__file__,
    "legacy": correct("thon 1 ea ktur cu kuin dak lak").model_dump(mode="json"),
    "new": correct("thon 1 ea ktur cu kuin dak lak", scheme="2025").model_dump(mode="json"),
    "read": r.model_dump(mode="json"),
}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("setuptools")
    pytest.importorskip("wheel")
    src = tmp_path_factory.mktemp("src")
    for f in ROOT.iterdir():  # a copy, so the build leaves no build/ or egg-info in the checkout
        if (
            f.is_file()
            and f.name in ("pyproject.toml", "setup.cfg", "setup.py", "MANIFEST.in")
            or (f.is_file() and f.name.upper().startswith(("README", "LICENSE", "COPYING", "NOTICE", "CHANGELOG")))
        ):
            shutil.copy2(f, src / f.name)
    shutil.copytree(ROOT / "vaddr", src / "vaddr", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    (whl,) = out.glob("vaddr-*.whl")
    return whl


@pytest.mark.skipif(not (SAMPLE.is_file() and MODEL.is_file()), reason="needs the bundled sample and model")
def test_correct_and_read_from_the_wheel_as_a_zip(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"vaddr/ocr_backends/models/crnn.onnx", "vaddr/gazetteer/data/legacy.tsv.gz"} <= names
    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    proc = subprocess.run(
        [sys.executable, "-S", "-c", CHILD, str(wheel), json.dumps(site_dirs)],
        cwd=tmp_path,  # not the checkout: `vaddr` must come from the zip
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["file"].startswith(str(wheel))
    assert got["legacy"] == correct("thon 1 ea ktur cu kuin dak lak").model_dump(mode="json")
    assert got["new"] == correct("thon 1 ea ktur cu kuin dak lak", scheme="2025").model_dump(mode="json")
    expected = read(SAMPLE)[0].model_copy(update={"file": got["read"]["file"]})
    assert got["read"] == expected.model_dump(mode="json")
    assert got["read"]["text"] and got["read"]["error"] is None
