"""Celery tasks of the review app, one submodule per feature (autodiscovered via this package)."""

from review.tasks.agreement import *  # noqa: F403
from review.tasks.agreement_counts import *  # noqa: F403
from review.tasks.flag_counts import *  # noqa: F403
from review.tasks_flags import *  # noqa: F403
