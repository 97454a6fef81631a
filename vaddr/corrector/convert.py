"""Legacy (3-level) address -> the 2-level structure in force since 1 July 2025, or -> the final legacy units.

Districts were abolished and most wards merged; the mapping comes from the gazetteer's conversion table and
stays offline. A ward split between several new wards maps to the default target, with the others offered as
alternatives and the reason in `note`.
"""

from __future__ import annotations

from vaddr import gazetteer
from vaddr.corrector.render import style
from vaddr.types import Address, Alternative, Level, UnitMatch


def _unit(level: Level, unit: gazetteer.Unit, score: float, text: str) -> UnitMatch:
    return UnitMatch(level=level, name=unit.name, type=unit.type, code=unit.code, span=None, score=score, text=text)


def to_2025(address: Address, *, tone: str = "auto", case: str = "title") -> Address:
    """The same address in the 2025 scheme: remainder + new ward (with its type) + new province."""
    tone = "old" if tone == "auto" else tone
    source = address.ward or address.district or address.province
    if source is None:
        return address.model_copy(update={"scheme": "2025", "note": "no administrative unit recognised"})
    conv = gazetteer.to_2025(
        ward_code=address.ward.code if address.ward else None,
        district_code=address.district.code if address.district else None,
        province_code=address.province.code if address.province else None,
    )

    def ward_text(unit: gazetteer.Unit) -> str:
        return style(f"{unit.type} {unit.name}", tone, case)

    province_text = style(conv.province.name, tone, case)
    parts = [address.remainder] if address.remainder else []
    ward = None
    if conv.ward is not None:
        ward = _unit(Level.WARD, conv.ward, source.score, ward_text(conv.ward))
        parts.append(ward.text)
    parts.append(province_text)
    province = _unit(Level.PROVINCE, conv.province, source.score, province_text)
    head = " ".join(parts[:-1])
    # Offline, an old ward split into n new wards is equally likely to lie in each of them (the street-level
    # share is unknown): the chosen target and each alternative get confidence / n. A district (no ward
    # chosen) spreads the same way over the new wards of its wards.
    targets = len(conv.alternatives) + (1 if conv.ward is not None else 0)
    sure = address.confidence
    if conv.ward is not None and address.ward is not None and address.ward.confidence is not None:
        sure = min(sure, address.ward.confidence)  # the text names the ward the legacy ward maps to
    share = sure / max(1, targets)
    alternatives = [
        Alternative(
            text=" ".join(p for p in (address.remainder, ward_text(alt), province_text) if p), score=round(share, 4)
        )
        for alt in conv.alternatives
    ]
    return Address(
        text=" ".join(p for p in (head, province_text) if p),
        input=address.input,
        province=province,
        district=None,
        ward=ward,
        remainder=address.remainder,
        confidence=round(share, 4) if conv.ward is not None else address.confidence,
        scheme="2025",
        alternatives=alternatives,
        note=conv.note,
        parts=address.parts,
    )


def to_final_legacy(address: Address, *, tone: str = "auto", case: str = "title") -> Address:
    """The same address with every non-current unit (read as written: Quận 2, Tĩnh Gia, Hà Tây) replaced by the
    legacy unit that took it over (Thành phố Thủ Đức, Thị xã Nghi Sơn, Hà Nội): the 3-level structure of the
    final legacy state (2025-06-30)."""
    tone = "old" if tone == "auto" else tone
    gaz = gazetteer.legacy()
    units: dict[Level, UnitMatch | None] = {}
    notes = []
    for level in (Level.WARD, Level.DISTRICT, Level.PROVINCE):
        u = getattr(address, level.value)
        if u is not None and not u.current:
            code = u.successor
            unit = gaz.get(code) if code and code in gaz else None
            if unit is None or Level.of_depth(unit.level) is not level:
                notes.append(f"no successor recorded for {u.type} {u.name} ({u.code})")
                u = None
            else:
                notes.append(f"{u.type} {u.name} -> {unit.type} {unit.name}")
                u = _unit(level, unit, u.score, style(f"{unit.type} {unit.name}", tone, case))
        elif u is not None:
            u = u.model_copy(update={"text": style(f"{u.type} {u.name}", tone, case), "span": None})
        units[level] = u
    ward_match = units[Level.WARD]
    if ward_match is not None and units[Level.DISTRICT] is None:
        ward = gaz.get(ward_match.code)
        if ward.parent is not None and ward.parent in gaz:
            parent = gaz.get(ward.parent)
            units[Level.DISTRICT] = _unit(Level.DISTRICT, parent, ward_match.score, "")
    parts = [address.remainder] if address.remainder else []
    parts += [u.text for u in units.values() if u is not None and u.text]
    return address.model_copy(
        update={
            "text": " ".join(parts),
            "ward": units[Level.WARD],
            "district": units[Level.DISTRICT],
            "province": units[Level.PROVINCE],
            "note": "; ".join(notes),
        }
    )
