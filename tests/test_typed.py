"""Typed and pasted addresses: one test per rule (tidy, order, abbreviations, history, guard, casing, parts)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from vaddr import convert, correct
from vaddr.corrector.order import reorderings
from vaddr.corrector.params import DEFAULT
from vaddr.corrector.parts import split_parts
from vaddr.corrector.tidy import tidy


def units(text: str, **kw) -> tuple[str, str, str]:
    a = correct(text, **kw)
    return tuple(
        "" if (u := getattr(a, lv)) is None or u.inferred else u.name for lv in ("province", "district", "ward")
    )


# --- tidy: layout noise ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phường Bến Nghé, Quận 1, TP.HCM, Việt Nam", "Phường Bến Nghé, Quận 1, TP.HCM"),
        ("Bến Nghé, Quận 1, Hồ Chí Minh 700000", "Bến Nghé, Quận 1, Hồ Chí Minh"),
        ("Bến Nghé, Quận 1, Hồ Chí Minh, 700000, Vietnam", "Bến Nghé, Quận 1, Hồ Chí Minh"),
        ("Hà Nội VN", "Hà Nội"),
        ("XTân Thạnh, TBình Dương", "X Tân Thạnh, T Bình Dương"),
        ("TTĐức An HuyệnĐắk Song", "TT Đức An Huyện Đắk Song"),
        ("Sơn,,TỉnhNghệ An", "Sơn,, Tỉnh Nghệ An"),
        ("KRông Búk", "KRông Búk"),  # capitals inside a name are no glued type letter
        ("Việt Nam", "Việt Nam"),  # nothing but a country: kept
    ],
)
def test_tidy(text: str, expected: str) -> None:
    assert tidy(text) == expected
    assert tidy(expected) == expected


def test_country_and_postcode_are_ignored() -> None:
    gold = ("Hồ Chí Minh", "1", "Bến Nghé")
    assert units("Phường Bến Nghé, Quận 1, Hồ Chí Minh, Việt Nam") == gold
    assert units("Phường Bến Nghé, Quận 1, Hồ Chí Minh 700000") == gold
    assert units("Phường Bến Nghé; Quận 1; Hồ Chí Minh.") == gold


def test_glued_type_letters() -> None:
    assert units("XTân Phú, HĐồng Phú, TBình Phước") == ("Bình Phước", "Đồng Phú", "Tân Phú")
    assert units("Phường Phú Lợi  TBình Dương")[::2] == ("Bình Dương", "Phú Lợi")
    assert units("X.Yên Lạc HuyệnNhu Thanh Tỉnh Thanh Hóa") == ("Thanh Hóa", "Như Thanh", "Yên Lạc")


# --- order ------------------------------------------------------------------------------------------------


def test_reorderings_cut_at_commas_dashes_or_type_words() -> None:
    assert reorderings("Hồ Chí Minh, Quận 1, Bến Thành") == ["Bến Thành, Quận 1, Hồ Chí Minh"]
    assert reorderings("Hà Nội - Huyện Sóc Sơn - Xã Phù Linh") == ["Xã Phù Linh, Huyện Sóc Sơn, Hà Nội"]
    assert reorderings("HCM Q1 P Ben Thanh") == ["P Ben Thanh, Q1, HCM"]
    assert reorderings("Bà Rịa - Vũng Tàu, Thành phố Phú Mỹ") == ["Thành phố Phú Mỹ, Bà Rịa - Vũng Tàu"]
    assert reorderings("Hà Nội") == []


def test_province_first() -> None:
    assert units("Hồ Chí Minh, Quận 1, Bến Thành") == ("Hồ Chí Minh", "1", "Bến Thành")
    assert units("Lào Cai, Huyện Văn Bàn, Xã Khánh Yên Hạ") == ("Lào Cai", "Văn Bàn", "Khánh Yên Hạ")


def test_never_invents_a_unit() -> None:
    """The issue's example: without the order rule this became ward Yên Thành of Nghệ An."""
    assert units("HCM Q1 P Ben Thanh") == ("Hồ Chí Minh", "1", "Bến Thành")


def test_a_line_in_the_usual_order_is_not_reordered() -> None:
    a = correct("74/74/5 Bạch Đằng Phường 4 Tp Vũng Tàu Br V Tàu")
    assert a.text == "74/74/5 Bạch Đằng Phường 4 Tp Vũng Tàu Br V Tàu"


# --- abbreviations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gold"),
    [
        ("55/30 Nguyễn Thượng Hiền, P5, BT, TP.HCM", ("Hồ Chí Minh", "Bình Thạnh", "5")),
        ("12 Lê Văn Sỹ, P.13, PN, HCM", ("Hồ Chí Minh", "Phú Nhuận", "13")),
        ("88 Cộng Hòa, P4, TB, TP HCM", ("Hồ Chí Minh", "Tân Bình", "4")),
        ("Quang Trung, P10, GV, SG", ("Hồ Chí Minh", "Gò Vấp", "10")),
        ("Số 5 Lò Đúc, HBT, HN", ("Hà Nội", "Hai Bà Trưng", "")),
    ],
)
def test_district_initials_in_capitals(text: str, gold: tuple[str, str, str]) -> None:
    assert units(text) == gold


