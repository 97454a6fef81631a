"""Typed-address benchmark: units found as written, beside vietnamadminunits, on typed and pasted address shapes.

Two sources, each reported on its own:

* ``dev``: ``../shared/data/addrcls_dev.jsonl`` (150 noisy typed / OCR'd addresses with the grader's gold names;
  "" means no unit expected). A unit counts as found when its name equals the gold name (diacritic-free,
  space-free comparison, numbers unpadded); units that `correct()` infers from the unit below count as none,
  as the grader expects the names written.
* generated cases, written by the rules below with a fixed seed from the gazetteer and the registry history
  (``../shared/data/units_history.tsv.gz``): ``history`` (units of 2004-2024 written with their parents of the
  time), ``initials`` (HCM / Hà Nội districts by their initials, with SG / HCM / HN / TP.HCM), ``glued`` (type
  letters glued to names: "XTân Thạnh", "HuyệnCai Lậy", "TBình Dương"), ``order`` (province first), ``country``
  (", Việt Nam", "VN", a postcode), ``punct`` (dotted types "P.", "Q.", "T.", separators "-", ";", "/", "."),
  ``noisy`` (those shapes mixed with a slip in one name, a level left out, lower case, doubled commas),
  ``scrambled`` (written the dev set's way: type words in any written form, glued or not, and up to two keyboard
  slips anywhere in the line, type words included: a stray letter or digit, a letter replaced, dropped or doubled),
  ``english`` (the English type word after the name, before a number: "Ben Nghe Ward, District 1, Ho Chi Minh City"),
  ``structure2025`` (addresses of the 2-level structure in force since 1 July 2025, ward and province, typed,
  dotted or without marks, with a street and a country, a quarter of the typed ones with the former district of
  the ward's area between them where the ward's name is new there: "Phường Sài Gòn, Quận 1, TP. Hồ Chí Minh").
  These are scored on unit codes, read with ``scheme="2025"`` (the peer in its own 2025 mode): a former ward of
  the same name is the wrong unit.

    python benchmarks/typed.py [--seed 11] [--per-kind 80] [-v]

Prints p/d/w accuracy per source for `vaddr.correct` and for `vietnamadminunits.parse_address(mode='LEGACY')`
(`mode='FROM_2025'` on the ``structure2025`` kind, whose gold is the codes, "" for the district)
(``pip install vietnamadminunits==1.0.4``), and the throughput of both.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vaddr import correct  # noqa: E402
from vaddr.gazetteer import current, former_districts, key, legacy  # noqa: E402
from vaddr.rules.text import strip_marks  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LEVELS = ("province", "district", "ward")
TYPE_LETTER = {"Tỉnh": "T", "Thành phố": "TP", "Quận": "Q", "Huyện": "H", "Thị xã": "TX", "Phường": "P",
               "Xã": "X", "Thị trấn": "TT"}  # fmt: skip
POSTCODES = ("700000", "100000", "550000", "650000", "10000", "70000")
# district initials as written in Hồ Chí Minh City and Hà Nội (hand-written cases; the rule is general)
INITIAL_CASES = [
    ("55/30 Nguyễn Thượng Hiền, P5, BT, TP.HCM", ("Hồ Chí Minh", "Bình Thạnh", "5")),
    ("12 Lê Văn Sỹ, P.13, PN, HCM", ("Hồ Chí Minh", "Phú Nhuận", "13")),
    ("88 Cộng Hòa, P4, TB, TP HCM", ("Hồ Chí Minh", "Tân Bình", "4")),
    ("Quang Trung, P10, GV, SG", ("Hồ Chí Minh", "Gò Vấp", "10")),
    ("Số 5 Lò Đúc, HBT, HN", ("Hà Nội", "Hai Bà Trưng", "")),
    ("P. Bến Nghé, Q.1, TP.HCM", ("Hồ Chí Minh", "1", "Bến Nghé")),
    ("HCM Q1 P Ben Thanh", ("Hồ Chí Minh", "1", "Bến Thành")),
    ("Hồ Chí Minh, Quận 1, Bến Thành", ("Hồ Chí Minh", "1", "Bến Thành")),
    ("TP.HCM, Q.3, P.7", ("Hồ Chí Minh", "3", "7")),
    ("Phường Dịch Vọng, Q. Cầu Giấy, TP. Hà Nội, Việt Nam", ("Hà Nội", "Cầu Giấy", "Dịch Vọng")),
    ("Xã Long Phước, TP. Bà Rịa, BRVT", ("Bà Rịa - Vũng Tàu", "Bà Rịa", "Long Phước")),
    ("Phường Thạch Thang, Q. Hải Châu, ĐN", ("Đà Nẵng", "Hải Châu", "Thạch Thang")),
]


def name_key(name: str) -> str:
    k = key(name or "")
    return str(int(k)) if k.isdigit() else k


def dev_cases() -> list[tuple[str, tuple[str, str, str], str]]:
    path = SHARED / "addrcls_dev.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out.append((d["text"], (d["province"], d["district"], d["ward"]), "dev"))
    return out


def _history_states() -> dict[str, list[list[str]]]:
    path = SHARED / "units_history.tsv.gz"
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        _, *rows = fh.read().splitlines()
    states: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        r = row.split("\t")
        states[r[0]].append(r)
    return states


def _of_time(states: dict[str, list[list[str]]], code: str, first: str, last: str) -> list[str] | None:
    for s in states.get(code, []):
        if s[6] <= last and first <= s[7]:
            return s
    return None


def _typed(typ: str, name: str, rng: random.Random) -> str:
    typ = "Thành phố" if typ == "Thành phố Trung ương" else typ
    r = rng.random()
    if r < 0.45 or name.isdigit():
        return f"{typ} {name}"
    if r < 0.7:
        return f"{TYPE_LETTER.get(typ, typ)}. {name}"
    return name


def history_cases(rng: random.Random, n: int) -> list[tuple[str, tuple[str, str, str], str]]:
    """Wards whose state ended before 2025, written with the district and province of their time."""
    states = _history_states()
    ended = [s for ss in states.values() for s in ss if s[1] == "3" and s[7] < "2025-02-18"]
    rng.shuffle(ended)
    out = []
    for w in ended:
        d = _of_time(states, w[4], w[6], w[7])
        p = _of_time(states, w[5], w[6], w[7]) if d else None
        if d is None or p is None:
            continue
        text = ", ".join([_typed(w[2], w[3], rng), _typed(d[2], d[3], rng), p[3]])
        out.append((text, (p[3], d[3], w[3]), "history"))
        if len(out) == n:
            break
    return out


def _current_chains(rng: random.Random, n: int) -> list[tuple]:
    g = legacy()
    wards = [u for u in g.units(3) if u.current]
    picks = rng.sample(wards, n)
    out = []
    for w in picks:
        d = g.get(w.parent)
        p = g.get(d.parent)
        out.append((w, d, p))
    return out


def shaped_cases(rng: random.Random, n: int) -> list[tuple[str, tuple[str, str, str], str]]:
    out = []
    for w, d, p in _current_chains(rng, n):  # glued type letters / words
        wt, dt, pt = (TYPE_LETTER[w.type], TYPE_LETTER[d.type], "T") if rng.random() < 0.6 else (w.type, d.type, "Tỉnh")
        if w.name.isdigit() or d.name.isdigit():
            continue
        out.append((f"{wt}{w.name}, {dt}{d.name}, {pt}{p.name}", (p.name, d.name, w.name), "glued"))
    for w, d, p in _current_chains(rng, n):  # province first
        sep = rng.choice([", ", " - ", ", "])
        text = sep.join([p.name, f"{d.type} {d.name}", f"{w.type} {w.name}"])
        out.append((text, (p.name, d.name, w.name), "order"))
    for w, d, p in _current_chains(rng, n):  # country and postcode
        tail = rng.choice(
            [", Việt Nam", ", Vietnam", ", VN", f" {rng.choice(POSTCODES)}", f", {rng.choice(POSTCODES)}, Việt Nam"]
        )
        street = rng.choice(["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi"])
        text = f"{rng.randint(1, 300)} {street}, {w.type} {w.name}, {d.type} {d.name}, {p.name}{tail}"
        out.append((text, (p.name, d.name, w.name), "country"))
    for w, d, p in _current_chains(rng, n):  # punctuation and dotted types
        sep = rng.choice([" - ", "; ", " / ", ",", ". "])
        parts = [f"{TYPE_LETTER[w.type]}.{w.name}", f"{TYPE_LETTER[d.type]}.{d.name}", f"{p.name}."]
        text = sep.join(parts)
        if rng.random() < 0.3:
            text = strip_marks(text)
        out.append((text, (p.name, d.name, w.name), "punct"))
    return out


def _typo(name: str, rng: random.Random) -> str:
    """One slip inside a name of 6+ letters: a letter dropped, doubled or replaced, or its marks lost."""
    if len(name) < 6 or name.isdigit():
        return name
    i = rng.randrange(1, len(name) - 1)
    if not name[i].isalpha():
        return name
    op = rng.random()
    if op < 0.3:
        return name[:i] + name[i + 1 :]
    if op < 0.5:
        return name[:i] + name[i] + name[i:]
    if op < 0.7:
        return name[:i] + rng.choice("aeiouynhtg") + name[i + 1 :]
    return strip_marks(name)


def noisy_cases(rng: random.Random, n: int) -> list[tuple[str, tuple[str, str, str], str]]:
    """The shapes of the dev set mixed: glued or dotted type letters, a slip in one name, a level left out,
    doubled commas, lower-case words."""
    out = []
    for w, d, p in _current_chains(rng, n):
        names = [w.name, d.name, p.name]
        gold = list(names)
        k = rng.randrange(3)
        names[k] = _typo(names[k], rng)
        drop = rng.random()
        types = [TYPE_LETTER[w.type], TYPE_LETTER[d.type], "T"]
        glue = rng.choice(["", ".", " ", ". "])
        parts = [f"{t}{glue}{x}" for t, x in zip(types, names, strict=True)]
        if drop < 0.2:
            parts[2], gold[2] = "", ""
        elif drop < 0.35:
            parts[1], gold[1] = "", ""
        if rng.random() < 0.3:
            parts = [x.lower() for x in parts]
        text = rng.choice([",", ", ", ",, ", "  "]).join(parts)
        out.append((text, (gold[2], gold[1], gold[0]), "noisy"))
    return out


# type words as the dev set writes them (abbreviated, dotted, glued, lower case, "F" for "P")
TYPE_FORMS = {
    "Phường": ["Phường", "P.", "P", "F", "F.", "P. ", "phường"],
    "Xã": ["Xã", "X.", "X", "x", "Xã", "X. ", "xã"],
    "Thị trấn": ["Thị Trấn", "TT", "TT.", "TTr.", "Thị trấn", "T.T "],
    "Quận": ["Quận", "Q.", "Q", "Q. "],
    "Huyện": ["Huyện", "H.", "H", "huyện", "H. "],
    "Thị xã": ["Thị xã", "TX", "T.X.", "T.Xã.", "TX."],
    "Thành phố": ["Thành phố", "TP", "T.P", "T.Phố", "Tp", "TP."],
    "Tỉnh": ["Tỉnh", "T.", "T", "tỉnh", "T. "],
}
NOISE_CHARS = "abcdeghiklmnopqrstuvxyABCDEGHKLMNPQRSTVXYZJWF0123456789"


def _scramble(word: str, rng: random.Random) -> str:
    """One keyboard slip inside a word: a stray letter or digit inserted, a letter replaced, dropped or
    doubled, or the word's marks lost (the slips of the dev set: "Thà6nh", "LaZc", "Thah", "Thhanh", "Hiêp")."""
    if len(word) < 2:
        return word
    i = rng.randrange(1, len(word))
    op = rng.random()
    if op < 0.3:
        return word[:i] + rng.choice(NOISE_CHARS) + word[i:]
    if op < 0.5:
        return word[:i] + rng.choice(NOISE_CHARS) + word[i + 1 :]
    if op < 0.65:
        return word[:i] + word[i + 1 :]
    if op < 0.8:
        return word[:i] + word[i] + word[i:]
    return strip_marks(word)


