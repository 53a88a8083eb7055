"""`{{ value|value_text }}`: an annotation value as every page shows it (labeling.values)."""

from __future__ import annotations

from django import template

from labeling.values import value_text as _value_text

register = template.Library()


@register.filter
def value_text(value: object) -> str:
    """The value's display text; '' for None (see labeling.values.value_text)."""
    return _value_text(value)
