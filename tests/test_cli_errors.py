"""Every command ends with one line on stderr and a documented exit code, whatever goes wrong.

Run as real processes (the way a shell script sees them): a closed pipe, Ctrl-C, a closed or full standard
output, invalid UTF-8 on stdin, file names with tabs and newlines, broken plugins and bad evaluation input.
Exit codes (see `vaddr.cli._common.EXIT_STATUS`): 0 ok, 1 some input failed or output not written, 2 usage or
setup error, 130 interrupted.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"


def env(*extra: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([*map(str, extra), str(ROOT)]), PYTHONUNBUFFERED="0")


def _sigint_default() -> None:
    # A job started in the background by a non-interactive shell (as CI may start the suite) inherits SIGINT
    # ignored, and Python then never raises KeyboardInterrupt: give the child what a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cmd(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", f"vaddr.cli.{module}", *args]


def run(args: list[str], stdin: bytes | None = None, extra: tuple[Path, ...] = (), **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=stdin, capture_output=True, env=env(*extra), timeout=180, **kw)


def one_line_error(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    return text


def test_broken_pipe_is_quiet() -> None:
    """`vaddr-correct ... | head -1`: no traceback, no "Exception ignored", the status so far."""
    lines = b"hoa binh\n" * 10000  # 90 KB: more than a pipe buffer holds, so writing must hit the closed pipe
    shell = f"{' '.join(cmd('correct'))} | head -1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", shell], input=lines, capture_output=True, env=env())
    assert proc.stdout.decode() == "Hoà Bình\n"
    err = one_line_error(proc.stderr)
    assert "Exception ignored" not in err and "BrokenPipe" not in err
    assert proc.returncode == 0


def test_sigint_exits_130_without_traceback() -> None:
    p = subprocess.Popen(
        cmd("correct"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        preexec_fn=_sigint_default,
    )
    assert p.stdin is not None and p.stdout is not None
    p.stdin.write(b"ha noi\n")
    p.stdin.flush()
    assert p.stdout.readline() == "Hà Nội\n".encode()  # it is running and waiting for the next line
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130
    assert one_line_error(err).strip() == "vaddr-correct: interrupted"


@pytest.mark.parametrize("module", ["correct", "ocr"])
def test_closed_stdout(module: str) -> None:
    args = ["ha noi"] if module == "correct" else ["--raw", str(SAMPLE)]
    if module == "ocr" and not SAMPLE.is_file():
        pytest.skip("no bundled sample")
    shell = " ".join(cmd(module, *map(repr, args))) + " >&-"
    proc = subprocess.run(["bash", "-c", shell], capture_output=True, env=env(), timeout=180)
    assert proc.returncode == 1
    assert "standard output is closed" in one_line_error(proc.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_full_disk() -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(cmd("correct", "ha noi"), stdout=full, stderr=subprocess.PIPE, env=env(), timeout=180)
    assert proc.returncode == 1
    err = one_line_error(proc.stderr)
    assert "No space left on device" in err and len(err.strip().splitlines()) == 1


def test_invalid_utf8_costs_only_its_line() -> None:
    data = b"hoa binh\n\xff\xfe ha noi\nha noi\n" + b"ha giang\n" * 5
    proc = run(cmd("correct", "--json"), stdin=data)
    assert proc.returncode == 1
    objs = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert len(objs) == 8
    assert objs[0]["text"] == "Hoà Bình" and objs[2]["text"] == "Hà Nội" and objs[-1]["text"] == "Hà Giang"
    assert objs[1] == {"line": 2, "input": "\\xff\\xfe ha noi", "error": "not valid UTF-8"}
    assert "line 2: not valid UTF-8" in one_line_error(proc.stderr)
    plain = run(cmd("correct"), stdin=data)
    assert plain.stdout.decode("utf-8").split("\n")[:3] == ["Hoà Bình", "", "Hà Nội"]
    arg = run(cmd("correct", "--json", os.fsdecode(b"ha noi\xff"), "ha noi"))
    objs = [json.loads(x) for x in arg.stdout.decode("utf-8").splitlines()]
    assert arg.returncode == 1 and objs[0]["error"] == "not valid UTF-8" and objs[1]["text"] == "Hà Nội"


@pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample")
def test_file_names_with_tabs_and_newlines_stay_one_field(tmp_path: Path) -> None:
    weird = tmp_path / "a\tb\nc.png"
    weird.write_bytes(SAMPLE.read_bytes())
    plain = tmp_path / "plain.png"
    plain.write_bytes(SAMPLE.read_bytes())
    proc = run(cmd("ocr", "--raw", str(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.decode("utf-8").splitlines()
    assert len(rows) == 2 and all(r.count("\t") == 1 for r in rows)
    assert rows[0].split("\t")[0] == str(tmp_path) + "/a\\tb\\nc.png"


def _entry_point_plugin(tmp_path: Path, name: str, source: str) -> Path:
    """A real distribution (dist-info with an entry point) on a path, the way pip would leave it."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / f"{name}_plugin.py").write_text(textwrap.dedent(source))
    info = site / f"{name}_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[vaddr.recognizers]\n{name} = {name}_plugin:Plugin\n")
    return site