def scrambled_cases(rng: random.Random, n: int) -> list[tuple[str, tuple[str, str, str], str]]:
    """Addresses written the dev set's way, from gazetteer chains: type words in any of their written forms,
    glued or not, a level left out, separators doubled, and up to two keyboard slips anywhere in the line."""
    out = []
    for w, d, p in _current_chains(rng, n):
        gold = [w.name, d.name, p.name]
        parts = []
        for u in (w, d, p):
            typ = u.type  # provinces are "Tỉnh" or "Thành phố" (the six central cities)
            form = rng.choice(TYPE_FORMS[typ]) if rng.random() < 0.7 or u.name.isdigit() else ""
            glue = "" if form.endswith((".", " ")) or not form else rng.choice(["", " ", " "])
            parts.append(f"{form}{glue}{u.name}")
        drop = rng.random()
        if drop < 0.15:
            parts[2], gold[2] = "", ""
        elif drop < 0.25:
            parts[0], gold[0] = "", ""
        if rng.random() < 0.25:
            parts.insert(0, rng.choice(["Thôn 3", "Ấp Bình Hòa", "Tổ 5", "Khu 2", "Xóm Đông", "Số 12"]))
        text = rng.choice([",", ", ", ",, ", "  ", " "]).join(x for x in parts if x)
        words = text.split(" ")
        for _ in range(rng.choice([0, 1, 1, 2])):
            j = rng.randrange(len(words))
            words[j] = _scramble(words[j], rng)
        text = " ".join(words)
        out.append((text, (gold[2], gold[1], gold[0]), "scrambled"))
    return out


