"""The public API is typed for a type checker: `from vaddr import correct` is the real function, not `Any`.

Runs mypy (the `test` extra installs it; skipped only where it is absent) on a snippet that uses the API the way
a user would, and reads what ``reveal_type`` reports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """\
from vaddr import Address, correct, convert
import vaddr

reveal_type(correct)
reveal_type(convert)
reveal_type(correct("thon 1 ea ktur cu kuin dak lak").text)
reveal_type(vaddr.__version__)
address: Address = vaddr.correct("x")
"""


@pytest.fixture(scope="module")
def revealed(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("mypy")
    snippet = tmp_path_factory.mktemp("typing") / "use_vaddr.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "--follow-imports=silent", str(snippet)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return run.stdout + run.stderr


def test_correct_is_typed(revealed: str) -> None:
    lines = [line for line in revealed.splitlines() if "Revealed type" in line]
    assert len(lines) == 4, revealed
    assert "def (" in lines[0] and "vaddr.types.Address" in lines[0], lines[0]
    assert "def (" in lines[1] and "vaddr.types.Address" in lines[1], lines[1]
    assert lines[2].endswith('Revealed type is "str"'), lines[2]
    assert lines[3].endswith('Revealed type is "str"'), lines[3]


def test_no_type_errors_in_user_code(revealed: str) -> None:
    errors = [line for line in revealed.splitlines() if ": error:" in line]
    assert not errors, revealed


def test_py_typed_marker_ships() -> None:
    assert (ROOT / "vaddr" / "py.typed").is_file()