def test_initials_need_capitals_and_are_no_type_word() -> None:
    assert units("Kp 3 Tp Hcm")[1] == ""  # "Tp" is Thành phố, not the initials of Tân Phú
    assert units("Phường 5 bt Hồ Chí Minh")[1] == ""  # "bt" in lower case is no initialism


@pytest.mark.parametrize(
    ("text", "gold"),
    [
        ("F.Dịch Vọng, C/Giấy, Hà Nội", ("Hà Nội", "Cầu Giấy", "Dịch Vọng")),
        ("Xã Vĩnh Kim, H. Châu Thành, T.Giang", ("Tiền Giang", "Châu Thành", "Vĩnh Kim")),
        ("Quận 1 T.P H.C.Minh", ("Hồ Chí Minh", "1", "")),
        ("Phường Thạch Thang, Q. Hải Châu, ĐN", ("Đà Nẵng", "Hải Châu", "Thạch Thang")),
    ],
)
def test_dotted_forms(text: str, gold: tuple[str, str, str]) -> None:
    assert units(text) == gold


def test_digit_inside_a_word_is_a_slip_and_stays_written() -> None:
    a = correct(", H Nam Trực, Nam Đị8nh")
    assert a.province.name == "Nam Định" and "Đị8nh" in a.text


# --- history ----------------------------------------------------------------------------------------------


def test_old_district_reported_as_written_with_successor() -> None:
    a = correct("Phường Thảo Điền, Quận 2, TP Hồ Chí Minh")
    assert (a.district.name, a.district.current, a.district.successor) == ("2", False, "769")
    assert a.district.valid.startswith("GSO registry 2004")
    assert a.ward.name == "Thảo Điền"
    new = convert(a)
    assert new.province.name == "Hồ Chí Minh" and new.ward is not None


def test_tinh_gia_is_nghi_son_today() -> None:
    a = correct("Xã Nguyên Bình, Huyện Tĩnh Gia, Thanh Hóa")
    assert (a.ward.name, a.district.name, a.district.current) == ("Nguyên Bình", "Tĩnh Gia", False)
    assert a.district.successor == "407"  # thị xã Nghi Sơn keeps the code


def test_ha_tay_converts_to_ha_noi() -> None:
    a = correct("Xã Vân Canh, Huyện Hoài Đức, Tỉnh Hà Tây")
    assert (a.province.name, a.province.current, a.province.successor) == ("Hà Tây", False, "01")
    assert convert(a).province.name == "Hà Nội"


# --- province guard ---------------------------------------------------------------------------------------


def test_province_guard_keeps_the_written_province() -> None:
    """A reading that explains more letters with another province loses to the province as written."""
    hyps = [("Đồng Trạch Bố Trạch Quảng Bình", -1.0), ("Đồng Trạch Bố Trạch Quảng Ninh", -0.2)]
    assert correct(hyps).province.name == "Quảng Bình"
    off = dataclasses.replace(DEFAULT, province_guard=0.0)
    assert correct("XTrung Kiên,,Tỉnh Vĩnh Phuúc", params=off).province is not None
    assert correct("XTrung Kiên,,Tỉnh Vĩnh Phuúc").province.name == "Vĩnh Phúc"


# --- casing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["title", "upper", "lower"])
def test_casing_never_touches_numbers_or_capital_abbreviations(case: str) -> None:
    text = correct("12/3A Nguyễn Trãi, P.Bến Nghé, Q.1, TP.HCM", case=case).text
    assert "12/3A" in text and "TP.HCM" in text


def test_a_line_in_capitals_is_still_title_cased() -> None:
    assert correct("THON 1 EA KTUR CU KUIN DAK LAK").text == "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk"


# --- structured remainder ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remainder", "parts"),
    [
        (
            "Số 10, Ngách 43/3, Ngõ 43 Nguyễn Ngọc Nại",
            [("house_number", "Số 10"), ("alley", "Ngách 43/3"), ("alley", "Ngõ 43"), ("street", "Nguyễn Ngọc Nại")],
        ),
        ("954/72/7 Lê Văn Sỹ", [("house_number", "954/72/7"), ("street", "Lê Văn Sỹ")]),
        ("Lô C, Khu Phố 3", [("house_number", "Lô C"), ("hamlet", "Khu Phố 3")]),
        ("Hẻm 12 Đường 30/4", [("alley", "Hẻm 12"), ("street", "Đường 30/4")]),
        ("Thôn Xuân Lũng", [("hamlet", "Thôn Xuân Lũng")]),
        ("Tổ 9 Tô Hiệu", [("hamlet", "Tổ 9"), ("other", "Tô Hiệu")]),  # "Tô" is a name, not "Tổ"
        (
            "Phòng 1203, Tầng 12, Tòa Nhà Bitexco",
            [("apartment", "Phòng 1203"), ("floor", "Tầng 12"), ("building", "Tòa Nhà Bitexco")],
        ),
        ("Ấp Bùng Binh", [("hamlet", "Ấp Bùng Binh")]),
        ("Kiệt 5 Kp 4", [("alley", "Kiệt 5"), ("hamlet", "Kp 4")]),
    ],
)
def test_remainder_parts(remainder: str, parts: list[tuple[str, str]]) -> None:
    assert [(p.label, p.text) for p in split_parts(remainder)] == parts


