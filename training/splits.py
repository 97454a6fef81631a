"""How the real lines are split (no dependencies, so benchmarks can import it without the training extra)."""

from __future__ import annotations

#: Held-out writers (validation only, never trained on). Fixed: drawn once with random.Random(2023)
#: from the 50 sorted writer ids, then written down here so that it never changes.
VAL_WRITERS: tuple[str, ...] = ("125", "208", "211", "222", "262", "298", "61", "68", "8", "98")
