"""Diacritic restoration for free-text address words: "Thon" -> "Thôn", "To Dan Pho" -> "Tổ Dân Phố".

Why: recognisers and hurried writers drop marks; the administrative units are restored from the gazetteer by
the corrector, but hamlet / street words in between are free text. Restoring them blindly would invent errors
("Hoa" could be Hòa, Hóa or Hoa), so a word or a 2-3 word phrase is restored only where its folded form maps
to one spelling, or to one spelling clearly more frequent than the next (``DOMINANCE`` times). Words already
carrying marks are never changed (a tone-style variant like "Hoà" for "Hòa" counts as agreeing); tokens with
digits or other non-letters (house numbers "67b/75", "Q3") are never touched.

The vocabulary is ``data/address_words.tsv`` plus, for :func:`default_vocabulary`, the gazetteer's unit names
(imported lazily; skipped if the gazetteer is unavailable) or any words passed to
:meth:`Vocabulary.from_words`. Forms are stored lower case with new-style tone placement; casing is copied
from the written word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources

from .text import fold, normalize, to_new_style

__all__ = ["DOMINANCE", "MAX_PHRASE", "Vocabulary", "default_vocabulary", "restore"]

#: A form must be at least this many times as frequent as the runner-up to be used.
DOMINANCE = 3.0
#: Longest phrase (in words) looked up as a unit.
MAX_PHRASE = 3

_EDGE = "\"'()[],.;:!?"
_SPLIT = re.compile(r"(\s+)")


def _load_data() -> list[tuple[str, float]]:
    text = resources.files(__package__).joinpath("data/address_words.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _, weight = line.partition("\t")
        out.append((phrase, float(weight or 1)))
    return out


def _copy_case(form: str, written: str) -> str:
    """Give ``form`` the written word's casing letter by letter (fold is length-preserving, so they align)."""
    if len(form) != len(written):
        return form
    return "".join(f.upper() if w.isupper() else f for f, w in zip(form, written, strict=False))


_KNOWN_MEMO = 65536


