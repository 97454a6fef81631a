"""Legacy (3-level) address -> the 2-level structure in force since 1 July 2025.

Districts were abolished and most wards merged; the mapping comes from the gazetteer's conversion table and
stays offline. A ward split between several new wards maps to the default target, with the others offered as
alternatives and the reason in `note`.
"""

from __future__ import annotations

from vaddr import gazetteer
from vaddr.corrector.render import style
from vaddr.types import Address, Alternative, UnitMatch


def _unit(level: str, unit: gazetteer.Unit, score: float, text: str) -> UnitMatch:
    return UnitMatch(level=level, name=unit.name, type=unit.type, code=unit.code, span=None, score=score, text=text)  # type: ignore[arg-type]


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
        ward = _unit("ward", conv.ward, source.score, ward_text(conv.ward))
        parts.append(ward.text)
    parts.append(province_text)
    province = _unit("province", conv.province, source.score, province_text)
    head = " ".join(parts[:-1])
    # Offline, an old ward split into n new wards is equally likely to lie in each of them (the street-level
    # share is unknown): the chosen target and each alternative get confidence / n. A district (no ward
    # chosen) spreads the same way over the new wards of its wards.
    targets = len(conv.alternatives) + (1 if conv.ward is not None else 0)
    share = address.confidence / max(1, targets)
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
    )
