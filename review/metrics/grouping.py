"""Alpha per group of annotations (guideline version, week, any annotation attribute)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from review.metrics.alpha import Level, krippendorff_alpha
from review.metrics.bootstrap import alpha_bootstrap_ci
from review.metrics.tables import count_table

GROUP_REPLICATES = 500


def grouped_alpha(
    keys: npt.ArrayLike,
    items: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    n_items: int,
    n_values: int,
    level: Level = "nominal",
    scale: npt.ArrayLike | None = None,
) -> list[dict[str, Any]]:
    """Alpha, its bootstrap interval and counts for each distinct group key.

    Each group keeps only its own annotations, so an item labelled under two
    guideline versions contributes its pairs to each version separately; items
    with fewer than two labels inside a group drop out of that group.
    """
    key_arr, it, co = np.asarray(keys), np.asarray(items), np.asarray(codes)
    groups = []
    distinct, inverse = np.unique(key_arr, return_inverse=True)
    for index, key in enumerate(distinct):
        mask = inverse == index
        counts = count_table(it[mask], co[mask], n_items, n_values)
        alpha = krippendorff_alpha(counts, level, scale)
        low, high = alpha_bootstrap_ci(counts, level, scale, replicates=GROUP_REPLICATES)
        groups.append(
            {
                "key": key.item() if hasattr(key, "item") else key,
                "annotations": int(mask.sum()),
                "items": int((counts.sum(axis=1) >= 2).sum()),
                "alpha": alpha.value,
                "alpha_ci": [low.value, high.value],
                "reason": alpha.reason,
            }
        )
    return groups