ENGLISH = {"Phường": "Ward", "Xã": "Commune", "Thị trấn": "Town", "Quận": "District", "Huyện": "District",
           "Thị xã": "Town", "Thành phố": "City", "Tỉnh": "Province"}  # fmt: skip


def english_cases(rng: random.Random, n: int) -> list[tuple[str, tuple[str, str, str], str]]:
    """Addresses written the way international forms, maps and shops write them: names without marks (or with),
    the English type word after the name ("Ben Nghe Ward, District 1, Ho Chi Minh City"), before a number."""
    out = []
    for w, d, p in _current_chains(rng, n):
        parts = []
        for u in (w, d, p):
            word = ENGLISH.get(u.type, "")
            name = u.name if rng.random() < 0.3 else strip_marks(u.name)
            parts.append(f"{word} {name}" if u.name.isdigit() else f"{name} {word}" if rng.random() < 0.8 else name)
        head = rng.choice(
            ["", f"{rng.randint(1, 300)} {rng.choice(['Le Loi', 'Tran Hung Dao', 'Nguyen Trai'])} Street, "]
        )
        tail = rng.choice(["", ", Vietnam", ", Viet Nam"])
        out.append((head + ", ".join(parts) + tail, (p.name, d.name, w.name), "english"))
    return out


TYPE_LETTER_2025 = {"Phường": "P", "Xã": "X", "Đặc khu": "ĐK", "Tỉnh": "T", "Thành phố": "TP"}


