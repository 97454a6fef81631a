"""`Reader`: every option fixed once, checked once; `read()` is a thin wrapper over the same chain; `convert()`
confidences mean something for split wards."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vaddr.ocr_backends import Recognition
from vaddr.reader import MAX_TOP_K, Reader
from vaddr.types import Hypothesis

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"


class Fixed:
    """A recognizer (plain object, no registry) that reads every line as the same address."""

    name = "fixed"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def recognize(self, images, top_k=10):
        self.calls.append(len(images))
        hyps = [Hypothesis(text="thon 1 ea ktur cu kuin dak lak", log_prob=-0.1)][:top_k]
        return [Recognition(hypotheses=hyps) for _ in images]


def line() -> np.ndarray:
    img = np.full((40, 300), 250, np.uint8)
    img[15:25, 20:280] = 20
    return img


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top_k": 0}, "invalid top_k=0"),
        ({"top_k": MAX_TOP_K + 1}, f"from 1 to {MAX_TOP_K}"),
        ({"scheme": "1990"}, "invalid scheme='1990'"),
        ({"tone": "loud"}, "invalid tone='loud'"),
        ({"case": "snake"}, "invalid case='snake'"),
        ({"alternatives": -1}, "invalid alternatives=-1"),
        ({"threads": 0}, "invalid threads=0"),
    ],
)
def test_invalid_options_fail_at_construction(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        Reader(Fixed(), **kwargs)


def test_options_reach_the_corrector() -> None:
    rec = Fixed()
    reader = Reader(rec, scheme="2025", tone="new", case="upper", alternatives=1)
    results = reader.read([line(), line()])
    assert [r.text for r in results] == ["THÔN 1 XÃ EA KTUR ĐẮK LẮK"] * 2
    assert results[0].address is not None and results[0].address.scheme == "2025"
    assert list(reader.iter_read(line()))[0].text == results[0].text
    assert reader.options()["case"] == "upper" and rec.calls == [2, 1]
    raw = Reader(rec, correct=False).read(line())[0]
    assert raw.address is None and raw.text == "thon 1 ea ktur cu kuin dak lak"


def test_read_is_the_same_chain() -> None:
    from vaddr.pipeline import read

    rec = Fixed()
    a = read([line()], backend=rec, case="lower", tone="new")[0]
    b = Reader(rec, case="lower", tone="new").read([line()])[0]
    assert a == b and a.text == "thôn 1 ea ktur cư kuin đắk lắk"


@pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample")
def test_reader_on_the_bundled_model() -> None:
    reader = Reader(top_k=3)
    (r,) = reader.read([SAMPLE])
    assert r.ok and len(r.hypotheses) <= 3
    (rec,) = reader.recognize([SAMPLE])
    assert rec.log_probs is not None and rec.log_probs.shape[1] == len(rec.charset or []) + 1
    assert reader.correct_recognition(rec).text == r.text


def test_convert_confidence_is_shared_by_split_targets() -> None:
    from vaddr import convert, correct

    split = convert("Tổ 9 Trần Phú Hoàng Mai Hà Nội")  # an old ward split into 3 new wards
    n = len(split.alternatives) + 1
    assert n == 3 and "split into 3" in split.note
    assert split.confidence == pytest.approx(correct("Tổ 9 Trần Phú Hoàng Mai Hà Nội").confidence / n, abs=1e-3)
    assert all(a.score == pytest.approx(split.confidence) for a in split.alternatives)
    whole = convert("thon 1 ea ktur cu kuin dak lak")  # not split: as sure as the legacy reading
    assert whole.confidence == correct("thon 1 ea ktur cu kuin dak lak").confidence and not whole.alternatives
    via_correct = correct("Tổ 9 Trần Phú Hoàng Mai Hà Nội", scheme="2025")
    assert via_correct.confidence == split.confidence


def test_convert_stays_a_function_after_use() -> None:
    """Importing the submodule `vaddr.corrector.convert` on first use used to replace the function."""
    import vaddr
    import vaddr.corrector

    vaddr.convert("ha noi")
    assert callable(vaddr.convert) and callable(vaddr.corrector.convert)
    from vaddr.corrector import convert

    assert convert("ha noi").scheme == "2025"
