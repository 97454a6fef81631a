import dataclasses
import re
import unicodedata

import pytest

from vaddr.gazetteer import Conversion, Unit, canonical, current, former_districts, key, legacy, to_2025


def _current(units):
    return [u for u in units if u.current]


def test_legacy_counts_final_state():
    g = legacy()
    assert len(_current(g.units(1))) == 63
    assert len(_current(g.units(2))) == 696
    # 10,040 rows in the source: 10,035 wards plus 5 island districts that have no wards
    assert len(_current(g.units(3))) == 10_035


def test_current_counts_2025():
    g = current()
    assert len(g.units(1)) == 34 and all(u.current for u in g.units(1))
    assert len(g.units(3)) == 3_321
    assert g.units(2) == ()
    assert g.provinces() == g.units(1)


def test_old_snapshot_units_kept():
    g = legacy()
    old = [u for lv in (1, 2, 3) for u in g.units(lv) if not u.current]
    assert len(old) > 1000
    assert all(u.valid for u in old)
    assert all(not u.valid for lv in (1, 2, 3) for u in g.units(lv) if u.current)


@pytest.mark.parametrize("gaz", [legacy, current])
def test_parent_links_consistent(gaz):
    g = gaz()
    for level in (2, 3):
        for u in g.units(level):
            parent = g.get(u.parent)
            assert parent.level == (1 if gaz is current else level - 1), u
            assert u in g.children(u.parent)
    for u in g.units(1):
        assert u.parent is None


def test_current_units_hang_under_current_parents():
    g = legacy()
    for level in (2, 3):
        for u in _current(g.units(level)):
            assert g.get(u.parent).current, u


def test_codes_unique_and_get():
    g = legacy()
    codes = [u.code for lv in (1, 2, 3) for u in g.units(lv)]
    assert len(codes) == len(set(codes)) == len(g)
    assert g.get("79").name == "Hồ Chí Minh" and g.get("79").type == "Thành phố"
    with pytest.raises(KeyError):
        g.get("nope")


def test_dong_trieu_old_and_new_records():
    recs = [u for u in legacy().units(2) if u.name == "Đông Triều"]
    by_type = {u.type: u for u in recs}
    assert by_type["Thành phố"].current
    assert not by_type["Thị xã"].current
    assert by_type["Thị xã"].parent == by_type["Thành phố"].parent == "22"
    # an address written in 2022 under the Thị xã still finds the wards of that time
    names = {u.name for u in legacy().children(by_type["Thị xã"].code)}
    assert {"Mạo Khê", "Bình Khê"} <= names


def test_old_province_name_kept():
    huế = legacy().get("46")
    assert huế.name == "Huế" and huế.current
    old = [u for u in legacy().units(1) if u.name == "Thừa Thiên Huế"]
    assert len(old) == 1 and not old[0].current


def test_unit_is_frozen_with_slots():
    u = legacy().get("01")
    assert not hasattr(u, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        u.name = "x"  # type: ignore[misc]
    assert isinstance(u, Unit)


@pytest.mark.parametrize(
    "raw, want",
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thuỷ", "Thủy"),
        ("Hoá", "Hóa"),
        ("Khoẻ", "Khỏe"),
        ("Quý", "Quý"),
        ("Thuý", "Thúy"),
        ("Hoàng", "Hoàng"),
        ("Nguyễn", "Nguyễn"),
        ("THUỴ", "THỤY"),
        ("Uỷ", "Ủy"),
    ],
)
def test_canonical_tone_placement(raw, want):
    assert canonical(raw) == want
    assert canonical(unicodedata.normalize("NFD", raw)) == want


def test_stored_names_canonical():
    for gaz in (legacy(), current()):
        for lv in (1, 2, 3):
            for u in gaz.units(lv):
                assert u.name == canonical(u.name), u
                assert not re.match(r"(Phường|Quận) \d|Tỉnh |Thành phố ", u.name), u  # "Phường Đúc" is a name
                assert not (u.name.isdigit() and u.name.startswith("0")), u


def test_tone_variants_and_padding_become_aliases():
    g = legacy()
    hoa_binh = g.get("17")
    assert hoa_binh.name == "Hòa Bình"
    q7 = g.get("778")  # Quận 7, Hồ Chí Minh
    assert q7.name == "7" and "07" in q7.aliases and q7.type == "Quận"
    dak_lak = g.get("66")
    assert dak_lak.name == "Đắk Lắk" and {"Đăk Lắk", "Đak Lắk"} <= set(dak_lak.aliases)


def test_key_folds_everything():
    assert key("Đắk Lắk") == key("Dak Lak") == "daklak"


def test_to_2025_simple_ward():
    # Phường Phúc Xá (Ba Đình, Hà Nội) went whole into Phường Hồng Hà
    conv = to_2025(ward_code="00001")
    assert isinstance(conv, Conversion)
    assert conv.ward is not None and conv.ward.name == "Hồng Hà"
    assert conv.province.code == "01" and conv.alternatives == ()


def test_to_2025_split_ward_keeps_alternatives():
    conv = to_2025(ward_code="00019")
    assert conv.ward is not None and conv.alternatives
    assert conv.ward not in conv.alternatives
    assert all(a.parent == conv.province.code for a in conv.alternatives)
    assert "split" in conv.note


def test_to_2025_province_and_district():
    assert to_2025(province_code="77").province.name == "Hồ Chí Minh"  # Bà Rịa - Vũng Tàu
    conv = to_2025(district_code="205")
    assert conv.ward is None and conv.province.code == "22" and conv.alternatives


def test_to_2025_old_units_go_through_successor():
    old_hue = next(u for u in legacy().units(1) if u.name == "Thừa Thiên Huế")
    assert to_2025(province_code=old_hue.code).province.name == "Huế"
    for u in legacy().units(3):
        if not u.current:
            conv = to_2025(ward_code=u.code)
            assert conv.province.current and conv.note


def test_every_legacy_unit_converts():
    arg = {1: "province_code", 2: "district_code", 3: "ward_code"}
    for lv in (1, 2, 3):
        for u in legacy().units(lv):
            to_2025(**{arg[lv]: u.code})


def test_loaded_once():
    assert legacy() is legacy() and current() is current()


def test_former_districts_of_a_2025_ward() -> None:
    # Phường Sài Gòn took over Bến Nghé (and others) of Quận 1; Phường Thủ Đức wards of the former city Thủ Đức
    assert "760" in former_districts("26740")
    assert "769" in former_districts("26824")
    assert former_districts("no such code") == frozenset()
