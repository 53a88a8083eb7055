"""The Celery app. Configuration comes from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("accord")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Signal handlers every worker needs: task metrics (runs, failures, runtime) and the task id
# as the request id of log lines.
import config.metrics.tasks  # noqa: E402
import config.request_id  # noqa: E402, F401
