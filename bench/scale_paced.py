"""The paced half of scale_bench.py: many annotators over real HTTP at a fixed offered rate.

Gives `annotators` members of the bench project a token each, starts gunicorn on a free
loopback port (bench/assign_bench.py's server: gthread, 8 workers x 4 threads, the layout that
did best on 2 cores), and runs assign_bench's paced annotators against it: together they offer
`rate` submits/s, each on a fixed schedule, next counted from its scheduled start. A warm-up
(each server process imports code on its first requests; as long as the window when that is
shorter) comes before the measured window.
The server's Celery broker is kombu's in-memory transport and no worker runs, as for the
other rows (their enqueue is a no-op): what is timed is the web request.
"""

from __future__ import annotations

import asyncio
import os
import time
from types import SimpleNamespace
from typing import Any

SERVER = SimpleNamespace(workers=8, worker_class="gthread", threads=4)
WARM_UP_S = 5.0


def tokens(project: Any, annotators: int) -> list[str]:
    """A fresh token for each of `annotators` paced annotators of the project (made when missing)."""
    from django.contrib.auth import get_user_model

    from labeling.models import Membership, Role
    from labeling.services.tokens import api_token_create

    keys = []
    for n in range(annotators):
        user, _ = get_user_model().objects.update_or_create(
            username=f"scale-paced-{n}", defaults={"is_active": True}
        )
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.ANNOTATOR})
        keys.append(api_token_create(user=user, name="scale-bench-paced")[1])
    return keys


def paced(project: Any, *, annotators: int, rate: float, seconds: float) -> dict[str, Any]:
    """Achieved submits/s and next/submit p50/p95 (ms) at `rate` submits/s offered."""
    from assign_bench import Annotator, free_port, percentile, server_stop, start_server

    keys = tokens(project, annotators)
    os.environ["CELERY_BROKER_URL"] = "memory://"  # the server's; no worker is measured
    port = free_port()
    # A tiny run (the CI smoke test) needs no more server processes than annotators.
    server = start_server(SimpleNamespace(**{**vars(SERVER), "workers": min(SERVER.workers, annotators)}), port)
    try:
        measure_from = time.monotonic() + min(WARM_UP_S, seconds)
        window = (measure_from, measure_from + seconds)
        crowd = [Annotator(port, key, project.pk, window, annotators / rate) for key in keys]
        asyncio.run(_load(crowd))
    finally:
        server_stop(server)
    next_ms = [ms for a in crowd for ms in a.next_ms]
    submit_ms = [ms for a in crowd for ms in a.submit_ms]
    errors = [error for a in crowd for error in a.errors]
    if errors:
        raise SystemExit(f"paced annotators: {len(errors)} failed requests, e.g. {sorted(set(errors))[:3]}")
    return {
        "paced_submits_per_s": sum(a.counted for a in crowd) / seconds,
        "paced_next": (percentile(next_ms, 0.5), percentile(next_ms, 0.95)),
        "paced_submit": (percentile(submit_ms, 0.5), percentile(submit_ms, 0.95)),
    }


async def _load(crowd: list[Any]) -> None:
    await asyncio.gather(*(annotator.run() for annotator in crowd))
