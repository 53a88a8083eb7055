"""The external ids an import has read so far, kept compactly, to find ids repeated in a file.

A Python set of the id strings costs ~93 MB per million ids (issue 20); `SeenIds` keeps a
128-bit BLAKE2b digest of each id instead: 17 bytes per id in arrays and filter, about 21 bytes
of RSS at 10M ids (with the recent set and the allocator's slack):
- the digests of the last FLUSH_AT ids, in a Python set (a few MB at most);
- older digests in numpy arrays: two uint64 columns (the digest's high and low halves) sorted
  by the high half, split in BUCKETS buckets by the digest's first byte, so that a flush merges
  a few hundred small arrays and never copies all of them at once (no memory peak);
- a bit filter over the older digests (8 to 16 bits per id; two bits set per id, one from
  each half, so 1.5 to 5% false hits), so most new ids skip the numpy lookup, which costs
  about a microsecond.

Exactness: no false negatives, every id added is found again. A false "repeated" answer needs
two different ids of the file with the same 128-bit digest: probability about n²/2¹²⁹, about
1.5e-25 for 10 million ids. Pure Python and numpy, no Django: it runs in the parsing child
process too (labeling.importers.load.child_process).
"""

from __future__ import annotations

from hashlib import blake2b

import numpy as np
import numpy.typing as npt

FLUSH_AT = 100_000  # digests kept in the Python set before they move to the arrays
BUCKETS = 256  # one per value of the digest's first byte
FILTER_MIN_BITS = 1 << 16
FILTER_BITS_PER_ID = 8  # at least; doubled when it falls under it (so 8 to 16)

Column = npt.NDArray[np.uint64]


def id_digest(external_id: str) -> bytes:
    """The 16-byte digest stored for `external_id`."""
    return blake2b(external_id.encode(), digest_size=16).digest()


class SeenIds:
    """The set of ids read so far; `add` tells whether an id was read before."""

    def __init__(self, flush_at: int = FLUSH_AT) -> None:
        self._flush_at = flush_at
        self._recent: set[bytes] = set()
        empty = np.empty(0, dtype=np.uint64)
        self._highs: list[Column] = [empty] * BUCKETS
        self._lows: list[Column] = [empty] * BUCKETS
        self._stored = 0
        self._filter = bytearray(FILTER_MIN_BITS // 8)
        self._mask = FILTER_MIN_BITS - 1

    def __len__(self) -> int:
        return self._stored + len(self._recent)

    def __contains__(self, external_id: str) -> bool:
        digest = id_digest(external_id)
        if digest in self._recent:
            return True
        return self._filter_has(digest) and self._stored_has(digest)

    def add(self, external_id: str) -> bool:
        """Record `external_id`; True if it was recorded before (a repeat), False if new."""
        # Called once per record of the file: the filter test is inlined, not a method call.
        digest = blake2b(external_id.encode(), digest_size=16).digest()
        recent = self._recent
        if digest in recent:
            return True
        bit = int.from_bytes(digest, "big") & self._mask  # the low half's bits: no slice
        if (
            self._filter[bit >> 3] >> (bit & 7) & 1
            and self._filter_has(digest)
            and self._stored_has(digest)
        ):
            return True
        recent.add(digest)
        if len(recent) >= self._flush_at:
            self._flush()
        return False

    def nbytes(self) -> int:
        """Bytes held by the arrays and the filter (not the recent set): for tests and benches."""
        arrays = sum(column.nbytes for column in self._highs) + sum(
            column.nbytes for column in self._lows
        )
        return arrays + len(self._filter)

    def _filter_has(self, digest: bytes) -> bool:
        """Whether both filter bits of `digest` are set (false for most digests not stored)."""
        filter_, mask, whole = self._filter, self._mask, int.from_bytes(digest, "big")
        return all(
            filter_[bit >> 3] >> (bit & 7) & 1 for bit in (whole & mask, (whole >> 64) & mask)
        )

    def _stored_has(self, digest: bytes) -> bool:
        """Whether the arrays hold `digest` (asked only when its filter bit is set)."""
        low = int.from_bytes(digest[8:], "big")
        highs, lows = self._highs[digest[0]], self._lows[digest[0]]
        high = np.uint64(int.from_bytes(digest[:8], "big"))
        index = int(highs.searchsorted(high))
        # Equal high halves are rare but possible: each one's low half is compared.
        while index < len(highs) and highs[index] == high:
            if int(lows[index]) == low:
                return True
            index += 1
        return False

    def _flush(self) -> None:
        """Move the recent digests into the sorted bucket arrays and the filter."""
        halves = np.frombuffer(b"".join(self._recent), dtype=">u8").astype(np.uint64).reshape(-1, 2)
        self._recent = set()
        order = np.argsort(halves[:, 0], kind="stable")
        highs, lows = halves[order, 0], halves[order, 1]
        del halves, order
        bounds = np.searchsorted(highs >> np.uint64(56), np.arange(BUCKETS + 1, dtype=np.uint64))
        for bucket in range(BUCKETS):
            start, end = int(bounds[bucket]), int(bounds[bucket + 1])
            if start < end:
                self._highs[bucket], self._lows[bucket] = _merged(
                    self._highs[bucket], self._lows[bucket], highs[start:end], lows[start:end]
                )
        self._stored += len(highs)
        if self._stored * FILTER_BITS_PER_ID > len(self._filter) * 8:
            self._filter_grow()
        else:
            _filter_set(self._filter, lows, self._mask)
            _filter_set(self._filter, highs, self._mask)

    def _filter_grow(self) -> None:
        bits = FILTER_MIN_BITS
        while bits < self._stored * FILTER_BITS_PER_ID:
            bits *= 2
        self._filter, self._mask = bytearray(bits // 8), bits - 1
        for halves in (*self._lows, *self._highs):
            _filter_set(self._filter, halves, self._mask)


def _merged(
    highs: Column, lows: Column, new_highs: Column, new_lows: Column
) -> tuple[Column, Column]:
    """The bucket (highs, lows) with the new pairs (sorted by high half) inserted in order."""
    size = len(highs) + len(new_highs)
    # Where each new pair lands: after the old pairs below it and the new pairs before it.
    places = np.searchsorted(highs, new_highs) + np.arange(len(new_highs))
    old = np.ones(size, dtype=bool)
    old[places] = False
    merged: list[Column] = []
    for column, new in ((highs, new_highs), (lows, new_lows)):
        out = np.empty(size, dtype=np.uint64)
        out[places] = new
        out[old] = column
        merged.append(out)
    return merged[0], merged[1]


def _filter_set(bits: bytearray, halves: Column, mask: int) -> None:
    """Set the filter bit of each half; one pass per bit of the byte, since repeated
    indexes in one fancy `|=` keep only one write, which is right when they all set the same bit."""
    if not len(halves):
        return
    view = np.frombuffer(bits, dtype=np.uint8)
    places = halves & np.uint64(mask)
    bytes_at = (places >> np.uint64(3)).astype(np.intp)
    bit_of = (places & np.uint64(7)).astype(np.uint8)
    for bit in range(8):
        view[bytes_at[bit_of == bit]] |= np.uint8(1 << bit)
