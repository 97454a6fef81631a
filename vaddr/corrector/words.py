"""Words a reading leaves unexplained: the joint score of `correct()` and the calibration count them alike."""

from __future__ import annotations

from vaddr.corrector import matcher
from vaddr.rules.abbreviations import is_abbreviation
from vaddr.rules.restore import default_vocabulary


def unknown_words(line: matcher.Prepared, parse: matcher.Parse) -> int:
    """Words outside the matched units that are no known spelling: such a reading is less likely Vietnamese.

    Matched units are left out: they are rewritten from the gazetteer, and their match cost is already in the
    structure score ("Hoi An" matching Hội An must not pay twice). Single letters (Lô A, Khu B) and listed
    abbreviations (Tt, Kp, Hcm) are normal on forms and count as known: otherwise a misreading such as "7t"
    for "Tt" would escape a penalty that the right reading pays.
    """
    vocab = default_vocabulary()
    text = line.text
    covered = bytearray(len(text))
    for m in parse.matches:
        a, b = line.pos[m.type_start], line.pos[m.end - 1] + 1
        covered[a:b] = b"\x01" * (b - a)
    unknown, i = 0, 0
    for word in text.split(" "):
        j = i + len(word)
        if (
            word.isalpha()
            and len(word) > 1
            and not any(covered[i:j])
            and not vocab.knows(word)
            and not is_abbreviation(word)
        ):
            unknown += 1
        i = j + 1
    return unknown
