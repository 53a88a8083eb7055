"""Re-exports of labeling.values for callers that still import them from here.

The annotation-value contract is read in labeling/values.py only. guidelines/services.py imports
`value_labels` from this module; point it at labeling.values and delete this file.
"""

from __future__ import annotations

from labeling.values import schema_labels, value_labels

__all__ = ["schema_labels", "value_labels"]
