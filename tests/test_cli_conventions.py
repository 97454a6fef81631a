"""The conventions the three commands share: --version, python -m vaddr, --help listing every option and the
environment, --quiet, --output, --format csv/json, recursive folders with reported skips, `-` / @FILE /
--files-from inputs, progress off without hiding errors, one JSON schema, logging."""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vaddr.cli import _common as common
from vaddr.cli import correct as correct_cli
from vaddr.cli import eval as eval_cli
from vaddr.cli import ocr as ocr_cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
needs_sample = pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample")
COMMANDS = {"ocr": ocr_cli, "correct": correct_cli, "eval": eval_cli}


def call(module, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        rc = module.main(argv)
    except SystemExit as e:
        rc = int(e.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


def py(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, env=env, timeout=180)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_version(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    from vaddr import __version__

    rc, out, _ = call(COMMANDS[name], ["--version"], capsys)
    assert rc == 0 and out.strip() == f"vaddr-{name} {__version__}"


def test_serve_help_lists_options_and_environment() -> None:
    from vaddr.cli import serve

    text = serve.build_parser().format_help()
    for flag in ("--host", "--port", "--backend", "--max-body-mb", "--max-lines", "--max-images", "--version"):
        assert flag in text
    assert "VADDR_CRNN_MODEL" in text and "exit status" in text


def test_python_m_vaddr_subcommands() -> None:
    from vaddr import __version__

    assert py("-m", "vaddr", "--version").stdout.strip() == f"vaddr {__version__}"
    top = py("-m", "vaddr", "--help")
    assert top.returncode == 0 and all(s in top.stdout for s in ("ocr", "correct", "eval", "serve", "schema"))
    assert py("-m", "vaddr", "correct", "ha noi").stdout == "Hà Nội\n"
    assert py("-m", "vaddr", "ocr", "--version").stdout.strip() == f"vaddr ocr {__version__}"
    bad = py("-m", "vaddr", "frobnicate")
    assert bad.returncode == 2 and "unknown subcommand 'frobnicate'" in bad.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_lists_every_option_env_and_exit_codes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = COMMANDS[name].build_parser()
    rc, out, _ = call(COMMANDS[name], ["--help"], capsys)
    assert rc == 0
    for action in parser._actions:
        for flag in action.option_strings:
            assert flag in out, f"{flag} missing from vaddr-{name} --help"
    for var in ("VADDR_CRNN_MODEL", "VADDR_THREADS", "VADDR_LOG_LEVEL"):
        assert var in out
    for code in ("0 ", "1 ", "2 ", "130"):
        assert f"\n  {code}" in out


def test_common_options_are_the_same_everywhere() -> None:
    def flags(p: argparse.ArgumentParser) -> set[str]:
        return {f for a in p._actions for f in a.option_strings}

    shared = {"--format", "--json", "-o", "--output", "-q", "--quiet", "-v", "--verbose", "--version"}
    for module in COMMANDS.values():
        assert shared <= flags(module.build_parser())
    assert {"--tone", "--case", "--files-from", "--no-progress"} <= flags(ocr_cli.build_parser())


def test_correct_output_file_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    rc, out, _ = call(
        correct_cli, ["--format", "csv", "-o", str(target), "thon 1 ea ktur cu kuin dak lak", " "], capsys
    )
    assert rc == 1 and out == ""
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows[0]["text"] == "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk" and rows[0]["province_code"] == "66"
    assert rows[0]["ward"] == "Xã Ea Ktur" and rows[1]["error"] == "empty line"


def test_correct_lines_from_files_and_stdin(tmp_path: Path, monkeypatch, capsys) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("ha noi\nhoa binh\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("ha giang\n"))
    rc, out, _ = call(correct_cli, [f"@{lines}", "-", "da nang", "--lines-from", str(lines)], capsys)
    assert rc == 0
    assert out.splitlines() == ["Hà Nội", "Hoà Bình", "Hà Giang", "Đà Nẵng", "Hà Nội", "Hoà Bình"]


def test_quiet_hides_notes_not_errors(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("ha noi\n\n"))
    rc, _, err = call(correct_cli, ["-q"], capsys)
    assert rc == 1 and err == ""  # an empty line is a note
    monkeypatch.setattr(sys, "stdin", io.BytesIO(b"ha noi\n\xff\n"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"ha noi\n\xff\n")))
    rc, _, err = call(correct_cli, ["-q", "-"], capsys)
    assert rc == 1 and "line 2: not valid UTF-8" in err  # an input error is always shown


@needs_sample
def test_ocr_recursive_with_skip_report_lists_and_csv(tmp_path: Path, capsys) -> None:
    scans = tmp_path / "scans"
    (scans / "day2" / "deep").mkdir(parents=True)
    shutil.copy(SAMPLE, scans / "1.png")
    shutil.copy(SAMPLE, scans / "day2" / "deep" / "10.png")
    shutil.copy(SAMPLE, scans / "day2" / "2.png")
    (scans / "notes.txt").write_text("x")
    (scans / "gone.png").symlink_to(tmp_path / "nowhere.png")
    os.mkfifo(scans / "pipe.png")
    (scans / "day2" / "up").symlink_to(scans)  # a link back up: walked once, reported, no endless loop
    empty = tmp_path / "empty"
    empty.mkdir()
    rc, out, err = call(ocr_cli, ["--raw", "--json", str(scans), str(empty)], capsys)
    objs = [json.loads(x) for x in out.splitlines()]
    rel = [os.path.relpath(o["file"], tmp_path) for o in objs]
    assert rel == ["scans/1.png", "scans/day2/2.png", "scans/day2/deep/10.png", "empty"]  # argument order
    assert rc == 1 and "no image files" in objs[3]["error"]
    assert f"skipped {scans / 'notes.txt'}: not an image file name (.txt)" in err
    assert f"skipped {scans / 'gone.png'}: broken link" in err
    assert f"skipped {scans / 'pipe.png'}: not a regular file" in err
    assert f"skipped {scans / 'day2' / 'up'}: folder link cycle" in err
    # a file list (@FILE / --files-from) and paths on stdin ('-') name the same images
    listing = tmp_path / "list.txt"
    listing.write_text(f"{scans / '1.png'}\n\n{scans / 'day2' / '2.png'}\n")
    rc, out, _ = call(ocr_cli, ["--raw", "--format", "csv", f"@{listing}", "--files-from", str(listing)], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [Path(r["file"]).name for r in rows] == ["1.png", "2.png", "1.png", "2.png"]
    assert rows[0]["raw"] and rows[0]["error"] == ""
    proc = py("-m", "vaddr.cli.ocr", "--raw", "-", "--progress", stdin=listing.read_text() + f"{empty}\n")
    rows = proc.stdout.splitlines()  # streamed inputs: always FILE<TAB>TEXT; the empty folder keeps its place
    assert proc.returncode == 1 and [r.split("\t")[0] for r in rows] == [
        str(scans / "1.png"),
        str(scans / "day2" / "2.png"),
        str(empty),
    ]
    assert rows[2] == f"{empty}\t" and "vaddr-ocr: 3 images, 1 failed" in proc.stderr


@needs_sample
def test_progress_off_keeps_errors_and_quiet_keeps_errors(tmp_path: Path, capsys) -> None:
    args = [str(SAMPLE)] * 6 + [str(tmp_path / "missing.png"), "--raw"]
    rc, out, err = call(ocr_cli, [*args, "--no-progress"], capsys)
    assert rc == 1 and len(out.splitlines()) == 7
    assert "images," not in err and "missing.png: no such file" in err
    rc, _, err = call(ocr_cli, [*args, "--quiet"], capsys)
    assert "images," not in err and "missing.png: no such file" in err
    rc, _, err = call(ocr_cli, args, capsys)
    assert "7/7 images, 1 failed" in err


@needs_sample
def test_ocr_tone_and_case_and_output_file(tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.txt"
    rc, out, _ = call(ocr_cli, [str(SAMPLE), "--case", "lower", "--tone", "new", "-o", str(target)], capsys)
    assert rc == 0 and out == ""
    assert target.read_text(encoding="utf-8") == "thôn 1 ea ktur cư kuin đắk lắk\n"


@needs_sample
def test_ocr_json_nests_the_correct_json(capsys) -> None:
    """`vaddr-ocr --json`'s address is exactly what `vaddr-correct --json` prints for the same hypotheses."""
    from vaddr import correct
    from vaddr.pipeline import recognizer

    rc, out, _ = call(ocr_cli, [str(SAMPLE), "--json", "--alternatives", "2", "--scheme", "2025"], capsys)
    obj = json.loads(out)
    rec = recognizer("crnn", 1).recognize([SAMPLE], top_k=10)[0]
    expected = correct(rec, scheme="2025", alternatives=2).model_dump(mode="json")
    assert rc == 0 and obj["address"] == expected


def test_schema_is_published_and_current() -> None:
    from vaddr.schema import schema, schema_json

    committed = (ROOT / "docs" / "schema.json").read_text(encoding="utf-8").strip()
    assert committed == schema_json(), "docs/schema.json is stale: run `python -m vaddr schema -o docs/schema.json`"
    defs = schema()["$defs"]
    assert {"Address", "OcrResult", "LineError", "UnitMatch"} <= set(defs)
    assert defs["OcrResult"]["properties"]["address"]["anyOf"][0]["$ref"] == "#/$defs/Address"
    assert {"inferred", "span"} <= set(defs["UnitMatch"]["properties"])
    assert py("-m", "vaddr", "schema").stdout.strip() == committed


def test_correct_json_validates_against_the_schema(capsys) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from vaddr.schema import schema

    rc, out, _ = call(correct_cli, ["--json", "--alternatives", "2", "nghi hoa nghi loc nghe an"], capsys)
    doc = schema()
    jsonschema.validate(json.loads(out), {**doc, "$ref": "#/$defs/Address"})


def test_ocr_result_is_a_public_type() -> None:
    import vaddr.pipeline
    import vaddr.types

    assert vaddr.pipeline.OcrResult is vaddr.types.OcrResult


def test_library_logs_to_the_vaddr_logger(capsys) -> None:
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("vaddr").handlers)
    rc, _, err = call(correct_cli, ["-vv", "ha noi"], capsys)
    assert rc == 0
    rc, _, err = call(ocr_cli, ["-vv", "--raw", str(ROOT / "nope.png")], capsys)
    assert "vaddr-ocr: DEBUG: Reader ready: {'backend': 'crnn'" in err
    rc, _, err = call(ocr_cli, ["--raw", str(ROOT / "nope.png")], capsys)
    assert "DEBUG" not in err


def test_escape_field() -> None:
    assert common.escape_field("a\tb\nc\\d\x1b[31m\u202e") == "a\\tb\\nc\\\\d\\x1b[31m\\u202e"
    assert common.escape_field(os.fsdecode(b"caf\xe9.png")) == "caf\\xe9.png"
    assert common.escape_field("Thôn 1 Đắk Lắk") == "Thôn 1 Đắk Lắk"


def test_env_threads_is_the_default(monkeypatch, capsys) -> None:
    monkeypatch.setenv("VADDR_THREADS", "many")
    rc, _, err = call(ocr_cli, ["--raw", str(ROOT / "nope.png")], capsys)
    assert rc == 2 and "$VADDR_THREADS='many' is not an integer" in err
