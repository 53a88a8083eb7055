"""Celery tasks of the labeling app, one submodule per feature (autodiscovered via this package)."""

from labeling.tasks.imports import *  # noqa: F403
from labeling.tasks.lifecycle import *  # noqa: F403
from labeling.tasks.model_server import *  # noqa: F403
from labeling.tasks.pending import *  # noqa: F403
from labeling.tasks.prelabel import *  # noqa: F403
from labeling.tasks.recovery import *  # noqa: F403
from labeling.tasks.webhooks import *  # noqa: F403
