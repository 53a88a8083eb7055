"""A metric value that may be undefined, with the reason why."""

from __future__ import annotations

from dataclasses import dataclass

NO_VARIATION = "no variation"
TOO_FEW_PAIRS = "too few pairable values"
NO_ITEMS = "no items with two or more labels"
UNSUPPORTED = "not defined for this schema kind"


@dataclass(frozen=True, slots=True)
class Metric:
    """A figure that is either a float or undefined (None) with a reason.

    Metrics never invent 1.0 or 0.0 for a degenerate input; they return
    ``Metric(None, reason)`` and the report lists the reason.
    """

    value: float | None
    reason: str | None = None

    @classmethod
    def undefined(cls, reason: str) -> Metric:
        """Build an undefined metric carrying ``reason``."""
        return cls(None, reason)

    @classmethod
    def of(cls, value: float) -> Metric:
        """Build a defined metric, mapping a non-finite result to undefined."""
        if value != value or value in (float("inf"), float("-inf")):
            return cls(None, NO_VARIATION)
        return cls(float(value))
