"""SeenIds (labeling.importers.parse.seen_ids): the compact set of ids an import has read (issue 20)."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from labeling.importers.parse import seen_ids
from labeling.importers.parse.seen_ids import SeenIds


def _every_answer(seen: SeenIds, ids: list[str]) -> list[bool]:
    return [seen.add(external_id) for external_id in ids]


def test_a_new_id_is_new_and_a_second_one_is_a_repeat() -> None:
    seen = SeenIds()
    assert seen.add("a") is False
    assert seen.add("b") is False
    assert seen.add("a") is True
    assert "a" in seen
    assert "c" not in seen
    assert len(seen) == 2


def test_empty_string_and_unicode_ids_are_ids_like_any_other() -> None:
    seen = SeenIds(flush_at=2)
    ids = ["", "é", "e\u0301", "日本語", "🙂", " ", "\x00"]
    assert _every_answer(seen, ids) == [False] * len(ids)
    assert _every_answer(seen, ids) == [True] * len(ids)


def test_repeats_are_found_across_flushes_and_bucket_merges() -> None:
    # Given a small flush size, so ids go through many flushes and merges into every bucket
    seen = SeenIds(flush_at=97)
    ids = [f"item-{index}" for index in range(20_000)]
    # When each id is added once, then again in another order
    first = _every_answer(seen, ids)
    random.Random(7).shuffle(ids)
    second = _every_answer(seen, ids)
    # Then the first pass finds no repeat and the second only repeats
    assert not any(first)
    assert all(second)
    assert len(seen) == 20_000


def test_answers_match_a_plain_set_for_mixed_new_and_repeated_ids() -> None:
    rng = random.Random(2024)
    seen, plain = SeenIds(flush_at=500), set[str]()
    for _ in range(30_000):
        external_id = str(rng.randrange(12_000))
        assert seen.add(external_id) == (external_id in plain)
        plain.add(external_id)
    assert len(seen) == len(plain)


def test_equal_high_halves_are_told_apart_by_the_low_half(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given digests whose high halves all collide (forced), only the low halves differ
    class Colliding:
        def __init__(self, data: bytes, digest_size: int) -> None:
            self.real = hashlib.blake2b(data, digest_size=digest_size).digest()

        def digest(self) -> bytes:
            return bytes(8) + self.real[8:]

    monkeypatch.setattr(seen_ids, "blake2b", Colliding)
    seen = SeenIds(flush_at=10)
    ids = [f"x{index}" for index in range(300)]
    # Then every first sight is new and every second one a repeat, through both lookups
    assert not any(_every_answer(seen, ids))
    assert all(_every_answer(seen, ids))
    assert all(external_id in seen for external_id in ids)
    assert "y" not in seen
    assert len(seen._highs[0]) == 300 - len(seen._recent)


def test_stored_arrays_stay_sorted_and_cost_about_sixteen_bytes_an_id() -> None:
    seen = SeenIds(flush_at=1000)
    count = 200_000
    assert not any(_every_answer(seen, [f"id-{index}" for index in range(count)]))
    for highs in seen._highs:
        assert bool(np.all(highs[1:] >= highs[:-1]))
    # 16 bytes of digest and 1 or 2 of filter an id (the filter has a 8 KB floor)
    assert 16 * count <= seen.nbytes() <= 18 * count + 8192