def test_parts_in_the_result_and_json() -> None:
    a = correct("12/3A Nguyễn Trãi, Phường Bến Thành, Quận 1, TP.HCM")
    assert [(p.label, p.text) for p in a.parts] == [("house_number", "12/3A"), ("street", "Nguyễn Trãi")]
    assert '"parts":[{"label":"house_number","text":"12/3A"}' in a.model_dump_json()


def test_convert_to_the_final_legacy_units() -> None:
    a = convert("Xã Nguyên Bình, Huyện Tĩnh Gia, Thanh Hoá", to="legacy")
    assert (a.ward.name, a.district.name, a.province.name) == ("Nguyên Bình", "Nghi Sơn", "Thanh Hóa")
    assert all(u.current for u in (a.ward, a.district, a.province))
    assert convert("Phường Thảo Điền, Quận 2, TP Hồ Chí Minh", to="legacy").district.name == "Thủ Đức"


def test_a_province_far_from_its_name_needs_a_unit_below() -> None:
    """Two edits from a province name and nothing under it: refused rather than invented."""
    assert correct("Số 5 Qzx Hải Dưonqq").province is None
    off = dataclasses.replace(DEFAULT, lone_province_edits=99)
    assert correct("Số 5 Qzx Hải Dưonqq", params=off).province.name == "Hải Dương"
    assert correct("Phường Cẩm Thượng Hải Dưonqq").province.name == "Hải Dương"  # its ward vouches for it


def test_a_reordering_needs_a_province_from_the_start_of_a_word() -> None:
    """Reversed, " H.Văn Giang Tỉnh Hưng Yê0" ends in "Văn Giang", whose letters hold An Giang: not a province.
    (As written it ends in Hưng Yên with a stray digit, which is what it is read as.)"""
    province = correct(" H.Văn Giang Tỉnh Hưng Yê0").province
    assert province is not None and province.name == "Hưng Yên"
    assert correct("Tỉnh Hưng Yên H.Văn Giang").province.name == "Hưng Yên"  # type: ignore[union-attr]


def test_spans_only_where_they_index_the_input() -> None:
    text = "Phường Bến Nghé, Quận 1, Hồ Chí Minh"
    a = correct(text)
    assert text[slice(*a.ward.span)] == "Phường Bến Nghé"
    glued = "XTân Phú, HĐồng Phú, TBình Phước"  # tidying added spaces: the spans still index the input
    a = correct(glued)
    assert glued[slice(*a.ward.span)] == "XTân Phú" and glued[slice(*a.province.span)] == "TBình Phước"
    text = "Phường Bến Nghé, Quận 1, Hồ Chí Minh, Việt Nam 700000"  # the country is kept, never a unit
    a = correct(text)
    assert a.text == text and text[slice(*a.province.span)] == "Hồ Chí Minh"


def test_gazetteer_names_follow_the_casing_option() -> None:
    """Only what the writer typed in capitals is kept; names spelled from the gazetteer are title-cased."""
    assert correct("Thôn 3 Quảng Điền Krông Ana Đắk Lắk").text == "Thôn 3 Quảng Điền Krông Ana Đắk Lắk"
    assert correct("Tổ 1 Hải Châu Ii Hải Châu Đà Nẵng").text == "Tổ 1 Hải Châu Ii Hải Châu Đà Nẵng"


def test_trailing_bare_number_and_dotted_thi_xa() -> None:
    assert units("XãTrung Lập,  Vĩnh Bảo,7 ")[1:] == ("Vĩnh Bảo", "Trung Lập")
    assert units("F Tân Dân, T.Xã.Nghi Sơn, TỉnhThanh Hóa") == ("Thanh Hóa", "Nghi Sơn", "Tân Dân")


def test_a_district_announced_by_its_type_word_stands_without_a_province() -> None:
    assert units("X.Nhân Chính,H.Lý Nyân,")[1:] == ("Lý Nhân", "Nhân Chính")
    assert units("P14,, Q6,, ")[1:] == ("6", "14")


def test_a_type_letter_glued_in_lower_case_is_no_cut_word() -> None:
    assert units("xquang đức, hgia lộc, thải dương") == ("Hải Dương", "Gia Lộc", "Quang Đức")


def test_a_unit_that_no_longer_exists_gives_its_bare_official_code_too() -> None:
    """`code` keys the gazetteer (Tĩnh Gia's state carries a suffix: Nghi Sơn kept its code 407); `gso_code` is
    the official code a user joins on, in the API and the JSON."""
    a = correct("huyện Tĩnh Gia Thanh Hoá")
    assert a.district is not None and a.province is not None
    assert a.district.code.startswith("407~") and a.district.gso_code == "407" and not a.district.current
    assert a.province.gso_code == a.province.code == "38"
    assert json.loads(a.model_dump_json())["district"]["gso_code"] == "407"
