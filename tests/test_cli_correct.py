"""`vaddr-correct`: arguments or stdin, text or JSON Lines, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from vaddr.cli.correct import main


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["thon 1 ea ktur cu kuin dak lak", "p 14 q 3 tp hcm"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Thôn 1 Ea Ktur Cư Kuin Đắk Lắk", "P 14 Q 3 Tp Hcm"]


def test_json_lines_carry_the_parts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "thon 1 ea ktur cu kuin dak lak"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["text"] == "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk"
    assert obj["province"]["code"] == "66" and obj["ward"]["name"] == "Ea Ktur"
    assert obj["remainder"] == "Thôn 1"


def test_stdin_and_empty_line_gives_exit_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hoa binh\n\nha noi\n"))
    assert main(["--json"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("text") for x in lines] == ["Hoà Bình", None, "Hà Nội"]
    assert lines[1]["error"] == "empty line"


def test_scheme_2025(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--scheme", "2025", "thon 1 ea ktur cu kuin dak lak"]) == 0
    assert capsys.readouterr().out.strip() == "Thôn 1 Xã Ea Ktur Đắk Lắk"


def test_installed_command_help_and_usage_error() -> None:
    out = subprocess.run([sys.executable, "-m", "vaddr.cli.correct", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "--scheme" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "vaddr.cli.correct", "--scheme", "1999", "x"], capture_output=True)
    assert bad.returncode == 2


def test_alternatives_are_listed_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    line = "nghi hoa nghi loc nghe an"  # Nghi Hoà and Nghi Hoa are both wards of Nghi Lộc
    assert main(["--json", line]) == 0
    assert json.loads(capsys.readouterr().out)["alternatives"] == []
    assert main(["--json", "--alternatives", "2", line]) == 0
    alts = json.loads(capsys.readouterr().out)["alternatives"]
    assert 1 <= len(alts) <= 2 and all(a["text"] for a in alts)


def test_a_byte_order_mark_starts_the_file_not_its_first_line(tmp_path, capsys) -> None:
    f = tmp_path / "excel.txt"
    f.write_bytes(b"\xef\xbb\xbfha noi\r\nda nang\r\n")
    assert main(["--json", f"@{f}"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["input"] for r in rows] == ["ha noi", "da nang"]
    assert rows[0]["province"]["span"] == [0, 6]  # spans index the line as written, with no mark before it