PLUGINS = {
    "raising": (
        """
        class Plugin:
            name = "raising"
            def __init__(self):
                raise RuntimeError("licence key missing")
            def recognize(self, images, top_k=10):
                return []
        """,
        "'raising' (raising_plugin:Plugin) failed to start: RuntimeError: licence key missing",
    ),
    "notrec": (
        """
        class Plugin:
            pass
        """,
        "'notrec' (notrec_plugin:Plugin) produced a Plugin, not a recognizer (missing: name, recognize)",
    ),
    "instance": (
        """
        class _P:
            name = "instance"
            def recognize(self, images, top_k=10):
                return []
        Plugin = _P()
        """,
        "'instance' (instance_plugin:Plugin) is a _P instance, not a class: register the recognizer class",
    ),
}


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_broken_plugin_is_one_line_naming_it(name: str, tmp_path: Path) -> None:
    source, message = PLUGINS[name]
    site = _entry_point_plugin(tmp_path, name, source)
    img = tmp_path / "x.png"
    img.write_bytes(b"")
    proc = run(cmd("ocr", "--backend", name, str(img)), extra=(site,))
    assert proc.returncode == 2
    err = one_line_error(proc.stderr)
    assert err.count("\n") == 1 and message in err, err


BAD_RESULTS = {
    "short": ("return []", "returned 0 result(s) for 2 image(s)"),
    "long": (
        "return [Recognition(hypotheses=[Hypothesis(text='x')])] * (len(images) + 1)",
        "returned 3 result(s) for 2 image(s)",
    ),
    "strings": ("return ['thon 1'] * len(images)", "returned str for image 1; expected Recognition"),
    "shape": (
        "return [Recognition(hypotheses=[Hypothesis(text='x')], log_probs=np.zeros((5, 3), np.float32),"
        " charset=list('abcd'))] * len(images)",
        "log_probs has shape (5, 3) but charset has 4 characters",
    ),
}


@pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample")
@pytest.mark.parametrize("case", sorted(BAD_RESULTS))
def test_plugin_breaking_the_contract_is_named(case: str, tmp_path: Path) -> None:
    body, message = BAD_RESULTS[case]
    source = f"""
        import numpy as np
        from vaddr.ocr_backends import Recognition
        from vaddr.types import Hypothesis

        class Plugin:
            name = "bad"
            def recognize(self, images, top_k=10):
                {body}
        """
    site = _entry_point_plugin(tmp_path, "bad", source)
    proc = run(cmd("ocr", "--backend", "bad", "--json", str(SAMPLE), str(SAMPLE)), extra=(site,))
    assert proc.returncode == 1
    objs = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert len(objs) == 2  # every input keeps its record
    for o in objs:
        assert "recognizer 'bad' (bad_plugin.Plugin)" in o["error"] and message in o["error"], o["error"]
    assert len(one_line_error(proc.stderr).strip().splitlines()) == 2


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        (b"a.png\n", [], "labels.tsv:1: expected image_path<TAB>label"),
        (b"a.png\tThon \xff\n", [], "labels.tsv:1: not valid UTF-8"),
        (b"a.png\tx\n", ["--top-k", "0"], "invalid value for --top-k: 0"),
        (b"a.png\tx\n", ["--backend", "nope"], "unknown recognizer backend 'nope'"),
        (b"", [], "no lines to evaluate"),
    ],
)
def test_eval_bad_input_is_a_usage_error(rows: bytes, args: list[str], message: str, tmp_path: Path) -> None:
    labels = tmp_path / "labels.tsv"
    labels.write_bytes(rows)
    proc = run(cmd("eval", str(labels), *args))
    assert proc.returncode == 2
    err = one_line_error(proc.stderr)
    assert message in err and err.count("\n") == 1, err


def test_eval_on_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    proc = run(cmd("eval", str(tmp_path)))
    assert proc.returncode == 2 and "is a folder" in one_line_error(proc.stderr)


@pytest.mark.parametrize("module", ["ocr", "correct", "eval"])
def test_usage_error_is_one_line(module: str) -> None:
    proc = run(cmd(module, "--scheme" if module != "eval" else "--top-k", "bogus", "x"))
    assert proc.returncode == 2
    err = one_line_error(proc.stderr)
    assert err.count("\n") == 1 and "bogus" in err and "--help" in err


def test_interrupt_during_a_long_ocr_run(tmp_path: Path) -> None:
    """Ctrl-C in the middle of reading images: 130, one line, what was read so far is on stdout."""
    if not SAMPLE.is_file():
        pytest.skip("no bundled sample")
    listing = tmp_path / "list.txt"
    listing.write_text((str(SAMPLE) + "\n") * 2000)
    p = subprocess.Popen(
        cmd("ocr", "--raw", "-q", f"@{listing}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        preexec_fn=_sigint_default,
    )
    assert p.stdout is not None
    first = p.stdout.readline()
    assert first.startswith(str(SAMPLE).encode())
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and one_line_error(err).strip().endswith("vaddr-ocr: interrupted")


def test_paths_on_stdin_stream_through() -> None:
    """`producer | vaddr-ocr -`: the first results come out while standard input is still open."""
    if not SAMPLE.is_file():
        pytest.skip("no bundled sample")
    p = subprocess.Popen(
        cmd("ocr", "--raw", "-"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env()
    )
    assert p.stdin is not None and p.stdout is not None
    p.stdin.write((str(SAMPLE) + "\n").encode() * 40)  # more than one chunk (32), and stdin stays open
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], 90)  # a regression must fail, not hang the suite
    if not ready:
        p.kill()
        pytest.fail("no result while standard input was open: inputs are not streamed")
    first = p.stdout.readline()
    assert first.startswith(str(SAMPLE).encode() + b"\t") and p.poll() is None
    p.stdin.close()
    rest = p.stdout.read()
    assert p.wait(timeout=120) == 0
    assert len(rest.splitlines()) == 39
