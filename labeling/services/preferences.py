"""A user's labeling preferences (labeling.models.LabelingPreference): set them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.models import LabelingPreference


@transaction.atomic
def shortcuts_enabled_set(*, user: AbstractBaseUser, enabled: bool) -> LabelingPreference:
    """Turn `user`'s single-key shortcuts on or off (labeling and review screens)."""
    preference, _ = LabelingPreference.objects.update_or_create(
        user=user, defaults={"shortcuts_enabled": enabled}
    )
    return preference
