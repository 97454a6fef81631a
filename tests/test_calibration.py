"""Calibrated confidence: monotone in the image evidence, pointing at the doubtful character, in both CLIs' JSON.

The recognizer's posteriors are constructed here (one frame per character plus a blank frame between), so the
tests control exactly how sure the "image" is of each character and run the real beam search and corrector.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaddr.calibration_metrics import coverage_at_precision, expected_calibration_error, reliability_bins
from vaddr.corrector import calibration, correct
from vaddr.ocr_backends import Recognition
from vaddr.ocr_backends.ctc import beam_search

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
LINE = "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk"
CHARSET = sorted(set(LINE + "abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY0123456789"))


def posteriors(text: str, sure: dict[int, float] | None = None, base: float = 0.995) -> np.ndarray:
    """[T, C] log posteriors reading `text`: character i has probability `sure.get(i, base)`, the rest of its
    frame going to a look-alike (the next character of the charset)."""
    sure = sure or {}
    c = len(CHARSET) + 1
    rows = []
    for i, ch in enumerate(text):
        p = sure.get(i, base)
        k = CHARSET.index(ch) + 1
        alt = k % len(CHARSET) + 1
        row = np.full(c, 1e-6)
        row[k] = p
        row[alt] += 1.0 - p
        rows.append(row / row.sum())
        blank = np.full(c, 1e-6)
        blank[0] = 1.0
        rows.append(blank / blank.sum())
    return np.log(np.array(rows))


def read(text: str, sure: dict[int, float] | None = None):
    lp = posteriors(text, sure)
    hyps = beam_search(lp, CHARSET, beam_width=10, top_k=10)
    return correct(Recognition(hypotheses=hyps, log_probs=lp, charset=CHARSET))


def test_the_constructed_image_reads_as_written() -> None:
    a = read(LINE)
    assert a.text == LINE
    assert len(a.char_confidence) == len(a.text)
    assert all(u.confidence is not None for u in (a.province, a.district, a.ward))


@pytest.mark.parametrize("position", [0, 2, 5, 8, 16, 28])  # remainder letters, the digit, ward, district, province
def test_worse_posteriors_never_raise_confidence(position: int) -> None:
    levels = [0.995, 0.97, 0.9, 0.8, 0.7, 0.6]
    results = [read(LINE, {position: p}) for p in levels]
    assert all(r.text == LINE for r in results)  # the argmax never flips: only the evidence weakens

    def seq(get):
        return [get(r) for r in results]

    for name, values in [
        ("line", seq(lambda r: r.confidence)),
        ("remainder", seq(lambda r: r.remainder_confidence)),
        ("char", seq(lambda r: min(r.char_confidence))),
        *[(lv, seq(lambda r, lv=lv: getattr(r, lv).confidence)) for lv in ("province", "district", "ward")],
    ]:
        assert all(b <= a + 1e-9 for a, b in zip(values, values[1:], strict=False)), (name, values)
    line = seq(lambda r: r.confidence)
    assert line[-1] < line[0]  # and weaker evidence does lower it


@pytest.mark.parametrize("position", [0, 1, 2, 3, 5])
def test_a_corrupted_character_gets_the_lowest_character_confidence(position: int) -> None:
    a = read(LINE, {position: 0.55})
    assert a.text == LINE
    conf = a.char_confidence
    others = [c for i, c in enumerate(conf) if i != position and LINE[i] != " "]
    assert conf[position] < min(others), (position, conf)


def test_plain_text_confidence_reflects_the_correction() -> None:
    clean = correct(LINE)
    typo = correct("Thôn 1 Ea Ktur Cư Kuin Đắk Lắx")  # the corrector has to change a letter
    garbage = correct("xq zzv wqp")
    assert clean.confidence > typo.confidence > garbage.confidence
    assert len(typo.char_confidence) == len(typo.text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạéèếềọ0123456789 /,.-Tt", max_size=40))
def test_every_text_gets_probabilities_for_every_character(text: str) -> None:
    a = correct(text) if text.strip() else correct("x")
    assert 0.0 <= a.confidence <= 1.0
    assert len(a.char_confidence) == len(a.text)
    assert all(0.0 <= c <= 1.0 for c in a.char_confidence)
    for u in (a.province, a.district, a.ward):
        assert u is None or 0.0 <= u.confidence <= 1.0


def test_2025_conversion_carries_the_confidences() -> None:
    a = correct("thon 1 ea ktur cu kuin dak lak", scheme="2025")
    assert a.scheme == "2025"
    assert a.ward.confidence is not None and a.province.confidence is not None
    assert len(a.char_confidence) == len(a.text)


def test_bundled_models_match_the_feature_lists() -> None:
    m = calibration.models()
    assert m["line"].features == calibration.LINE_FEATURES
    assert m["text"].features == calibration.TEXT_FEATURES
    assert m["unit"].features == calibration.UNIT_FEATURES
    assert m["remainder"].features == calibration.REMAINDER_FEATURES
    assert m["char"].features == calibration.CHAR_FEATURES
    for model in m.values():  # signal weights are non-negative: the monotonicity above holds by construction
        for name, w in zip(model.features, model.weights, strict=True):
            assert name in calibration.FREE or w >= 0, (name, w)


def test_calibration_metrics_on_known_cases() -> None:
    conf = [0.99, 0.9, 0.8, 0.7, 0.6]
    ok = [True, True, False, True, False]
    assert coverage_at_precision(conf, ok, 0.99) == pytest.approx(0.4)
    assert coverage_at_precision(conf, ok, 0.75) == pytest.approx(0.8)
    assert coverage_at_precision([0.9, 0.9], [True, False], 0.99) == 0.0  # ties go together
    assert coverage_at_precision(conf, ok, 0.99, total=10) == pytest.approx(0.2)
    assert expected_calibration_error([1.0, 1.0, 0.0], [True, True, False]) == 0.0
    assert expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.4)
    assert sum(b[3] for b in reliability_bins(conf, ok)) == len(conf)


def test_vaddr_correct_json_carries_the_new_fields(capsys: pytest.CaptureFixture[str]) -> None:
    from vaddr.cli.correct import main

    assert main(["--json", "--accept-above", "0.999", "thon 1 ea ktur cu kuin dak lak"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0.0 <= out["confidence"] <= 1.0
    assert len(out["char_confidence"]) == len(out["text"])
    assert out["remainder_confidence"] is not None
    assert all(0.0 <= out[lv]["confidence"] <= 1.0 for lv in ("province", "district", "ward"))
    assert out["needs_review"] is (out["confidence"] < 0.999)


def _field(record: dict, key: str):
    """A field of a --json record, whether the address parts sit at the top level or under "address"."""
    if key in record:
        return record[key]
    return (record.get("address") or {}).get(key)


@pytest.mark.skipif(not SAMPLE.is_file(), reason="bundled sample absent")
def test_vaddr_ocr_json_carries_the_same_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vaddr.cli.correct import main as correct_main
    from vaddr.cli.ocr import main

    assert main([str(SAMPLE), "--json", "--accept-above", "0.5"]) == 0
    ocr = json.loads(capsys.readouterr().out)
    assert correct_main(["--json", "--accept-above", "0.5", ocr["raw"]]) == 0
    text = json.loads(capsys.readouterr().out)
    for key in ("confidence", "char_confidence", "remainder_confidence", "needs_review"):
        assert _field(ocr, key) is not None and _field(text, key) is not None, key
        assert type(_field(ocr, key)) is type(_field(text, key)), key
    assert len(_field(ocr, "char_confidence")) == len(ocr["text"])
    assert ocr["needs_review"] is (ocr["confidence"] < 0.5)
    assert set(_field(text, "ward")) >= set(_field(ocr, "ward")) >= {"code", "confidence"}
    assert main([str(SAMPLE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out).get("needs_review") is None  # only when a threshold is given


def test_accept_above_is_validated(capsys: pytest.CaptureFixture[str]) -> None:
    from vaddr.cli.ocr import main

    with pytest.raises(SystemExit):
        main([str(SAMPLE), "--accept-above", "1.5"])
    assert "--accept-above" in capsys.readouterr().err


def test_vaddr_eval_reports_calibration_and_writes_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    from vaddr.cli.eval import main

    tsv = tmp_path / "lines.tsv"
    tsv.write_text(
        "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk\tthon 1 ea ktur cu kuin dak lak\n"
        "Phường 7 Quận 3 Hồ Chí Minh\tP 7 Q 3 Tp Hcm\n"
        "Số 12 Lê Lợi Hà Nội\txq zzv\n",
        encoding="utf-8",
    )
    assert main([str(tsv), "--text", "--json", "--plots", str(tmp_path / "plots")]) == 0
    summary = json.loads(capsys.readouterr().out)
    cal = summary["calibration"]
    assert set(cal["coverage"]) == {"99%", "98%", "95%"}
    assert 0.0 <= cal["ece"] <= 1.0
    assert "coverage@99.5%" in cal["units"]["ward"]
    for name in ("reliability.png", "coverage.png"):
        png = tmp_path / "plots" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_features_see_the_corrector_internals() -> None:
    """The features read the corrector's parse (levels, edits, codes): guard against a silent mismatch if the
    matcher's level representation changes (numbers vs level names)."""
    with calibration.recording() as rec:
        read(LINE)
        correct("Thôn 1 Ea Ktur Cư Kuin Đắk Lắx")
    clean, typo = rec
    assert clean["image"] and not typo["image"]
    assert clean["line"]["levels"] == 1.0 and clean["line"]["neg_unit_edits"] == 0.0
    assert clean["line"]["agreement"] > 0.9 and clean["line"]["output_mass"] > 0.9
    assert all(u["kept"] == 1.0 and u["written"] == 1.0 for u in clean["units"].values())
    assert typo["units"]["province"]["neg_edits"] == -1.0 and typo["line"]["neg_unit_edits"] == -1.0
    assert typo["units"]["ward"]["neg_edits"] == 0.0