def _ward_keys(district: str) -> set[str]:
    return {key(u.name) for u in legacy().children(district)}


def structure2025_cases(rng: random.Random, n: int) -> list[tuple[str, tuple[str, str, str], str]]:
    """Wards of the 2025 structure with their province, the way addresses are written since 1 July 2025."""
    g = current()
    wards = [u for u in g.units(3) if u.current]
    out = []
    for w in rng.sample(wards, n):
        p = g.get(w.parent)
        r = rng.random()
        if r < 0.4:
            parts = [f"{w.type} {w.name}", f"{p.type} {p.name}"]
        elif r < 0.7:
            parts = [f"{TYPE_LETTER_2025[w.type]}. {w.name}", f"{TYPE_LETTER_2025[p.type]}. {p.name}"]
        else:
            parts = [w.name if rng.random() < 0.5 else f"{w.type} {w.name}", p.name]
        # the district of its area, out of the 3-level habit, where the ward's name is new there (else the line
        # also reads as a former ward of that name with its district: an old address, equally right)
        former = [c for c in sorted(former_districts(w.code)) if key(w.name) not in _ward_keys(c)]
        if former and r < 0.7 and rng.random() < 0.25:
            d = legacy().get(rng.choice(former))
            parts.insert(1, f"{d.type} {d.name}" if r < 0.4 else f"{TYPE_LETTER[d.type]}. {d.name}")
        head = rng.choice(["", f"{rng.randint(1, 300)} {rng.choice(['Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi'])}, "])
        text = head + ", ".join(parts) + rng.choice(["", "", ", Việt Nam"])
        out.append((strip_marks(text) if rng.random() < 0.3 else text, (p.code, "", w.code), "structure2025"))
    return out


