"""Headline agreement from summed per-item value counts, so a submit updates it in O(K^2).

An item's sufficient statistic is its count vector n_u (how many of its m_u labels took each
value). Every headline figure is a function of integer sums grouped by m = m_u:
    N_m = items with m labels,  D_m[c] = sum n_uc,  S_m[c, k] = sum n_uc n_uk
- coincidences (Krippendorff): o = sum_{m>=2} (S_m - diag D_m) / (m - 1)
- percent agreement: mean over items with m >= 2 of sum_c n_c (n_c - 1) / (m (m - 1))
  = sum_{m>=2} sum_c (S_m[c, c] - D_m[c]) / (m (m - 1)) / sum_{m>=2} N_m
- category shares (Fleiss, Gwet): pi = sum_{m>=1} (D_m / m) / sum_{m>=1} N_m
The sums are integers, so adding and removing items in any order never drifts. The JSON form
(``Totals``): {"<m>": {"n": N_m, "d": {key: D_m}, "s": {"key1<US>key2": S_m}}}, keys being
value keys (label, rating point, label set). Pure module: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from review.metrics.alpha import Level, alpha_from_coincidences, difference_matrix
from review.metrics.results import NO_ITEMS, NO_VARIATION, Metric
from review.metrics.tables import FloatArray

Totals = dict[str, dict[str, Any]]
SEP = "\x1f"  # between the two value keys of an S entry


def totals_add(totals: Totals, counts: Mapping[str, int], sign: int = 1) -> None:
    """Add (sign 1) or remove (sign -1) one item's value counts, in place; empty buckets go.

    A larger sign adds that many items with the same counts.
    """
    m = sum(counts.values())
    if m <= 0:
        return
    bucket = totals.setdefault(str(m), {"n": 0, "d": {}, "s": {}})
    bucket["n"] += sign
    for first, a in counts.items():
        _bump(bucket["d"], first, sign * a)
        for second, b in counts.items():
            _bump(bucket["s"], first + SEP + second, sign * a * b)
    if bucket["n"] == 0 and not bucket["d"] and not bucket["s"]:
        del totals[str(m)]


def _bump(table: dict[str, int], key: str, delta: int) -> None:
    value = table.get(key, 0) + delta
    if value:
        table[key] = value
    else:
        table.pop(key, None)


def observed_keys(totals: Totals) -> list[str]:
    """Every value key given at least once, sorted (the domain of label sets)."""
    return sorted({key for bucket in totals.values() for key in bucket["d"]})


def _arrays(totals: Totals, domain: Sequence[str]) -> dict[str, Any]:
    """o, the pairable observed agreement sum and count, and the share sums, over ``domain``."""
    index = {key: code for code, key in enumerate(domain)}
    size = len(domain)
    o = np.zeros((size, size))
    agree, pairable, shares, rated, labels = 0.0, 0, np.zeros(size), 0, 0
    for m_text, bucket in totals.items():
        m = int(m_text)
        d = np.zeros(size)
        for key, value in bucket["d"].items():
            d[index[key]] = value
        s = np.zeros((size, size))
        for pair, value in bucket["s"].items():
            first, second = pair.split(SEP)
            s[index[first], index[second]] = value
        rated, labels, shares = rated + bucket["n"], labels + m * bucket["n"], shares + d / m
        if m >= 2:
            o += (s - np.diag(d)) / (m - 1.0)
            agree += float((np.diag(s) - d).sum()) / (m * (m - 1.0))
            pairable += bucket["n"]
    return {
        "o": o,
        "agree": agree,
        "pairable": pairable,
        "shares": shares,
        "rated": rated,
        "labels": labels,
    }


def figures(
    totals: Totals, domain: Sequence[str], levels: Sequence[Level], scale: FloatArray | None = None
) -> dict[str, Any]:
    """Headline figures (Metric each): alpha per level, percent agreement, Fleiss, Gwet's AC1.

    ``domain`` lists the value keys in code order (scale order for ratings); ``scale`` the
    numeric value of each (default 0..K-1). Also "items" (with 2+ labels) and "annotations".
    """
    found = _arrays(totals, domain)
    o = found["o"]
    values = np.arange(len(domain), dtype=np.float64) if scale is None else scale
    alphas = {
        level: alpha_from_coincidences(o, difference_matrix(level, values, o.sum(axis=1)))
        for level in levels
    }
    result: dict[str, Any] = {
        "items": found["pairable"],
        "annotations": found["labels"],
        "krippendorff_alpha": alphas,
    }
    if not found["pairable"]:
        result |= dict.fromkeys(
            ("percent_agreement", "fleiss_kappa", "gwet_ac1"), Metric.undefined(NO_ITEMS)
        )
        return result
    observed = found["agree"] / found["pairable"]
    pi = found["shares"] / found["rated"]
    chance = float((pi**2).sum())
    fleiss = (
        Metric.undefined(NO_VARIATION)
        if chance >= 1.0 - 1e-12
        else Metric.of((observed - chance) / (1.0 - chance))
    )
    q = len(domain)
    gwet_chance = float((pi * (1.0 - pi)).sum() / (q - 1)) if q >= 2 else None
    gwet = (
        Metric.undefined("fewer than two categories")
        if gwet_chance is None
        else Metric.of((observed - gwet_chance) / (1.0 - gwet_chance))
    )
    result |= {"percent_agreement": Metric.of(observed), "fleiss_kappa": fleiss, "gwet_ac1": gwet}
    return result
