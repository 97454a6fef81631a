"""`vaddr-ocr` end to end: the bundled sample, JSON lines in input order, failures reported in place.

Uses the bundled model and sample when present. Before the model is trained (or in a checkout without it)
the recognizer is a tiny onnx-built stand-in selected through $VADDR_CRNN_MODEL, which exercises the same
plumbing; without onnx either, the tests that need a recognizer are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vaddr.cli.ocr import main
from vaddr.ocr_backends.onnx_crnn import MODEL_ENV, default_model_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
BUNDLED = default_model_path() if not os.environ.get(MODEL_ENV) else None


@pytest.fixture(scope="module")
def model_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment overrides that select a usable model: none if the bundled one exists."""
    if BUNDLED is not None and BUNDLED.is_file():
        return {}
    return {MODEL_ENV: str(request.getfixturevalue("tiny_model_path"))}


@pytest.fixture
def env(model_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for k, v in model_env.items():
        monkeypatch.setenv(k, v)
    return model_env


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample line, or a drawn stand-in until the training helper renders it."""
    if SAMPLE.is_file():
        return SAMPLE
    img = np.full((115, 1200), 235, np.uint8)
    for x in range(60, 1100, 70):
        img[35:80, x : x + 30] = 30
    path = tmp_path_factory.mktemp("sample") / "sample.png"
    Image.fromarray(img).save(path)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    try:
        rc = main(argv)
    except SystemExit as e:  # argparse exits on usage errors and --help
        rc = int(e.code or 0)
    out, err = capsys.readouterr()
    return rc, out.splitlines(), err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["--help"], capsys)
    text = "\n".join(out)
    assert rc == 0
    for word in ("--json", "--top-k", "--backend", "--raw", "--scheme", "--threads", "exit status", "crnn"):
        assert word in text


def test_sample_json(env: dict[str, str], sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run([str(sample), "--json", "--top-k", "5"], capsys)
    assert rc == 0, err
    (line,) = out
    obj = json.loads(line)
    assert obj["file"] == str(sample)
    assert {"file", "text", "raw", "hypotheses", "address", "error"} <= set(obj) and obj["error"] is None
    hyps = obj["hypotheses"]
    assert 1 <= len(hyps) <= 5 and hyps[0]["text"] == obj["raw"]
    assert [h["log_prob"] for h in hyps] == sorted((h["log_prob"] for h in hyps), reverse=True)
    # the same Address object as `vaddr-correct --json` / `vaddr.correct` (inferred, span, note, alternatives)
    address = obj["address"]
    assert {"inferred", "span", "score"} <= set(address["province"] or {"inferred": 0, "span": 0, "score": 0})
    assert {"note", "alternatives", "confidence", "remainder", "input"} <= set(address)
    assert 0.0 <= address["confidence"] <= 1.0 and address["text"] == obj["text"]
    if not env and SAMPLE.is_file():  # the real model on the real sample reads the address
        from vaddr.metrics import kalapa_line_score

        expected = (SAMPLE.parent / "sample.txt").read_text(encoding="utf-8").strip()
        assert kalapa_line_score(obj["text"], expected) >= 0.8, (obj["text"], expected)
        assert address["province"] is not None


def test_sample_plain_and_raw(env: dict[str, str], sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run([str(sample)], capsys)
    assert rc == 0 and len(out) == 1
    rc, raw_out, _ = run([str(sample), "--raw", "--json"], capsys)
    obj = json.loads(raw_out[0])
    assert rc == 0 and obj["text"] == obj["raw"] and obj["address"] is None


def test_scheme_2025(env: dict[str, str], sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run([str(sample), "--json", "--scheme", "2025"], capsys)
    obj = json.loads(out[0])
    assert rc == 0 and obj["address"]["scheme"] == "2025" and obj["address"]["district"] is None


def test_missing_file(env: dict[str, str], sample: Path, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "missing.jpg"
    rc, out, err = run([str(missing), str(sample), str(tmp_path / "also.png"), "--json"], capsys)
    assert rc == 1
    objs = [json.loads(x) for x in out]
    assert [o["file"] for o in objs] == [str(missing), str(sample), str(tmp_path / "also.png")]
    assert objs[0]["text"] == "" and "no such file" in objs[0]["error"]
    assert objs[1]["error"] is None
    assert "missing.jpg: no such file" in err


def test_directory_with_a_bad_file(env: dict[str, str], sample: Path, tmp_path: Path, capsys) -> None:
    d = tmp_path / "scans"
    d.mkdir()
    shutil.copy(sample, d / "a.png")
    (d / "b.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    shutil.copy(sample, d / "c.png")
    (d / "notes.txt").write_text("not an image, not even tried")
    rc, out, err = run([str(d), "--json"], capsys)
    assert rc == 1
    objs = [json.loads(x) for x in out]
    assert [Path(o["file"]).name for o in objs] == ["a.png", "b.jpg", "c.png"]
    assert objs[0]["error"] is None and objs[2]["error"] is None
    assert objs[1]["error"].startswith(str(d / "b.jpg"))
    assert objs[0]["text"] == objs[2]["text"]
    # plain output keeps one line per image too, prefixed by the file name
    rc, out, _ = run([str(d)], capsys)
    assert rc == 1 and [x.split("\t")[0] for x in out] == [str(d / n) for n in ("a.png", "b.jpg", "c.png")]


def test_progress_for_many_images(env: dict[str, str], sample: Path, capsys) -> None:
    rc, out, err = run([str(sample)] * 6 + ["--raw"], capsys)
    assert rc == 0 and len(out) == 6
    assert "6/6 images" in err
    rc, out, err = run([str(sample)] * 2 + ["--raw"], capsys)
    assert rc == 0 and "images" not in err  # quiet for a few images when stderr is not a terminal


@pytest.mark.parametrize(
    ("argv", "msg"),
    [
        ([], "give line images"),
        (["x.png", "--backend", "nope"], "available: "),
        (["x.png", "--top-k", "0"], "--top-k"),
        (["x.png", "--scheme", "1990"], "invalid choice"),
        (["x.png", "--threads", "0"], "--threads"),
    ],
)
def test_usage_errors(argv: list[str], msg: str, capsys) -> None:
    rc, _, err = run(argv, capsys)
    assert rc == 2 and msg in err


def test_empty_directory_is_a_usage_error(tmp_path: Path, capsys) -> None:
    rc, _, err = run([str(tmp_path)], capsys)
    assert rc == 2 and "no image files" in err


def test_console_entry_point(model_env: dict[str, str], sample: Path, tmp_path: Path) -> None:
    """The real process: exit codes and JSON on stdout, as a shell script would see them."""
    env = dict(os.environ, **model_env, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "vaddr.cli.ocr", "--json", str(sample), str(tmp_path / "gone.png")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    first, second = (json.loads(x) for x in proc.stdout.splitlines())
    assert "text" in first and "error" in second


def test_pipeline_read_mixed_inputs(env: dict[str, str], sample: Path) -> None:
    """`vaddr.pipeline.read` takes paths, bytes, arrays and PIL images; bad ones come back with `error`."""
    from vaddr.pipeline import read

    gray = np.asarray(Image.open(sample).convert("L"))
    results = read([sample, sample.read_bytes(), gray, Image.open(sample), b"junk", 3], top_k=3, correct=False)
    assert [r.ok for r in results] == [True, True, True, True, False, False]
    assert len({r.raw for r in results[:4]}) == 1  # same image, same reading, whatever the input type
    assert all(r.address is None and r.text == r.raw for r in results[:4])
    assert "not an image" in results[4].error and "int" in results[5].error
    (single,) = read(sample, top_k=2)  # one image without a list
    assert single.address is not None and single.text == single.address.text
    assert len(single.hypotheses) <= 2
    assert read([]) == []


def test_directory_expansion_order(tmp_path: Path) -> None:
    from vaddr.pipeline import expand_inputs

    for name in ("10.jpg", "2.JPG", "1.png", "a.txt", "b10.png", "b9.png"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "sub").mkdir()
    got = [p.name for p in expand_inputs([tmp_path, tmp_path / "x.png"])]
    assert got == ["1.png", "2.JPG", "10.jpg", "b9.png", "b10.png", "x.png"]
