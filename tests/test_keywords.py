"""Keyword repair (vaddr/corrector/keywords.py): a misread part keyword is rewritten only on image evidence.

The posteriors are constructed: one frame per character (plus a blank), so the image's support for a keyword
against the word as read is set exactly by the probabilities given to the look-alike characters.
"""

from __future__ import annotations

import numpy as np
import pytest

from vaddr.corrector import calibration, correct, keywords, rescore
from vaddr.ocr_backends import Recognition
from vaddr.ocr_backends.ctc import beam_search

WARD = "Ea Ktur Cư Kuin Đắk Lắk"
LETTERS = "abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY"
CHARSET = sorted(set(WARD + "Thôn Thôi Số Tổ Phú Phố Kà Xã 0123456789" + LETTERS))


def posteriors(text: str, alt: dict[int, tuple[str, float]] | None = None) -> np.ndarray:
    """[T, C] log posteriors reading `text`; `alt[i] = (ch, p)` gives probability p at character i to `ch`."""
    alt = alt or {}
    c = len(CHARSET) + 1
    rows = []
    for i, ch in enumerate(text):
        row = np.full(c, 1e-7)
        other, p = alt.get(i, (ch, 0.0))
        row[CHARSET.index(ch) + 1] = 1.0 - p
        row[CHARSET.index(other) + 1] += p
        rows.append(row / row.sum())
        blank = np.full(c, 1e-7)
        blank[0] = 1.0
        rows.append(blank / blank.sum())
    return np.log(np.array(rows))


def read(text: str, alt: dict[int, tuple[str, float]] | None = None) -> str:
    lp = posteriors(text, alt)
    hyps = beam_search(lp, CHARSET, beam_width=10, top_k=5)
    assert hyps[0].text == text  # the recognizer reads what was "written"
    return correct(Recognition(hypotheses=hyps, log_probs=lp, charset=CHARSET)).text


def test_a_keyword_the_image_supports_is_repaired() -> None:
    # "Thôi" as read, but the last letter's frame gives "n" 30 %: log P(Thôn) - log P(Thôi) = -0.85 nats
    assert read(f"Thôi 1 {WARD}", {3: ("n", 0.3)}) == f"Thôn 1 {WARD}"


def test_a_keyword_the_image_does_not_support_is_left_as_read() -> None:
    # "n" at 1e-4: 9.2 nats less likely than "i", beyond the margin
    assert read(f"Thôi 1 {WARD}", {3: ("n", 1e-4)}) == f"Thôi 1 {WARD}"
    assert read(f"Thôi 1 {WARD}") == f"Thôi 1 {WARD}"


def test_a_legitimate_word_before_a_number_is_kept_when_the_image_shows_it() -> None:
    assert read(f"Phú 4 {WARD}", {2: ("ố", 1e-3)}) == f"Phú 4 {WARD}"


def test_a_written_keyword_is_never_traded_for_another() -> None:
    # "Số 9" is not "Tổ 9", even where the image hesitates between S and T
    assert read(f"Số 1 {WARD}", {0: ("T", 0.45)}) == f"Số 1 {WARD}"


def test_a_word_out_of_keyword_position_is_left_alone() -> None:
    # "Thôi" in the middle of a name, followed by no number: not a part opener
    line = f"Thôn 1 Hà Thôi {WARD}"
    assert read(line, {11: ("n", 0.3)}) == line


def test_a_unit_type_before_an_untyped_unit_becomes_its_type() -> None:
    a_line = f"Kà {WARD}"
    lp = posteriors(a_line, {0: ("X", 0.3), 1: ("ã", 0.3)})
    hyps = beam_search(lp, CHARSET, beam_width=10, top_k=5)
    a = correct(Recognition(hypotheses=hyps, log_probs=lp, charset=CHARSET))
    assert a.text == f"Xã {WARD}"
    assert a.remainder == ""
    assert a.ward is not None and a.ward.text.startswith("Xã")


@pytest.mark.parametrize("text", [f"Thôi 1 {WARD}", "Chu 4 Hà Khẩu Hạ Long Quảng Ninh", "Độu 4 Tả Thanh Oai Hà Nội"])
def test_plain_text_is_never_repaired(text: str) -> None:
    """Without posteriors there is no image evidence: the words stay as written."""
    first = text.split()[0]
    assert correct(text).text.split()[0] == first


def test_candidates_follow_the_position_rules() -> None:
    text = "437 Lô 75 Cam 8 Ea Ktur"
    lp = posteriors(text)
    windows = rescore.frame_windows(text, lp, CHARSET)
    assert windows is not None
    found = keywords.candidates(text, windows, text.index("Ea"), ())
    words = {text[windows[i][0] : windows[i][1]]: near for i, near, _ in found}
    assert words == {"Cam": ["Cụm"]}  # "Lô" is a keyword as written; "Cam" follows a number and precedes one


def _unit_ratio(text: str) -> float:
    lp = posteriors(text)
    hyps = beam_search(lp, CHARSET, beam_width=10, top_k=5)
    with calibration.recording() as rec:
        correct(Recognition(hypotheses=hyps, log_probs=lp, charset=CHARSET))
    return float(rec[-1]["line"]["unit_min_log_ratio"])


def test_unit_ratio_sees_a_letter_the_gazetteer_inserted_against_the_image() -> None:
    """The calibration's unit ratio: 0 for units output as read, strongly negative when the corrector inserted a
    letter ("Ktr" read clearly, "Ktur" returned) that no character support can see."""
    assert _unit_ratio(f"Thôn 1 {WARD}") == 0.0
    assert _unit_ratio(f"Thôn 1 {WARD.replace('Ktur', 'Ktr')}") < -5.0
