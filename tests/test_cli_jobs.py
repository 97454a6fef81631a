"""`--jobs N` in both commands: the same output, in the same order, as one job (errors included)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from batch_data import SAMPLE, address_lines, line_images

from vaddr.cli.ocr import main as ocr_main


def _run_correct(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "vaddr.cli.correct", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=600)


@pytest.mark.parametrize("fmt", [[], ["--json", "--scheme", "2025"]])
def test_vaddr_correct_jobs_2_is_identical(fmt: list[str]) -> None:
    lines = address_lines(900)
    lines[100] = ""  # an empty line: an error in place, exit status 1, in both modes
    stdin = "\n".join(lines) + "\n"
    one = _run_correct(fmt, stdin)
    two = _run_correct([*fmt, "--jobs", "2"], stdin)
    assert one.returncode == two.returncode == 1
    assert len(one.stdout.splitlines()) == 900
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr == "vaddr-correct: empty line\n" * (0 if fmt else 1)


def test_vaddr_correct_rejects_negative_jobs() -> None:
    assert _run_correct(["--jobs", "-1", "ha noi"], "").returncode == 2


@pytest.mark.skipif(not SAMPLE.is_file(), reason="needs the bundled sample")
def test_vaddr_ocr_jobs_2_is_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    for i, src in enumerate(line_images(tmp_path / "src", 70)):
        (folder / f"{i}.jpg").write_bytes(src.read_bytes())
    (folder / "35b.png").write_bytes(b"broken")  # fails in place, between two chunks' worth of images
    outputs = []
    for jobs in ("1", "2"):
        assert ocr_main([str(folder), "--json", "--jobs", jobs]) == 1
        out, err = capsys.readouterr()
        outputs.append((out, [e for e in err.splitlines() if "35b.png" in e]))
    assert len(outputs[0][0].splitlines()) == 71
    assert outputs[1] == outputs[0]