def ours(text: str, kind: str = "") -> tuple[str, str, str]:
    if kind == "structure2025":  # codes of the 2025 units
        a = correct(text, scheme="2025")
        return tuple("" if (u := getattr(a, lv)) is None or u.inferred else u.code for lv in LEVELS)  # type: ignore[return-value]
    a = correct(text)
    return tuple("" if (u := getattr(a, lv)) is None or u.inferred else u.name for lv in LEVELS)  # type: ignore[return-value]


def peer(parse_address, text: str, kind: str = "") -> tuple[str, str, str]:
    try:
        if kind == "structure2025":
            r = parse_address(text, mode="FROM_2025", level=2)
            return (r.province_code or "", "", r.ward_code or "")
        r = parse_address(text, mode="LEGACY", level=3)
    except Exception:  # the peer raises on lines it cannot parse
        return ("", "", "")
    return (r.short_province or "", r.short_district or "", r.short_ward or "")


def score(preds: list[tuple[str, str, str]], gold: list[tuple[str, str, str]]) -> list[float]:
    return [
        sum(name_key(p[k]) == name_key(g[k]) for p, g in zip(preds, gold, strict=True)) / len(gold) for k in range(3)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--per-kind", type=int, default=80)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case vaddr gets wrong")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    cases = dev_cases() + history_cases(rng, args.per_kind) + shaped_cases(rng, args.per_kind)
    cases += noisy_cases(rng, 2 * args.per_kind)
    cases += scrambled_cases(rng, 5 * args.per_kind)
    cases += english_cases(rng, args.per_kind)
    cases += structure2025_cases(rng, args.per_kind)
    cases += [(t, g, "initials") for t, g in INITIAL_CASES]
    try:
        from vietnamadminunits import parse_address
    except ImportError:
        parse_address = None
    correct("warm up the gazetteer and indexes")
    correct("Quận 2 Hồ Chí Minh")  # ... and the successor table of units that no longer exist
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, (_, _, kind) in enumerate(cases):
        by_kind[kind].append(i)
    t0 = time.perf_counter()
    mine = [ours(t, kind) for t, _, kind in cases]
    my_rate = len(cases) / (time.perf_counter() - t0)
    theirs: list[tuple[str, str, str]] | None = None
    if parse_address is not None:
        t0 = time.perf_counter()
        theirs = [peer(parse_address, t, kind) for t, _, kind in cases]
        peer_rate = len(cases) / (time.perf_counter() - t0)
    print(f"{len(cases)} cases; p/d/w = names as written found (inferred units count as none)")
    print(f"{'kind':10} {'n':>4}   {'vaddr p/d/w':>20}   {'vietnamadminunits p/d/w':>24}")
    for kind, idx in by_kind.items():
        gold = [cases[i][1] for i in idx]
        a = score([mine[i] for i in idx], gold)
        line = f"{kind:10} {len(idx):4}   {a[0]:6.3f} {a[1]:6.3f} {a[2]:6.3f}"
        if theirs is not None:
            b = score([theirs[i] for i in idx], gold)
            line += f"   {b[0]:8.3f} {b[1]:6.3f} {b[2]:6.3f}"
        print(line)
    gen = [i for i, c in enumerate(cases) if c[2] != "dev"]
    a = score([mine[i] for i in gen], [cases[i][1] for i in gen])
    line = f"{'generated':10} {len(gen):4}   {a[0]:6.3f} {a[1]:6.3f} {a[2]:6.3f}"
    if theirs is not None:
        b = score([theirs[i] for i in gen], [cases[i][1] for i in gen])
        line += f"   {b[0]:8.3f} {b[1]:6.3f} {b[2]:6.3f}"
    print(line)
    print(f"throughput: vaddr {my_rate:.0f} addr/s" + (f", vietnamadminunits {peer_rate:.0f} addr/s" if theirs else ""))
    if args.verbose:
        for (text, gold, kind), got in zip(cases, mine, strict=True):
            if [name_key(x) for x in got] != [name_key(x) for x in gold]:
                print(f"[{kind}] {text!r}\n    gold {gold}\n    got  {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
