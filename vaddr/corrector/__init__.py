"""The address corrector: `correct()` turns a noisy line (or a recognizer's top-k) into a valid address."""

# Load the submodule `convert` before binding the function of the same name: importing a submodule for the
# first time sets it as an attribute of its package, which would otherwise replace `vaddr.corrector.convert`
# (the function) by the module on the first conversion.
import vaddr.corrector.convert  # noqa: F401, E402  (isort: keep before the api import)
from vaddr.corrector.api import convert, correct
from vaddr.corrector.params import Params


def clear_caches() -> None:
    """Forget memoised searches and renderings (benchmarks call this so that each run starts cold)."""
    from vaddr.corrector import matcher, render, tidy
    from vaddr.rules import abbreviations, text

    matcher.prepare.cache_clear()
    text.normalize.cache_clear()
    text._restyle.cache_clear()
    matcher._search.cache_clear()
    matcher._exact_search.cache_clear()
    render.style.cache_clear()
    render.free_text.cache_clear()
    render.marks_written.cache_clear()
    render.restores_marks.cache_clear()
    matcher._type_spans.cache_clear()
    matcher._marked_letters.cache_clear()
    text.squeeze.cache_clear()
    text._normalize_token.cache_clear()
    tidy._tidy.cache_clear()
    tidy._tidy_token.cache_clear()
    render.shouting.cache_clear()
    render._word_stats.cache_clear()
    abbreviations._lookup_window.cache_clear()
    abbreviations._type_at.cache_clear()
    abbreviations.is_abbreviation.cache_clear()


__all__ = ["Params", "clear_caches", "convert", "correct"]
