"""Prometheus metrics at /metrics (issue 18), off unless ACCORD_METRICS_TOKEN is set.

- requests.py: request latency by view (a middleware), per web process, or summed over every
  gunicorn worker when PROMETHEUS_MULTIPROC_DIR is set;
- tasks.py: task runs, failures and runtime by task, counted by Celery signals in the shared
  cache, so a worker on any machine adds to what the web process reports;
- collectors.py: read at scrape time: queue depth from the broker, open leases, submits and
  jobs by status from the database;
- views.py: the bearer-token-guarded endpoint.
"""
