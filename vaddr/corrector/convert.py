"""Legacy (3-level) address -> the 2-level structure in force since 1 July 2025.

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
    alternatives = [
        Alternative(text=" ".join(p for p in (address.remainder, ward_text(alt), province_text) if p), score=0.0)
        for alt in conv.alternatives
    ]
    return Address(
        text=" ".join(p for p in (head, province_text) if p),
        input=address.input,
        province=province,
        district=None,
        ward=ward,
        remainder=address.remainder,
        confidence=address.confidence,
        scheme="2025",
        alternatives=alternatives,
        note=conv.note,
    )
