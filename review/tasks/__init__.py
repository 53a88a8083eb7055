"""Celery tasks of the review app, one module per feature; import the task from its module.

Importing the package registers every task (Celery's autodiscovery imports review.tasks, and
so do tests that send review's tasks by name), hence the submodule imports below.
"""

from review.tasks import agreement, agreement_counts, flag_counts, flags  # noqa: F401
