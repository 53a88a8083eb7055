"""`{% shortcuts_state user %}`: "on" or "off", for <body data-shortcuts> (WCAG 2.1.4)."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AbstractBaseUser

from labeling import selectors

register = template.Library()


@register.simple_tag
def shortcuts_state(user: AbstractBaseUser | None) -> str:
    """'off' when the user turned single-key shortcuts off, else 'on' (also for no user)."""
    if not getattr(user, "is_authenticated", False):
        return "on"
    return "on" if selectors.shortcuts_enabled(user=user) else "off"
