"""Turn a parse back into text: matched units spelled as in the gazetteer, everything else as written.

The score users feel is the edit distance to what the writer wrote, so rendering changes as little as it can:
type words keep their written form ("Tp" stays "Tp", "Thị Xã" stays spelled out), separators between parts
are kept, numbers are never touched, and only the spelling of recognised names and of known free-text words
is repaired.
"""

from __future__ import annotations

from vaddr.corrector.matcher import LevelMatch, Parse, Prepared
from vaddr.rules import abbreviations
from vaddr.rules.restore import default_vocabulary
from vaddr.rules.text import title_case, to_new_style, to_old_style


def _text_span(line: Prepared, start: int, end: int) -> tuple[int, int]:
    """Squeezed span [start, end) -> span in the normalised text."""
    return line.pos[start], line.pos[end - 1] + 1


def _append(out: str, piece: str) -> str:
    """Concatenate, adding a space only where two words of letters were glued together ("TpHcm")."""
    if not out or not piece or out[-1].isspace() or piece[0].isspace():
        return out + piece
    if out[-1].isalpha() and piece[0].isalpha():
        return out + " " + piece
    return out + piece  # "Q3", "Kp4", "P.7": glued as written


def style(text: str, tone: str, case: str) -> str:
    """Apply the output conventions: tone placement and casing."""
    text = to_old_style(text) if tone == "old" else to_new_style(text)
    if case == "title":
        return title_case(text)
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    return text


def free_text(text: str, tone: str, case: str) -> str:
    """Free text (house number, street, hamlet): restore marks only where the word is unambiguous.

    Surrounding whitespace and separators are kept as written.
    """
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return lead + style(default_vocabulary().restore(core), tone, case) + trail


def render(line: Prepared, best: Parse, tone: str, case: str) -> tuple[str, list[str]]:
    """The corrected line, and the output text of each matched level (same order as `best.matches`)."""
    text = line.text
    out = ""
    cursor = 0
    unit_texts: list[str] = []
    for m in reversed(best.matches):  # left to right: ward, district, province
        name_a, name_b = _text_span(line, m.start, m.end)
        # an abbreviation ("Hcm", "Brvt") is kept as written: the writer's form is the right text
        shown = text[name_a:name_b] if m.entry.exact_only and m.entry.is_alias else m.entry.display
        piece = style(shown, tone, case)
        type_a = name_a
        if m.type_start < m.start:
            type_a, type_b = _text_span(line, m.type_start, m.start)
            type_out = style(abbreviations.repair_type_word(text[type_a:type_b]), tone, case)
            piece = _append(type_out + text[type_b:name_a], piece)
        out = _append(_append(out, free_text(text[cursor:type_a], tone, case)), piece)
        unit_texts.append(piece)
        cursor = name_b
    out = _append(out, free_text(text[cursor:], tone, case))
    return " ".join(out.split()), list(reversed(unit_texts))
