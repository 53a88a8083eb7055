"""Figures read at scrape time: queue depth, open leases, submits, jobs, task counters."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from config.celery import app as celery_app
from config.metrics.tasks import task_counts
from labeling.models import Assignment, AssignmentStatus, ImportJob, PrelabelJob

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_S = 3


def queue_depths() -> dict[str, int]:
    """Messages waiting in each of Accord's queues (a queue nobody declared yet counts 0)."""
    depths = dict.fromkeys(settings.ACCORD_QUEUES, 0)
    with celery_app.connection_for_read(connect_timeout=BROKER_TIMEOUT_S) as broker:
        channel = broker.default_channel
        for queue in depths:
            try:
                depths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
            except Exception:  # the transport says "no such queue" in its own way: empty
                depths[queue] = 0
    return depths


class AccordCollector(Collector):
    """Reads the database, the broker and the task counters on each scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from self._database()
        yield from self._tasks()
        try:
            depths = queue_depths()
        except Exception as error:  # a broker outage must not hide the other metrics
            logger.warning("queue depth unavailable: %r", error)
            return
        depth = GaugeMetricFamily("accord_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"])
        for queue, count in depths.items():
            depth.add_metric([queue], count)
        yield depth

    def _database(self) -> Iterator[Metric]:
        statuses = Assignment.objects.filter(status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED])
        counts = dict(statuses.values_list("status").annotate(n=Count("id")).order_by())
        yield GaugeMetricFamily(
            "accord_open_leases", "Assignments handed out and not yet submitted, skipped or expired.",
            value=counts.get(AssignmentStatus.ACTIVE, 0),
        )
        yield CounterMetricFamily(
            "accord_submits", "Assignments submitted (rate() gives submits per second).",
            value=counts.get(AssignmentStatus.SUBMITTED, 0),
        )
        jobs = GaugeMetricFamily("accord_jobs", "Background jobs by kind and status.", labels=["kind", "status"])
        for kind, model in (("import", ImportJob), ("prelabel", PrelabelJob)):
            for status, n in model.objects.values_list("status").annotate(n=Count("id")).order_by():
                jobs.add_metric([kind, status], n)
        yield jobs

    def _tasks(self) -> Iterator[Metric]:
        runs = CounterMetricFamily("accord_task_runs", "Celery task runs, by task.", labels=["task"])
        failures = CounterMetricFamily("accord_task_failures", "Celery task failures, by task.", labels=["task"])
        seconds = CounterMetricFamily(
            "accord_task_seconds", "Celery task runtime summed, by task (divide by runs).", labels=["task"]
        )
        celery_app.loader.import_default_modules()  # every app's tasks, as in a worker (once)
        names = sorted(name for name in celery_app.tasks if not name.startswith("celery."))
        for name, counts in task_counts(names).items():
            runs.add_metric([name], counts["runs"])
            failures.add_metric([name], counts["failures"])
            seconds.add_metric([name], counts["milliseconds"] / 1000)
        yield from (runs, failures, seconds)
