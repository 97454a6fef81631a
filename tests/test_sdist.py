"""The sdist carries what its tests need (tests/tiny_model.py, tests/fake_plugin/, tests/data/, the numpy-only
parts of training/ and tools/ that tests import), the LICENSE and the py.typed marker.

Builds the sdist without network (no build isolation: the `test` extra installs setuptools and build) and
compares its file list with the checkout. .ci/run goes further and runs the suite from the unpacked sdist.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sdist_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("sdist")
    src = out / "src"  # build from a clean copy: no stale *.egg-info/SOURCES.txt, nothing written into the checkout
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "cache", "runs", "fonts"),
    )
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(out), str(src)],
        check=True,
        capture_output=True,
    )
    (archive,) = out.glob("vaddr-*.tar.gz")
    with tarfile.open(archive) as tar:
        return {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}


def _needed() -> set[str]:
    tests = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p) and "build" not in p.parts
    }
    imported_by_tests = {
        "training/__init__.py",
        "training/charset.py",
        "training/shards.py",
        "training/splits.py",
        "training/text_sampler.py",
    }
    # the example plugin package (tests/test_plugin_example.py installs it) and the published JSON Schema
    # (tests/test_cli_conventions.py checks it is current)
    examples = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "examples").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p) and "build" not in p.parts
    }
    extra = {"tools/build_gazetteer.py", "LICENSE", "vaddr/py.typed", "pyproject.toml", "docs/schema.json"}
    return tests | imported_by_tests | examples | extra


def test_sdist_carries_what_its_tests_need(sdist_files: set[str]) -> None:
    assert "tests/tiny_model.py" in _needed() and "tests/fake_plugin/pyproject.toml" in _needed()
    missing = _needed() - sdist_files
    assert not missing


def test_sdist_leaves_out_training_weights(sdist_files: set[str]) -> None:
    assert "training/checkpoint.pt" not in sdist_files
