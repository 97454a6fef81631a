"""The corrector's parameter object: explicit, frozen, part of cache keys; fitted weights read from data."""

from __future__ import annotations

import ast
import copy
import dataclasses
import json
from pathlib import Path

import pytest

from vaddr import correct
from vaddr.corrector import params as P
from vaddr.types import Level

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_frozen_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        P.DEFAULT.beam = 5  # type: ignore[misc]
    assert hash(P.DEFAULT) == hash(P.Params())
    assert P.DEFAULT.search_cutoff == 4  # the largest max_edits: the fuzzy search never needs more
    assert [P.DEFAULT.max_edits(n) for n in (3, 4, 5, 6, 9, 10, 14, 15, 40)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert P.DEFAULT.skip(Level.WARD) == 0.5


def test_weights_come_from_the_data_file_with_provenance() -> None:
    record = json.loads((ROOT / "vaddr/corrector/data/weights.json").read_text(encoding="utf-8"))
    assert P.fitted_weights() == P.Weights(**record["weights"])
    assert P.DEFAULT.weights == P.fitted_weights()
    assert "command" in P.weights_provenance() and "data" in P.weights_provenance()


def test_params_are_used_and_never_share_a_cached_search() -> None:
    """A typo needs an edit; with no edits allowed the same line finds no ward, and the default finds it again
    afterwards (the memoised search keys on the parameters)."""
    line = "Phuong Ben Ngje Quan 1 Ho Chi Minh"
    assert correct(line).ward.name == "Bến Nghé"
    strict = dataclasses.replace(P.DEFAULT, edit_limits=((99, 0),), edit_limit_long=0)
    assert correct(line, params=strict).ward is None
    assert correct(line).ward.name == "Bến Nghé"


def test_weights_are_passed_not_global() -> None:
    """The unknown-word weight makes a slightly less likely reading of known words win; set to 0, it does not."""
    hyps = [("Qzxv 5 Phường Bến Nghé Quận 1 Hồ Chí Minh", -1.0), ("Thôn 5 Phường Bến Nghé Quận 1 Hồ Chí Minh", -1.2)]
    assert correct(hyps).remainder == "Thôn 5"
    no_lexicon = dataclasses.replace(P.DEFAULT, weights=P.Weights(unknown_word=0.0))
    assert correct(hyps, params=no_lexicon).remainder == "Qzxv 5"
    assert correct(hyps).remainder == "Thôn 5"


def test_no_import_cycle_between_index_and_matcher() -> None:
    tree = ast.parse((ROOT / "vaddr/corrector/index.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module is not None}
    assert "vaddr.corrector.matcher" not in imported


def test_level_enum_serialises_as_plain_strings() -> None:
    a = correct("Phường Bến Nghé Quận 1 Hồ Chí Minh")
    assert a.ward.level is Level.WARD and a.ward.level == "ward"
    data = json.loads(a.model_dump_json())
    assert [data[k]["level"] for k in ("province", "district", "ward")] == ["province", "district", "ward"]
    assert f"{Level.DISTRICT}" == "district" and Level.of_depth(1) is Level.PROVINCE


def test_hash_is_cached_and_survives_pickling_into_another_process() -> None:
    """Params keys every memoised search, so its hash is computed once; a worker process (other string hash
    seed) must recompute it, or equal Params would hash apart there."""
    import pickle
    import subprocess
    import sys

    other = dataclasses.replace(P.DEFAULT, beam=P.DEFAULT.beam + 1)
    assert hash(P.Params()) == hash(P.DEFAULT) and other != P.DEFAULT
    assert pickle.loads(pickle.dumps(other)) == other and copy.copy(other) == other
    code = (
        "import dataclasses, pickle, sys\n"
        "from vaddr.corrector.params import DEFAULT\n"
        "a, d = pickle.loads(sys.stdin.buffer.read())\n"
        "same = dataclasses.replace(DEFAULT, beam=DEFAULT.beam + 1)\n"
        "print(d == DEFAULT and hash(d) == hash(DEFAULT) and a == same and hash(a) == hash(same))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps((other, P.DEFAULT)), capture_output=True, check=True
    )
    assert out.stdout.strip() == b"True", out.stderr
