"""Whether a model beats the majority-class baseline in cross-validation (pure).

A model is used by the review app's detectors and p_wrong only when its cross-validated
accuracy exceeds the baseline's (the training folds' most common class) by more than
1.645 standard errors of that accuracy (a one-sided 95% margin): on a few dozen items a
lucky fold can put a model that knows nothing a few points ahead.
"""

from __future__ import annotations

import math

Z_ONE_SIDED_95 = 1.645


def beats_baseline(accuracy: float | None, baseline: float | None, evaluated: int) -> bool:
    """True when `accuracy` clears `baseline` by the margin above; False when either is None."""
    if accuracy is None or baseline is None or evaluated <= 0:
        return False
    spread = math.sqrt(max(accuracy * (1 - accuracy), 1e-12) / evaluated)
    return accuracy > baseline + Z_ONE_SIDED_95 * spread