def test_a_line_written_province_first_is_as_sure_as_the_usual_order() -> None:
    """Reordering moves whole pieces and changes no letter: it must not be counted as a heavy correction
    (confidence 0.06 for a line whose units were all read exactly, before)."""
    usual = correct("Phường Bến Nghé, Quận 1, TP.HCM")
    first = correct("TP.HCM, Quận 1, Phường Bến Nghé")
    assert first.text == usual.text and first.ward is not None and first.ward.code == usual.ward.code  # type: ignore[union-attr]
    assert abs(first.confidence - usual.confidence) < 0.05
    assert first.confidence > 0.5


def test_a_trailing_country_or_postcode_does_not_lower_the_confidence() -> None:
    """They are kept as written and never corrected, so they add no chance of an error (0.70 -> 0.46 before)."""
    plain = correct("Phường Bến Nghé, Quận 1, TP.HCM").confidence
    for tail in (", Việt Nam", " 700000", ", VN"):
        a = correct("Phường Bến Nghé, Quận 1, TP.HCM" + tail)
        assert a.text.endswith(tail.strip(", ")) and a.confidence == plain


def test_char_rounding_matches_numpy_round() -> None:
    """`_probs` rounds in plain Python exactly as numpy's `round(a, 4)` after clipping (the per-character
    confidences were always rounded that way; a different rounding would move published values)."""
    import random

    import numpy as np

    from vaddr.corrector.calibration import _probs

    rng = random.Random(3)
    xs = [rng.random() for _ in range(20000)] + [k / 20000 for k in range(20001)] + [float("nan"), 1.5, -0.2]
    a = np.asarray(xs)
    expected = [float(v) for v in np.round(np.where(np.isfinite(a), np.clip(a, 0.0, 1.0), 0.0), 4)]
    assert _probs(xs) == expected


def test_a_ward_picked_among_homonyms_is_not_confident() -> None:
    """With no district written, "Phường 6" of Hồ Chí Minh is one of many wards of that name: the pick is a
    guess, so neither the ward nor the district inferred from it may be confident; written with its district
    it is."""
    from vaddr import correct

    alone = correct("Phường 6, TP HCM")
    assert alone.ward is not None and alone.district is not None and alone.district.inferred
    assert alone.ward.confidence is not None and alone.ward.confidence < 0.2
    assert alone.district.confidence is not None and alone.district.confidence < 0.2
    with_district = correct("Phường 6, Quận 3, TP HCM")
    assert with_district.ward is not None and with_district.ward.confidence is not None
    assert with_district.ward.confidence > 0.9
    # the 2025 text names the ward the guessed one maps to: the line is no surer than that ward
    converted = correct("Phường 6, TP HCM", scheme="2025")
    assert converted.ward is not None and converted.ward.confidence is not None
    assert converted.confidence <= converted.ward.confidence + 1e-9
