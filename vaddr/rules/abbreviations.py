"""Unit-type words, free-text address words and name abbreviations, read from ``data/abbreviations.tsv``.

Why: the same address is written "Thành Phố Huế", "Tp Huế", "T/phố Huế", "TP. Huế"; "Phường 7", "P.7", "F7";
"Tổ Dân Phố 4", "Tdp 4"; "Tp Hồ Chí Minh", "Hcm", "Sài Gòn". The corrector must recognise these prefixes to
split the line into units and must know which level a type word can label. The tables are data so they can
grow without touching code; lookups are on :func:`vaddr.rules.text.fold` keys, built once on first use.

Tokens are whitespace tokens as written (any case/marks). A written token that carries marks must agree with
the table's spelling on every marked letter (``Xá`` is a name, not ``Xã``; ``Phuờng`` is still ``Phường``), so
folding never turns a name syllable into a type word; bare tokens (``xa``, ``thanh pho``) match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal, cast, get_args

from .text import fold, squeeze, title_case

__all__ = [
    "UNIT_TYPES",
    "TypeMatch",
    "unit_type_of",
    "split_glued",
    "type_levels",
    "postfix_types",
    "is_abbreviation",
    "initials",
    "type_keys",
    "type_level",
    "name_abbreviations",
    "other_name",
    "repair_type_word",
]

Level = Literal["province", "district", "ward"]

#: The gazetteer's type strings, in hierarchy order.
UNIT_TYPES: tuple[str, ...] = (
    "Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã", "Phường", "Xã", "Thị trấn", "Đặc khu",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TypeMatch:
    """A unit-type word found at a token position."""

    type: str  # gazetteer type, e.g. "Thành phố"
    n_tokens: int  # how many whitespace tokens it spans
    levels: tuple[Level, ...]  # which levels it can label
    abbreviated: bool  # written as an abbreviation (tp, p., f) rather than the full word
    # spelled out but without the marks the type word has ("Quan", "thanh pho"): on a line that carries marks
    # elsewhere this is more likely a name syllable (Tam Quan) than a type word; the caller weighs it
    bare: bool = False


@dataclass(frozen=True, slots=True)
class _Row:
    kind: str
    canonical: str
    info: str
    ref: tuple[str, ...]  # lower-case reference spelling per token for the mark check; () = no check


_PUNCT_EDGES = ",;:()[]\"'"


def _tokens(phrase: str) -> list[str]:
    return phrase.split()


def _key(tok: str) -> str:
    return fold(tok).strip(_PUNCT_EDGES)


def _levels(text: str) -> tuple[Level, ...]:
    """The levels column of a type row ("province,district"), checked: a typo in the table fails loudly."""
    out = tuple(text.split(","))
    unknown = set(out) - set(get_args(Level))
    if unknown:
        raise ValueError(f"abbreviations.tsv: unknown level(s) {sorted(unknown)}")
    return cast("tuple[Level, ...]", out)


@cache
def _table_rows() -> tuple[tuple[str, str, str, str], ...]:
    """The rows of data/abbreviations.tsv as written: (kind, canonical, info, variants)."""
    text = resources.files(__package__).joinpath("data/abbreviations.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kind, canonical, info, variants = line.split("\t")
            rows.append((kind, canonical, info, variants))
    return tuple(rows)


@cache
def _tables() -> tuple[dict[tuple[str, ...], list[_Row]], dict[str, tuple[Level, ...]], int]:
    index: dict[tuple[str, ...], list[_Row]] = {}
    levels: dict[str, tuple[Level, ...]] = {}
    max_n = 1
    for kind, canonical, info, variants in _table_rows():
        if kind == "type":
            lv = info.partition(":")[0]  # after the colon: the output abbreviation (no runtime reader)
            levels[canonical] = _levels(lv)
        canon_fold = fold(canonical.lower())
        spelled = [] if kind in ("name", "postfix") else [canonical.lower()]  # a postfix row lists English only
        for v in [*spelled, *variants.split(",")]:
            v = v.strip().lower()
            if not v:
                continue
            fv = fold(v)
            # Marks are checked only on spelled-out forms (fold == canonical fold): there a differently marked
            # token is a different word (Xá vs Xã, Tô vs Tổ). Marks on abbreviations (T/phố) are free.
            ref: tuple[str, ...]
            if fv != canon_fold:
                ref = ()
            elif fv != v:
                ref = tuple(_tokens(v))
            else:
                ref = tuple(_tokens(canonical.lower()))
            key = tuple(_key(t) for t in _tokens(v))
            row = _Row(kind, canonical, info, ref)
            bucket = index.setdefault(key, [])
            if all((r.kind, r.canonical) != (kind, canonical) for r in bucket):
                bucket.append(row)
            max_n = max(max_n, len(key))
    return index, levels, max_n


def _agrees(written: list[str], ref: tuple[str, ...]) -> bool:
    """Every letter the writer marked must be marked the same way in the reference spelling."""
    if len(written) != len(ref):
        return True  # no reference (abbreviation) or a different tokenisation: nothing to compare
    for w, r in zip(written, ref, strict=False):
        w = w.lower().strip(_PUNCT_EDGES)
        r = r.strip(_PUNCT_EDGES)
        fw = fold(w)
        if fw == w:
            continue
        if len(w) != len(r):
            return False
        for cw, cr, cf in zip(w, r, fw, strict=False):
            if cw != cf and cw != cr:
                return False
    return True


def _lookup(tokens: list[str], i: int, kind: str) -> tuple[_Row, int] | None:
    """Longest table row of `kind` starting at ``tokens[i]`` (None also for an index out of range)."""
    if i < 0 or i >= len(tokens):
        return None
    return _lookup_window(tuple(tokens[i : i + _tables()[2]]), kind)


@lru_cache(maxsize=65536)
def _lookup_window(tokens: tuple[str, ...], kind: str) -> tuple[_Row, int] | None:
    """`_lookup` on the tokens a row can span from the start (memoised: lines share their words)."""
    index = _tables()[0]
    for n in range(len(tokens), 0, -1):
        window = list(tokens[:n])
        key = tuple(_key(t) for t in window)
        for row in index.get(key, ()):
            if row.kind == kind and _agrees(window, row.ref):
                return row, n
    return None


@lru_cache(maxsize=16384)
def is_abbreviation(token: str) -> bool:
    """Whether one written token is a listed abbreviation (Tt, Kp, Tdp, Hcm, Q, Đ...), marks ignored.

    Such tokens are no Vietnamese syllables but are perfectly normal on a form: rescoring must not count
    them as misreadings.
    """
    index = _tables()[0]
    return any(not row.ref for row in index.get((_key(token),), ()))


def unit_type_of(tokens: list[str], i: int) -> TypeMatch | None:
    """Whether a unit-type word starts at ``tokens[i]`` (longest match: "Thành Phố" before "T").

    ``unit_type_of("Vạn Thắng H Ba Vì".split(), 2) -> TypeMatch("Huyện", 1, ("district",), True)``.
    Single letters (t, h, p, q, x, f) are ambiguous with initials; the caller weighs them by context.
    """
    if i < 0 or i >= len(tokens):
        return None
    return _type_at(tuple(tokens[i : i + _tables()[2]]))


@lru_cache(maxsize=65536)
def _type_at(tokens: tuple[str, ...]) -> TypeMatch | None:
    """`unit_type_of` at the start of the tokens a row can span (memoised: lines share their words)."""
    hit = _lookup_window(tokens, "type")
    if hit is None:
        return None
    row, n = hit
    levels = _tables()[1]
    written = " ".join(t.lower().strip(_PUNCT_EDGES) for t in tokens[:n])
    canon = row.canonical.lower()
    full = fold(written) == fold(canon)
    bare = full and fold(written) == written and written != canon
    return TypeMatch(row.canonical, n, levels[row.canonical], not full, bare)


_GLUE = re.compile(r"^([^\W\d_]+(?:[./][^\W\d_]+)?)([./]|(?=\d))(.+)$")


def split_glued(token: str) -> tuple[TypeMatch, str] | None:
    """Split a type prefix glued to the name: ``P.7 -> (Phường, "7")``, ``Q1``, ``F12``, ``Tp.Hcm``, ``H.Ba``.

    Only a separator (``.`` or ``/``) or a following digit counts as glue, so ``Phan`` is never
    ``Ph`` + ``an``.
    """
    m = _GLUE.match(token)
    if not m:
        return None
    head, rest = m.group(1), m.group(3)
    tm = unit_type_of([head], 0)
    if tm is None or not rest.strip("./"):
        return None
    return tm, rest.strip("./")


@lru_cache(maxsize=4096)
def postfix_types(token: str) -> tuple[str, ...]:
    """The types an English type word written after a name stands for ("Ward" -> ("Phường",), "District" ->
    ("Quận", "Huyện"), "Town" -> ("Thị trấn", "Thị xã")); () for any other token. Table rows of kind postfix."""
    return tuple(row.canonical for row in _tables()[0].get((_key(token),), ()) if row.kind == "postfix")


def type_levels(unit_type: str) -> tuple[Level, ...]:
    """The levels a written type word can label, e.g. ``type_levels("Thành phố") == ("province", "district")``."""
    return _tables()[1].get(unit_type, ())


def initials(name: str) -> str:
    """Folded initials of a name, for auto-generated abbreviations: "Hai Bà Trưng" -> "hbt".

    Words are split on spaces and hyphens ("Bà Rịa - Vũng Tàu" -> "brvt"); an all-digit word is kept whole
    ("Quận 10" -> "q10").
    """
    out = []
    for w in re.split(r"[\s\-–]+", fold(name)):
        w = w.strip(".,/()")
        if not w:
            continue
        out.append(w if w.isdigit() else w[0])
    return "".join(out)


_LEVEL_INT = {"province": 1, "district": 2, "ward": 3}


@cache
def type_keys() -> tuple[tuple[str, str], ...]:
    """Every type spelling as a squeezed key (folded, letters/digits only) -> type, longest key first.

    For matching on a line folded and squeezed the same way: ``("thanhpho", "Thành phố")``, ``("tp", ...)``,
    ``("p", "Phường")``, ``("f", "Phường")``. Keys are unique.
    """
    index = _tables()[0]
    seen: dict[str, str] = {}
    for key, rows in index.items():
        for row in rows:
            if row.kind == "type":
                k = squeeze(" ".join(key))
                if k and k not in seen:
                    seen[k] = row.canonical
    return tuple(sorted(seen.items(), key=lambda kv: (-len(kv[0]), kv[0])))


@cache
def type_level(unit_type: str) -> frozenset[int]:
    """Gazetteer levels (1 province, 2 district, 3 ward) a type can label; empty for an unknown type."""
    return frozenset(_LEVEL_INT[lv] for lv in _tables()[1].get(unit_type, ()))


@cache
def _name_abbrs() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for key, rows in _tables()[0].items():
        for row in rows:
            if row.kind == "name":
                out.setdefault(squeeze(row.canonical), []).append(" ".join(key))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def name_abbreviations(name: str) -> tuple[str, ...]:
    """Listed abbreviations of a unit name, folded: ``"Hồ Chí Minh" -> ("hcm", "tphcm", "sg", ...)``.

    The name is compared squeezed, so "Bà Rịa - Vũng Tàu" and "Bà Rịa Vũng Tàu" both find "brvt".
    """
    return _name_abbrs().get(squeeze(name), ())


@lru_cache(maxsize=1)
def _other_names() -> dict[str, str]:
    """Squeezed key -> spelling with marks, for the names of `name` rows written with marks in the table."""
    out: dict[str, str] = {}
    for kind, _, _, variants in _table_rows():
        if kind != "name":
            continue
        for v in variants.split(","):
            v = v.strip()
            if fold(v) != v.lower():
                out.setdefault(squeeze(v), title_case(v))
    return out


def other_name(key: str) -> str | None:
    """The spelling with marks of a listed name that is not the unit's own ("saigon" -> "Sài Gòn"), if the table
    gives one: printed as the writer's word, never as the official name spelled over its letters."""
    return _other_names().get(key)


def repair_type_word(text: str, slipped: str | None = None) -> str:
    """Output form of a written type word: a spelled-out type gets its correct marks, abbreviations stay.

    ``"Thanh Pho" -> "Thành phố"``, ``"thi tran" -> "Thị trấn"``, ``"Tp" -> "Tp"``, ``"P." -> "P."``;
    text that is not a type word is returned unchanged, or as `slipped`, the type a spelling one keyboard slip
    away stands for ("tỉnd" -> "Tỉnh", see `matcher.slipped_type`). (The caller applies tone style and casing.)
    """
    tokens = text.split()
    if not tokens:
        return text
    m = unit_type_of(tokens, 0)
    if m is None or m.n_tokens != len(tokens):
        key = squeeze(text)
        full = [t for t in UNIT_TYPES if squeeze(t) == key]
        return full[0] if full else slipped or text
    return text if m.abbreviated else m.type
