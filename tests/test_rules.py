"""Tests for vaddr.rules: text normalisation, tone styles, abbreviations, restoration."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaddr.rules import abbreviations as ab
from vaddr.rules.restore import Vocabulary
from vaddr.rules.text import (
    fold,
    normalize,
    strip_marks,
    strip_tones,
    title_case,
    to_new_style,
    to_old_style,
    tone_style,
)

# Text that looks like Vietnamese: letters with and without marks, decomposed marks, digits, spaces, slashes.
_VI_ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐEÊOÔƠUƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ"
    "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
    "0123456789 /-.Ð"
)
vi_text = st.text(alphabet=_VI_ALPHABET, max_size=40)
vi_words = st.lists(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạòóỏõọùúủũụỳýỷỹỵèéẻẽẹ", min_size=1, max_size=7),
    max_size=6,
).map(" ".join)


# -------------------------------------------------------------------------------------------------- normalize
@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Ha\u0300 No\u0302\u0323i", "Hà Nội"),  # decomposed
        ("Ha\u0300 No\u0323\u0302i", "Hà Nội"),  # marks in the wrong order
        ("a\u0301\u0302", "ấ"),  # tone before shape mark
        ("Nguyê\u0303n", "Nguyễn"),
        ("Nguyen\u0303", "Nguyẽn"),  # tone typed after the final consonant goes back onto the vowel
        ("Ngu\u0303yên", "Nguyễn"),  # tone on the wrong vowel
        ("Hoa \u0300Bình", "Hoà Bình"),  # tone typed after a space
        ("ÐÀ NẴNG", "ĐÀ NẴNG"),  # U+00D0 look-alike
        ("Cư M\u2019gar", "Cư M'gar"),  # curly apostrophe
        ("  Thôn \t Tân\u00a0Hoà  ", "Thôn Tân Hoà"),  # whitespace
        ("Hà Nội".encode().decode("cp1252"), "Hà Nội"),  # mojibake
        ("Hoà Bình", "Hoà Bình"),  # old style is kept
        ("Hòa Bình", "Hòa Bình"),  # new style is kept
        ("919/4/52 Tp Hcm", "919/4/52 Tp Hcm"),
        ("Đắk Lắk", "Đắk Lắk"),
        ("Thườngtín", "Thườngtín"),  # glued syllables keep both tones
        ("Thu\u031b\u0300o\u031b\u0301ng", "Thừớng"),  # two tones: only composed, nothing dropped
    ],
)
def test_normalize_repairs(raw: str, want: str) -> None:
    assert normalize(raw) == want


def test_normalize_output_is_nfc() -> None:
    out = normalize("Thuy\u0309 Nguye\u0302n")
    assert out == unicodedata.normalize("NFC", out) == "Thuỷ Nguyên"
    assert normalize("Thu\u0309y") == "Thủy"  # the style written is kept


@settings(max_examples=300, deadline=None)
@given(vi_text)
def test_normalize_idempotent(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(vi_words)
def test_normalize_keeps_marks_and_letters(s: str) -> None:
    out = normalize(s)
    assert fold(out) == " ".join(fold(s).split())

    def n_marks(x: str) -> int:
        return sum(1 for c in unicodedata.normalize("NFD", x) if unicodedata.combining(c))

    assert n_marks(out) == n_marks(s)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_normalize_idempotent_any_unicode(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once


# --------------------------------------------------------------------------------------------- fold and marks
def test_fold_and_strip() -> None:
    assert fold("Đồng Xuân HOÀ") == "dong xuan hoa"
    assert strip_marks("Đồng Xuân HOÀ") == "Dong Xuan HOA"
    assert strip_tones("Thuỷ Hồ Đắk Lắk") == "Thuy Hô Đăk Lăk"
    assert strip_tones("Ưng") == "Ưng"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=50))
def test_fold_length_preserving_any_text(s: str) -> None:
    assert len(fold(s)) == len(s)
    assert len(strip_marks(s)) == len(s)


@settings(max_examples=200, deadline=None)
@given(vi_words)
def test_fold_ascii_and_idempotent(s: str) -> None:
    f = fold(normalize(s))
    assert f.isascii()
    assert fold(f) == f


# ------------------------------------------------------------------------------------------------ tone styles
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thuỷ Nguyên", "Thủy Nguyên"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("khoẻ tuỳ", "khỏe tùy"),
        ("HOÀ", "HÒA"),
        ("Đông Hoà", "Đông Hòa"),
    ],
)
def test_tone_styles_round_trip(old: str, new: str) -> None:
    assert to_new_style(old) == new
    assert to_old_style(new) == old
    assert to_old_style(to_new_style(old)) == old
    assert tone_style(old) == "old"
    assert tone_style(new) == "new"


@pytest.mark.parametrize("word", ["Quý", "quỳ", "giá", "Già", "Hoàng", "Ngoài", "Khuỷu", "Nguyễn", "Huỳnh", "Hà Nội"])
def test_tone_style_unaffected(word: str) -> None:
    assert to_old_style(word) == word
    assert to_new_style(word) == word
    assert tone_style(word) is None


def test_tone_style_majority() -> None:
    assert tone_style("Hoà Bình Thanh Hoá Thủy") == "old"
    assert tone_style("Hòa Bình") == "new"
    assert tone_style("Hoa Binh") is None


@settings(max_examples=300, deadline=None)
@given(vi_words)
def test_tone_style_properties(s: str) -> None:
    s = normalize(s)
    assert to_new_style(to_old_style(s)) == to_new_style(s)
    assert to_old_style(to_new_style(s)) == to_old_style(s)
    assert fold(to_old_style(s)) == fold(s)


# ------------------------------------------------------------------------------------------------- title case
@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("tp hcm", "Tp Hcm"),
        ("NGÕ 67B/75 PHỐ HUẾ", "Ngõ 67b/75 Phố Huế"),
        ("919/4/52 trần khánh dư", "919/4/52 Trần Khánh Dư"),
        ("d2/88 ấp 8", "D2/88 Ấp 8"),
        ("cư m'gar", "Cư M'gar"),
        ("bà rịa-vũng tàu", "Bà Rịa-Vũng Tàu"),
        ("9b6 ktđc", "9b6 Ktđc"),
    ],
)
def test_title_case(raw: str, want: str) -> None:
    assert title_case(raw) == want


# --------------------------------------------------------------------------------------------- abbreviations
def _type(line: str, i: int) -> str | None:
    m = ab.unit_type_of(line.split(), i)
    return None if m is None else m.type


def test_unit_types() -> None:
    assert _type("Vạn Thắng H Ba Vì Tp Hà Nội", 2) == "Huyện"
    assert _type("Vạn Thắng H Ba Vì Tp Hà Nội", 5) == "Thành phố"
    m = ab.unit_type_of("Thành Phố Huế".split(), 0)
    assert m is not None and (m.type, m.n_tokens, m.abbreviated) == ("Thành phố", 2, False)
    assert _type("thanh pho Hue", 0) == "Thành phố"
    assert _type("T/phố Đà Nẵng", 0) == "Thành phố"
    assert _type("Tx Hương Trà", 0) == "Thị xã"
    assert _type("Thị Trấn Dầu Giây", 0) == "Thị trấn"
    assert _type("Tt Quảng Phú", 0) == "Thị trấn"
    assert _type("Phường 7", 0) == "Phường"
    assert _type("F 7", 0) == "Phường"
    assert _type("Q. 3", 0) == "Quận"
    assert _type("xa Tan Phu", 0) == "Xã"
    quan = ab.unit_type_of(["Quan"], 0)
    assert quan is not None and quan.type == "Quận" and quan.bare  # maybe a name (Tam Quan): caller decides
    quan = ab.unit_type_of(["Quận"], 0)
    assert quan is not None and not quan.bare
    tp = ab.unit_type_of(["Tp"], 0)
    assert tp is not None and tp.abbreviated and not tp.bare


def test_marked_name_syllable_is_not_a_type() -> None:
    assert _type("Phú Xá", 1) is None  # Xá is a name, not Xã
    assert _type("Thị Xuân", 0) is None  # Bùi Thị Xuân: "Thị" alone is no type
    assert _type("Hoà Vang", 0) is None


def test_type_levels() -> None:
    assert ab.type_level("Thị xã") == {2}
    assert ab.type_level("Tỉnh") == {1}
    for t in ("Phường", "Xã", "Thị trấn"):
        assert ab.type_level(t) == {3}
    assert all(ab.type_level(t) for t in ab.UNIT_TYPES)
    assert ab.type_level("Thành phố") == {1, 2}
    assert ab.type_level("Huyện") == {2}
    assert ab.type_level("nope") == frozenset()


def test_repair_type_word() -> None:
    assert ab.repair_type_word("Thanh Pho") == "Thành phố"
    assert ab.repair_type_word("Huyen") == "Huyện"
    assert ab.repair_type_word("Tp") == "Tp"
    assert ab.repair_type_word("Hoà") == "Hoà"


def test_type_keys_unique_longest_first() -> None:
    keys = ab.type_keys()
    assert len({k for k, _ in keys}) == len(keys)
    assert [len(k) for k, _ in keys] == sorted((len(k) for k, _ in keys), reverse=True)
    d = dict(keys)
    assert d["tp"] == "Thành phố" and d["p"] == "Phường" and d["thanhpho"] == "Thành phố"
    assert all(k.isalnum() and k == fold(k) for k in d)


def test_listed_abbreviations_are_not_misreadings() -> None:
    for token in ("Tdp", "Kp", "Ktđc", "Tt", "Hcm", "Brvt", "Hbt", "Q", "tp."):
        assert ab.is_abbreviation(token), token
    for token in ("Tổ", "Thôn", "Nam", "Định", "Hà"):  # spelled-out words and names are checked as syllables
        assert not ab.is_abbreviation(token), token


def test_name_abbreviations() -> None:
    assert "hbt" in ab.name_abbreviations("Hai Bà Trưng")
    assert "hcm" in ab.name_abbreviations("Hồ Chí Minh")
    assert "brvt" in ab.name_abbreviations("Bà Rịa Vũng Tàu")
    assert ab.name_abbreviations("Nam Định") == ()


def test_initials() -> None:
    assert ab.initials("Hai Bà Trưng") == "hbt"
    assert ab.initials("Bà Rịa - Vũng Tàu") == "brvt"
    assert ab.initials("Thừa Thiên Huế") == "tth"
    assert ab.initials("Đống Đa") == "dd"
    assert ab.initials("Quận 10") == "q10"


# --------------------------------------------------------------------------------------------------- restore
def test_restore_default_words() -> None:
    v = Vocabulary.from_words([])
    assert v.restore("Thon Tan Binh") == "Thôn Tân Bình"
    assert v.restore("Xom 7") == "Xóm 7"
    assert v.restore("Ap 3") == "Ấp 3"
    assert v.restore("Khu Pho 4") == "Khu Phố 4"
    assert v.restore("To Dan Pho 8") == "Tổ Dân Phố 8"
    assert v.restore("THON") == "THÔN"
    assert v.restore("  Thon,  Xom ") == "  Thôn,  Xóm "


def test_restore_leaves_ambiguous_and_numbers() -> None:
    v = Vocabulary.from_words([])
    assert v.restore("Hoa") == "Hoa"  # hòa / hóa / hoa
    assert v.restore("Dong") == "Dong"  # đông / đồng
    assert v.restore("Thanh") == "Thanh"  # thanh / thành
    assert v.restore("67b/75 Thon") == "67b/75 Thôn"
    assert v.restore("Ap3") == "Ap3"
    assert v.restore("Xyzzy") == "Xyzzy"


def test_restore_never_overrides_marks() -> None:
    v = Vocabulary.from_words([])
    assert v.restore("Thốn") == "Thốn"  # writer's marks win even if unusual
    assert v.restore("Thôn Hoà An") == "Thôn Hoà An"  # old-style variant agrees, kept as written


def test_restore_phrases_disambiguate() -> None:
    v = Vocabulary.from_words(["Hòa Bình", "Hóa Bình", "Đông Hòa"], include_defaults=False)
    assert v.restore("Hoa") == "Hoa"
    assert v.restore("Dong Hoa") == "Đông Hòa"  # the phrase is unambiguous
    assert v.restore("Binh") == "Bình"


def test_restore_dominance() -> None:
    v = Vocabulary.from_words(["Hòa"] * 10 + ["Hóa"], include_defaults=False)
    assert v.restore("hoa") == "hòa"
    v = Vocabulary.from_words(["Hòa"] * 2 + ["Hóa"], include_defaults=False)
    assert v.restore("hoa") == "hoa"
    assert v.forms("hoa") == {"hòa": 2.0, "hóa": 1.0}


@settings(max_examples=100, deadline=None)
@given(vi_words)
def test_restore_only_adds_marks(s: str) -> None:
    v = Vocabulary.from_words([])
    out = v.restore(s)
    assert fold(out) == fold(s)
    assert len(out) == len(s)


def test_normalize_is_a_fixed_point_when_cleaning_completes_a_mojibake_sequence() -> None:
    # found by hypothesis: the NBSP broke the UTF-8 pair "Ã\x80" (= À); once the NBSP is gone the pair repairs
    once = normalize("Ã\x80\xa0")
    assert once == "À" and normalize(once) == once


def test_normalize_is_a_fixed_point_when_a_moved_mark_uncovers_another() -> None:
    once = normalize("AÒ \u0300")  # found by hypothesis
    assert normalize(once) == once
