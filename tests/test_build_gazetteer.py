"""tools/build_gazetteer.py --check: the comparison it runs in CI (the full rebuild needs PyPI, so CI runs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tools import build_gazetteer

DATA = Path(__file__).resolve().parent.parent / "vaddr" / "gazetteer" / "data"


def test_check_accepts_an_identical_build(tmp_path: Path) -> None:
    built = tmp_path / "data"
    shutil.copytree(DATA, built)
    assert build_gazetteer.check(built, DATA) == []


def test_check_names_each_differing_or_missing_file(tmp_path: Path) -> None:
    built, committed = tmp_path / "built", tmp_path / "committed"
    shutil.copytree(DATA, built)
    shutil.copytree(DATA, committed)
    (built / "SOURCES.md").write_text((DATA / "SOURCES.md").read_text(encoding="utf-8") + " ", encoding="utf-8")
    (committed / "to2025.tsv.gz").unlink()
    assert build_gazetteer.check(built, committed) == ["to2025.tsv.gz", "SOURCES.md"]


def test_the_build_folds_names_with_the_runtime_rules() -> None:
    from vaddr.rules import text

    assert build_gazetteer.canonical("  Hoà   Bình ") == "Hòa Bình" == text.to_new_style("Hoà Bình")
    assert build_gazetteer.key("Bà Rịa - Vũng Tàu") == "bariavungtau" == text.squeeze("Bà Rịa - Vũng Tàu")