class Vocabulary:
    """Folded word / phrase -> spelled forms with weights; answers which spelling (if any) to restore."""

    __slots__ = ("_forms", "_best", "_known")

    def __init__(self) -> None:
        self._forms: dict[tuple[str, ...], dict[str, float]] = {}
        self._best: dict[tuple[str, ...], tuple[str, ...] | None] = {}
        self._known: dict[str, bool] = {}  # memo of `knows`: every line asks about the same few thousand words

    # -- building -------------------------------------------------------------------------------------------
    def add(self, phrase: str, weight: float = 1.0, words_too: bool = True) -> None:
        """Count ``phrase`` (any case/style). Phrases of up to ``MAX_PHRASE`` words are added whole, and (with
        ``words_too``) every word on its own too, so gazetteer names also teach single syllables. The data
        file lists its single words explicitly, so its phrases do not inflate them ("thành phố" vs
        "thanh")."""
        words = to_new_style(normalize(phrase).lower()).split()
        words = [w.strip(_EDGE) for w in words]
        if not words or not all(w.isalpha() for w in words):
            return
        self._best.clear()
        self._known.clear()
        if 1 < len(words) <= MAX_PHRASE:
            self._count(tuple(words), weight)
        if words_too or len(words) == 1:
            for w in words:
                self._count((w,), weight)

    def _count(self, words: tuple[str, ...], weight: float) -> None:
        key = tuple(fold(w) for w in words)
        forms = self._forms.setdefault(key, {})
        form = " ".join(words)
        forms[form] = forms.get(form, 0.0) + weight

    @classmethod
    def from_words(cls, words: Iterable[str], include_defaults: bool = True, weight: float = 1.0) -> Vocabulary:
        """Vocabulary of the data file (unless ``include_defaults`` is False) plus ``words`` (e.g. gazetteer
        names), each occurrence counting ``weight``."""
        vocab = cls()
        if include_defaults:
            for phrase, w in _load_data():
                vocab.add(phrase, w, words_too=False)
        for phrase, n in Counter(words).items():  # gazetteers repeat names ("Phường 1"): add each once
            vocab.add(phrase, weight * n)
        return vocab

    # -- lookup ---------------------------------------------------------------------------------------------
    def forms(self, text: str) -> dict[str, float]:
        """All known spellings of a folded word or phrase with their weights (for inspection and tests)."""
        key = tuple(fold(w) for w in text.lower().split())
        return dict(self._forms.get(key, {}))

    def knows(self, word: str) -> bool:
        """Whether `word` (any case or tone style) is a known spelling: a plausible Vietnamese syllable here."""
        known = self._known.get(word)
        if known is None:
            if len(self._known) >= _KNOWN_MEMO:
                self._known.clear()  # bounded: a batch of millions of lines brings endless one-off words
            lower = to_new_style(word.lower())
            known = self._known[word] = lower in self._forms.get((fold(lower),), ())
        return known

    def best(self, key: tuple[str, ...]) -> tuple[str, ...] | None:
        """The dominant spelling (as words) of a folded key, or None if unknown or ambiguous."""
        try:
            return self._best[key]
        except KeyError:
            pass
        forms = self._forms.get(key)
        result = None
        if forms:
            ranked = sorted(forms.items(), key=lambda kv: -kv[1])
            if len(ranked) == 1 or ranked[0][1] >= DOMINANCE * ranked[1][1]:
                result = tuple(ranked[0][0].split())
        self._best[key] = result
        return result

    def restore(self, text: str) -> str:
        """Restore marks on bare words of ``text`` where the vocabulary is sure; everything else as written.

        Longest phrase first (3, 2, then 1 word), left to right. Whitespace, punctuation at word edges
        and casing
        are kept. Words with digits or inner punctuation are never touched and break phrases.
        """
        parts = _SPLIT.split(text)
        words = parts[0::2]
        cores: list[str | None] = []
        for w in words:
            core = w.strip(_EDGE)
            cores.append(core if core and core.isalpha() else None)
        out = list(words)
        n = len(words)
        i = 0
        while i < n:
            if cores[i] is None:
                i += 1
                continue
            done = 1
            for size in range(min(MAX_PHRASE, n - i), 0, -1):
                window = cores[i : i + size]
                if any(c is None for c in window):
                    continue
                if size > 1 and any(words[k] != cores[k] for k in range(i + 1, i + size - 1)):
                    continue  # punctuation inside the phrase: not one phrase
                if size > 1 and (
                    words[i].rstrip(_EDGE) != words[i] or words[i + size - 1].lstrip(_EDGE) != words[i + size - 1]
                ):
                    continue
                lowered = [c.lower() for c in window if c is not None]  # all are (checked above)
                form = self.best(tuple(fold(c) for c in lowered))
                if form is None or len(form) != size:
                    continue
                ok = True
                for written, f in zip(lowered, form, strict=False):
                    if fold(written) != written and to_new_style(written) != f:
                        ok = False  # the writer put other marks: trust the writer
                        break
                if not ok:
                    continue
                for k in range(size):
                    core = cores[i + k]
                    assert core is not None
                    if fold(core.lower()) == core.lower():  # bare word: restore it
                        start = words[i + k].find(core)
                        out[i + k] = (
                            words[i + k][:start] + _copy_case(form[k], core) + words[i + k][start + len(core) :]
                        )
                done = size
                break
            i += done
        parts[0::2] = out
        return "".join(parts)


@cache
def default_vocabulary() -> Vocabulary:
    """The data file plus the gazetteer's unit names (legacy and 2025), built once per process."""
    names: list[str] = []
    try:
        from vaddr import gazetteer  # lazy: rules must import without the gazetteer data

        for gaz in (gazetteer.legacy(), gazetteer.current()):
            for level in (1, 2, 3):
                names.extend(u.name for u in gaz.units(level))
    except Exception:  # noqa: BLE001 - vocabulary degrades to the data file alone
        names = []
    return Vocabulary.from_words(names)


def restore(text: str, vocabulary: Vocabulary | None = None) -> str:
    """:meth:`Vocabulary.restore` with :func:`default_vocabulary` unless a vocabulary is given."""
    return (vocabulary or default_vocabulary()).restore(text)
